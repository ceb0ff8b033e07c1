// Server side of kubectl exec, attach and port-forward, on a raw upgraded socket.
export { handleExecUpgrade, handleAttachUpgrade } from './exec.js';
export type { ExecIO, ExecOptions } from './exec-options.js';
export type { TerminalSize, ResizeEvents } from './resize.js';
export { handlePortForwardUpgrade, type PortForwardOptions } from './portforward.js';
export type { Dial } from './portforward-relay.js';
export { successStatus, exitCodeStatus, internalErrorStatus, type ExecStatus } from './status.js';
export { EXEC_WEBSOCKET_PROTOCOLS } from './exec-websocket.js';
export { EXEC_SPDY_PROTOCOLS } from './exec-spdy.js';
export { PORTFORWARD_WEBSOCKET_PROTOCOLS, PORTFORWARD_SPDY_PROTOCOLS } from './portforward.js';
export { PORTFORWARD_LEGACY_WEBSOCKET_PROTOCOLS } from './portforward-websocket.js';
