export { startNodeAgent, type NodeAgent, type NodeAgentOptions } from './agent.js';
export type { KubeletConfig } from './config.js';
export { SandboxRuntime, type SandboxRuntimeOptions } from './sandbox-runtime.js';
export type { ContainerRuntime, ContainerLaunch, RunningContainer, ExitInfo } from './runtime.js';
export { CreateContainerError } from './runtime.js';
export { CRASH_BACKOFF, type BackoffPolicy } from './backoff.js';
export { FUEL_BUDGET_ANNOTATION } from './pod/container-runner.js';
