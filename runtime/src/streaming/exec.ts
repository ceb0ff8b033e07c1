// Entry point for exec and attach upgrades: WebSocket (GET) or SPDY/3.1 (POST), chosen by the headers.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { resolveExecOptions, type ExecOptions } from './exec-options.js';
import { execOverSpdy, EXEC_SPDY_PROTOCOLS } from './exec-spdy.js';
import { execOverWebSocket, EXEC_WEBSOCKET_PROTOCOLS } from './exec-websocket.js';
import { headerList, isSpdyUpgrade, isWebSocketUpgrade, pickProtocol, prepareSocket, rejectUpgrade } from './upgrade.js';

/**
 * Serves one exec upgrade on a raw socket (from an http server's 'upgrade' event). Resolves when the
 * session is over; never rejects. Anything that is not a supported upgrade gets a 400 Status.
 */
export async function handleExecUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, opts: ExecOptions): Promise<void> {
  prepareSocket(socket);
  socket.on('error', () => socket.destroy());
  const o = resolveExecOptions(req, opts);
  if (typeof o === 'string') return rejectUpgrade(socket, o);
  if (isWebSocketUpgrade(req)) {
    const protocol = pickProtocol(headerList(req, 'sec-websocket-protocol'), EXEC_WEBSOCKET_PROTOCOLS);
    if (!protocol) return rejectUpgrade(socket, `no supported WebSocket subprotocol; expected one of ${EXEC_WEBSOCKET_PROTOCOLS.join(', ')}`);
    return execOverWebSocket(req, socket, head, protocol, o);
  }
  if (isSpdyUpgrade(req)) {
    const protocol = pickProtocol(headerList(req, 'x-stream-protocol-version'), EXEC_SPDY_PROTOCOLS);
    if (!protocol) return rejectUpgrade(socket, `no supported X-Stream-Protocol-Version; expected one of ${EXEC_SPDY_PROTOCOLS.join(', ')}`);
    return execOverSpdy(req, socket, head, protocol, o);
  }
  return rejectUpgrade(socket, 'expected a WebSocket (GET) or SPDY/3.1 (POST) upgrade');
}

/** attach: the same machinery; no command, and the Status is Success unless `run` fails. */
export function handleAttachUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, opts: ExecOptions): Promise<void> {
  return handleExecUpgrade(req, socket, head, { ...opts, kind: 'attach' });
}
