// WebSocket handshakes go through `ws` (noServer + handleUpgrade): it validates the key/version,
// computes Sec-WebSocket-Accept and does the framing, masking, fragmentation and ping/pong we would
// otherwise have to re-write.
//
// The subprotocol is chosen by us before the handshake (an unsupported offer is refused with a 400,
// which makes kubectl fall back to SPDY), and we add it to the 101 ourselves through ws's documented
// 'headers' event: ws rejects `SPDY/3.1+portforward.k8s.io` with "Invalid Sec-WebSocket-Protocol
// header" because '/' is not an RFC 7230 token character, yet that is what kubectl ≥ 1.31 sends.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

const chosen = new WeakMap<IncomingMessage, string>();

const wss = new WebSocketServer({ noServer: true, clientTracking: false, perMessageDeflate: false });
wss.on('headers', (headers: string[], req: IncomingMessage) => {
  const protocol = chosen.get(req);
  if (protocol) headers.push(`Sec-WebSocket-Protocol: ${protocol}`);
});

/** Completes the handshake; `protocol` is echoed in the 101 unless it is '' (none offered). */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer, protocol: string): Promise<WebSocket> {
  chosen.set(req, protocol);
  // Keep ws away from the offer (it would refuse the non-token one); the choice is already made.
  delete req.headers['sec-websocket-protocol'];
  return new Promise((resolve, reject) => {
    // ws answers invalid handshakes itself (400) and then never calls back.
    socket.once('close', () => reject(new Error('socket closed during WebSocket handshake')));
    wss.handleUpgrade(req, socket, head, (ws) => resolve(ws));
  });
}
