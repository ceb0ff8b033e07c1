// The runtime owns a wasi:http component's listening sockets: Node's HTTP server parses requests
// on the pod's port, each request (with its whole body) is posted to the container's worker, and
// the response comes back as head, body chunks and end, streamed to the client as they arrive.
import http from 'node:http';
import type net from 'node:net';
import type { Worker } from 'node:worker_threads';
import type { AgentToWorker, WorkerToAgent } from './protocol.js';
import type { RequestMessage } from './wasi/http-types.js';

/** Largest request body forwarded to a guest (it is buffered whole). */
export const MAX_REQUEST_BODY = 16 << 20;

export class HttpFrontend {
  private nextId = 1;
  private readonly pending = new Map<number, http.ServerResponse>();
  private readonly sockets = new Set<net.Socket>();
  private closed = false;

  constructor(private readonly worker: Worker, private readonly wake: Int32Array) {
    worker.on('message', (m: WorkerToAgent) => this.onMessage(m));
  }

  /** Serves HTTP on an already listening socket (the sandbox's PodNetwork listener). */
  attach(listener: net.Server): void {
    const hs = http.createServer({ keepAlive: true }, (req, res) => this.onRequest(req, res));
    hs.keepAliveTimeout = 5000;
    listener.on('connection', (sock: net.Socket) => {
      if (this.closed) {
        sock.destroy();
        return;
      }
      // Tracked here: hs never listens itself, so its own connection tracking is not set up.
      this.sockets.add(sock);
      sock.once('close', () => this.sockets.delete(sock));
      hs.emit('connection', sock);
    });
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (this.closed) {
      res.writeHead(503).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_REQUEST_BODY) {
        res.writeHead(413, { 'content-type': 'text/plain', connection: 'close' }).end(`request body over ${MAX_REQUEST_BODY} bytes\n`);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (res.headersSent || this.closed) {
        if (!res.headersSent) res.writeHead(503).end();
        return;
      }
      const id = this.nextId++;
      this.pending.set(id, res);
      res.on('close', () => this.pending.delete(id));
      const headers: [string, string][] = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
      const msg: RequestMessage = {
        method: req.method ?? 'GET',
        pathWithQuery: req.url ?? '/',
        scheme: 'http',
        authority: req.headers.host ?? '',
        headers,
        body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks),
      };
      this.worker.postMessage({ type: 'http-request', id, req: msg } satisfies AgentToWorker);
      Atomics.add(this.wake, 0, 1);
      Atomics.notify(this.wake, 0);
    });
  }

  private onMessage(m: WorkerToAgent): void {
    if (m.type !== 'http-head' && m.type !== 'http-body' && m.type !== 'http-end') return;
    const res = this.pending.get(m.id);
    if (!res) return;
    switch (m.type) {
      case 'http-head': {
        const flat: string[] = [];
        for (const [k, v] of m.headers) flat.push(k, v);
        res.writeHead(m.status, flat);
        break;
      }
      case 'http-body':
        res.write(m.data);
        break;
      case 'http-end':
        this.pending.delete(m.id);
        if (m.error && !res.headersSent) res.writeHead(500);
        if (m.error && res.headersSent && !res.writableEnded) res.destroy(); // cut: the client sees a broken body
        else res.end();
        break;
    }
  }

  /** The container ended: requests in flight get 503, new connections are refused. */
  close(): void {
    this.closed = true;
    for (const res of this.pending.values()) {
      if (!res.headersSent) res.writeHead(503, { 'content-type': 'text/plain' }).end('the container exited\n');
      else res.destroy();
    }
    this.pending.clear();
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }
}
