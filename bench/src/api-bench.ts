// API benchmark: pod create throughput through the HTTP API and watch delivery latency, printed beside
// raw LevelDB synced put throughput measured in the same run.
//
//   node bench/dist/api-bench.js            (or through run-all.js)
//
// The control plane runs in a child process (as it would for real clients); this process generates the
// load with an undici Pool and reads one watch stream. Goal on a 2-core machine: >= 5,000 creates/s and
// >= 30% of the raw synced put rate.
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Pool, request } from 'undici';
import { startChild, stopChild } from './control-plane-process.js';
import { measureRawLevel, type RawLevelResult } from './api-raw-level.js';
import { createLoad, latency, openWatch, type Latency } from './api-load.js';
import { fmtMs, fmtPct, fmtRate } from './api-stats.js';

const POD_PATH = '/api/v1/namespaces/default/pods';

export interface ApiBenchOptions {
  /** Concurrent connections for the throughput run. */
  connections?: number;
  maxCreates?: number;
  maxMs?: number;
}

export interface ApiBenchResult {
  raw: RawLevelResult;
  createsPerSec: number;
  creates: number;
  errors: number;
  /** Watch delivery during the saturated run. */
  loadedAckToEvent: Latency;
  /** Watch delivery at light load (4 concurrent creates). */
  lightAckToEvent: Latency;
  lightSendToEvent: Latency;
  ratioToSequential: number;
  ratioToBatched: number;
  /** Server process CPU (all threads) per acknowledged create in the throughput run; NaN off Linux. */
  serverCpuUsPerCreate: number;
  /** 1-minute load average at the end: on a busy 2-core machine the rates above are not the server's own. */
  loadAverage: number;
}

/** CPU time (user + system, all threads) a process has used, in ms, from /proc; NaN if unavailable. */
function processCpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms
  } catch {
    return NaN;
  }
}

async function listRevision(url: string): Promise<string> {
  // An empty list of another resource carries the current store revision without transferring pods.
  const res = await request(`${url}/api/v1/namespaces/default/configmaps`);
  const body = (await res.body.json()) as { metadata: { resourceVersion: string } };
  return body.metadata.resourceVersion;
}

export async function runApiBench(options: ApiBenchOptions = {}): Promise<ApiBenchResult> {
  const connections = options.connections ?? 64;
  const maxCreates = options.maxCreates ?? 20_000;
  const maxMs = options.maxMs ?? 10_000;

  console.log('api-bench: raw LevelDB synced puts (level 10, same machine, same run)...');
  const raw = await measureRawLevel();

  const dir = await mkdtemp(join(tmpdir(), 'wasmkube-bench-api-'));
  const { url, child } = await startChild(join(dir, 'data'));
  const pool = new Pool(url, { connections });
  try {
    // Warm up (JIT, LevelDB files, connections) before measuring.
    await createLoad(pool, { concurrency: connections, maxOps: 2_000, maxMs: 5_000, prefix: 'warm' });

    console.log(`api-bench: watch latency at light load (4 concurrent creates)...`);
    const lightWatch = await openWatch(url, POD_PATH, await listRevision(url));
    const light = await createLoad(pool, { concurrency: 4, maxOps: 2_000, maxMs: 4_000, prefix: 'light' });
    await waitForEvents(lightWatch.receivedAt, light.ackedAt);
    await lightWatch.close();

    console.log(`api-bench: create throughput (${connections} connections, up to ${maxCreates} creates or ${maxMs / 1000} s)...`);
    const loadWatch = await openWatch(url, POD_PATH, await listRevision(url));
    const cpuBefore = processCpuMs(child.pid);
    const load = await createLoad(pool, { concurrency: connections, maxOps: maxCreates, maxMs, prefix: 'load' });
    const serverCpuMs = processCpuMs(child.pid) - cpuBefore;
    await waitForEvents(loadWatch.receivedAt, load.ackedAt);
    await loadWatch.close();

    const createsPerSec = load.acks / (load.elapsedMs / 1000);
    const result: ApiBenchResult = {
      raw,
      createsPerSec,
      creates: load.acks,
      errors: load.errors + light.errors,
      loadedAckToEvent: latency(load.ackedAt, load.ackedAt, loadWatch.receivedAt),
      lightAckToEvent: latency(light.ackedAt, light.ackedAt, lightWatch.receivedAt),
      lightSendToEvent: latency(light.sentAt, light.ackedAt, lightWatch.receivedAt),
      ratioToSequential: createsPerSec / raw.sequentialPutsPerSec,
      ratioToBatched: createsPerSec / raw.batchedPutsPerSec,
      serverCpuUsPerCreate: (serverCpuMs * 1000) / load.acks,
      loadAverage: loadavg()[0],
    };
    print(result, load.firstError ?? light.firstError);
    return result;
  } finally {
    await pool.close();
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  }
}

/** Gives the watch a bounded moment to deliver the tail of the run; undelivered events count as missing. */
async function waitForEvents(received: Map<string, number>, acked: Map<string, number>): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline && [...acked.keys()].some((n) => !received.has(n))) {
    await new Promise((r) => setTimeout(r, 20));
  }
}

function print(r: ApiBenchResult, firstError?: string): void {
  const lat = (l: Latency) =>
    `p50 ${fmtMs(l.p50)}  p99 ${fmtMs(l.p99)}  max ${fmtMs(l.max)}  (${l.samples} events${l.missing ? `, ${l.missing} MISSING` : ''})`;
  const rows: Array<[string, string]> = [
    ['raw LevelDB put, sync, one at a time', fmtRate(r.raw.sequentialPutsPerSec)],
    [`raw LevelDB batch of ${r.raw.batchSize}, sync`, fmtRate(r.raw.batchedPutsPerSec)],
    ['API POST pods (64 connections)', `${fmtRate(r.createsPerSec)}  (${r.creates} created, ${r.errors} errors)`],
    [
      'API server CPU per create (all threads)',
      `${Math.round(r.serverCpuUsPerCreate)} µs  (= ${fmtRate(1e6 / r.serverCpuUsPerCreate)} per core the server has to itself)`,
    ],
    ['API creates/s ÷ raw sequential synced puts/s', fmtPct(r.ratioToSequential)],
    ['API creates/s ÷ raw batched synced puts/s', fmtPct(r.ratioToBatched)],
    ['watch delivery, ack → event, light load', lat(r.lightAckToEvent)],
    ['watch delivery, send → event, light load', lat(r.lightSendToEvent)],
    ['watch delivery, ack → event, saturated', lat(r.loadedAckToEvent)],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log('\n== API benchmark ==');
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
  const goalRate = r.createsPerSec >= 5_000;
  const goalRatio = r.ratioToBatched >= 0.3;
  console.log(
    `goal >= 5,000 creates/s: ${goalRate ? 'met' : 'NOT met'}; goal >= 30% of raw batched synced puts: ${goalRatio ? 'met' : 'NOT met'}` +
      ` (of sequential synced puts: ${r.ratioToSequential >= 0.3 ? 'met' : 'NOT met'})`,
  );
  console.log(`machine: ${cpus().length} cores, 1-min load average ${r.loadAverage.toFixed(2)} (other work competes for the cores if this is above ~2)`);
  if (firstError) console.log(`first error: ${firstError}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runApiBench();
}
