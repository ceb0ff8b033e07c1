// Public API of @wasmkube/runtime.
export { Sandbox, isFuelMetered, DEFAULT_FUEL_PER_CORE_SECOND } from './sandbox/sandbox.js';
export type { SandboxOptions, StartOptions, ListenPort, ContainerLimits, CompiledImageLike } from './sandbox/sandbox.js';
export { Container } from './sandbox/container.js';
export type { ContainerUsage } from './sandbox/container.js';
export type { ExitStatus, ExitReason } from './sandbox/exit-status.js';
export type { Mount } from './sandbox/host-io.js';
export { LoopbackNetwork } from './sandbox/network.js';
export type { PodNetwork } from './sandbox/network.js';
export { LogWriter, rfc3339NanoNow } from './sandbox/log-writer.js';
export { readLog, parseRecord } from './sandbox/log-reader.js';
export type { ReadLogOptions, LogRecord } from './sandbox/log-reader.js';
// The node agent (kubelet role) and the node's image store.
export * from './kubelet/index.js';
export * from './images/index.js';
