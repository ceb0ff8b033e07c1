// The main-thread half of wasi:http/outgoing-handler: a guest's request leaves through the pod
// network (PodNetwork.connect: pod source IP, ClusterIP translation, localhost = the pod), never
// from the worker. The worker drives it with non-blocking channel calls (ops below); when the
// response head or body data arrives the guest's blocked poll() is woken through the wake slot.
import http from 'node:http';
import type net from 'node:net';
import type { PodNetwork } from '../sandbox/network.js';
import type { Request, Response } from '../sandbox/rpc-channel.js';

/** Channel ops of the component host (the preview1 host's ops are below 100). */
export const HTTP_OP = { START: 100, STATE: 101, READ: 102, DROP: 103 } as const;
/** STATE result bits. */
export const HTTP_STATE = { HEAD: 1, DATA: 2, END: 4, ERROR: 8 } as const;

const MAX_INFLIGHT = 64;
const td = new TextDecoder();
const te = new TextEncoder();

interface Inflight {
  req?: http.ClientRequest;
  res?: http.IncomingMessage;
  head?: { status: number; headers: [string, string][] };
  chunks: Buffer[];
  ended: boolean;
  error?: string;
}

export class HttpClientHost {
  private nextId = 1;
  private readonly inflight = new Map<number, Inflight>();

  constructor(private readonly network: PodNetwork, private readonly podIp: string, private readonly wake: Int32Array) {}

  private kick(): void {
    Atomics.add(this.wake, 0, 1);
    Atomics.notify(this.wake, 0);
  }

  handle = (r: Request): Response => {
    switch (r.op) {
      case HTTP_OP.START: {
        // data: JSON head (a[0] bytes) then the body.
        const head = JSON.parse(td.decode(r.data.subarray(0, r.args[0]))) as { method: string; url: string; headers: [string, string][] };
        const body = Buffer.from(r.data.subarray(r.args[0]));
        if (this.inflight.size >= MAX_INFLIGHT) return { errno: 1 };
        const id = this.nextId++;
        this.start(id, head, body);
        return { errno: 0, results: [id] };
      }
      case HTTP_OP.STATE: {
        const f = this.inflight.get(r.args[0]);
        if (!f) return { errno: 2 };
        const bits = (f.head ? HTTP_STATE.HEAD : 0) | (f.chunks.length ? HTTP_STATE.DATA : 0) | (f.ended ? HTTP_STATE.END : 0) | (f.error ? HTTP_STATE.ERROR : 0);
        const data = f.error ? te.encode(f.error) : f.head ? te.encode(JSON.stringify(f.head)) : undefined;
        return { errno: 0, results: [bits], data };
      }
      case HTTP_OP.READ: {
        const f = this.inflight.get(r.args[0]);
        if (!f) return { errno: 2 };
        const max = Math.min(r.args[1], 60 * 1024);
        const out: Buffer[] = [];
        let n = 0;
        while (f.chunks.length && n < max) {
          const c = f.chunks[0];
          const take = Math.min(c.length, max - n);
          out.push(c.subarray(0, take));
          n += take;
          if (take === c.length) f.chunks.shift();
          else f.chunks[0] = c.subarray(take);
        }
        if (f.chunks.length === 0 && !f.ended) f.res?.resume();
        return { errno: 0, results: [f.chunks.length === 0 && f.ended ? 1 : 0], data: Buffer.concat(out) };
      }
      case HTTP_OP.DROP: {
        const f = this.inflight.get(r.args[0]);
        f?.req?.destroy();
        this.inflight.delete(r.args[0]);
        return { errno: 0 };
      }
      default:
        return { errno: 52 /* ENOSYS */ };
    }
  };

  private start(id: number, head: { method: string; url: string; headers: [string, string][] }, body: Buffer): void {
    const f: Inflight = { chunks: [], ended: false };
    this.inflight.set(id, f);
    const fail = (msg: string) => {
      if (!f.error) f.error = msg;
      f.ended = true;
      this.kick();
    };
    let url: URL;
    try {
      url = new URL(head.url);
    } catch {
      fail(`invalid URL ${head.url}`);
      return;
    }
    if (url.protocol !== 'http:') {
      fail(`only http: is supported from components, not ${url.protocol}`);
      return;
    }
    const headers: Record<string, string[]> = {};
    for (const [k, v] of head.headers) (headers[k] ??= []).push(v);
    const req = http.request({
      method: head.method,
      host: url.hostname,
      port: Number(url.port || 80),
      path: url.pathname + url.search,
      headers,
      agent: false,
      // The connection is made by the pod network, from the pod's IP.
      createConnection: ((_o: unknown, cb: (err: Error | null, s?: net.Socket) => void) => {
        this.network.connect(this.podIp, url.hostname, Number(url.port || 80)).then((s) => cb(null, s), (e: Error) => cb(e));
        return undefined;
      }) as unknown as http.RequestOptions['createConnection'],
    });
    f.req = req;
    req.on('response', (res) => {
      const hs: [string, string][] = [];
      for (let i = 0; i < res.rawHeaders.length; i += 2) hs.push([res.rawHeaders[i], res.rawHeaders[i + 1]]);
      f.head = { status: res.statusCode ?? 0, headers: hs };
      f.res = res;
      res.on('data', (c: Buffer) => {
        f.chunks.push(c);
        // Bounded buffering: pause the socket until the guest reads.
        if (f.chunks.length > 16) res.pause();
        this.kick();
      });
      res.on('end', () => {
        f.ended = true;
        this.kick();
      });
      res.on('error', (e) => fail(e.message));
      this.kick();
    });
    req.on('error', (e) => fail(e.message));
    req.end(body);
  }

  close(): void {
    for (const f of this.inflight.values()) f.req?.destroy();
    this.inflight.clear();
  }
}
