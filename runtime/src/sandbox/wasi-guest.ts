// The worker half of our WASI preview1 host: the functions the guest imports. Pure calls
// (args, environ, clocks, random, exit, stdio) are served right here; anything touching a real
// file or socket goes to the agent's main thread through the shared channel (rpc-channel.ts),
// data copied through its 64 KiB region in chunks.
import { randomFillSync } from 'node:crypto';
import { CHANNEL_BYTES, ChannelClient, DATA_SIZE, OP, USAGE, WouldBlock } from './rpc-channel.js';
import { CLOCK, E, EVENTTYPE, FILETYPE, RIGHTS, SUBCLOCKFLAGS_ABSTIME, WE_AF } from './wasi-abi.js';
import { MISC } from './rpc-channel.js';

/** Thrown by proc_exit; unwinds the guest's stack. */
export class ProcExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

export interface GuestIo {
  args: string[];
  env: string[];
  stdin?: Uint8Array;
  /** fd 0 is served by the main thread (a stream): reads and polls go through the channel. */
  stdinStream?: boolean;
  /** stdout (1) / stderr (2) bytes, delivered to the log writer. */
  output(fd: 1 | 2, bytes: Uint8Array): void;
}

type Fn = (...a: any[]) => number | void;
const te = new TextEncoder();
const epochNs = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();

export class WasiGuest {
  memory!: WebAssembly.Memory;
  private stdinPos = 0;
  private lastCpuPublish = -Infinity;
  private readonly args: Uint8Array[];
  private readonly env: Uint8Array[];

  constructor(private readonly io: GuestIo, private readonly ch: ChannelClient) {
    this.args = io.args.map((s) => te.encode(s + '\0'));
    this.env = io.env.map((s) => te.encode(s + '\0'));
  }

  private get dv(): DataView {
    return new DataView(this.memory.buffer);
  }
  private get u8(): Uint8Array {
    return new Uint8Array(this.memory.buffer);
  }

  /** Called on every host call: lets usage() see the memory size without a round trip. */
  private touch(): void {
    this.ch.v.usage[USAGE.MEMORY] = this.memory.buffer.byteLength;
    // Reading the thread's CPU clock costs ~20 µs: at most once a millisecond.
    const now = performance.now();
    if (now - this.lastCpuPublish >= 1) {
      this.lastCpuPublish = now;
      this.ch.v.usage[USAGE.CPU_NS] = this.ch.clock.runningMs(now) * 1e6;
    }
  }

  private str(ptr: number, len: number): Uint8Array {
    return this.u8.slice(ptr, ptr + len);
  }

  private iovecs(ptr: number, n: number): { buf: number; len: number }[] {
    const dv = this.dv;
    const out = [];
    for (let i = 0; i < n; i++) out.push({ buf: dv.getUint32(ptr + i * 8, true), len: dv.getUint32(ptr + i * 8 + 4, true) });
    return out;
  }

  private gather(iovs: { buf: number; len: number }[]): Uint8Array {
    const total = iovs.reduce((s, v) => s + v.len, 0);
    const out = new Uint8Array(total);
    const u8 = this.u8;
    let off = 0;
    for (const v of iovs) {
      out.set(u8.subarray(v.buf, v.buf + v.len), off);
      off += v.len;
    }
    return out;
  }

  private scatter(iovs: { buf: number; len: number }[], data: Uint8Array): void {
    const u8 = this.u8;
    let off = 0;
    for (const v of iovs) {
      if (off >= data.length) break;
      const n = Math.min(v.len, data.length - off);
      u8.set(data.subarray(off, off + n), v.buf);
      off += n;
    }
  }

  /** Copies the channel's response payload (the data region) into guest memory. */
  private respData(ptr: number, max = Infinity): number {
    const n = Math.min(this.ch.dataLen, max);
    this.u8.set(this.ch.v.data.subarray(0, n), ptr);
    return n;
  }

  private get r(): Float64Array {
    return this.ch.v.results;
  }

