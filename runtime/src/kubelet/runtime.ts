// The kubelet's view of the container runtime (the CRI of this project): start a container from a
// pulled image inside a pod's sandbox (IP, volumes), wait for it, stop it, read its usage.
// sandbox-runtime.ts implements it on the wasm sandbox.

import type { Readable, Writable } from 'node:stream';

export interface Mount {
  guestPath: string;
  hostPath: string;
  readOnly: boolean;
}

export interface ContainerLaunch {
  /** Unique per container instance ("wasm://<hex>"). */
  id: string;
  podUid: string;
  podIp: string;
  image: { name: string; digest: string; bytes: Uint8Array };
  args: string[];
  env: Record<string, string>;
  mounts: Mount[];
  /** Ports to pre-open as listening sockets on the pod IP. */
  ports: { name?: string; port: number }[];
  limits: { cpuMillis?: number; memoryBytes?: number; fuelBudget?: number };
  /** CRI-format log file for stdout/stderr, unless stdio is given. */
  logPath?: string;
  /** For exec and exec probes: the streams instead of a log file. */
  stdio?: { stdin?: Readable; stdout?: Writable; stderr?: Writable };
}

export type ExitReason = 'Completed' | 'Error' | 'OOMKilled' | 'FuelExhausted' | 'Killed' | 'ContainerCannotRun';

export interface ExitInfo {
  exitCode: number;
  reason: ExitReason;
  message?: string;
  startedAt: Date;
  finishedAt: Date;
}

export interface ContainerUsage {
  /** CPU in cores averaged over the recent window. */
  cpuCores: number;
  memoryBytes: number;
}

export interface RunningContainer {
  readonly id: string;
  readonly startedAt: Date;
  readonly exited: Promise<ExitInfo>;
  /** Stop: give the guest graceMs, then force. Resolves with the exit. */
  stop(graceMs: number): Promise<ExitInfo>;
  usage(): ContainerUsage;
}

/** A container that cannot be created (bad image bytes, unsupported import, limits below the module's needs). */
export class CreateContainerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CreateContainerError';
  }
}

export interface ContainerRuntime {
  /** Throws CreateContainerError when the image cannot run at all. */
  start(launch: ContainerLaunch): Promise<RunningContainer>;
  /** Optional: get an image ready (compiled) before its first container; never rejects. */
  prepare?(image: ContainerLaunch['image']): Promise<void>;
  close(): Promise<void>;
}
