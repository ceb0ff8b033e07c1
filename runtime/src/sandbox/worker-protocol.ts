// Messages between the Sandbox (main thread) and a container's worker.

import type { HostedMemory } from './engine/engine.js';

export interface RunMessage {
  type: 'run';
  module: WebAssembly.Module;
  sab: SharedArrayBuffer;
  args: string[];
  env: string[];
  stdin?: Uint8Array;
  /** fd 0 is a stream served by the main thread (exec/attach): reads block there. */
  stdinStream?: boolean;
  /** Present when the module imports wasmkube.out_of_fuel (fuel-abi.ts). */
  fuel?: { fuelPerCoreSecond: number; cpuMillis?: number; budget?: number };
  memoryBytes?: number;
  /** The guest's own memories, created here with these limits and imported as wasmkube.<name> (engine hostedMemories()). */
  memories?: HostedMemory[];
  /** CompiledImage.startExport: called right after instantiation (the module's moved start function). */
  startExport?: string;
  /** CompiledImage.growFailedExport: an i32 global the instrumented module sets when memory.grow fails. */
  growFailedExport?: string;
}

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'started'; at: number }
  | { type: 'log'; fd: 1 | 2; data: Uint8Array }
  | {
      type: 'exit';
      at: number;
      /** proc_exit code or 0 on return from _start. */
      code?: number;
      trap?: string;
      fuelExhausted?: boolean;
      memoryBytes: number;
      /** The guest was near its memory cap, or saw memory.grow fail, when it ended. */
      nearMemoryCap?: boolean;
      growFailed?: boolean;
      /** Instantiation failed (a link error, a missing _start). */
      startError?: string;
    };