  /** Writes `data` to a main-thread fd in chunks; stops at the first short write or error. */
  private writeRemote(op: number, fd: number, data: Uint8Array, offset?: number): { errno: number; n: number } {
    let done = 0;
    do {
      const chunk = data.subarray(done, done + DATA_SIZE);
      const errno = this.ch.call(op, offset === undefined ? [fd] : [fd, offset + done], chunk);
      if (errno !== 0) return { errno: done > 0 ? 0 : errno, n: done };
      const n = this.r[1];
      done += n;
      if (n < chunk.length) break;
    } while (done < data.length);
    return { errno: 0, n: done };
  }

  private readInto(op: number, args: number[], iovs: { buf: number; len: number }[]): { errno: number; n: number } {
    const want = Math.min(DATA_SIZE, iovs.reduce((s, v) => s + v.len, 0));
    const errno = this.ch.call(op, args.length === 1 ? [args[0], want] : [args[0], want, args[1]]);
    if (errno !== 0) return { errno, n: 0 };
    const n = this.ch.dataLen;
    this.scatter(iovs, this.ch.v.data.subarray(0, n));
    return { errno: 0, n };
  }

  private pathCall(op: number, args: number[], ptr: number, len: number): number {
    if (len > DATA_SIZE) return E.NAMETOOLONG;
    return this.ch.call(op, args, this.str(ptr, len));
  }

  private writeStrings(list: Uint8Array[], ptrs: number, buf: number): number {
    const dv = this.dv;
    const u8 = this.u8;
    let off = buf;
    list.forEach((s, i) => {
      dv.setUint32(ptrs + i * 4, off, true);
      u8.set(s, off);
      off += s.length;
    });
    return E.SUCCESS;
  }

  private sleepMs(ms: number): void {
    if (this.ch.suspending) return this.ch.sleepUntilLater(ms);
    const start = performance.now();
    const end = start + ms;
    for (let now = start; now < end; now = performance.now()) {
      Atomics.wait(this.ch.v.misc, MISC.SLEEP, 0, end - now);
    }
    this.ch.clock.blockedMs += performance.now() - start;
  }

  private nowNs(clock: number): bigint {
    const mono = process.hrtime.bigint();
    return clock === CLOCK.REALTIME ? epochNs + mono : mono;
  }

  /** WasmEdge address: a {buf ptr, buf_len} pair; buf is 4 raw IPv4 bytes or a 128-byte sockaddr. */
  private readAddr(addrPtr: number): Uint8Array | null {
    const dv = this.dv;
    const buf = dv.getUint32(addrPtr, true);
    const len = dv.getUint32(addrPtr + 4, true);
    if (len === 4) return this.u8.slice(buf, buf + 4);
    if (len >= 6 && dv.getUint16(buf, true) === WE_AF.INET4) return this.u8.slice(buf + 2, buf + 6);
    return null;
  }

  private writeAddr(addrPtr: number, ip: Uint8Array): boolean {
    const dv = this.dv;
    const buf = dv.getUint32(addrPtr, true);
    const len = dv.getUint32(addrPtr + 4, true);
    if (len === 4) this.u8.set(ip, buf);
    else if (len >= 6) {
      dv.setUint16(buf, WE_AF.INET4, true);
      this.u8.set(ip, buf + 2);
    } else return false;
    return true;
  }

