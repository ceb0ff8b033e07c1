// WebSocket handshakes go through `ws` (noServer + handleUpgrade): it validates the key/version,
// computes Sec-WebSocket-Accept and does the framing, masking, fragmentation and ping/pong we would
// otherwise have to re-write. The subprotocol is chosen by us before the handshake (so an
// unsupported offer can be refused with a 400, which makes kubectl fall back to SPDY), and ws only
// echoes it back in the 101.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

const chosen = new WeakMap<IncomingMessage, string>();

const wss = new WebSocketServer({
  noServer: true,
  clientTracking: false,
  perMessageDeflate: false,
  handleProtocols: (_offered, req) => chosen.get(req) ?? false,
});

export function acceptWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer, protocol: string): Promise<WebSocket> {
  chosen.set(req, protocol);
  return new Promise((resolve, reject) => {
    // ws answers invalid handshakes itself (400) and then never calls back.
    socket.once('close', () => reject(new Error('socket closed during WebSocket handshake')));
    wss.handleUpgrade(req, socket, head, (ws) => resolve(ws));
  });
}
