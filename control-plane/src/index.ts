export * from './store/store.js';
export { openLevelStore } from './store/leveldb-store.js';
export { startApiServer } from './server.js';
export type { ApiServer, ApiServerOptions } from './server.js';
export { startControlPlane } from './control-plane.js';
export type { ControlPlaneOptions, RunningControlPlane } from './control-plane.js';
export type { NodeProxy, NodeProxyRequest } from './api/node-proxy.js';
export { Scheduler, DEFAULT_SCHEDULER, type SchedulerOptions } from './scheduler/index.js';
export { startControllers, type RunningControllers, type ControllerOptions } from './controllers/index.js';
