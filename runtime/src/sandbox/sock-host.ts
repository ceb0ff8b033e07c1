// Socket operations on the agent's main thread: pre-opened listeners, accepted and outbound
// connections (WasmEdge extension), readiness for poll_oneoff. A blocking call from the guest is an
// awaited promise here; the worker stays parked on Atomics.wait until it settles.
import net from 'node:net';
import type { Response } from './rpc-channel.js';
import type { Readable } from 'node:stream';
import type { FdTable, ListenerRes, Resource, SocketRes, StdinRes } from './fd-table.js';
import type { PodNetwork } from './network.js';
import { E, EVENTTYPE, FDFLAGS, RIFLAGS, SDFLAGS } from './wasi-abi.js';

/** Receive buffering per connection before we stop reading from the kernel (TCP backpressure). */
const HIGH_WATER = 256 * 1024;

/** Wakes blocked calls of one container whenever any of its sockets changes state. */
export class Wakeup {
  private waiters = new Set<() => void>();
  kick(): void {
    const w = this.waiters;
    this.waiters = new Set();
    for (const f of w) f();
  }
  /** Resolves on the next kick, or after `ms` (when ms ≥ 0). */
  wait(ms = -1): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        if (timer) clearTimeout(timer);
        resolve();
      };
      this.waiters.add(done);
      if (ms >= 0) timer = setTimeout(() => {
        this.waiters.delete(done);
        resolve();
      }, ms);
    });
  }
}

function socketErrno(err: unknown): number {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'ECONNREFUSED': return E.CONNREFUSED;
    case 'ECONNRESET': return E.CONNRESET;
    case 'EADDRINUSE': return E.ADDRINUSE;
    case 'EADDRNOTAVAIL': return E.ADDRNOTAVAIL;
    case 'ETIMEDOUT': return E.TIMEDOUT;
    case 'EHOSTUNREACH': return E.HOSTUNREACH;
    case 'EPIPE': return E.PIPE;
    default: return E.IO;
  }
}

export class SocketHost {
  constructor(
    private readonly table: FdTable,
    private readonly network: PodNetwork,
    private readonly podIp: string,
    readonly wake: Wakeup,
  ) {}

  /** Wraps a listening server as a guest fd resource, queueing connections until accepted. */
  adoptListener(server: net.Server, name?: string, preopened = false): ListenerRes {
    const res: ListenerRes = { kind: 'listener', server, queue: [], flags: 0, name, modeUndecided: preopened };
    server.on('connection', (s) => {
      s.pause();
      res.queue.push(s);
      this.wake.kick();
    });
    return res;
  }

  adoptSocket(sock: net.Socket, flags: number): SocketRes {
    const res: SocketRes = { kind: 'socket', sock, chunks: [], bytes: 0, eof: false, congested: false, flags };
    sock.on('data', (chunk: Buffer) => {
      res.chunks.push(chunk);
      res.bytes += chunk.length;
      if (res.bytes >= HIGH_WATER) sock.pause();
      this.wake.kick();
    });
    sock.on('end', () => {
      res.eof = true;
      this.wake.kick();
    });
    sock.on('error', (err) => {
      res.error = (err as NodeJS.ErrnoException).code ?? 'EIO';
      res.eof = true;
      this.wake.kick();
    });
    sock.on('close', () => {
      res.eof = true;
      this.wake.kick();
    });
    sock.on('drain', () => {
      res.congested = false;
      this.wake.kick();
    });
    sock.resume();
    return res;
  }

  adoptStdin(stream: Readable): StdinRes {
    const res: StdinRes = { kind: 'stdin', chunks: [], bytes: 0, eof: false, flags: 0 };
    stream.on('data', (chunk: Buffer | string) => {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      res.chunks.push(b);
      res.bytes += b.length;
      if (res.bytes >= HIGH_WATER) stream.pause();
      this.wake.kick();
    });
    const end = () => {
      res.eof = true;
      this.wake.kick();
    };
    stream.on('end', end);
    stream.on('close', end);
    stream.on('error', end);
    this.stdinStream = stream;
    return res;
  }

  private stdinStream?: Readable;

  async readStdin(max: number): Promise<Response> {
    const r = this.table.get(0);
    if (!r || r.kind !== 'stdin') return { errno: E.BADF };
    for (;;) {
      if (r.bytes > 0) {
        const all = Buffer.concat(r.chunks);
        const out = Buffer.from(all.subarray(0, Math.min(max, all.length)));
        const rest = all.subarray(out.length);
        r.chunks = rest.length ? [rest] : [];
        r.bytes = rest.length;
        if (r.bytes < HIGH_WATER) this.stdinStream?.resume();
        return { errno: 0, results: [out.length], data: out };
      }
      if (r.eof) return { errno: 0, results: [0] };
      if (r.flags & FDFLAGS.NONBLOCK) return { errno: E.AGAIN };
      await this.wake.wait();
      if (this.table.get(0) !== r) return { errno: E.BADF };
    }
  }