  imports(): Record<string, Fn> {
    const w = (f: Fn): Fn => (...a: any[]) => {
      this.touch();
      if (!this.ch.suspending) return f(...a);
      // Several guests on this thread: a host call that must wait returns a promise (the guest is
      // suspended) and runs again, from its start, once the wait is over (ChannelClient.suspending).
      const attempt = (rerun: boolean): number | void | Promise<number | void> => {
        this.ch.begin(rerun);
        try {
          return f(...a);
        } catch (e) {
          if (!(e instanceof WouldBlock)) throw e;
          const since = this.ch.clock.suspended();
          return this.ch.stop.race(e.ready).then(() => {
            this.ch.clock.resumed(since);
            return attempt(true);
          });
        }
      };
      return attempt(false) as number;
    };
    const fns: Record<string, Fn> = {
      args_sizes_get: (argc: number, size: number) => {
        this.dv.setUint32(argc, this.args.length, true);
        this.dv.setUint32(size, this.args.reduce((s, a) => s + a.length, 0), true);
        return 0;
      },
      args_get: (ptrs: number, buf: number) => this.writeStrings(this.args, ptrs, buf),
      environ_sizes_get: (n: number, size: number) => {
        this.dv.setUint32(n, this.env.length, true);
        this.dv.setUint32(size, this.env.reduce((s, a) => s + a.length, 0), true);
        return 0;
      },
      environ_get: (ptrs: number, buf: number) => this.writeStrings(this.env, ptrs, buf),
      clock_res_get: (id: number, ptr: number) => {
        if (id > 3) return E.INVAL;
        this.dv.setBigUint64(ptr, 1000n, true);
        return 0;
      },
      clock_time_get: (id: number, _precision: bigint, ptr: number) => {
        if (id > 3) return E.INVAL;
        this.dv.setBigUint64(ptr, this.nowNs(id), true);
        return 0;
      },
      random_get: (ptr: number, len: number) => {
        randomFillSync(this.u8, ptr, len);
        return 0;
      },
      proc_exit: (code: number) => {
        throw new ProcExit(code);
      },
      proc_raise: () => E.NOSYS,
      sched_yield: () => 0,

      fd_write: (fd: number, iovs: number, n: number, out: number) => {
        const data = this.gather(this.iovecs(iovs, n));
        if (fd === 1 || fd === 2) {
          const n = data.length; // read before output(): it transfers (detaches) the buffer
          if (n) this.io.output(fd, data);
          this.dv.setUint32(out, n, true);
          return 0;
        }
        if (fd === 0) return E.BADF;
        const r = this.writeRemote(OP.FD_WRITE, fd, data);
        if (r.errno === 0) this.dv.setUint32(out, r.n, true);
        return r.errno;
      },
      fd_pwrite: (fd: number, iovs: number, n: number, offset: bigint, out: number) => {
        if (fd < 3) return E.SPIPE;
        const r = this.writeRemote(OP.FD_PWRITE, fd, this.gather(this.iovecs(iovs, n)), Number(offset));
        if (r.errno === 0) this.dv.setUint32(out, r.n, true);
        return r.errno;
      },
      fd_read: (fd: number, iovs: number, n: number, out: number) => {
        const list = this.iovecs(iovs, n);
        if (fd === 0 && this.io.stdinStream) {
          const r = this.readInto(OP.FD_READ, [0], list);
          if (r.errno === 0) this.dv.setUint32(out, r.n, true);
          return r.errno;
        }
        if (fd === 0) {
          const src = this.io.stdin ?? new Uint8Array(0);
          const want = list.reduce((s, v) => s + v.len, 0);
          const chunk = src.subarray(this.stdinPos, this.stdinPos + want);
          this.stdinPos += chunk.length;
          this.scatter(list, chunk);
          this.dv.setUint32(out, chunk.length, true);
          return 0;
        }
        if (fd < 3) return E.BADF;
        const r = this.readInto(OP.FD_READ, [fd], list);
        if (r.errno === 0) this.dv.setUint32(out, r.n, true);
        return r.errno;
      },
      fd_pread: (fd: number, iovs: number, n: number, offset: bigint, out: number) => {
        if (fd < 3) return E.SPIPE;
        const r = this.readInto(OP.FD_PREAD, [fd, Number(offset)], this.iovecs(iovs, n));
        if (r.errno === 0) this.dv.setUint32(out, r.n, true);
        return r.errno;
      },
      fd_seek: (fd: number, offset: bigint, whence: number, out: number) => {
        if (fd < 3) return E.SPIPE;
        const e = this.ch.call(OP.FD_SEEK, [fd, Number(offset), whence]);
        if (e === 0) this.dv.setBigUint64(out, BigInt(this.r[1]), true);
        return e;
      },
      fd_tell: (fd: number, out: number) => {
        if (fd < 3) return E.SPIPE;
        const e = this.ch.call(OP.FD_SEEK, [fd, 0, 1]);
        if (e === 0) this.dv.setBigUint64(out, BigInt(this.r[1]), true);
        return e;
      },
      fd_close: (fd: number) => (fd < 3 ? 0 : this.ch.call(OP.FD_CLOSE, [fd])),
      fd_fdstat_get: (fd: number, ptr: number) => {
        if (fd < 3) {
          const dv = this.dv;
          dv.setUint8(ptr, FILETYPE.CHARACTER_DEVICE);
          dv.setUint16(ptr + 2, 0, true);
          const rights = fd === 0 ? RIGHTS.FD_READ | RIGHTS.POLL_FD_READWRITE : RIGHTS.FD_WRITE | RIGHTS.POLL_FD_READWRITE;
          dv.setBigUint64(ptr + 8, rights, true);
          dv.setBigUint64(ptr + 16, 0n, true);
          return 0;
        }
        const e = this.ch.call(OP.FD_FDSTAT_GET, [fd]);
        if (e === 0) this.respData(ptr, 24);
        return e;
      },
      fd_fdstat_set_flags: (fd: number, flags: number) => (fd < 3 ? 0 : this.ch.call(OP.FD_FDSTAT_SET_FLAGS, [fd, flags])),
      fd_fdstat_set_rights: () => 0,
      fd_filestat_get: (fd: number, ptr: number) => {
        if (fd < 3) {
          this.u8.fill(0, ptr, ptr + 64);
          this.dv.setUint8(ptr + 16, FILETYPE.CHARACTER_DEVICE);
          return 0;
        }
        const e = this.ch.call(OP.FD_FILESTAT_GET, [fd]);
        if (e === 0) this.respData(ptr, 64);
        return e;
      },
      fd_filestat_set_size: (fd: number, size: bigint) => (fd < 3 ? E.INVAL : this.ch.call(OP.FD_FILESTAT_SET_SIZE, [fd, Number(size)])),
      fd_filestat_set_times: (fd: number, atim: bigint, mtim: bigint, fst: number) =>
        fd < 3 ? 0 : this.ch.call(OP.FD_FILESTAT_SET_TIMES, [fd, Number(atim / 1000n) / 1000, Number(mtim / 1000n) / 1000, fst]),
      fd_sync: (fd: number) => (fd < 3 ? 0 : this.ch.call(OP.FD_SYNC, [fd])),
      fd_datasync: (fd: number) => (fd < 3 ? 0 : this.ch.call(OP.FD_SYNC, [fd])),
      fd_advise: () => 0,
      fd_allocate: () => E.NOTSUP,
      fd_readdir: (fd: number, buf: number, len: number, cookie: bigint, out: number) => {
        if (fd < 3) return E.NOTDIR;
        const e = this.ch.call(OP.FD_READDIR, [fd, Math.min(len, DATA_SIZE), Number(cookie)]);
        if (e === 0) this.dv.setUint32(out, this.respData(buf, len), true);
        return e;
      },
      fd_prestat_get: (fd: number, ptr: number) => {
        if (fd < 3) return E.BADF;
        const e = this.ch.call(OP.FD_PRESTAT_GET, [fd]);
        if (e === 0) {
          this.dv.setUint32(ptr, 0, true); // tag 0 = dir
          this.dv.setUint32(ptr + 4, this.r[1], true);
        }
        return e;
      },
      fd_prestat_dir_name: (fd: number, ptr: number, len: number) => {
        if (fd < 3) return E.BADF;
        const e = this.ch.call(OP.FD_PRESTAT_DIR_NAME, [fd]);
        if (e === 0) this.respData(ptr, len);
        return e;
      },
      fd_renumber: (from: number, to: number) => (from < 3 || to < 3 ? E.NOTSUP : this.ch.call(OP.FD_RENUMBER, [from, to])),

      path_open: (dirfd: number, lookup: number, p: number, plen: number, oflags: number, base: bigint, _inh: bigint, fdflags: number, out: number) => {
        const read = (base & (RIGHTS.FD_READ | RIGHTS.FD_READDIR)) !== 0n ? 1 : 0;
        const write = (base & (RIGHTS.FD_WRITE | RIGHTS.FD_ALLOCATE | RIGHTS.FD_FILESTAT_SET_SIZE)) !== 0n ? 1 : 0;
        const e = this.pathCall(OP.PATH_OPEN, [dirfd, lookup, oflags, fdflags, read, write], p, plen);
        if (e === 0) this.dv.setUint32(out, this.r[1], true);
        return e;
      },
      path_filestat_get: (fd: number, lookup: number, p: number, plen: number, buf: number) => {
        const e = this.pathCall(OP.PATH_FILESTAT_GET, [fd, lookup], p, plen);
        if (e === 0) this.respData(buf, 64);
        return e;
      },
      path_filestat_set_times: (fd: number, lookup: number, p: number, plen: number, atim: bigint, mtim: bigint, fst: number) =>
        this.pathCall(OP.PATH_FILESTAT_SET_TIMES, [fd, lookup, Number(atim / 1000n) / 1000, Number(mtim / 1000n) / 1000, fst], p, plen),
      path_create_directory: (fd: number, p: number, plen: number) => this.pathCall(OP.PATH_CREATE_DIRECTORY, [fd], p, plen),
      path_remove_directory: (fd: number, p: number, plen: number) => this.pathCall(OP.PATH_REMOVE_DIRECTORY, [fd], p, plen),
      path_unlink_file: (fd: number, p: number, plen: number) => this.pathCall(OP.PATH_UNLINK_FILE, [fd], p, plen),
      path_rename: (fd: number, op: number, olen: number, nfd: number, np: number, nlen: number) => {
        if (olen + nlen > DATA_SIZE) return E.NAMETOOLONG;
        const data = new Uint8Array(olen + nlen);
        data.set(this.str(op, olen));
        data.set(this.str(np, nlen), olen);
        return this.ch.call(OP.PATH_RENAME, [fd, olen, nfd], data);
      },
      path_link: (ofd: number, lookup: number, op: number, olen: number, nfd: number, np: number, nlen: number) => {
        if (olen + nlen > DATA_SIZE) return E.NAMETOOLONG;
        const data = new Uint8Array(olen + nlen);
        data.set(this.str(op, olen));
        data.set(this.str(np, nlen), olen);
        return this.ch.call(OP.PATH_LINK, [ofd, lookup, olen, nfd], data);
      },
      path_symlink: (op: number, olen: number, fd: number, np: number, nlen: number) => {
        if (olen + nlen > DATA_SIZE) return E.NAMETOOLONG;
        const data = new Uint8Array(olen + nlen);
        data.set(this.str(op, olen));
        data.set(this.str(np, nlen), olen);
        return this.ch.call(OP.PATH_SYMLINK, [fd, olen], data);
      },
      path_readlink: (fd: number, p: number, plen: number, buf: number, blen: number, out: number) => {
        const e = this.pathCall(OP.PATH_READLINK, [fd, blen], p, plen);
        if (e === 0) this.dv.setUint32(out, this.respData(buf, blen), true);
        return e;
      },

      poll_oneoff: (inPtr: number, outPtr: number, nsubs: number, neventsPtr: number) => this.poll(inPtr, outPtr, nsubs, neventsPtr),

      sock_accept: (fd: number, flags: number, out: number) => {
        const e = this.ch.call(OP.SOCK_ACCEPT, [fd, flags]);
        if (e === 0) this.dv.setUint32(out, this.r[1], true);
        return e;
      },
      sock_recv: (fd: number, iovs: number, n: number, riflags: number, outLen: number, outFlags: number) => {
        const list = this.iovecs(iovs, n);
        const want = Math.min(DATA_SIZE, list.reduce((s, v) => s + v.len, 0));
        const e = this.ch.call(OP.SOCK_RECV, [fd, want, riflags]);
        if (e !== 0) return e;
        const len = this.ch.dataLen;
        this.scatter(list, this.ch.v.data.subarray(0, len));
        this.dv.setUint32(outLen, len, true);
        this.dv.setUint16(outFlags, 0, true);
        return 0;
      },
      sock_send: (fd: number, iovs: number, n: number, _flags: number, out: number) => {
        const r = this.writeRemote(OP.SOCK_SEND, fd, this.gather(this.iovecs(iovs, n)));
        if (r.errno === 0) this.dv.setUint32(out, r.n, true);
        return r.errno;
      },
      sock_shutdown: (fd: number, how: number) => this.ch.call(OP.SOCK_SHUTDOWN, [fd, how]),

      // WasmEdge socket extension (same import module).
      sock_open: (af: number, type: number, out: number) => {
        const e = this.ch.call(OP.SOCK_OPEN, [af, type]);
        if (e === 0) this.dv.setUint32(out, this.r[1], true);
        return e;
      },
      sock_bind: (fd: number, addr: number, port: number) => {
        const ip = this.readAddr(addr);
        return ip ? this.ch.call(OP.SOCK_BIND, [fd, port], ip) : E.AFNOSUPPORT;
      },
      sock_listen: (fd: number) => this.ch.call(OP.SOCK_LISTEN, [fd]),
      sock_connect: (fd: number, addr: number, port: number) => {
        const ip = this.readAddr(addr);
        return ip ? this.ch.call(OP.SOCK_CONNECT, [fd, port], ip) : E.AFNOSUPPORT;
      },
      // v1 has (fd, addr, addr_type*, port*), v2 (fd, addr, port*): tell them apart by arity.
      sock_getlocaladdr: (...a: number[]) => this.sockAddr(OP.SOCK_ADDR_LOCAL, a),
      sock_getpeeraddr: (...a: number[]) => this.sockAddr(OP.SOCK_ADDR_PEER, a),
      sock_getaddrinfo: (node: number, nlen: number, svc: number, slen: number, _hints: number, res: number, max: number, outLen: number) =>
        this.getaddrinfo(node, nlen, svc, slen, res, max, outLen),
      sock_setsockopt: () => 0,
      sock_getsockopt: (_fd: number, _level: number, _name: number, flag: number, sizePtr: number) => {
        // SO_ERROR and friends: report 0 (no pending error), which is what callers check for.
        const size = this.dv.getUint32(sizePtr, true);
        if (size >= 4) this.dv.setInt32(flag, 0, true);
        return 0;
      },
    };
    for (const k of Object.keys(fns)) fns[k] = w(fns[k]);
    return fns;
  }

