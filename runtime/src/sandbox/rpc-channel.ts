// The shared-memory channel between a container's worker (the guest) and the agent's main thread
// (which owns every real file descriptor and socket).
//
// One SharedArrayBuffer per container, one call in flight at a time (a WASI guest is single-threaded):
//
//   bytes 0..15    Int32 control: [REQ_SEQ, RESP_SEQ, OP, DATA_LEN]
//   bytes 16..79   Float64 args[8]      (numbers up to 2^53: fds, offsets, flags, lengths)
//   bytes 80..143  Float64 results[8]   (results[0] = WASI errno)
//   bytes 144..207 Float64 usage[8]     (written by the worker, read by usage(); see USAGE)
//   bytes 208..223 Int32 [SLEEP, CLOSED, …]  (SLEEP: a slot nobody notifies, for timed waits)
//   bytes 256..    data region (DATA_SIZE bytes): paths, read/write payloads, stat structs
//
// The worker writes OP, args and data, bumps REQ_SEQ and notifies it, then Atomics.wait()s on
// RESP_SEQ. The main thread waits with Atomics.waitAsync() on REQ_SEQ (it never blocks), does the
// I/O (possibly asynchronously: accept, recv, poll), writes results + data, stores RESP_SEQ = REQ_SEQ
// and notifies. Sequence numbers rather than a state flag mean neither side can miss a wake-up or
// spin on a stale value. Payloads larger than DATA_SIZE are moved in chunks by the caller.

import fs from 'node:fs';

export const DATA_OFFSET = 256;
export const DATA_SIZE = 64 * 1024;
export const CHANNEL_BYTES = DATA_OFFSET + DATA_SIZE;

export const CTRL = { REQ_SEQ: 0, RESP_SEQ: 1, OP: 2, DATA_LEN: 3 } as const;
/** Indices into the usage Float64Array. */
export const USAGE = { FUEL: 0, MEMORY: 1, PERIODS: 2, THROTTLED: 3, RUNNING: 4, THROTTLED_NS: 5, CPU_NS: 6 } as const;

/**
 * The guest's CPU time, read on its worker thread. Node 20 has no per-thread CPU clock, but Linux
 * gives each thread its own /proc/thread-self/schedstat (first field: ns on a CPU), ≈20 µs a read.
 * Elsewhere it falls back to wall time minus the time the thread spent parked (blocking host calls,
 * sleeps, throttling), which over-counts when cores are oversubscribed (limits then err strict).
 */
export class CpuClock {
  readonly t0 = performance.now();
  blockedMs = 0;
  /** When the guest last got its thread back (guests sharing a thread take turns, see FuelMeter). */
  resumedAt = performance.now();
  /** Guests sharing a thread: the thread's CPU time is summed over this guest's running stretches only. */
  private sharedThread = false;
  private stretchStartNs = 0;
  private runNs = 0;

  /**
   * This guest shares its thread with others. With `exact` (a CPU-limited guest, whose quota must be
   * real CPU time) the thread's CPU clock is read at every suspension and resumption (~20 µs each);
   * otherwise run time is wall time minus this guest's suspensions (its waits and the other guests'
   * turns), which also counts time the OS gave the thread to nobody: `kubectl top` errs high under
   * contention.
   */
  shared(exact: boolean): void {
    this.sharedThread = true;
    if (!exact) this.fd = -1;
    else if (this.threadCpu) this.stretchStartNs = this.readNs();
  }

  /** The guest is suspended (a wait, the end of its turn, throttling): returns when, for resumed(). */
  suspended(): number {
    if (this.sharedThread && this.fd !== -1) this.runNs += this.readNs() - this.stretchStartNs;
    return performance.now();
  }

  /** The suspension that began at `since` (from suspended()) is over. */
  resumed(since: number): void {
    const now = performance.now();
    this.blockedMs += now - since;
    this.resumedAt = now;
    if (this.sharedThread && this.fd !== -1) this.stretchStartNs = this.readNs();
  }
  private fd: number | undefined;
  private baseNs = 0;
  private readonly buf = Buffer.alloc(96);

  /** True when runningMs() is the thread's real CPU time. */
  get threadCpu(): boolean {
    this.open();
    return this.fd !== -1;
  }

