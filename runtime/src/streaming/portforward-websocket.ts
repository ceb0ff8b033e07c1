// The older WebSocket port-forward protocol (kubelet's, used by client libraries such as
// @kubernetes/client-node): subprotocol v4.channel.k8s.io (or portforward.k8s.io, or none), ports in the query (`ports`, or kubelet's
// `port`; repeated or comma-separated). Port i owns channel 2i (data, both ways) and 2i+1 (errors, to the
// client); the first message on each channel is the port as 2 bytes little-endian. One WebSocket is one
// connection per port; it closes when every forwarded connection has ended.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Dial } from './portforward-relay.js';
import { acceptWebSocket } from './websocket.js';

export const PORTFORWARD_LEGACY_WEBSOCKET_PROTOCOLS = ['v4.channel.k8s.io', 'portforward.k8s.io'] as const;

/** Returns the ports, or an error message. */
export function parsePorts(req: IncomingMessage): number[] | string {
  const q = new URL(req.url ?? '/', 'http://x').searchParams;
  const raw = [...q.getAll('ports'), ...q.getAll('port')].flatMap((v) => v.split(','));
  if (raw.length === 0) return 'query parameter "ports" is required';
  const ports = raw.map((p) => Number(p.trim()));
  const bad = raw.find((_p, i) => !Number.isInteger(ports[i]) || ports[i] < 1 || ports[i] > 65535);
  if (bad !== undefined) return `invalid port: ${JSON.stringify(bad)}`;
  return ports;
}

function send(ws: WebSocket, channel: number, data: Buffer): void {
  if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([channel]), data]), { binary: true });
}

export async function portForwardOverLegacyWebSocket(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  protocol: string,
  ports: number[],
  dial: Dial,
): Promise<void> {
  let ws: WebSocket;
  try {
    ws = await acceptWebSocket(req, socket, head, protocol);
  } catch {
    return;
  }
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  // Bytes the client sends before the dial finished wait here.
  const early: Buffer[][] = ports.map(() => []);
  const conns: (Duplex | undefined)[] = ports.map(() => undefined);
  let remaining = ports.length;
  const ended = (): void => {
    if (--remaining === 0 && ws.readyState === ws.OPEN) ws.close(1000);
  };

  ws.on('message', (d: Buffer, isBinary: boolean) => {
    if (!isBinary || d.length === 0 || d[0] % 2 !== 0) return;
    const i = d[0] / 2;
    if (i >= ports.length) return;
    const payload = d.subarray(1);
    const conn = conns[i];
    if (conn) conn.write(payload);
    else early[i].push(payload);
  });
  ws.once('close', () => conns.forEach((c) => c?.destroy()));

  ports.forEach((port, i) => {
    const prefix = Buffer.alloc(2);
    prefix.writeUInt16LE(port);
    send(ws, 2 * i, prefix);
    send(ws, 2 * i + 1, prefix);
    dial(port).then(
      (conn) => {
        if (ws.readyState !== ws.OPEN) return void conn.destroy();
        conns[i] = conn;
        for (const b of early[i]) conn.write(b);
        early[i] = [];
        conn.on('data', (c: Buffer) => send(ws, 2 * i, c));
        conn.on('error', (e: Error) => send(ws, 2 * i + 1, Buffer.from(`error forwarding port ${port}: ${e.message}`)));
        conn.once('close', ended);
      },
      (err: unknown) => {
        send(ws, 2 * i + 1, Buffer.from(`error forwarding port ${port}: ${err instanceof Error ? err.message : String(err)}`));
        ended();
      },
    );
  });
  await closed;
}
