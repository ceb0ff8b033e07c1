// Server side of kubectl exec, attach and port-forward, on a raw upgraded socket.
//
// Use from an http server's 'upgrade' event (Node emits it for the WebSocket GET and for the SPDY POST
// alike; both arrive with an `Upgrade` header); the protocol is picked from the headers:
//
//   server.on('upgrade', (req, socket, head) => {
//     const sub = new URL(req.url!, 'http://x').pathname.split('/').pop();
//     if (sub === 'exec') void handleExecUpgrade(req, socket, head, { run: (io) => startProcess(io) });
//     else if (sub === 'attach') void handleAttachUpgrade(req, socket, head, { run: (io) => attachTo(io) });
//     else if (sub === 'portforward') void handlePortForwardUpgrade(req, socket, head, { dial: (port) => connectToPod(port) });
//   });
//
// `run` gets the command/container/tty from the query string plus stdin/stdout/stderr streams, a
// resize emitter and an abort signal, and resolves with the exit code. Each handler resolves when its
// session is over and never rejects; an unsupported request gets a 400 metav1.Status.
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
