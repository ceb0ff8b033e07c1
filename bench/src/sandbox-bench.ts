// Sandbox figures, each beside a baseline measured in the same run:
//  (2) container start from the warm pool (start() → the guest's _start running, and → exited, for
//      a C hello) p50, vs a bare WebAssembly.instantiate of the same compiled module (goal ≤ 5 ms p50);
//  (3) a 250m-limited CPU-bound C guest's throughput ÷ the same guest unlimited (goal 0.25 ± 0.03);
//  (4) RSS per idle container (C HTTP servers waiting in poll), beside the RSS of an idle pool worker
//      (goal < 10 MB; says what dominates).
//
//   node bench/dist/sandbox-bench.js
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, loadavg, cpus } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { Sandbox, type Container } from '@wasmkube/runtime';

/** The WebAssembly JS API (declared by the runtime package, not here). */
const WA = (globalThis as unknown as { WebAssembly: { instantiate(m: unknown, imports: unknown): Promise<unknown> } }).WebAssembly;

const TESTDATA = new URL('../../runtime/src/sandbox/testdata/', import.meta.url);
const wasm = (name: string) => readFileSync(new URL(`${name}.wasm`, TESTDATA));

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}
const f1 = (x: number) => x.toFixed(1);
const f2 = (x: number) => x.toFixed(2);
const mb = (b: number) => (b / (1 << 20)).toFixed(1);

async function waitIdle(sb: Sandbox, n: number): Promise<void> {
  for (let i = 0; i < 300 && sb.pool.idle < n; i++) await sleep(10);
}

export interface SandboxBenchResult {
  start: { runningP50: number; exitedP50: number; runningP90: number; instantiateP50: number };
  cpu: {
    unlimitedFuelPerS: number; limitedFuelPerS: number; ratio: number; ratioOfCore: number;
    periods: number; throttled: number; cores: number; unlimitedCores: number;
  };
  rss: { perContainerMB: number; perIdleWorkerMB: number; wasmMemoryPerContainerMB: number; n: number };
  fuelPerCoreSecond: number;
}

