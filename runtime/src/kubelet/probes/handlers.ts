// Runs one probe or lifecycle-hook action (httpGet, tcpSocket, exec, sleep) against a container,
// with a timeout, and words the outcome as kubelet does in its events.

import net from 'node:net';
import { loadUndici } from '@wasmkube/client';
import type { ContainerSpec, Handler } from '../pod/types.js';

export interface HandlerContext {
  podIp: string;
  container: ContainerSpec;
  /** Runs argv as a new instance of the container's image inside the pod; resolves with exit code and output. */
  exec(argv: string[], timeoutMs: number): Promise<{ exitCode: number; output: string }>;
}

export interface HandlerResult {
  ok: boolean;
  message: string;
}

export function resolvePort(port: number | string, c: ContainerSpec): number {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  const named = c.ports?.find((p) => p.name === port);
  if (!named) throw new Error(`couldn't find port "${port}" in container "${c.name}"`);
  return named.containerPort;
}

export async function runHandler(h: Handler, ctx: HandlerContext, timeoutMs: number): Promise<HandlerResult> {
  try {
    if (h.httpGet) return await httpGet(h.httpGet, ctx, timeoutMs);
    if (h.tcpSocket) return await tcpSocket(h.tcpSocket.host ?? ctx.podIp, resolvePort(h.tcpSocket.port, ctx.container), timeoutMs);
    if (h.exec) return await execAction(h.exec.command, ctx, timeoutMs);
    if (h.sleep) {
      await new Promise((r) => setTimeout(r, h.sleep!.seconds * 1000));
      return { ok: true, message: '' };
    }
    return { ok: false, message: 'no handler (httpGet, tcpSocket, exec or sleep) given' };
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  }
}

async function httpGet(g: NonNullable<Handler['httpGet']>, ctx: HandlerContext, timeoutMs: number): Promise<HandlerResult> {
  const port = resolvePort(g.port, ctx.container);
  const host = g.host ?? ctx.podIp;
  const scheme = (g.scheme ?? 'HTTP').toLowerCase();
  const path = g.path ? (g.path.startsWith('/') ? g.path : `/${g.path}`) : '/';
  const url = `${scheme}://${host}:${port}${path}`;
  const headers: Record<string, string> = { 'user-agent': 'kube-probe/1.32', accept: '*/*' };
  for (const h of g.httpHeaders ?? []) headers[h.name.toLowerCase()] = h.value;
  try {
    const res = await (await loadUndici()).request(url, { method: 'GET', headers, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, signal: AbortSignal.timeout(timeoutMs) });
    const body = (await res.body.text()).slice(0, 10 * 1024);
    if (res.statusCode >= 200 && res.statusCode < 400) return { ok: true, message: body };
    return { ok: false, message: `HTTP probe failed with statuscode: ${res.statusCode}` };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.name === 'TimeoutError' || err.name === 'AbortError' || err.code === 'UND_ERR_HEADERS_TIMEOUT') {
      return { ok: false, message: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` };
    }
    const cause = (err as { cause?: NodeJS.ErrnoException }).cause ?? err;
    const why = cause.code === 'ECONNREFUSED' ? 'connect: connection refused' : cause.message;
    return { ok: false, message: `Get "${url}": dial tcp ${host}:${port}: ${why}` };
  }
}

function tcpSocket(host: string, port: number, timeoutMs: number): Promise<HandlerResult> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const done = (r: HandlerResult) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => done({ ok: false, message: `dial tcp ${host}:${port}: i/o timeout` }), timeoutMs);
    sock.once('connect', () => done({ ok: true, message: '' }));
    sock.once('error', (e: NodeJS.ErrnoException) =>
      done({ ok: false, message: `dial tcp ${host}:${port}: ${e.code === 'ECONNREFUSED' ? 'connect: connection refused' : e.message}` }),
    );
  });
}

async function execAction(command: string[], ctx: HandlerContext, timeoutMs: number): Promise<HandlerResult> {
  if (!command?.length) return { ok: false, message: 'exec: empty command' };
  const { exitCode, output } = await ctx.exec(command, timeoutMs);
  if (exitCode === 0) return { ok: true, message: output };
  return { ok: false, message: output.trim() ? output.trim() : `command ${JSON.stringify(command)} exited with ${exitCode}` };
}