  private sockAddr(op: number, a: number[]): number {
    const [fd, addr] = a;
    const portPtr = a.length >= 4 ? a[3] : a[2];
    const e = this.ch.call(op, [fd]);
    if (e !== 0) return e;
    const ip = this.ch.v.data.slice(0, 4);
    if (!this.writeAddr(addr, ip)) return E.INVAL;
    if (a.length >= 4) this.dv.setUint32(a[2], 4, true); // address type: IPv4
    this.dv.setUint32(portPtr, this.r[1], true);
    return 0;
  }

  /**
   * WasmEdge sock_getaddrinfo: *res points at a caller-allocated chain of addrinfo structs
   * (packed(4): flags u16 @0, family u8 @2, socktype u8 @3, protocol u8 @4, addrlen u32 @8,
   * addr* @12, canonname* @16, canonnamelen u32 @20, next* @24), each addr a sockaddr
   * {family u8 @0, sa_data_len u32 @4, sa_data* @8} whose sa_data receives port (big-endian) + IPv4.
   */
  private getaddrinfo(node: number, nlen: number, svc: number, slen: number, res: number, max: number, outLen: number): number {
    const strip = (b: Uint8Array) => (b.length && b[b.length - 1] === 0 ? b.subarray(0, b.length - 1) : b);
    const n = strip(this.str(node, nlen));
    const s = strip(this.str(svc, slen));
    const data = new Uint8Array(n.length + s.length);
    data.set(n);
    data.set(s, n.length);
    const e = this.ch.call(OP.SOCK_GETADDRINFO, [n.length], data);
    if (e !== 0) return e;
    const count = Math.min(this.r[1], max);
    const port = this.r[2];
    const ips = this.ch.v.data.slice(0, count * 4);
    const dv = this.dv;
    let ai = dv.getUint32(res, true);
    let written = 0;
    for (let i = 0; i < count && ai !== 0; i++) {
      dv.setUint8(ai + 2, WE_AF.INET4);
      dv.setUint8(ai + 3, 2); // stream
      dv.setUint8(ai + 4, 1); // tcp
      dv.setUint32(ai + 8, 16, true);
      const sa = dv.getUint32(ai + 12, true);
      if (sa !== 0) {
        dv.setUint8(sa, WE_AF.INET4);
        const saData = dv.getUint32(sa + 8, true);
        if (saData !== 0) {
          dv.setUint16(saData, port, false);
          this.u8.set(ips.subarray(i * 4, i * 4 + 4), saData + 2);
        }
      }
      written++;
      const next = dv.getUint32(ai + 24, true);
      if (i === count - 1) dv.setUint32(ai + 24, 0, true);
      ai = next;
    }
    dv.setUint32(outLen, written, true);
    return 0;
  }

