// Pod start benchmark: apply → Ready latency of a small C pod through the whole cluster (API,
// scheduler, node agent, sandbox), p50 and p99 over 100 pods created one at a time, printed beside
// the sandbox's bare container start (start → guest running) measured in the same run.
//
//   node bench/dist/pod-start-bench.js [pods]
//
// Goal on a 2-core machine: p50 ≤ 30 ms.

import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { R, type KubeObject } from '@wasmkube/client';
import { Sandbox } from '@wasmkube/runtime';
import { Engine } from '@wasmkube/runtime/engine';
import { startCluster } from 'wasmkube';
import { percentile, fmtMs } from './api-stats.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const HTTPD = join(REPO, 'runtime/src/sandbox/testdata/httpd.wasm');

export interface PodStartResult {
  bareStartP50: number;
  applyToReadyP50: number;
  applyToReadyP99: number;
  pods: number;
}

async function bareStart(n: number): Promise<number[]> {
  const dir = await mkdtemp(join(tmpdir(), 'wk-bench-sandbox-'));
  const sandbox = new Sandbox({ poolSize: 2, logDir: dir });
  const engine = new Engine();
  const image = await engine.compile(await readFile(HTTPD), { supportedImports: (m) => m === 'wasi_snapshot_preview1' });
  const times: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const ip = `127.201.0.${2 + (i % 200)}`;
      const t0 = performance.now();
      const c = await sandbox.start({ id: `bare-${i}`, image, args: ['httpd'], listenPorts: [{ port: 8080, ip }], podIp: ip });
      await c.running;
      times.push(performance.now() - t0);
      await c.stop(0);
      await new Promise((r) => setTimeout(r, 30)); // let the pool refill, as between pod starts
    }
  } finally {
    await sandbox.close();
    await rm(dir, { recursive: true, force: true });
  }
  return times.sort((a, b) => a - b);
}

export async function runPodStartBench(pods = 100): Promise<PodStartResult> {
  const bare = await bareStart(Math.min(pods, 50));
  const cluster = await startCluster({ nodes: 1, images: { 'httpd:1': HTTPD }, poolSize: 4 });
  const latencies: number[] = [];
  try {
    const readyAt = new Map<string, number>();
    const abort = new AbortController();
    const watching = cluster.client
      .watch(R.pods, 'default', { signal: abort.signal }, (ev) => {
        const p = ev.object as KubeObject & { status?: { conditions?: { type: string; status: string }[] } };
        if (p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') && !readyAt.has(p.metadata.name as string)) {
          readyAt.set(p.metadata.name as string, performance.now());
        }
      })
      .catch(() => undefined);
    await new Promise((r) => setTimeout(r, 200));
    const deadline = Date.now() + 120_000;
    for (let i = 0; i < pods && Date.now() < deadline; i++) {
      const name = `bench-${i}`;
      const t0 = performance.now();
      await cluster.client.create(R.pods, 'default', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name },
        spec: { containers: [{ name: 'web', image: 'httpd:1', imagePullPolicy: 'IfNotPresent', ports: [{ containerPort: 8080 }] }], terminationGracePeriodSeconds: 0 },
      });
      while (!readyAt.has(name) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1));
      if (readyAt.has(name)) latencies.push((readyAt.get(name) as number) - t0);
    }
    abort.abort();
    await watching;
  } finally {
    await cluster.stop();
  }
  latencies.sort((a, b) => a - b);
  const result = {
    bareStartP50: percentile(bare, 50),
    applyToReadyP50: percentile(latencies, 50),
    applyToReadyP99: percentile(latencies, 99),
    pods: latencies.length,
  };
  console.log(`sandbox bare container start (start → guest running), p50 over ${bare.length}: ${fmtMs(result.bareStartP50)}`);
  console.log(`apply → Ready over ${result.pods} pods: p50 ${fmtMs(result.applyToReadyP50)}, p99 ${fmtMs(result.applyToReadyP99)}`);
  console.log(`ratio apply→Ready p50 ÷ bare start p50: ${(result.applyToReadyP50 / result.bareStartP50).toFixed(2)}× (goal: p50 ≤ 30 ms)`);
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runPodStartBench(Number(process.argv[2] ?? 100));
  process.exit(0);
}
