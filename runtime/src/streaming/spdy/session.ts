// Server side of a SPDY/3.1 connection, as kubectl's client (moby/spdystream) speaks it: the client opens
// every stream; we answer each SYN_STREAM with an empty SYN_REPLY at once (as kubelet does), hand the
// stream out as a Duplex, answer PINGs and grant WINDOW_UPDATEs for what we receive.
//
// Send-side flow control is deliberately not enforced: spdystream never sends WINDOW_UPDATE, so a server
// that honoured the 64 KiB initial window would stall after 64 KiB of output.
import { Duplex } from 'node:stream';
import { EventEmitter } from 'node:events';
import {
  FLAG_FIN,
  FLAG_UNIDIRECTIONAL,
  FrameParser,
  FrameType,
  RST_CANCEL,
  RST_REFUSED_STREAM,
  dataFrame,
  goAwayFrame,
  parseSynStream,
  rstStreamFrame,
  synReplyFrame,
  windowUpdateFrame,
  type Frame,
} from './frames.js';
import { HeaderCompressor, HeaderDecompressor } from './header-codec.js';

/** DATA frames we send are cut to this size; any size up to 16 MiB is legal, small ones interleave better. */
const MAX_DATA_CHUNK = 32 * 1024;

export class SpdyStream extends Duplex {
  /** True once the peer sent FIN (its side is done writing). */
  remoteEnded = false;
  /** True once we sent FIN. */
  localEnded = false;
  reset = false;

  constructor(
    private readonly session: SpdySession,
    readonly id: number,
    readonly headers: Record<string, string>,
  ) {
    super({ allowHalfOpen: true });
  }

  override _read(): void {
    // Data is pushed as frames arrive; the peer cannot be slowed down (see file comment).
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.reset || this.localEnded) return cb();
    this.session.sendData(this.id, chunk, false, cb);
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (this.reset || this.localEnded) return cb();
    this.localEnded = true;
    this.session.sendData(this.id, Buffer.alloc(0), true, cb);
    this.session.maybeForget(this);
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    // Tearing a stream down before both sides finished tells the peer to stop, like io.Closer + Reset in Go.
    if (!this.reset && !(this.localEnded && this.remoteEnded)) {
      this.reset = true;
      this.session.sendReset(this.id, RST_CANCEL);
    }
    this.session.forget(this.id);
    cb(err);
  }

  /** Called by the session for the peer's DATA frames. */
  receive(data: Buffer, fin: boolean): void {
    if (this.reset) return;
    if (data.length > 0 && !this.remoteEnded) this.push(data);
    if (fin && !this.remoteEnded) {
      this.remoteEnded = true;
      this.push(null);
      this.session.maybeForget(this);
    }
  }

  /** Called by the session when the peer resets the stream or the connection goes away. */
  abort(reason: string): void {
    if (this.reset) return;
    this.reset = true;
    if (!this.remoteEnded) {
      this.remoteEnded = true;
      this.push(null);
    }
    this.emit('reset', reason);
    this.destroy();
  }
}

export interface SpdySessionEvents {
  stream: [SpdyStream];
  close: [];
}

export class SpdySession extends EventEmitter<SpdySessionEvents> {
  private readonly parser = new FrameParser();
  private readonly compressor = new HeaderCompressor();
  private readonly decompressor = new HeaderDecompressor();
  private readonly streams = new Map<number, SpdyStream>();
  private inbound: Promise<void> = Promise.resolve();
  private outbound: Promise<void> = Promise.resolve();
  private lastStreamId = 0;
  private closed = false;
  private goingAway = false;

