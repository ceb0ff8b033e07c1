// The tunnel between node agents for pods on different machines. The sending agent opens a TCP
// connection to the receiving agent's tunnel port and writes a PROXY v2 header naming the source
// pod IP and the destination pod IP:port; the receiving agent connects to that pod from the source
// IP (localAddress), so the backend sees the real client pod's address, and splices the streams.

import net from 'node:net';
import { decodeProxyV2, encodeProxyV2 } from './proxy-v2.js';

const MAX_HEADER_WAIT_MS = 5_000;

export interface TunnelServerOptions {
  host: string;
  port?: number;
  /** Only destinations this agent is responsible for (its pods) are accepted. */
  accepts(dstIp: string): boolean;
}

export class TunnelServer {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  /** Connections carried (for diagnostics and tests). */
  carried = 0;

  constructor(private readonly opts: TunnelServerOptions) {}

  async listen(): Promise<string> {
    const server = net.createServer((s) => this.accept(s));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: this.opts.host, port: this.opts.port ?? 0 }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const a = server.address() as net.AddressInfo;
    return `${this.opts.host}:${a.port}`;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private accept(inbound: net.Socket): void {
    this.sockets.add(inbound);
    inbound.on('close', () => this.sockets.delete(inbound));
    inbound.on('error', () => inbound.destroy());
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => inbound.destroy(), MAX_HEADER_WAIT_MS);
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      const r = decodeProxyV2(buf);
      if ('need' in r) return;
      inbound.off('data', onData);
      clearTimeout(timer);
      if ('error' in r || !this.opts.accepts(r.addresses.dstIp)) {
        inbound.destroy();
        return;
      }
      inbound.pause();
      const rest = buf.subarray(r.consumed);
      const { srcIp, dstIp, dstPort } = r.addresses;
      const outbound = net.connect({ host: dstIp, port: dstPort, localAddress: srcIp });
      this.sockets.add(outbound);
      outbound.on('close', () => this.sockets.delete(outbound));
      outbound.once('connect', () => {
        this.carried++;
        if (rest.length) outbound.write(rest);
        splice(inbound, outbound);
        inbound.resume();
      });
      outbound.on('error', () => {
        outbound.destroy();
        inbound.destroy();
      });
    };
    inbound.on('data', onData);
  }
}

/** Connect through a peer agent's tunnel; the socket's addresses are shown as the pods' own. */
export function dialTunnel(tunnel: string, srcIp: string, dstIp: string, dstPort: number): Promise<net.Socket> {
  const i = tunnel.lastIndexOf(':');
  const host = tunnel.slice(0, i);
  const port = Number(tunnel.slice(i + 1));
  return connectSocket({ host, port }).then((sock) => {
    sock.write(encodeProxyV2({ srcIp, srcPort: sock.localPort ?? 0, dstIp, dstPort }));
    disguise(sock, { localAddress: srcIp, remoteAddress: dstIp, remotePort: dstPort });
    return sock;
  });
}

/**
 * A client socket that reports chosen addresses (class getters, so that sockets keep their shape
 * and speed). Used for translated ClusterIP connections and for tunnelled ones.
 */
export class ShownSocket extends net.Socket {
  shown: { localAddress?: string; remoteAddress?: string; remotePort?: number } = {};
}
// Node defines these as getters on net.Socket.prototype; the subclass's getters prefer what is shown.
for (const k of ['remoteAddress', 'remotePort', 'localAddress'] as const) {
  const base = Object.getOwnPropertyDescriptor(net.Socket.prototype, k);
  Object.defineProperty(ShownSocket.prototype, k, {
    configurable: true,
    get(this: ShownSocket) {
      return this.shown[k] ?? base?.get?.call(this);
    },
  });
}

/** net.connect, resolving once connected, rejecting on the connect error. */
export function connectSocket(opts: net.TcpNetConnectOpts): Promise<ShownSocket> {
  return new Promise((resolve, reject) => {
    const sock = new ShownSocket();
    sock.once('error', reject);
    sock.connect(opts, () => {
      sock.off('error', reject);
      resolve(sock);
    });
  });
}

/**
 * Show a guest the addresses it expects instead of the transport's: a translated ClusterIP
 * connection reports the Service address as its peer (as Cilium's socket LB does for getpeername),
 * a tunnelled one the pods' addresses rather than the agents'.
 */
export function disguise(sock: net.Socket, a: { localAddress?: string; remoteAddress?: string; remotePort?: number }): void {
  if (sock instanceof ShownSocket) Object.assign(sock.shown, a);
  else for (const [k, v] of Object.entries(a)) if (v !== undefined) Object.defineProperty(sock, k, { value: v, configurable: true });
}

/** Pipe two sockets both ways: an end is passed on (pipe does it), a failure or reset ends both. */
export function splice(a: net.Socket, b: net.Socket): void {
  a.pipe(b);
  b.pipe(a);
  const fail = () => {
    a.destroy();
    b.destroy();
  };
  a.on('error', fail);
  b.on('error', fail);
  a.on('close', (hadError) => (hadError ? fail() : b.end()));
  b.on('close', (hadError) => (hadError ? fail() : a.end()));
}
