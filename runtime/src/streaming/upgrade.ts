// HTTP-level handshake helpers shared by exec, attach and port-forward: which upgrade the client asked
// for, which subprotocol we pick, and raw responses written straight onto the not-yet-upgraded socket.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { badRequestStatus } from './status.js';

/** Every value of a header, whether sent as repeated lines or comma-separated. */
export function headerList(req: IncomingMessage, name: string): string[] {
  const raw = req.headersDistinct[name.toLowerCase()] ?? [];
  return raw.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v.length > 0);
}

export function isWebSocketUpgrade(req: IncomingMessage): boolean {
  return req.method === 'GET' && (req.headers.upgrade ?? '').toLowerCase() === 'websocket';
}

export function isSpdyUpgrade(req: IncomingMessage): boolean {
  return (req.headers.upgrade ?? '').toLowerCase() === 'spdy/3.1';
}

/** The first of our protocols (in our order of preference) that the client offered. */
export function pickProtocol(offered: string[], supported: readonly string[]): string | undefined {
  return supported.find((p) => offered.includes(p));
}

export function writeRawResponse(
  socket: Duplex,
  code: number,
  reason: string,
  headers: Record<string, string>,
  body?: string,
): void {
  const lines = [`HTTP/1.1 ${code} ${reason}`];
  const all = { ...headers };
  if (body !== undefined) all['Content-Length'] = String(Buffer.byteLength(body));
  for (const [k, v] of Object.entries(all)) lines.push(`${k}: ${v}`);
  socket.write(lines.join('\r\n') + '\r\n\r\n' + (body ?? ''));
}

/** Refuses an upgrade with a 400 metav1.Status; kubectl prints its message (and, for exec, first retries with SPDY). */
export function rejectUpgrade(socket: Duplex, message: string): void {
  if (socket.destroyed) return;
  writeRawResponse(
    socket,
    400,
    'Bad Request',
    { 'Content-Type': 'application/json', Connection: 'close' },
    JSON.stringify(badRequestStatus(message)),
  );
  socket.end();
  // Do not wait forever for a client that keeps its side open.
  socket.once('finish', () => setTimeout(() => socket.destroy(), 1000).unref());
}

/** The 101 for a SPDY/3.1 upgrade; SPDY frames follow on the same socket. */
export function acceptSpdy(socket: Duplex, protocol: string): void {
  writeRawResponse(socket, 101, 'Switching Protocols', {
    Connection: 'Upgrade',
    Upgrade: 'SPDY/3.1',
    'X-Stream-Protocol-Version': protocol,
  });
}

/** Upgraded sockets are half-open capable (§11.16): make sure a peer's FIN eventually closes ours. */
export function prepareSocket(socket: Duplex): void {
  const s = socket as Duplex & { setNoDelay?: (v: boolean) => void; setTimeout?: (ms: number) => void };
  s.setNoDelay?.(true);
  s.setTimeout?.(0);
}
