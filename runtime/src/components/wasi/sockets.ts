// wasi:sockets (tcp, ip-name-lookup) over the pod network: every socket is a host fd in the agent's
// preview1 host (sock-host.ts, the WasmEdge socket calls), so connect goes through PodNetwork.connect
// (pod source IP, ClusterIP translation), listen through PodNetwork.listen on the pod's IP, and
// name lookups through PodNetwork.resolve (cluster DNS names). IPv4 only, as pods are.
import { DATA_SIZE, OP, type ChannelClient } from '../../sandbox/rpc-channel.js';
import { E, EVENTTYPE, FDFLAGS, WE_AF, WE_SOCK } from '../../sandbox/wasi-abi.js';
import { InputStream, OutputStream, Pollable, poll, setFdWaiter } from './io.js';

const te = new TextEncoder();

const CODES: Record<number, string> = {
  [E.ACCES]: 'access-denied', [E.AFNOSUPPORT]: 'not-supported', [E.NOTSUP]: 'not-supported', [E.INVAL]: 'invalid-argument',
  [E.AGAIN]: 'would-block', [E.ADDRINUSE]: 'address-in-use', [E.ADDRNOTAVAIL]: 'address-not-bindable',
  [E.CONNREFUSED]: 'connection-refused', [E.CONNRESET]: 'connection-reset', [E.CONNABORTED]: 'connection-aborted',
  [E.TIMEDOUT]: 'timeout', [E.HOSTUNREACH]: 'remote-unreachable', [E.NOTCONN]: 'invalid-state', [E.ISCONN]: 'invalid-state',
  [E.NOENT]: 'name-unresolvable', [E.BADF]: 'invalid-state',
};
const fail = (errno: number): never => {
  throw CODES[errno] ?? 'unknown';
};

type Ipv4 = { tag: 'ipv4'; val: { port: number; address: [number, number, number, number] } };
type SocketAddress = Ipv4 | { tag: 'ipv6'; val: unknown };

let ch: ChannelClient;

function call(op: number, args: number[], data?: Uint8Array): void {
  const errno = ch.call(op, args, data);
  if (errno !== 0) fail(errno);
}

/** Whether fd is ready for `type` (EVENTTYPE) right now. */
function fdReady(fd: number, type: number): boolean {
  const d = new DataView(new ArrayBuffer(12));
  d.setUint32(0, 0, true);
  d.setUint32(4, type, true);
  d.setUint32(8, fd, true);
  ch.call(OP.POLL, [1, 0], new Uint8Array(d.buffer));
  return ch.v.results[1] > 0;
}

function fdPollable(fd: number, type: number): Pollable {
  return new Pollable(() => fdReady(fd, type), undefined, { fd, type });
}

function address(op: number, fd: number): Ipv4 {
  call(op, [fd]);
  const b = ch.v.data;
  return { tag: 'ipv4', val: { port: ch.v.results[1], address: [b[0], b[1], b[2], b[3]] } };
}

function ipv4(a: SocketAddress): { ip: Uint8Array; port: number } {
  if (a.tag !== 'ipv4') fail(E.AFNOSUPPORT);
  const v = (a as Ipv4).val;
  return { ip: Uint8Array.from(v.address), port: v.port };
}

function streams(fd: number): [InputStream, OutputStream] {
  let eof = false;
  const input = new InputStream({
    read: (max) => {
      if (eof) return null;
      const errno = ch.call(OP.SOCK_RECV, [fd, Math.min(max, DATA_SIZE), 0]);
      if (errno === E.AGAIN) return new Uint8Array(0);
      if (errno !== 0) throw { tag: 'closed' };
      const data = ch.v.data.slice(0, ch.dataLen);
      if (data.length === 0) {
        eof = true;
        return null;
      }
      return data;
    },
    ready: () => eof || fdReady(fd, EVENTTYPE.FD_READ),
    pollable: () => fdPollable(fd, EVENTTYPE.FD_READ),
  });
  let closed = false;
  const output = new OutputStream({
    write: (bytes) => {
      // Whole writes: wait (bounded by the peer reading) while the socket is congested.
      for (let off = 0; off < bytes.length;) {
        const errno = ch.call(OP.SOCK_SEND, [fd], bytes.subarray(off, off + DATA_SIZE));
        if (errno === E.AGAIN) {
          poll([fdPollable(fd, EVENTTYPE.FD_WRITE)]);
          continue;
        }
        if (errno !== 0) {
          closed = true;
          throw { tag: 'closed' };
        }
        off += ch.v.results[1];
      }
    },
    capacity: () => 64 * 1024,
    closed: () => closed,
  });
  return [input, output];
}

export class Network {
  /** componentize-js 0.22's wasi:sockets WIT gives the resource a never-called method. */
  noop(): void {}
}
const network = new Network();

export class TcpSocket {
  private bound = false;
  private listening = false;
  private connected?: [InputStream, OutputStream];
  private connectError?: number;
  private backlog = 128;
  private opts: Record<string, unknown> = {};

  constructor(readonly fd: number) {}

  startBind(_net: Network, local: SocketAddress): void {
    const { ip, port } = ipv4(local);
    call(OP.SOCK_BIND, [this.fd, port], ip);
  }
  finishBind(): void {
    this.bound = true;
  }

