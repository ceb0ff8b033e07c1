// exec/attach over SPDY/3.1 (kubectl's fallback, and the only protocol of kubectl ≤ 1.29): the client
// opens one stream per channel, named by the `streamtype` header; in v4 the `error` stream carries the
// final metav1.Status as JSON.
import type { IncomingMessage } from 'node:http';
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import type { ResolvedExecOptions } from './exec-options.js';
import { discardWriter, endWritable, runExec } from './exec-run.js';
import { ResizeDecoder, type ResizeEvents } from './resize.js';
import { SpdySession, type SpdyStream } from './spdy/session.js';
import { acceptSpdy } from './upgrade.js';

export const EXEC_SPDY_PROTOCOLS = ['v4.channel.k8s.io'] as const;

/** kubelet gives the client this long to open its streams (streamCreationTimeout). */
const STREAM_CREATION_TIMEOUT_MS = 30_000;
/** After the Status, the client resets its streams and sends GOAWAY; if it never does, we hang up anyway. */
const CLIENT_CLOSE_GRACE_MS = 10_000;

export async function execOverSpdy(
  _req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  protocol: string,
  o: ResolvedExecOptions,
): Promise<void> {
  acceptSpdy(socket, protocol);
  const session = new SpdySession(socket, head);
  const closed = new Promise<void>((resolve) => session.once('close', () => resolve()));
  const resize: ResizeEvents = new EventEmitter();
  const resizeDecoder = new ResizeDecoder(resize);
  const streams = new Map<string, SpdyStream>();

  const wanted = ['error', ...(o.stdin ? ['stdin'] : []), ...(o.stdout ? ['stdout'] : []), ...(o.stderr ? ['stderr'] : [])];
  const ready = new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), STREAM_CREATION_TIMEOUT_MS);
    timer.unref();
    void closed.then(() => resolve(false));
    session.on('stream', (s) => {
      const type = s.headers['streamtype'];
      if (type === 'resize') {
        s.on('data', (c: Buffer) => resizeDecoder.push(c));
      }
      // Our side of `stdin` must stay open: kubectl reads it and, on EOF, closes its stdin stream, even
      // while it is still copying its own stdin (client-go remotecommand copyStdin). Closing it early cut
      // piped input short at ~200 kB.
      if (type) streams.set(type, s);
      if (wanted.every((w) => streams.has(w))) {
        clearTimeout(timer);
        resolve(true);
      }
    });
  });
  if (!(await ready)) {
    await session.shutdown('streams not created');
    return;
  }

  const abort = new AbortController();
  void closed.then(() => abort.abort(new Error('client disconnected')));
  const stdout = o.stdout ? streams.get('stdout')! : discardWriter();
  const stderr = o.tty ? stdout : o.stderr ? streams.get('stderr')! : discardWriter();
  const errorStream = streams.get('error')!;
  await runExec(o, {
    stdin: o.stdin ? streams.get('stdin') : undefined,
    stdout,
    stderr,
    resize,
    signal: abort.signal,
    finish: async (status) => {
      errorStream.write(JSON.stringify(status));
      await endWritable(errorStream);
      const grace = setTimeout(() => void session.shutdown('client did not close'), CLIENT_CLOSE_GRACE_MS);
      grace.unref();
      await closed;
      clearTimeout(grace);
    },
  });
}
