// wasi:io (error, poll, streams) for one component instance, on the container's worker thread.
//
// A Pollable carries a readiness check and, when it is not ready, what can make it ready: a
// deadline (clocks) or an event the main thread signals through a shared slot (`wake`). poll()
// therefore never spins: it sleeps on Atomics.wait until the earliest deadline or a wake-up.
// Streams are in-memory where the data already sits in this thread (a request body, stdin given
// at start) and post their output (stdout, stderr, a response body) without blocking: the
// receiving side is the agent's main thread, which queues it.

/** Raised by output/input operations on a closed stream (wasi:io stream-error.closed). */
export const CLOSED = { tag: 'closed' } as const;

export class IoError {
  constructor(private readonly msg: string) {}
  toDebugString(): string {
    return this.msg;
  }
}

/** Wakes a blocked poll(): the main thread bumps the slot and notifies it when something arrives. */
export interface Wake {
  slot: Int32Array;
  index: number;
}

export class Pollable {
  /**
   * @param check true once ready
   * @param deadline performance.now() (ms) at which it becomes ready by itself, if any
   * @param fd a host fd (socket) whose readiness (EVENTTYPE) makes it ready: waited on in the agent
   */
  constructor(
    private readonly check: () => boolean,
    readonly deadline?: number,
    readonly fd?: FdWait,
  ) {}

  ready(): boolean {
    return this.check();
  }

  block(): void {
    poll([this]);
  }
}

export const readyPollable = (): Pollable => new Pollable(() => true);

/** A host fd and the readiness (preview1 EVENTTYPE: 1 read, 2 write) a pollable waits for. */
export interface FdWait {
  fd: number;
  type: number;
}

let wake: Wake | undefined;
let fdWaiter: ((subs: FdWait[], ms: number) => void) | undefined;
/** Installs the blocking wait on host fds (sockets.ts: the agent's poll over the channel). */
export function setFdWaiter(w: (subs: FdWait[], ms: number) => void): void {
  fdWaiter = w;
}
/** While waiting on fds, how often other events (wake slot) are checked. */
const FD_SLICE_MS = 20;
/** Installs the slot main-thread events are signalled on (once per worker). */
export function setWake(w: Wake): void {
  wake = w;
}

/** Longest single sleep: bounds a poll that waits on an event nobody signals (stop ends it anyway). */
const MAX_SLEEP_MS = 1000;

export function poll(list: Pollable[]): Uint32Array {
  if (list.length === 0) throw new TypeError('poll: empty list');
  for (;;) {
    const seen = wake ? Atomics.load(wake.slot, wake.index) : 0;
    const ready: number[] = [];
    let deadline = Infinity;
    const fds: FdWait[] = [];
    let others = false;
    for (let i = 0; i < list.length; i++) {
      const p = list[i];
      if (p.ready()) ready.push(i);
      else if (p.fd) fds.push(p.fd);
      else if (p.deadline !== undefined) deadline = Math.min(deadline, p.deadline);
      else others = true;
    }
    if (ready.length > 0) return new Uint32Array(ready);
    const ms = Math.max(0, Math.min(MAX_SLEEP_MS, deadline - performance.now()));
    if (fds.length > 0 && fdWaiter) {
      // Sockets are waited on in the agent; slices keep timers and other events (wake) noticed.
      fdWaiter(fds, others ? Math.min(ms, FD_SLICE_MS) : ms);
      continue;
    }
    const slot = wake?.slot ?? new Int32Array(new SharedArrayBuffer(4));
    Atomics.wait(slot, wake?.index ?? 0, seen, ms);
  }
}

// ---- streams -------------------------------------------------------------------------------------

export interface InputSource {
  /** Up to `max` bytes now (empty = none yet), or null at the end. */
  read(max: number): Uint8Array | null;
  /** Whether read() would return data or the end without waiting. */
  ready(): boolean;
  deadline?(): number | undefined;
  /** A pollable of its own (e.g. waiting on a host fd); default: from ready() and deadline(). */
  pollable?(): Pollable;
}

export class InputStream {
  constructor(private readonly src: InputSource) {}

  read(len: bigint): Uint8Array {
    const r = this.src.read(Number(len > 1n << 30n ? 1n << 30n : len));
    if (r === null) throw CLOSED;
    return r;
  }

  blockingRead(len: bigint): Uint8Array {
    if (len === 0n) return new Uint8Array(0);
    if (!this.src.ready()) poll([this.subscribe()]);
    return this.read(len);
  }

  skip(len: bigint): bigint {
    return BigInt(this.read(len).length);
  }

  blockingSkip(len: bigint): bigint {
    return BigInt(this.blockingRead(len).length);
  }

  subscribe(): Pollable {
    return this.src.pollable?.() ?? new Pollable(() => this.src.ready(), this.src.deadline?.());
  }
}

/** Bytes held in this thread; the end comes when they are consumed (or when `more` says so). */
export class BufferSource implements InputSource {
  private off = 0;
  constructor(private readonly buf: Uint8Array) {}
  read(max: number): Uint8Array | null {
    if (this.off >= this.buf.length) return null;
    const out = this.buf.slice(this.off, this.off + max);
    this.off += out.length;
    return out;
  }
  ready(): boolean {
    return true;
  }
}

export interface OutputSink {
  /** Takes the bytes (they are a copy the caller no longer uses). */
  write(bytes: Uint8Array): void;
  /** Bytes it accepts right now (check-write). */
  capacity(): number;
  closed?(): boolean;
}

const MAX_WRITE = 1 << 20;

export class OutputStream {
  constructor(private readonly sink: OutputSink) {}

  private checkOpen(): void {
    if (this.sink.closed?.()) throw CLOSED;
  }

  checkWrite(): bigint {
    this.checkOpen();
    return BigInt(Math.min(MAX_WRITE, this.sink.capacity()));
  }

  write(contents: Uint8Array): void {
    this.checkOpen();
    if (contents.length > 0) this.sink.write(contents);
  }

  blockingWriteAndFlush(contents: Uint8Array): void {
    // wasi:io allows at most 4096 bytes here; larger is accepted too (the sink queues it).
    this.write(contents);
  }

  flush(): void {
    this.checkOpen();
  }

  blockingFlush(): void {
    this.checkOpen();
  }

  subscribe(): Pollable {
    return new Pollable(() => this.sink.closed?.() === true || this.sink.capacity() > 0);
  }

  writeZeroes(len: bigint): void {
    this.write(new Uint8Array(Number(len)));
  }

  blockingWriteZeroesAndFlush(len: bigint): void {
    this.writeZeroes(len);
  }

  splice(src: InputStream, len: bigint): bigint {
    const data = src.read(len);
    this.write(data);
    return BigInt(data.length);
  }

  blockingSplice(src: InputStream, len: bigint): bigint {
    const data = src.blockingRead(len);
    this.write(data);
    return BigInt(data.length);
  }
}

/** Output nobody reads (e.g. stdout of an exec probe without streams). */
export const discardSink: OutputSink = { write() {}, capacity: () => MAX_WRITE };

export function ioImports(): Record<string, unknown> {
  return {
    'wasi:io/error': { Error: IoError },
    'wasi:io/poll': { Pollable, poll },
    'wasi:io/streams': { InputStream, OutputStream },
  };
}