export async function runSandboxBench(opts: { starts?: number; cpuWindowMs?: number; idle?: number } = {}): Promise<SandboxBenchResult> {
  const logDir = mkdtempSync(path.join(tmpdir(), 'sandbox-bench-'));
  const sb = new Sandbox({ poolSize: 2, logDir });
  try {
    console.log(`fuel per core-second (calibrated): ${(sb.fuelPerCoreSecond / 1e9).toFixed(2)} G`);

    // (2) start latency
    const hello = await sb.compile(wasm('hello'));
    const stubs: Record<string, () => number> = {};
    for (const i of hello.imports) stubs[i.name] = () => 0;
    const instantiate: number[] = [];
    const running: number[] = [];
    const exited: number[] = [];
    const n = opts.starts ?? 30;
    for (let i = 0; i < n + 3; i++) {
      await waitIdle(sb, 2);
      const t0 = performance.now();
      await WA.instantiate(hello.module, { wasi_snapshot_preview1: stubs, wasmkube: { out_of_fuel: () => {} } });
      const t1 = performance.now();
      const c = await sb.start({ id: `hello-${i}`, image: hello, args: ['hello', 'bench'] });
      await c.running;
      const t2 = performance.now();
      await c.exited;
      const t3 = performance.now();
      if (i < 3) continue; // warm-up
      instantiate.push(t1 - t0);
      running.push(t2 - t1);
      exited.push(t3 - t1);
    }
    const start = { runningP50: pct(running, 50), runningP90: pct(running, 90), exitedP50: pct(exited, 50), instantiateP50: pct(instantiate, 50) };
    console.log(`(2) start from warm pool, ${n} sequential starts of a C hello (${hello.originalSize} B):`);
    console.log(`    start → _start running  p50 ${f2(start.runningP50)} ms  p90 ${f2(start.runningP90)} ms  min ${f2(Math.min(...running))} ms  (goal ≤ 5 ms p50)`);
    console.log(`    start → exited          p50 ${f2(start.exitedP50)} ms`);
    console.log(`    bare WebAssembly.instantiate p50 ${f2(start.instantiateP50)} ms  → start ÷ instantiate ${f1(start.runningP50 / start.instantiateP50)}×`);

    // (3) CPU limit: fuel burnt per wall second, 250m vs unlimited, one at a time.
    const cpuImg = await sb.compile(wasm('cpu'));
    const windowMs = opts.cpuWindowMs ?? 3000;
    const rate = async (cpuMillis?: number) => {
      await waitIdle(sb, 2);
      const c = await sb.start({ id: `cpu-${cpuMillis ?? 'unlimited'}`, image: cpuImg, args: ['cpu', '0'], limits: { cpuMillis } });
      await c.running;
      await sleep(300);
      const a = c.usage();
      const t0 = performance.now();
      await sleep(windowMs);
      const b = c.usage();
      const dt = (performance.now() - t0) / 1000;
      await c.stop(0);
      const cores = (b.cpuNs - a.cpuNs) / 1e9 / dt;
      return { fuelPerS: (b.fuelConsumed - a.fuelConsumed) / dt, periods: b.periods - a.periods, throttled: b.throttledPeriods - a.throttledPeriods, cores };
    };
    const u = await rate();
    const l = await rate(250);
    // Throughput per CPU-second of the unlimited run = what one whole core does for this guest.
    const perCore = u.fuelPerS / Math.max(u.cores, 1e-9);
    const cpu = {
      unlimitedFuelPerS: u.fuelPerS, limitedFuelPerS: l.fuelPerS, ratio: l.fuelPerS / u.fuelPerS, ratioOfCore: l.fuelPerS / perCore,
      periods: l.periods, throttled: l.throttled, cores: l.cores, unlimitedCores: u.cores,
    };
    console.log(`(3) CPU-bound C guest, ${windowMs} ms windows (load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores):`);
    console.log(`    unlimited: ${f2(u.fuelPerS / 1e9)} G fuel/s, thread CPU ${f2(u.cores)} cores`);
    console.log(`    250m:      ${f2(l.fuelPerS / 1e9)} G fuel/s, thread CPU ${f2(l.cores)} cores; ${l.periods} periods, ${l.throttled} throttled`);
    console.log(`    throughput 250m ÷ unlimited ${cpu.ratio.toFixed(3)}; ÷ one full core's throughput ${cpu.ratioOfCore.toFixed(3)}  (goal 0.25 ± 0.03)`);

    // (4) RSS: idle pool workers first (the per-container floor), then idle servers.
    const idleN = opts.idle ?? 20;
    await sleep(300);
    const rss0 = process.memoryUsage().rss;
    const pool = new Sandbox({ poolSize: idleN, logDir, fuelPerCoreSecond: sb.fuelPerCoreSecond });
    await pool.pool.warm();
    await sleep(300);
    const perIdleWorker = (process.memoryUsage().rss - rss0) / idleN;
    await pool.close();
    await sleep(300);

    const httpd = await sb.compile(wasm('httpd'));
    await waitIdle(sb, 2);
    await sleep(300);
    const rss1 = process.memoryUsage().rss;
    const servers: Container[] = [];
    for (let i = 0; i < idleN; i++) {
      const c = await sb.start({ id: `idle-${i}`, image: httpd, listenPorts: [{ port: 0, ip: `127.251.0.${i + 1}` }] });
      await c.running;
      servers.push(c);
    }
    await waitIdle(sb, 2);
    await sleep(500);
    const perContainer = (process.memoryUsage().rss - rss1) / idleN;
    const wasmMem = servers.reduce((s, c) => s + c.usage().memoryBytes, 0) / idleN;
    await Promise.all(servers.map((c) => c.stop(0)));
    const rss = { perContainerMB: perContainer / (1 << 20), perIdleWorkerMB: perIdleWorker / (1 << 20), wasmMemoryPerContainerMB: wasmMem / (1 << 20), n: idleN };
    console.log(`(4) RSS per idle container (${idleN} C HTTP servers in poll): ${mb(perContainer)} MB  (goal < 10 MB)`);
    console.log(`    of which wasm linear memory ${mb(wasmMem)} MB; an idle pool worker alone costs ${mb(perIdleWorker)} MB`);
    console.log(`    → the worker thread (its own V8 isolate, heap and Node environment) dominates.`);
    return { start, cpu, rss, fuelPerCoreSecond: sb.fuelPerCoreSecond };
  } finally {
    await sb.close();
    rmSync(logDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runSandboxBench();
}