  private sock(fd: number): SocketRes | number {
    const r = this.table.get(fd);
    if (!r) return E.BADF;
    if (r.kind !== 'socket') return r.kind === 'listener' || r.kind === 'unbound' ? E.NOTCONN : E.NOTSOCK;
    return r;
  }

  /**
   * The container is being stopped. A WASI guest has no signals, so this is its SIGTERM: its
   * listening sockets stop taking connections (connections not yet accepted are dropped) and its
   * next accept or poll on them says so, while connections it already has keep working. A server
   * then drains what it is serving and exits; the grace period bounds how long that may take.
   */
  shutdownListeners(): void {
    for (const [, r] of this.table.entries()) {
      if (r.kind !== 'listener' || r.shutDown) continue;
      r.shutDown = true;
      r.server.close();
      for (const s of r.queue.splice(0)) s.destroy();
    }
    this.wake.kick();
  }

  async accept(fd: number, flags: number): Promise<Response> {
    const r = this.table.get(fd);
    if (!r) return { errno: E.BADF };
    if (r.kind !== 'listener') return { errno: r.kind === 'socket' ? E.INVAL : E.NOTSOCK };
    r.modeUndecided = false; // accept before asking: a blocking listener (see ListenerRes)
    for (;;) {
      if (r.shutDown) return { errno: E.INVAL };
      const s = r.queue.shift();
      if (s) {
        if (s.destroyed) continue;
        const res = this.adoptSocket(s, flags & FDFLAGS.NONBLOCK);
        return { errno: 0, results: [this.table.add(res)] };
      }
      if (r.flags & FDFLAGS.NONBLOCK) return { errno: E.AGAIN };
      if (this.table.get(fd) !== r) return { errno: E.BADF };
      await this.wake.wait();
    }
  }

  /** Reads up to max bytes; blocking unless the fd is non-blocking. PEEK leaves the data queued. */
  async recv(fd: number, max: number, riflags = 0): Promise<Response> {
    const r = this.sock(fd);
    if (typeof r === 'number') return { errno: r };
    for (;;) {
      if (r.bytes > 0) {
        const all = r.chunks.length === 1 ? r.chunks[0] : Buffer.concat(r.chunks);
        const out = Buffer.from(all.subarray(0, Math.min(max, all.length)));
        if (!(riflags & RIFLAGS.PEEK)) {
          const rest = all.subarray(out.length);
          r.chunks = rest.length ? [rest] : [];
          r.bytes = rest.length;
          if (r.bytes < HIGH_WATER && !r.eof) r.sock.resume();
        }
        return { errno: 0, results: [out.length], data: out };
      }
      if (r.error && r.error !== 'ECONNRESET') return { errno: socketErrno({ code: r.error }) };
      if (r.eof) return { errno: 0, results: [0] };
      if (r.flags & FDFLAGS.NONBLOCK) return { errno: E.AGAIN };
      await this.wake.wait();
      if (this.table.get(fd) !== r) return { errno: E.BADF };
    }
  }

  async send(fd: number, data: Uint8Array): Promise<Response> {
    const r = this.sock(fd);
    if (typeof r === 'number') return { errno: r };
    if (r.error) return { errno: socketErrno({ code: r.error }) };
    if (r.sock.destroyed || r.sock.writableEnded) return { errno: E.PIPE };
    if (r.congested && r.flags & FDFLAGS.NONBLOCK) return { errno: E.AGAIN };
    const ok = r.sock.write(Buffer.from(data)); // copy: the data region is reused by the next call
    if (!ok) {
      r.congested = true;
      // Blocking sockets wait for the kernel to take the data, as write(2) would.
      while (r.congested && !(r.flags & FDFLAGS.NONBLOCK) && !r.error && !r.sock.destroyed) await this.wake.wait();
    }
    return { errno: 0, results: [data.length] };
  }

  shutdown(fd: number, how: number): Response {
    const r = this.sock(fd);
    if (typeof r === 'number') return { errno: r };
    if (how & SDFLAGS.WR) r.sock.end();
    if (how & SDFLAGS.RD) {
      r.chunks = [];
      r.bytes = 0;
      r.eof = true;
    }
    return { errno: 0 };
  }

  /**
   * poll_oneoff for fd subscriptions: resolves when at least one is ready, or after timeoutMs
   * (-1 = no timeout). Returns per subscription: [index, errno, nbytes, flags].
   */
  async poll(subs: { index: number; type: number; fd: number }[], timeoutMs: number): Promise<number[][]> {
    const deadline = timeoutMs >= 0 ? Date.now() + timeoutMs : Infinity;
    for (;;) {
      const ready: number[][] = [];
      for (const s of subs) {
        const ev = this.readiness(this.table.get(s.fd), s.type);
        if (ev) ready.push([s.index, ...ev]);
      }
      if (ready.length > 0) return ready;
      const left = deadline - Date.now();
      if (left <= 0) return [];
      await this.wake.wait(left === Infinity ? -1 : left);
    }
  }