  runningMs(now = performance.now()): number {
    this.open();
    if (this.sharedThread && this.fd !== -1) return (this.runNs + this.readNs() - this.stretchStartNs) / 1e6;
    if (this.fd !== -1) {
      const ns = this.readNs();
      if (ns >= 0) return (ns - this.baseNs) / 1e6;
    }
    return now - this.t0 - this.blockedMs;
  }

  private open(): void {
    if (this.fd !== undefined) return;
    try {
      this.fd = fs.openSync('/proc/thread-self/schedstat', 'r');
      this.baseNs = this.readNs();
      if (this.baseNs < 0) this.fd = -1;
    } catch {
      this.fd = -1;
    }
  }

  private readNs(): number {
    try {
      const n = fs.readSync(this.fd!, this.buf, 0, this.buf.length, 0);
      const sp = this.buf.indexOf(0x20);
      return Number(this.buf.toString('latin1', 0, sp > 0 && sp < n ? sp : n));
    } catch {
      return -1;
    }
  }
}
export const MISC = { SLEEP: 0, CLOSED: 1 } as const;

/** Operations the worker asks of the main thread. */
export const OP = {
  FD_CLOSE: 1, FD_READ: 2, FD_WRITE: 3, FD_PREAD: 4, FD_PWRITE: 5, FD_SEEK: 6, FD_FDSTAT_GET: 7,
  FD_FDSTAT_SET_FLAGS: 8, FD_FILESTAT_GET: 9, FD_FILESTAT_SET_SIZE: 10, FD_FILESTAT_SET_TIMES: 11,
  FD_SYNC: 12, FD_READDIR: 13, FD_PRESTAT_GET: 14, FD_PRESTAT_DIR_NAME: 15, FD_RENUMBER: 16,
  PATH_OPEN: 20, PATH_FILESTAT_GET: 21, PATH_CREATE_DIRECTORY: 22, PATH_REMOVE_DIRECTORY: 23,
  PATH_UNLINK_FILE: 24, PATH_RENAME: 25, PATH_READLINK: 26, PATH_SYMLINK: 27, PATH_FILESTAT_SET_TIMES: 28,
  PATH_LINK: 29,
  SOCK_ACCEPT: 40, SOCK_RECV: 41, SOCK_SEND: 42, SOCK_SHUTDOWN: 43, POLL: 44,
  SOCK_OPEN: 50, SOCK_BIND: 51, SOCK_LISTEN: 52, SOCK_CONNECT: 53, SOCK_ADDR_LOCAL: 54,
  SOCK_ADDR_PEER: 55, SOCK_GETADDRINFO: 56,
} as const;

export interface ChannelViews {
  ctrl: Int32Array;
  args: Float64Array;
  results: Float64Array;
  usage: Float64Array;
  misc: Int32Array;
  data: Uint8Array;
}

export function channelViews(sab: SharedArrayBuffer): ChannelViews {
  return {
    ctrl: new Int32Array(sab, 0, 4),
    args: new Float64Array(sab, 16, 8),
    results: new Float64Array(sab, 80, 8),
    usage: new Float64Array(sab, 144, 8),
    misc: new Int32Array(sab, 208, 4),
    data: new Uint8Array(sab, DATA_OFFSET, DATA_SIZE),
  };
}

/**
 * Thrown by a suspending ChannelClient (and the guest's sleeps) when the answer is not there yet: the
 * host function's wrapper returns `ready` to the guest's suspending import (the guest's stack is
 * suspended, the thread runs other guests) and, once it settles, runs the host function again from its
 * start — the calls it made before are answered from the journal (see ChannelClient.suspending).
 */
export class WouldBlock {
  constructor(readonly ready: Promise<unknown>) {}
}

/** Thrown into a guest that shares its thread when it is stopped (at the wait it is suspended in). */
export class Stopped extends Error {
  constructor() {
    super('stopped');
  }
}

/**
 * Stopping one guest among several on a thread: a guest can only be stopped while suspended (the
 * thread runs the stop request between turns), so every wait it is suspended on races this.
 */
