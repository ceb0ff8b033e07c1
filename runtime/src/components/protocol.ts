// Messages between the agent (main thread) and a component container's worker, beside the
// sandbox's own (worker-protocol.ts: ready, started, log, exit — reused unchanged).
import type { ComponentKind } from './interfaces.js';
import type { RequestMessage } from './wasi/http-types.js';

export interface RunComponentMessage {
  type: 'run-component';
  kind: ComponentKind;
  js: string;
  coreModules: Record<string, WebAssembly.Module>;
  coreInfo: Record<string, { startExport?: string; growFailedExport?: string }>;
  /** The sandbox channel (rpc-channel.ts): host calls (files, sockets), usage, CPU clock. */
  sab: SharedArrayBuffer;
  /** Int32[1]: bumped and notified by the agent when it posts something a blocked guest waits for. */
  wake: SharedArrayBuffer;
  args: string[];
  env: [string, string][];
  stdin?: Uint8Array;
  /** The pod's mounts, in preopen order (the host's fds 3, 4, …). */
  preopens: { guestPath: string; readOnly: boolean }[];
  fuel?: { fuelPerCoreSecond: number; cpuMillis?: number; budget?: number };
  memoryBytes?: number;
  /** http: reset an instance after each request by restoring its memories (snapshot.ts) rather than making a new one. */
  restore: boolean;
  /** http: instances kept ready for the next requests (StarlingMonkey serves one request per instance). */
  instancePool?: number;
}

export type AgentToWorker = { type: 'http-request'; id: number; req: RequestMessage };

export type WorkerToAgent =
  | { type: 'http-head'; id: number; status: number; headers: [string, string][] }
  | { type: 'http-body'; id: number; data: Uint8Array }
  | { type: 'http-end'; id: number; error?: string };
