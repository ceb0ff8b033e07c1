// The host side of kube-proxy: a listener on every ClusterIP:port (on loopback, where every
// 127.x address is local) and on 127.0.0.1:<nodePort>, each connection spliced to an endpoint
// chosen as for guests (same round robin, same ClientIP affinity — the client here is the host).
// Several agents on one machine (multi-node clusters, fixtures) would bind the same addresses: the
// first to bind serves it, the others skip quietly and retry now and then, so one takes over when
// the serving agent goes.

import net from 'node:net';
import type { Balancer } from './balancer.js';
import type { Endpoint, ServicePortRef, ServiceTable } from './service-table.js';
import { splice } from './tunnel.js';

const RETRY_MS = 2_000;

interface Listener {
  ref: ServicePortRef;
  server?: net.Server;
  state: 'binding' | 'bound' | 'busy' | 'closed';
}

export type Dial = (ep: Endpoint) => Promise<net.Socket>;

export class HostProxy {
  private readonly listeners = new Map<string, Listener>();
  private readonly open = new Set<net.Socket>();
  private syncQueued = false;
  private retry?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly table: ServiceTable,
    private readonly balancer: Balancer,
    private readonly dial: Dial,
  ) {}

  start(): void {
    this.table.onChange(() => this.queueSync());
    this.sync();
    this.retry = setInterval(() => {
      if ([...this.listeners.values()].some((l) => l.state === 'busy')) this.sync();
    }, RETRY_MS);
    this.retry.unref();
  }

  /** Addresses this agent is serving (for diagnostics and tests). */
  serving(): string[] {
    return [...this.listeners].filter(([, l]) => l.state === 'bound').map(([a]) => a);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.retry);
    for (const s of this.open) s.destroy();
    await Promise.all([...this.listeners.values()].map((l) => this.close(l)));
    this.listeners.clear();
  }

  private queueSync(): void {
    if (this.syncQueued || this.stopped) return;
    this.syncQueued = true;
    setImmediate(() => {
      this.syncQueued = false;
      this.sync();
    });
  }

  private sync(): void {
    if (this.stopped) return;
    const want = new Map<string, ServicePortRef>();
    for (const { clusterIP, ref } of this.table.allPorts()) {
      if (clusterIP) want.set(`${clusterIP}:${ref.port.port}`, ref);
      if (ref.port.nodePort) want.set(`127.0.0.1:${ref.port.nodePort}`, ref);
    }
    for (const [addr, l] of this.listeners) {
      if (!want.has(addr)) {
        this.listeners.delete(addr);
        void this.close(l);
      }
    }
    for (const [addr, ref] of want) {
      const l = this.listeners.get(addr);
      if (l) {
        l.ref = ref; // connections look it up when they arrive: no rebind for a changed Service
        if (l.state === 'busy') this.bind(addr, l);
      } else {
        const nl: Listener = { ref, state: 'binding' };
        this.listeners.set(addr, nl);
        this.bind(addr, nl);
      }
    }
  }

  private bind(addr: string, l: Listener): void {
    const i = addr.lastIndexOf(':');
    const host = addr.slice(0, i);
    const port = Number(addr.slice(i + 1));
    l.state = 'binding';
    const server = net.createServer((sock) => this.handle(l, sock));
    server.once('error', () => {
      // EADDRINUSE: another agent on this machine serves it (or something else holds it); retry later.
      if (l.state === 'binding') l.state = 'busy';
      server.close();
    });
    server.listen({ host, port, exclusive: true }, () => {
      if (l.state !== 'binding' || this.listeners.get(addr) !== l) {
        server.close();
        return;
      }
      l.state = 'bound';
      l.server = server;
    });
  }

  private handle(l: Listener, sock: net.Socket): void {
    this.open.add(sock);
    sock.on('close', () => this.open.delete(sock));
    sock.on('error', () => sock.destroy());
    const ep = this.balancer.pick(l.ref, (sock.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''));
    if (!ep) {
      sock.destroy();
      return;
    }
    this.dial(ep).then(
      (up) => {
        this.open.add(up);
        up.on('close', () => this.open.delete(up));
        splice(sock, up);
      },
      () => sock.destroy(),
    );
  }

  private close(l: Listener): Promise<void> {
    l.state = 'closed';
    const s = l.server;
    l.server = undefined;
    return new Promise((r) => (s ? s.close(() => r()) : r()));
  }
}
