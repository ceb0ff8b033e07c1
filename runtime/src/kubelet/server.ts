// The agent's own HTTP server, which the API server proxies to as kube-apiserver does to kubelet:
//   GET  /containerLogs/{ns}/{pod}/{container}?follow&previous&tailLines&timestamps&sinceSeconds&sinceTime&limitBytes
//   GET|POST /exec/{ns}/{pod}/{container}?command=…  (WebSocket v5/v4.channel.k8s.io or SPDY/3.1 upgrade)
//   GET|POST /attach/{ns}/{pod}/{container}
//   GET|POST /portforward/{ns}/{pod}                   (SPDY/3.1, over WebSocket or plain)
//   GET  /stats/summary                                usage of the node and per container, for metrics.k8s.io
//   GET  /healthz

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import net from 'node:net';
import { existsSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import { readLog } from '../sandbox/log-reader.js';
// exec/attach/port-forward (WebSocket and SPDY) load on the first upgrade: a node starts without them.
import type { handleExecUpgrade } from '../streaming/index.js';
import type { PodManager } from './pod-manager.js';
import type { PodWorker } from './pod/pod-worker.js';

export interface AgentServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

export async function startAgentServer(getPods: () => PodManager | undefined, host: string, port: number): Promise<AgentServer> {
  const server = createServer((req, res) => {
    const pods = getPods();
    if (!pods) return sendStatus(res, 503, 'ServiceUnavailable', 'node agent is starting');
    void handle(pods, req, res).catch((e) => sendStatus(res, 500, 'InternalError', (e as Error).message));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const pods = getPods();
    if (!pods) return socket.destroy();
    void handleUpgrade(pods, req, socket, head).catch(() => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as net.AddressInfo).port;
  return {
    server,
    port: actual,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections?.();
        server.close(() => r());
      }),
  };
}

function route(url: string): { kind: string; ns: string; pod: string; container?: string; query: URLSearchParams } | undefined {
  const u = new URL(url, 'http://agent');
  const parts = u.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const [kind, ns, pod, container] = parts;
  if (!kind || !ns || !pod) return undefined;
  return { kind, ns, pod, container, query: u.searchParams };
}

async function handle(pods: PodManager, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    return;
  }
  if (req.url === '/stats/summary') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(summary(pods)));
    return;
  }
  const r = route(req.url ?? '/');
  if (!r || r.kind !== 'containerLogs') return sendStatus(res, 404, 'NotFound', `no such path ${req.url}`);
  const w = pods.pod(r.ns, r.pod);
  if (!w) return sendStatus(res, 404, 'NotFound', `pods "${r.pod}" not found on this node`);
  const name = r.container ?? w.ctx.pod.spec.containers[0]?.name;
  const tracker = [...w.ctx.statuses, ...w.ctx.initStatuses].find((t) => t.name === name);
  if (!tracker) return sendStatus(res, 400, 'BadRequest', `container ${name} is not valid for pod ${r.pod}`);
  const q = r.query;
  const previous = parseBool(q.get('previous'));
  const count = previous ? tracker.restartCount - 1 : tracker.restartCount;
  if (previous && count < 0) {
    return sendStatus(res, 400, 'BadRequest', `previous terminated container "${name}" in pod "${r.pod}" not found`);
  }
  const file = w.ctx.logPath(name as string, count);
  if (!existsSync(file)) {
    if (tracker.state.waiting) return sendStatus(res, 400, 'BadRequest', `container "${name}" in pod "${r.pod}" is waiting to start: ${tracker.state.waiting.reason ?? 'ContainerCreating'}`);
    res.writeHead(200, { 'content-type': 'text/plain' }).end();
    return;
  }
  const sinceSeconds = q.get('sinceSeconds');
  const since = q.get('sinceTime') ?? (sinceSeconds ? new Date(Date.now() - Number(sinceSeconds) * 1000) : undefined);
  const limitBytes = q.get('limitBytes') ? Number(q.get('limitBytes')) : Infinity;
  const abort = new AbortController();
  res.on('close', () => abort.abort());
  const follow = parseBool(q.get('follow')) && !previous;
  const restartAtStart = tracker.restartCount;
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-cache' });
  res.flushHeaders();
  let sent = 0;
  for await (const line of readLog(file, {
    timestamps: parseBool(q.get('timestamps')),
    tailLines: q.get('tailLines') !== null ? Number(q.get('tailLines')) : undefined,
    since,
    follow,
    // Following ends when this instance of the container has exited.
    isDone: () => tracker.restartCount !== restartAtStart || !tracker.isRunning || w.ctx.isTerminating,
    signal: abort.signal,
  })) {
    const buf = Buffer.from(line, 'utf8');
    if (sent + buf.length > limitBytes) {
      res.write(buf.subarray(0, limitBytes - sent));
      break;
    }
    sent += buf.length;
    res.write(buf);
  }
  res.end();
}