export class StopSignal {
  stopped = false;
  private reject!: (e: Error) => void;
  private readonly promise = new Promise<never>((_, reject) => (this.reject = reject));
  constructor() {
    this.promise.catch(() => undefined);
  }

  stop(): void {
    this.stopped = true;
    this.reject(new Stopped());
  }

  /** `wait`, unless the guest is stopped first. */
  race<T>(wait: Promise<T>): Promise<T> {
    return Promise.race([wait, this.promise]);
  }
}

/** One completed call of the current host-function invocation, kept for its re-runs. */
type JournalEntry =
  | { kind: 'call'; op: number; results: Float64Array; data: Uint8Array }
  | { kind: 'sleep'; until: number };

/**
 * Worker side. By default a synchronous call that blocks the guest's thread until the main thread
 * answers. With `suspending` (several guests on one thread, engine/suspend.ts), a call never blocks: it
 * sends the request and throws WouldBlock; the host function is run again when the answer is there,
 * and every call it made before is answered again, in order, from a journal — a WASI function only
 * reads guest memory before its calls, and the guest is suspended meanwhile, so the re-run is exact.
 */
export class ChannelClient {
  readonly v: ChannelViews;
  private seq = 0;
  readonly clock = new CpuClock();
  suspending = false;
  /** With suspending: stops this guest at its current wait. */
  readonly stop = new StopSignal();
  private journal: JournalEntry[] = [];
  private replayAt = 0;
  /** The request sent before the last WouldBlock, answered or not yet. */
  private pending?: { seq: number; op: number };
  constructor(sab: SharedArrayBuffer) {
    this.v = channelViews(sab);
  }

  /** A host function starts (rerun = false: a fresh journal) or runs again after a WouldBlock (rerun = true). */
  begin(rerun: boolean): void {
    if (!rerun) this.journal = [];
    this.replayAt = 0;
  }

  /** A suspending guest's timed wait: throws WouldBlock until `ms` after the first time it was asked. */
  sleepUntilLater(ms: number): void {
    const entry = this.journal[this.replayAt];
    const until = entry?.kind === 'sleep' ? entry.until : performance.now() + ms;
    if (!entry) this.journal.push({ kind: 'sleep', until });
    const left = until - performance.now();
    if (left > 0) throw new WouldBlock(new Promise((r) => setTimeout(r, left)));
    this.replayAt++;
  }

  /** Args are copied into the channel; `data` (if any) into the data region. Returns the errno. */
  call(op: number, args: readonly number[], data?: Uint8Array): number {
    if (this.suspending) return this.callSuspending(op, args, data);
    const { ctrl, results } = this.v;
    const seq = this.send(op, args, data);
    // Bounded by the main thread answering; if the agent dies the worker dies with it.
    const t0 = performance.now();
    for (;;) {
      const resp = Atomics.load(ctrl, CTRL.RESP_SEQ);
      if (resp === seq) break;
      Atomics.wait(ctrl, CTRL.RESP_SEQ, resp);
    }
    this.clock.blockedMs += performance.now() - t0;
    return results[0];
  }

  private callSuspending(op: number, args: readonly number[], data?: Uint8Array): number {
    const { ctrl, results } = this.v;
    const entry = this.journal[this.replayAt];
    if (entry) {
      if (entry.kind !== 'call' || entry.op !== op) throw new Error(`host call replay out of step: op ${op} where the journal has ${entry.kind === 'call' ? `op ${entry.op}` : 'a sleep'}`);
      this.replayAt++;
      results.set(entry.results);
      this.v.data.set(entry.data);
      ctrl[CTRL.DATA_LEN] = entry.data.length;
      return results[0];
    }
    if (this.pending && Atomics.load(ctrl, CTRL.RESP_SEQ) === this.pending.seq) {
      // The answer to the request sent before the suspension: keep it for later re-runs.
      if (this.pending.op !== op) throw new Error(`host call replay out of step: op ${op} answered for op ${this.pending.op}`);
      this.pending = undefined;
      this.journal.push({ kind: 'call', op, results: results.slice(), data: this.v.data.slice(0, ctrl[CTRL.DATA_LEN]) });
      this.replayAt++;
      return results[0];
    }
    this.pending ??= { seq: this.send(op, args, data), op };
    const resp = Atomics.load(ctrl, CTRL.RESP_SEQ);
    if (resp === this.pending.seq) return this.callSuspending(op, args, data); // answered already
    const w = waitAsync(ctrl, CTRL.RESP_SEQ, resp);
    throw new WouldBlock(w.async ? w.value : Promise.resolve());
  }