  /** The connect completes here (the agent connects while this call waits; loopback is fast). */
  startConnect(_net: Network, remote: SocketAddress): void {
    if (this.connected || this.listening) fail(E.ISCONN);
    const { ip, port } = ipv4(remote);
    const errno = ch.call(OP.SOCK_CONNECT, [this.fd, port], ip);
    if (errno !== 0) this.connectError = errno;
    else this.connected = streams(this.fd);
  }
  finishConnect(): [InputStream, OutputStream] {
    if (this.connectError !== undefined) {
      const e = this.connectError;
      this.connectError = undefined;
      fail(e);
    }
    if (!this.connected) fail(E.NOTCONN);
    return this.connected!;
  }

  startListen(): void {
    call(OP.SOCK_LISTEN, [this.fd, this.backlog]);
  }
  finishListen(): void {
    this.listening = true;
  }

  accept(): [TcpSocket, InputStream, OutputStream] {
    if (!this.listening) fail(E.INVAL);
    call(OP.SOCK_ACCEPT, [this.fd, FDFLAGS.NONBLOCK]);
    const s = new TcpSocket(ch.v.results[1]);
    s.connected = streams(s.fd);
    return [s, ...s.connected];
  }

  localAddress(): Ipv4 { return address(OP.SOCK_ADDR_LOCAL, this.fd); }
  remoteAddress(): Ipv4 { return address(OP.SOCK_ADDR_PEER, this.fd); }
  isListening(): boolean { return this.listening; }
  addressFamily(): string { return 'ipv4'; }
  setListenBacklogSize(n: bigint): void { this.backlog = Number(n); }
  keepAliveEnabled(): boolean { return (this.opts.ka as boolean) ?? false; }
  setKeepAliveEnabled(v: boolean): void { this.opts.ka = v; }
  keepAliveIdleTime(): bigint { return (this.opts.kai as bigint) ?? 7_200_000_000_000n; }
  setKeepAliveIdleTime(v: bigint): void { this.opts.kai = v; }
  keepAliveInterval(): bigint { return (this.opts.kiv as bigint) ?? 75_000_000_000n; }
  setKeepAliveInterval(v: bigint): void { this.opts.kiv = v; }
  keepAliveCount(): number { return (this.opts.kc as number) ?? 9; }
  setKeepAliveCount(v: number): void { this.opts.kc = v; }
  hopLimit(): number { return (this.opts.hl as number) ?? 64; }
  setHopLimit(v: number): void { this.opts.hl = v; }
  receiveBufferSize(): bigint { return (this.opts.rb as bigint) ?? 65536n; }
  setReceiveBufferSize(v: bigint): void { this.opts.rb = v; }
  sendBufferSize(): bigint { return (this.opts.sb as bigint) ?? 65536n; }
  setSendBufferSize(v: bigint): void { this.opts.sb = v; }

  subscribe(): Pollable {
    // Pending operations finish at once, except accept: ready when a connection waits.
    return this.listening ? fdPollable(this.fd, EVENTTYPE.FD_READ) : new Pollable(() => true);
  }

  shutdown(how: string): void {
    call(OP.SOCK_SHUTDOWN, [this.fd, how === 'receive' ? 1 : how === 'send' ? 2 : 3]);
  }

  [Symbol.dispose](): void {
    ch.call(OP.FD_CLOSE, [this.fd]);
  }
}

export class ResolveAddressStream {
  constructor(private readonly addrs: { tag: 'ipv4'; val: [number, number, number, number] }[]) {}
  resolveNextAddress(): { tag: 'ipv4'; val: [number, number, number, number] } | undefined {
    return this.addrs.shift();
  }
  subscribe(): Pollable {
    return new Pollable(() => true);
  }
}

export function socketImports(channel: ChannelClient): Record<string, unknown> {
  ch = channel;
  setFdWaiter((subs, ms) => {
    const d = new DataView(new ArrayBuffer(subs.length * 12));
    subs.forEach((s, i) => {
      d.setUint32(i * 12, i, true);
      d.setUint32(i * 12 + 4, s.type, true);
      d.setUint32(i * 12 + 8, s.fd, true);
    });
    ch.call(OP.POLL, [subs.length, Math.max(0, Math.round(ms))], new Uint8Array(d.buffer));
  });
  return {
    'wasi:sockets/network': { Network, networkErrorCode: () => undefined },
    'wasi:sockets/instance-network': { instanceNetwork: () => network },
    'wasi:sockets/tcp': { TcpSocket },
    'wasi:sockets/tcp-create-socket': {
      createTcpSocket: (family: string) => {
        if (family !== 'ipv4') fail(E.AFNOSUPPORT);
        call(OP.SOCK_OPEN, [WE_AF.INET4, WE_SOCK.STREAM]);
        const fd = ch.v.results[1];
        call(OP.FD_FDSTAT_SET_FLAGS, [fd, FDFLAGS.NONBLOCK]);
        return new TcpSocket(fd);
      },
    },
    'wasi:sockets/ip-name-lookup': {
      ResolveAddressStream,
      resolveAddresses: (_net: Network, name: string) => {
        const n = te.encode(name);
        call(OP.SOCK_GETADDRINFO, [n.length], n);
        const count = ch.v.results[1];
        const b = ch.v.data;
        const addrs = Array.from({ length: count }, (_, i) => ({ tag: 'ipv4' as const, val: [b[i * 4], b[i * 4 + 1], b[i * 4 + 2], b[i * 4 + 3]] as [number, number, number, number] }));
        return new ResolveAddressStream(addrs);
      },
    },
  };
}
