// exec/attach over WebSocket (kubectl ≥ 1.30 default): channel.k8s.io framing, where byte 0 of every
// binary message names the channel: 0 stdin, 1 stdout, 2 stderr, 3 Status, 4 resize, and in v5
// 255 = "close channel <byte 1>" (how the client signals stdin EOF).
import type { IncomingMessage } from 'node:http';
import { EventEmitter } from 'node:events';
import { PassThrough, Writable, type Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { ResolvedExecOptions } from './exec-options.js';
import { discardWriter, runExec } from './exec-run.js';
import { ResizeDecoder, type ResizeEvents } from './resize.js';
import { acceptWebSocket } from './websocket.js';

export const CHANNEL_STDIN = 0;
export const CHANNEL_STDOUT = 1;
export const CHANNEL_STDERR = 2;
export const CHANNEL_ERROR = 3;
export const CHANNEL_RESIZE = 4;
export const CHANNEL_CLOSE = 255;

/** Preferred first. v4 lacks only the close signal, so stdin EOF is then seen as the socket closing. */
export const EXEC_WEBSOCKET_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'] as const;

function channelWriter(ws: WebSocket, channel: number): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (ws.readyState !== ws.OPEN) return cb();
      ws.send(Buffer.concat([Buffer.from([channel]), chunk]), { binary: true }, () => cb());
    },
  });
}

export async function execOverWebSocket(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  protocol: string,
  o: ResolvedExecOptions,
): Promise<void> {
  let ws: WebSocket;
  try {
    ws = await acceptWebSocket(req, socket, head, protocol);
  } catch {
    return;
  }
  const v5 = protocol === 'v5.channel.k8s.io';
  const stdin = o.stdin ? new PassThrough() : undefined;
  const resize: ResizeEvents = new EventEmitter();
  const resizeDecoder = new ResizeDecoder(resize);
  const abort = new AbortController();

  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary || data.length === 0) return;
    const payload = data.subarray(1);
    switch (data[0]) {
      case CHANNEL_STDIN:
        // A process that reads slowly slows the client down instead of growing our buffer.
        if (stdin && !stdin.writableEnded && payload.length > 0 && !stdin.write(payload)) {
          ws.pause();
          stdin.once('drain', () => ws.resume());
        }
        break;
      case CHANNEL_RESIZE:
        resizeDecoder.push(payload);
        break;
      case CHANNEL_CLOSE:
        if (v5 && payload[0] === CHANNEL_STDIN) stdin?.end();
        break;
      default:
        break; // stdout/stderr/error are server-to-client only
    }
  });
  const done = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  ws.once('close', () => {
    stdin?.end();
    abort.abort(new Error('client disconnected'));
  });

  const stdout = o.stdout ? channelWriter(ws, CHANNEL_STDOUT) : discardWriter();
  const stderr = o.tty ? stdout : o.stderr ? channelWriter(ws, CHANNEL_STDERR) : discardWriter();
  await runExec(o, {
    stdin,
    stdout,
    stderr,
    resize,
    signal: abort.signal,
    finish: async (status) => {
      ws.resume(); // unread stdin must not keep us from reading the client's close frame
      if (ws.readyState === ws.OPEN) {
        await new Promise<void>((resolve) =>
          ws.send(Buffer.concat([Buffer.from([CHANNEL_ERROR]), Buffer.from(JSON.stringify(status))]), { binary: true }, () => resolve()),
        );
        ws.close(1000);
      }
      // ws ends the TCP connection after the closing handshake (or its own 30 s timeout).
      await done;
    },
  });
}
