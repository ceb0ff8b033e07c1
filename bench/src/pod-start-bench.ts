// Pod start benchmark: apply → Ready latency of a small C pod through the whole cluster (API,
// scheduler, node agent, sandbox), p50 and p99 over 100 pods created one at a time, printed beside
// the sandbox's bare container start (start → guest running) measured in the same run. Twice: on a
// node at rest (the latency a user sees), and back to back (the next pod applied the moment the
// previous one is Ready, when each pod's worker spawn competes with the next start for 2 cores).
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
import { startCluster, type Cluster } from 'wasmkube';
import { percentile, fmtMs } from './api-stats.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const HTTPD = join(REPO, 'runtime/src/sandbox/testdata/httpd.wasm');

export interface PodStartResult {
  bareStartP50: number;
  applyToReadyP50: number;
  applyToReadyP99: number;
  backToBackP50: number;
  backToBackP99: number;
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

/**
 * Applies `pods` pods one at a time, each when the previous one is Ready, and returns the apply →
 * Ready latencies. settleMs > 0 waits that long before each apply, so that every pod meets a node
 * at rest (its warm pool refilled) as a user's `kubectl apply` would; 0 applies back to back.
 */
async function applyOneAtATime(cluster: Cluster, prefix: string, pods: number, settleMs: number): Promise<number[]> {
  const latencies: number[] = [];
  const readyAt = new Map<string, number>();
  // Woken by the watch itself (no polling: the bench must not load the thread it measures).
  let wake: (() => void) | undefined;
  const abort = new AbortController();
  const watching = cluster.client
    .watch(R.pods, 'default', { signal: abort.signal }, (ev) => {
      const p = ev.object as KubeObject & { status?: { conditions?: { type: string; status: string }[] } };
      if (p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') && !readyAt.has(p.metadata.name as string)) {
        readyAt.set(p.metadata.name as string, performance.now());
        wake?.();
      }
    })
    .catch(() => undefined);
  await new Promise((r) => setTimeout(r, 200));
  const deadline = Date.now() + 120_000;
  for (let i = 0; i < pods && Date.now() < deadline; i++) {
    if (settleMs) await new Promise((r) => setTimeout(r, settleMs));
    const name = `${prefix}-${i}`;
    const t0 = performance.now();
    await cluster.client.create(R.pods, 'default', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name },
      spec: { containers: [{ name: 'web', image: 'httpd:1', imagePullPolicy: 'IfNotPresent', ports: [{ containerPort: 8080 }] }], terminationGracePeriodSeconds: 0 },
    });
    while (!readyAt.has(name) && Date.now() < deadline) {
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 1_000).unref();
      });
    }
    if (readyAt.has(name)) latencies.push((readyAt.get(name) as number) - t0);
  }
  abort.abort();
  await watching;
  return latencies.sort((a, b) => a - b);
}

async function deleteAllPods(cluster: Cluster): Promise<void> {
  const pods = (await cluster.client.list(R.pods, 'default')).items;
  await Promise.all(pods.map((p) => cluster.client.delete(R.pods, 'default', p.metadata.name as string, { gracePeriodSeconds: 0 })));
  await cluster.waitFor(async () => (await cluster.client.list(R.pods, 'default')).items.length === 0, { timeoutMs: 60_000, what: 'the pods to be deleted' });
}

export async function runPodStartBench(pods = 100): Promise<PodStartResult> {
  const bare = await bareStart(Math.min(pods, 50));
  const cluster = await startCluster({ nodes: 1, images: { 'httpd:1': HTTPD }, poolSize: 4 });
  let settled: number[];
  let backToBack: number[];
  try {
    // The pool refills 100 ms after a take and a spawn costs ~30 ms of CPU: 200 ms lets it finish.
    settled = await applyOneAtATime(cluster, 'settled', pods, 200);
    await deleteAllPods(cluster); // a node takes 110 pods
    backToBack = await applyOneAtATime(cluster, 'back-to-back', pods, 0);
  } finally {
    await cluster.stop();
  }
  const result = {
    bareStartP50: percentile(bare, 50),
    applyToReadyP50: percentile(settled, 50),
    applyToReadyP99: percentile(settled, 99),
    backToBackP50: percentile(backToBack, 50),
    backToBackP99: percentile(backToBack, 99),
    pods: settled.length,
  };
  console.log(`sandbox bare container start (start → guest running), p50 over ${bare.length}: ${fmtMs(result.bareStartP50)}`);
  console.log(`apply → Ready, one pod at a time on a node at rest, over ${result.pods} pods: p50 ${fmtMs(result.applyToReadyP50)}, p99 ${fmtMs(result.applyToReadyP99)}`);
  console.log(`ratio apply→Ready p50 ÷ bare start p50: ${(result.applyToReadyP50 / result.bareStartP50).toFixed(2)}× (goal: p50 ≤ 30 ms)`);
  console.log(
    `apply → Ready, back to back (each applied when the previous is Ready; both cores busy with the worker spawns), over ${backToBack.length} pods: p50 ${fmtMs(result.backToBackP50)}, p99 ${fmtMs(result.backToBackP99)}`,
  );
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runPodStartBench(Number(process.argv[2] ?? 100));
  process.exit(0);
}