  /** Writes a request into the channel and wakes the main thread; returns its sequence number. */
  private send(op: number, args: readonly number[], data?: Uint8Array): number {
    const { ctrl } = this.v;
    for (let i = 0; i < args.length; i++) this.v.args[i] = args[i];
    let len = 0;
    if (data) {
      len = Math.min(data.length, DATA_SIZE);
      this.v.data.set(data.subarray(0, len));
    }
    ctrl[CTRL.OP] = op;
    ctrl[CTRL.DATA_LEN] = len;
    const seq = ++this.seq;
    Atomics.store(ctrl, CTRL.REQ_SEQ, seq);
    Atomics.notify(ctrl, CTRL.REQ_SEQ);
    return seq;
  }

  /** Length of the response payload the main thread put in the data region. */
  get dataLen(): number {
    return this.v.ctrl[CTRL.DATA_LEN];
  }
}

/** Atomics.waitAsync (V8 ≥ 8.7, so every supported Node) is missing from lib ES2023. */
const waitAsync = (Atomics as unknown as {
  waitAsync(a: Int32Array, i: number, v: number): { async: false; value: string } | { async: true; value: Promise<string> };
}).waitAsync;

export interface Request {
  op: number;
  args: Float64Array;
  /** The request payload (a view into the data region: copy it before awaiting anything). */
  data: Uint8Array;
}

export interface Response {
  errno: number;
  results?: number[];
  data?: Uint8Array;
}

/**
 * Main-thread side: serves requests one at a time without ever blocking the event loop.
 * `handle` may be async (accept, recv, poll wait for the network).
 */
export class ChannelServer {
  readonly v: ChannelViews;
  private lastSeq = 0;
  private closed = false;
  constructor(sab: SharedArrayBuffer, private readonly handle: (req: Request) => Response | Promise<Response>) {
    this.v = channelViews(sab);
  }

  start(): void {
    void this.loop();
  }

  close(): void {
    this.closed = true;
    // Wake our own waitAsync so the loop ends and holds no reference to the buffer.
    Atomics.store(this.v.misc, MISC.CLOSED, 1);
    Atomics.add(this.v.ctrl, CTRL.REQ_SEQ, 0);
    Atomics.notify(this.v.ctrl, CTRL.REQ_SEQ);
  }

  private async loop(): Promise<void> {
    const { ctrl } = this.v;
    while (!this.closed) {
      const w = waitAsync(ctrl, CTRL.REQ_SEQ, this.lastSeq);
      if (w.async) await w.value;
      if (this.closed) return;
      const seq = Atomics.load(ctrl, CTRL.REQ_SEQ);
      if (seq === this.lastSeq) continue; // woken by close() or spuriously
      this.lastSeq = seq;
      const req: Request = {
        op: ctrl[CTRL.OP],
        args: new Float64Array(this.v.args),
        data: this.v.data.subarray(0, ctrl[CTRL.DATA_LEN]),
      };
      let res: Response;
      try {
        res = await this.handle(req);
      } catch (err) {
        res = { errno: 29 /* EIO */ };
        process.emitWarning(`sandbox host call ${req.op} failed: ${(err as Error).message}`);
      }
      if (this.closed) return;
      this.v.results.fill(0);
      this.v.results[0] = res.errno;
      if (res.results) for (let i = 0; i < res.results.length; i++) this.v.results[i + 1] = res.results[i];
      const len = res.data ? Math.min(res.data.length, DATA_SIZE) : 0;
      if (res.data) this.v.data.set(res.data.subarray(0, len));
      ctrl[CTRL.DATA_LEN] = len;
      Atomics.store(ctrl, CTRL.RESP_SEQ, seq);
      Atomics.notify(ctrl, CTRL.RESP_SEQ);
    }
  }
}