  /** poll_oneoff: clocks are timed here; fd subscriptions are checked (and waited for) on the main thread. */
  private poll(inPtr: number, outPtr: number, nsubs: number, neventsPtr: number): number {
    if (nsubs === 0) return E.INVAL;
    let dv = this.dv;
    const clocks: { userdata: bigint; deadline: number }[] = [];
    const fdsubs: { userdata: bigint; type: number; fd: number }[] = [];
    const now = performance.now();
    for (let i = 0; i < nsubs; i++) {
      const p = inPtr + i * 48;
      const userdata = dv.getBigUint64(p, true);
      const tag = dv.getUint8(p + 8);
      if (tag === EVENTTYPE.CLOCK) {
        const id = dv.getUint32(p + 16, true);
        const timeout = dv.getBigUint64(p + 24, true);
        const flags = dv.getUint16(p + 40, true);
        let rel = timeout;
        if (flags & SUBCLOCKFLAGS_ABSTIME) {
          const cur = this.nowNs(id);
          rel = timeout > cur ? timeout - cur : 0n;
        }
        clocks.push({ userdata, deadline: now + Number(rel) / 1e6 });
      } else {
        fdsubs.push({ userdata, type: tag, fd: dv.getUint32(p + 16, true) });
      }
    }
    const firstClock = clocks.length ? Math.min(...clocks.map((c) => c.deadline)) : Infinity;
    const events: { userdata: bigint; error: number; type: number; nbytes: number; flags: number }[] = [];
    if (fdsubs.length === 0) {
      this.sleepMs(Math.max(0, firstClock - performance.now()));
    } else {
      const remoteFd = (fd: number) => fd >= 3 || (fd === 0 && !!this.io.stdinStream);
      const stdio = fdsubs.filter((s) => !remoteFd(s.fd));
      for (const s of stdio) events.push({ userdata: s.userdata, error: 0, type: s.type, nbytes: s.fd === 0 ? (this.io.stdin?.length ?? 0) - this.stdinPos : 65536, flags: 0 });
      const remote = fdsubs.map((s, index) => ({ ...s, index })).filter((s) => remoteFd(s.fd));
      if (remote.length) {
        const req = new DataView(new ArrayBuffer(remote.length * 12));
        remote.forEach((s, i) => {
          req.setUint32(i * 12, s.index, true);
          req.setUint32(i * 12 + 4, s.type, true);
          req.setUint32(i * 12 + 8, s.fd, true);
        });
        const timeout = events.length ? 0 : firstClock === Infinity ? -1 : Math.max(0, firstClock - performance.now());
        const e = this.ch.call(OP.POLL, [remote.length, timeout], new Uint8Array(req.buffer));
        if (e !== 0) return e;
        const out = new DataView(this.ch.v.data.buffer, this.ch.v.data.byteOffset, this.ch.dataLen);
        for (let i = 0; i < this.r[1]; i++) {
          const s = fdsubs[out.getUint32(i * 16, true)];
          events.push({ userdata: s.userdata, error: out.getUint32(i * 16 + 4, true), type: s.type, nbytes: out.getUint32(i * 16 + 8, true), flags: out.getUint32(i * 16 + 12, true) });
        }
      }
    }
    const t = performance.now();
    for (const c of clocks) if (c.deadline <= t + 0.05 || (events.length === 0 && c.deadline === firstClock)) events.push({ userdata: c.userdata, error: 0, type: EVENTTYPE.CLOCK, nbytes: 0, flags: 0 });
    dv = this.dv;
    const n = Math.min(events.length, nsubs);
    for (let i = 0; i < n; i++) {
      const p = outPtr + i * 32;
      const ev = events[i];
      this.u8.fill(0, p, p + 32);
      dv.setBigUint64(p, ev.userdata, true);
      dv.setUint16(p + 8, ev.error, true);
      dv.setUint8(p + 10, ev.type);
      dv.setBigUint64(p + 16, BigInt(ev.nbytes), true);
      dv.setUint16(p + 24, ev.flags, true);
    }
    dv.setUint32(neventsPtr, n, true);
    return 0;
  }
}


/** Names of the wasi_snapshot_preview1 functions (incl. the WasmEdge socket extension) this host implements. */
export const WASI_FUNCTIONS: ReadonlySet<string> = new Set(
  Object.keys(new WasiGuest({ args: [], env: [], output() {} }, new ChannelClient(new SharedArrayBuffer(CHANNEL_BYTES))).imports()),
);