  /** [errno, nbytes, flags] when ready, else null. Files and directories are always ready. */
  private readiness(r: Resource | undefined, type: number): number[] | null {
    if (!r) return [E.BADF, 0, 0];
    if (r.kind === 'listener') {
      if (r.shutDown) return [0, 0, 1 /* hangup */];
      return type === EVENTTYPE.FD_READ && r.queue.length > 0 ? [0, r.queue.length, 0] : null;
    }
    if (r.kind === 'socket') {
      if (type === EVENTTYPE.FD_READ) {
        if (r.bytes > 0) return [0, r.bytes, 0];
        if (r.eof) return [0, 0, 1 /* hangup */];
        return null;
      }
      if (r.error || r.sock.destroyed) return [0, 0, 1];
      return r.congested ? null : [0, 64 * 1024, 0];
    }
    if (r.kind === 'unbound') return null;
    if (r.kind === 'stdin') {
      if (type !== EVENTTYPE.FD_READ) return [E.BADF, 0, 0];
      return r.bytes > 0 ? [0, r.bytes, 0] : r.eof ? [0, 0, 1] : null;
    }
    return [0, 0, 0];
  }

  // ---- WasmEdge socket extension: outbound (and guest-created listening) sockets ----

  open(family: number, type: number): Response {
    if (type !== 0 && type !== 2) return { errno: E.NOTSUP }; // stream only (no UDP yet)
    if (family === 2) return { errno: E.AFNOSUPPORT }; // pods are IPv4
    return { errno: 0, results: [this.table.add({ kind: 'unbound', flags: 0 })] };
  }

  bind(fd: number, ip: string, port: number): Response {
    const r = this.table.get(fd);
    if (!r) return { errno: E.BADF };
    if (r.kind !== 'unbound') return { errno: E.INVAL };
    // A pod owns exactly its IP: 0.0.0.0 and 127.0.0.1 mean "the pod's address".
    if (ip !== '0.0.0.0' && ip !== '127.0.0.1' && ip !== this.podIp) return { errno: E.ADDRNOTAVAIL };
    r.bindIp = this.podIp;
    r.bindPort = port;
    return { errno: 0 };
  }

  async listen(fd: number): Promise<Response> {
    const r = this.table.get(fd);
    if (!r) return { errno: E.BADF };
    if (r.kind !== 'unbound') return { errno: r.kind === 'listener' ? 0 : E.INVAL };
    try {
      const server = await this.network.listen(r.bindIp ?? this.podIp, r.bindPort ?? 0);
      const res = this.adoptListener(server);
      res.flags = r.flags;
      this.table.set(fd, res);
      return { errno: 0 };
    } catch (err) {
      return { errno: socketErrno(err) };
    }
  }

  async connect(fd: number, ip: string, port: number): Promise<Response> {
    const r = this.table.get(fd);
    if (!r) return { errno: E.BADF };
    if (r.kind === 'socket') return { errno: E.ISCONN };
    if (r.kind !== 'unbound') return { errno: E.INVAL };
    try {
      const sock = await this.network.connect(this.podIp, ip, port);
      this.table.set(fd, this.adoptSocket(sock, r.flags));
      return { errno: 0 };
    } catch (err) {
      return { errno: socketErrno(err) };
    }
  }

  /** Local or peer address: results [port], data = 4 IPv4 bytes. */
  address(fd: number, peer: boolean): Response {
    const r = this.table.get(fd);
    if (!r) return { errno: E.BADF };
    let ip: string | undefined;
    let port: number | undefined;
    if (r.kind === 'socket') {
      ip = peer ? r.sock.remoteAddress : r.sock.localAddress;
      port = peer ? r.sock.remotePort : r.sock.localPort;
    } else if (r.kind === 'listener' && !peer) {
      const a = r.server.address();
      if (a && typeof a === 'object') {
        ip = a.address;
        port = a.port;
      }
    } else if (r.kind === 'unbound' && !peer) {
      ip = r.bindIp ?? '0.0.0.0';
      port = r.bindPort ?? 0;
    }
    if (ip === undefined || port === undefined) return { errno: peer ? E.NOTCONN : E.INVAL };
    const v4 = ip.replace(/^::ffff:/, '');
    if (!net.isIPv4(v4)) return { errno: E.AFNOSUPPORT };
    return { errno: 0, results: [port], data: Uint8Array.from(v4.split('.').map(Number)) };
  }

  /** Results [count, port], data = count × 4 IPv4 bytes. */
  async getaddrinfo(node: string, service: string): Promise<Response> {
    const known: Record<string, number> = { http: 80, https: 443 };
    const port = service === '' ? 0 : /^\d+$/.test(service) ? Number(service) : known[service];
    if (port === undefined) return { errno: E.INVAL };
    const ips = await this.network.resolve(node, this.podIp).catch(() => [] as string[]);
    if (ips.length === 0) return { errno: E.NOENT };
    const data = new Uint8Array(ips.length * 4);
    ips.forEach((ip, i) => data.set(ip.split('.').map(Number), i * 4));
    return { errno: 0, results: [ips.length, port], data };
  }
}
