// Public API of @wasmkube/runtime.
export { Sandbox, isFuelMetered, supportedImports } from './sandbox/sandbox.js';
export type { SandboxOptions, SandboxCompileOptions, StartOptions, ListenPort, ContainerLimits } from './sandbox/sandbox.js';
export { Container } from './sandbox/container.js';
export type { ContainerUsage } from './sandbox/container.js';
export type { ExitStatus, ExitReason } from './sandbox/exit-status.js';
export type { Mount } from './sandbox/host-io.js';
export type { CompiledImage } from './sandbox/engine/index.js';
export { stackSwitching } from './sandbox/engine/suspend.js';
export { LoopbackNetwork } from './sandbox/network.js';
export type { PodNetwork } from './sandbox/network.js';
export { ClusterNetwork, TUNNEL_ANNOTATION } from './network/index.js';
export type { ClusterNetworkOptions } from './network/index.js';
export { LogWriter, rfc3339NanoNow } from './sandbox/log-writer.js';
export { readLog, parseRecord } from './sandbox/log-reader.js';
export type { ReadLogOptions, LogRecord } from './sandbox/log-reader.js';
// The node agent (kubelet role) and the node's image store.
export * from './kubelet/index.js';
export * from './images/index.js';