  constructor(
    private readonly conn: Duplex,
    head?: Buffer,
  ) {
    super();
    conn.on('data', (chunk: Buffer) => this.onBytes(chunk));
    // The peer half-closed: nothing more will come. Finish our side too (Node keeps upgraded sockets half-open).
    conn.on('end', () => {
      this.inbound = this.inbound.then(() => this.shutdown('peer closed the connection'));
    });
    conn.on('error', () => this.teardown());
    conn.on('close', () => this.teardown());
    if (head && head.length > 0) this.onBytes(head);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private onBytes(chunk: Buffer): void {
    let frames: Frame[];
    try {
      frames = this.parser.push(chunk);
    } catch {
      this.teardown();
      return;
    }
    for (const f of frames) {
      // Header blocks decompress asynchronously; handling frames strictly in order keeps a stream's
      // DATA behind its SYN_STREAM and the zlib context in step with the peer's.
      this.inbound = this.inbound.then(() => this.handle(f)).catch(() => this.teardown());
    }
  }

  private async handle(f: Frame): Promise<void> {
    if (this.closed) return;
    if (f.kind === 'data') {
      const s = this.streams.get(f.streamId);
      const fin = (f.flags & FLAG_FIN) !== 0;
      if (f.data.length > 0) {
        // Give the window back at once: we buffer everything we receive.
        this.enqueue(() => Buffer.concat([windowUpdateFrame(f.streamId, f.data.length), windowUpdateFrame(0, f.data.length)]));
      }
      s?.receive(f.data, fin);
      return;
    }
    const p = f.payload;
    switch (f.type) {
      case FrameType.SynStream: {
        const syn = parseSynStream(p);
        const headers = await this.decompressor.decompress(syn.headerBlock);
        if (this.goingAway) {
          this.sendReset(syn.streamId, RST_REFUSED_STREAM);
          return;
        }
        this.lastStreamId = Math.max(this.lastStreamId, syn.streamId);
        const s = new SpdyStream(this, syn.streamId, headers);
        // Writes racing a reset raise 'error' on a destroyed stream; the reset itself is reported as 'reset'.
        s.on('error', () => undefined);
        this.streams.set(syn.streamId, s);
        this.enqueue(async () => synReplyFrame(syn.streamId, 0, await this.compressor.compress({})));
        if (f.flags & FLAG_FIN) s.receive(Buffer.alloc(0), true);
        if (f.flags & FLAG_UNIDIRECTIONAL) {
          s.localEnded = true;
          s.end();
        }
        this.emit('stream', s);
        return;
      }
      case FrameType.SynReply:
      case FrameType.Headers:
        // Not expected from a client, but their header blocks must still pass through the inflater.
        await this.decompressor.decompress(p.subarray(4));
        return;
      case FrameType.RstStream:
        this.streams.get(p.readUInt32BE(0) & 0x7fffffff)?.abort(`reset by peer (status ${p.readUInt32BE(4)})`);
        return;
      case FrameType.Ping:
        this.enqueue(() => Buffer.concat([Buffer.from([0x80, 3, 0, FrameType.Ping, 0, 0, 0, 4]), p.subarray(0, 4)]));
        return;
      case FrameType.GoAway:
        this.goingAway = true;
        this.maybeFinish();
        return;
      default:
        // SETTINGS, WINDOW_UPDATE and unknown types need no action.
        return;
    }
  }

  /** Writes frames in call order; a producer may await header compression. */
  private enqueue(produce: () => Buffer | Promise<Buffer>, cb?: (err?: Error | null) => void): void {
    this.outbound = this.outbound.then(async () => {
      if (this.closed || this.conn.destroyed || this.conn.writableEnded) {
        cb?.();
        return;
      }
      const buf = await produce();
      await new Promise<void>((resolve) => {
        this.conn.write(buf, () => {
          cb?.();
          resolve();
        });
      });
    }).catch((err: Error) => {
      cb?.(err);
      this.teardown();
    });
  }

  sendData(streamId: number, data: Buffer, fin: boolean, cb: (err?: Error | null) => void): void {
    const frames: Buffer[] = [];
    for (let off = 0; off < data.length; off += MAX_DATA_CHUNK) {
      const part = data.subarray(off, off + MAX_DATA_CHUNK);
      frames.push(dataFrame(streamId, fin && off + MAX_DATA_CHUNK >= data.length ? FLAG_FIN : 0, part));
    }
    if (frames.length === 0) frames.push(dataFrame(streamId, fin ? FLAG_FIN : 0, data));
    this.enqueue(() => Buffer.concat(frames), cb);
  }

  sendReset(streamId: number, status: number): void {
    this.enqueue(() => rstStreamFrame(streamId, status));
  }

  maybeForget(s: SpdyStream): void {
    if (s.localEnded && s.remoteEnded) this.forget(s.id);
  }

  forget(id: number): void {
    this.streams.delete(id);
    this.maybeFinish();
  }

  private maybeFinish(): void {
    if (this.goingAway && this.streams.size === 0) void this.shutdown('go away');
  }

  /** Sends GOAWAY after everything queued, then ends the connection. */
  async shutdown(_why: string): Promise<void> {
    if (this.closed) return;
    this.goingAway = true;
    for (const s of [...this.streams.values()]) if (!s.remoteEnded) s.receive(Buffer.alloc(0), true);
    this.enqueue(() => goAwayFrame(this.lastStreamId, 0));
    await this.outbound;
    if (!this.conn.destroyed) this.conn.end();
  }

  private teardown(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of [...this.streams.values()]) s.abort('connection closed');
    this.streams.clear();
    this.compressor.close();
    this.decompressor.close();
    if (!this.conn.destroyed) this.conn.destroy();
    this.emit('close');
  }
}
