// The JS HTTP component (sample-pods/components/web/web.wasm, componentize-js) served by the runtime
// (component-server.ts: runtime-owned listener → container worker → instance reset per request)
// beside `jco serve` of the same component, same run, same load generator (this process; each
// server in its own process). `jco serve` without --isolate-requests answers only the first
// request (StarlingMonkey serves one request per instance), so its baseline is
// `--isolate-requests instance` (a fresh instance per request). Our runtime is also measured with
// reuse: 'reinstantiate' (a fresh instance per request, like the baseline) to show what the reset buys.
// Goal: at least jco serve's throughput.
//
//   node bench/dist/component-bench.js [durationMs=5000] [concurrency=4]
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, loadavg, cpus } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WEB = path.join(ROOT, 'sample-pods/components/web/web.wasm');
const JCO = path.join(ROOT, 'node_modules/@bytecodealliance/jco/dist/jco.js');
const SERVER = fileURLToPath(new URL('./component-server.js', import.meta.url));
/** Upper bound for a server to come up (jco transpiles the 14 MB component first). */
const START_TIMEOUT_MS = 180_000;

export interface LoadResult {
  name: string;
  requests: number;
  errors: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
}

/** `concurrency` closed loops of GET / for `durationMs` (after `warmup` requests). */
async function load(name: string, port: number, durationMs: number, concurrency: number, warmup = 20): Promise<LoadResult> {
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: concurrency, pipelining: 1 });
  const one = async (): Promise<boolean> => {
    try {
      const r = await pool.request({ path: '/bench', method: 'GET', headersTimeout: 30_000, bodyTimeout: 30_000 });
      const body = await r.body.text();
      return r.statusCode === 200 && body.startsWith('hello from a JS component');
    } catch {
      return false;
    }
  };
  for (let i = 0; i < warmup; i++) await one();
  const lat: number[] = [];
  let errors = 0;
  const t0 = performance.now();
  const end = t0 + durationMs;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < end) {
      const a = performance.now();
      if (await one()) lat.push(performance.now() - a);
      else errors++;
    }
  }));
  const secs = (performance.now() - t0) / 1000;
  await pool.close();
  return { name, requests: lat.length, errors, rps: lat.length / secs, p50: pct(lat, 50), p90: pct(lat, 90), p99: pct(lat, 99) };
}

/** Starts a server process; resolves with its port once `parse` finds it in a line of output. */
async function startServer(args: string[], parse: (line: string) => number | undefined): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server ${args.join(' ')} did not start in ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    const onLine = (l: string) => {
      const p = parse(l);
      if (p) {
        clearTimeout(timer);
        resolve(p);
      }
    };
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', onLine);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server ${args.join(' ')} exited with ${code}`));
    });
  });
  return { child, port };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(3000)]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

/** The first answer can take long (lazy compile of the functions a request touches): wait for one. */
async function firstAnswer(port: number): Promise<void> {
  const deadline = performance.now() + START_TIMEOUT_MS;
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 1 });
  try {
    while (performance.now() < deadline) {
      try {
        const r = await pool.request({ path: '/', method: 'GET', headersTimeout: 60_000 });
        await r.body.text();
        if (r.statusCode === 200) return;
      } catch {
        // not up yet
      }
      await sleep(200);
    }
    throw new Error(`no answer on port ${port}`);
  } finally {
    await pool.close();
  }
}

/** A port free right now on 127.0.0.1 (jco serve prints the port it was given, not the bound one). */
async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

export async function runComponentBench(opts: { durationMs?: number; concurrency?: number } = {}): Promise<LoadResult[]> {
  const durationMs = opts.durationMs ?? 5000;
  const concurrency = opts.concurrency ?? 4;
  const jcoDir = mkdtempSync(path.join(tmpdir(), 'jco-serve-'));
  const results: LoadResult[] = [];
  console.log(`component bench: ${durationMs} ms × ${concurrency} concurrent GETs per server; ${cpus().length} cores, load ${loadavg()[0].toFixed(1)}`);
  const jcoPort = await freePort();
  const phases: { name: string; args: string[]; parse: (l: string) => number | undefined }[] = [
    {
      name: 'jco serve --isolate-requests instance',
      args: [JCO, 'serve', WEB, '--host', '127.0.0.1', '--port', String(jcoPort), '--isolate-requests', 'instance', '--jco-dir', jcoDir],
      parse: (l) => Number(/listening @ [\d.]+:(\d+)/i.exec(l)?.[1]) || undefined,
    },
    { name: 'wasmkube component (reset per request)', args: [SERVER, WEB, 'restore'], parse: (l) => Number(/^listening (\d+)/.exec(l)?.[1]) || undefined },
    { name: 'wasmkube component (new instance per request)', args: [SERVER, WEB, 'reinstantiate'], parse: (l) => Number(/^listening (\d+)/.exec(l)?.[1]) || undefined },
  ];
  try {
    for (const ph of phases) {
      const t0 = performance.now();
      const { child, port } = await startServer(ph.args, ph.parse);
      try {
        await firstAnswer(port);
        console.log(`  ${ph.name}: up in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
        const r = await load(ph.name, port, durationMs, concurrency);
        results.push(r);
        console.log(`  ${r.name}: ${r.rps.toFixed(1)} req/s, p50 ${r.p50.toFixed(1)} ms, p90 ${r.p90.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms (${r.requests} ok, ${r.errors} errors)`);
      } finally {
        await stop(child);
      }
    }
  } finally {
    rmSync(jcoDir, { recursive: true, force: true });
  }
  const base = results[0];
  for (const r of results.slice(1)) console.log(`  ${r.name} ÷ ${base.name}: ${(r.rps / base.rps).toFixed(2)}× throughput (goal ≥ 1)`);
  return results;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [d, c] = process.argv.slice(2).map(Number);
  await runComponentBench({ durationMs: d || undefined, concurrency: c || undefined });
}