async function handleUpgrade(pods: PodManager, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  const r = route(req.url ?? '/');
  const w = r && pods.pod(r.ns, r.pod);
  if (!r || !w) {
    socket.end(`HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n${JSON.stringify(status(404, 'NotFound', `pod not found on this node`))}`);
    return;
  }
  const { handleAttachUpgrade, handleExecUpgrade, handlePortForwardUpgrade } = await import('../streaming/index.js');
  if (r.kind === 'exec' || r.kind === 'attach') {
    const container = r.container ?? r.query.get('container') ?? w.ctx.pod.spec.containers[0]?.name;
    const handler = r.kind === 'exec' ? handleExecUpgrade : handleAttachUpgrade;
    await handler(req, socket, head, {
      container,
      kind: r.kind,
      run: (io) => (r.kind === 'exec' ? runExec(w, container as string, io) : runAttach(w, container as string, io)),
    });
    return;
  }
  if (r.kind === 'portforward') {
    await handlePortForwardUpgrade(req, socket, head, {
      dial: (port) =>
        new Promise<Duplex>((resolve, reject) => {
          const s = net.connect({ host: w.ctx.podIp, port });
          s.once('connect', () => resolve(s));
          s.once('error', reject);
        }),
    });
    return;
  }
  socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n');
}

async function runExec(w: PodWorker, container: string, io: Parameters<Parameters<typeof handleExecUpgrade>[3]['run']>[0]): Promise<number> {
  if (!io.command.length) throw new Error('you must specify at least one command for the container');
  const c = await w.ctx.exec(container, io.command, { stdin: io.stdin, stdout: io.stdout, stderr: io.tty ? io.stdout : io.stderr });
  const onAbort = () => void c.stop(0);
  io.signal.addEventListener('abort', onAbort);
  const exit = await c.exited;
  io.signal.removeEventListener('abort', onAbort);
  return exit.exitCode;
}

async function runAttach(w: PodWorker, container: string, io: Parameters<Parameters<typeof handleExecUpgrade>[3]['run']>[0]): Promise<number> {
  const tracker = w.ctx.statuses.find((t) => t.name === container);
  if (!tracker) throw new Error(`container ${container} not found`);
  const file = w.ctx.logPath(container, tracker.restartCount);
  const abort = new AbortController();
  io.signal.addEventListener('abort', () => abort.abort());
  const start = new Date();
  for await (const line of readLog(file, { follow: true, since: start, isDone: () => !tracker.isRunning, signal: abort.signal })) io.stdout.write(line);
  return 0;
}

/**
 * Usage for metrics.k8s.io, from the sandbox's counters: CPU from fuel burnt per second, memory
 * from the guests' linear memories. The node's usage is what its containers use.
 */
export interface StatsSummary {
  timestamp: string;
  window: string;
  node: { cpuCores: number; memoryBytes: number };
  pods: { namespace: string; name: string; containers: { name: string; cpuCores: number; memoryBytes: number }[] }[];
}

function summary(pods: PodManager): StatsSummary {
  const list = [...pods.workers.values()].map((w) => ({
    namespace: w.ctx.pod.metadata.namespace as string,
    name: w.ctx.pod.metadata.name as string,
    containers: w.runners.filter((r) => r.current).map((r) => ({ name: r.spec.name, ...(r.current as NonNullable<typeof r.current>).usage() })),
  }));
  const all = list.flatMap((p) => p.containers);
  return {
    timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    window: '10s',
    node: { cpuCores: all.reduce((s, c) => s + c.cpuCores, 0), memoryBytes: all.reduce((s, c) => s + c.memoryBytes, 0) },
    pods: list,
  };
}

function status(code: number, reason: string, message: string): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

function sendStatus(res: ServerResponse, code: number, reason: string, message: string): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(status(code, reason, message)));
}

function parseBool(v: string | null): boolean {
  return v !== null && ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v);
}
