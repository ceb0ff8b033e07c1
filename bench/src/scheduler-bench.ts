// Scheduler benchmark: bind 10,000 pods onto 100 nodes registered through the API (no agents).
//
//   node bench/dist/scheduler-bench.js [pods] [nodes]     (or through run-all.js)
//
// The API server runs in a child process (api-control-plane-child.js), as it would for a real
// scheduler; the scheduler runs in this process, like kube-scheduler beside kube-apiserver.
// 1. ceiling: the API's own write rate, POST pods/s at 64 concurrent requests; those creates are
//    also the backlog of pending pods;
// 2. the scheduler starts, lists the backlog and binds every pod (pods/binding + a Scheduled
//    event each); its rate is timed from start to the last pod seen bound on a watch.
// Goal: >= 1,000 pods/s. Also reported: the API server's RSS at 10,000 pods and this process's.
// Every phase is bounded in time; a run that hits a bound reports what it got.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Pool } from 'undici';
import { KubeClient, R } from '@wasmkube/client';
import { Scheduler } from '@wasmkube/control-plane';
import { startChild, stopChild } from './control-plane-process.js';


export interface SchedulerBenchOptions {
  pods?: number;
  nodes?: number;
  /** Bound on each phase. */
  maxMs?: number;
}

export interface SchedulerBenchResult {
  pods: number;
  nodes: number;
  createsPerSec: number;
  bound: number;
  bindsPerSec: number;
  ratioToWriteRate: number;
  apiRssMiB: number;
  schedulerRssMiB: number;
  /** CPU seconds used while binding. */
  apiCpuSeconds: number;
  schedulerCpuSeconds: number;
  /** Pods/s the measured CPU cost allows on this machine's cores, were they not shared. */
  cpuBoundEstimate: number;
}

async function rssMiB(pid: number | undefined): Promise<number> {
  const status = await readFile(`/proc/${pid ?? 'self'}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat (clock ticks of 10 ms). */
async function cpuSeconds(pid: number | undefined): Promise<number> {
  const stat = await readFile(`/proc/${pid ?? 'self'}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function registerNodes(client: KubeClient, n: number): Promise<void> {
  const resources = { cpu: '64', memory: '256Gi', pods: '110' };
  const now = new Date().toISOString();
  for (let i = 0; i < n; i += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, n - i) }, async (_, j) => {
        const name = `bench-node-${String(i + j).padStart(3, '0')}`;
        await client.create(R.nodes, undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } } });
        await client.patch(R.nodes, undefined, name, 'merge', {
          status: { capacity: resources, allocatable: resources, conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: now, lastTransitionTime: now }] },
        }, 'status');
      }),
    );
  }
}

const podBody = (i: number) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `sched-${i}`, labels: { app: `group-${i % 50}` } },
    spec: { containers: [{ name: 'main', image: 'web.wasm', resources: { requests: { cpu: '100m', memory: '128Mi' } } }] },
  });

/** POST `total` pods at `concurrency`; returns how many were created and how long it took. */
async function createPods(pool: Pool, total: number, concurrency: number, maxMs: number): Promise<{ created: number; ms: number }> {
  let next = 0;
  let created = 0;
  let errors = 0;
  const start = performance.now();
  const loop = async () => {
    while (next < total && performance.now() - start < maxMs && errors < 50) {
      const i = next++;
      const res = await pool.request({ method: 'POST', path: '/api/v1/namespaces/default/pods', headers: { 'content-type': 'application/json' }, body: podBody(i) });
      await res.body.text();
      if (res.statusCode === 201) created++;
      else errors++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return { created, ms: performance.now() - start };
}

/** Resolves when `want` pods were seen bound on a watch, or at the deadline; returns the count and when the last was seen. */
async function watchBound(client: KubeClient, resourceVersion: string, want: number, maxMs: number): Promise<{ bound: number; at: number; stop: () => void }> {
  const abort = new AbortController();
  const bound = new Set<string>();
  let at = performance.now();
  const done = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, maxMs);
    void client
      .watch<{ metadata: { name?: string }; spec?: { nodeName?: string } } & Record<string, unknown> & { metadata: Record<string, unknown> }>(
        R.pods, 'default', { resourceVersion, signal: abort.signal, timeoutSeconds: Math.ceil(maxMs / 1000) + 5 },
        (ev) => {
          if (ev.type !== 'MODIFIED' || !ev.object.spec?.nodeName) return;
          bound.add(ev.object.metadata.name as string);
          at = performance.now();
          if (bound.size >= want) {
            clearTimeout(timer);
            resolve();
          }
        },
      )
      .catch(() => resolve());
  });
  await done;
  return { bound: bound.size, at, stop: () => abort.abort() };
}

export async function runSchedulerBench(opts: SchedulerBenchOptions = {}): Promise<SchedulerBenchResult> {
  const pods = opts.pods ?? 10_000;
  const nodes = opts.nodes ?? 100;
  const maxMs = opts.maxMs ?? 90_000;
  const dir = await mkdtemp(join(tmpdir(), 'wasmkube-sched-bench-'));
  const { url, child } = await startChild(join(dir, 'data'));
  const client = new KubeClient(url, { userAgent: 'scheduler-bench' });
  const pool = new Pool(url, { connections: 64, pipelining: 1 });
  let scheduler: Scheduler | undefined;
  try {
    await registerNodes(client, nodes);

    // 1. The ceiling: the API's write rate, creating the backlog.
    const created = await createPods(pool, pods, 64, maxMs);
    const createsPerSec = (created.created / created.ms) * 1000;
    const rv = (await client.list(R.pods, 'default', { labelSelector: 'app=none' })).metadata.resourceVersion ?? '0';

    // 2. The scheduler, from a cold start over the backlog.
    const watching = watchBound(client, rv, created.created, maxMs);
    const [apiCpu0, selfCpu0] = [await cpuSeconds(child.pid), await cpuSeconds(undefined)];
    const t0 = performance.now();
    scheduler = new Scheduler(new KubeClient(url, { userAgent: 'default-scheduler/bench' }));
    await scheduler.start();
    const { bound, at, stop } = await watching;
    stop();
    const [apiCpu, selfCpu] = [(await cpuSeconds(child.pid)) - apiCpu0, (await cpuSeconds(undefined)) - selfCpu0];
    const bindsPerSec = (bound / (at - t0)) * 1000;
    const apiRssMiB = await rssMiB(child.pid);
    const schedulerRssMiB = await rssMiB(undefined);
    const result: SchedulerBenchResult = { pods: created.created, nodes, createsPerSec, bound, bindsPerSec, ratioToWriteRate: bindsPerSec / createsPerSec, apiRssMiB, schedulerRssMiB, apiCpuSeconds: apiCpu, schedulerCpuSeconds: selfCpu, cpuBoundEstimate: 0 };

    console.log(`scheduler bench: ${created.created} pods onto ${nodes} nodes (no agents), API server in a child process`);
    console.log(`  API write rate (ceiling)   ${createsPerSec.toFixed(0)} POST pods/s  (${created.created} in ${(created.ms / 1000).toFixed(2)} s, 64 concurrent)`);
    console.log(`  scheduler                  ${bindsPerSec.toFixed(0)} pods bound/s  (${bound} in ${((at - t0) / 1000).toFixed(2)} s from a cold start; each bind = binding + Scheduled event)`);
    console.log(`  CPU while binding          API server ${apiCpu.toFixed(1)} s, scheduler process ${selfCpu.toFixed(1)} s, over ${((at - t0) / 1000).toFixed(1)} s of wall time`);
    // On a shared machine the wall rates follow how much CPU the two processes get; CPU per pod does not.
    const cpuMsPerPod = ((apiCpu + selfCpu) * 1000) / Math.max(1, bound);
    result.cpuBoundEstimate = (cpus().length * 1000) / cpuMsPerPod;
    console.log(`  CPU per bound pod          ${((selfCpu * 1000) / Math.max(1, bound)).toFixed(2)} ms scheduler + ${((apiCpu * 1000) / Math.max(1, bound)).toFixed(2)} ms API server → ~${result.cpuBoundEstimate.toFixed(0)} pods/s if both had the ${cpus().length} cores to themselves (load average now ${loadavg()[0].toFixed(1)})`);
    console.log(`  ratio to the write rate    ${(result.ratioToWriteRate * 100).toFixed(0)} %   goal >= 1,000 pods/s: ${bindsPerSec >= 1000 ? 'met' : 'NOT met'}`);
    console.log(`  RSS at ${bound} pods       API server ${apiRssMiB.toFixed(0)} MiB, scheduler process ${schedulerRssMiB.toFixed(0)} MiB`);
    return result;
  } finally {
    await scheduler?.stop().catch(() => undefined);
    await pool.close();
    await client.close();
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [p, n] = process.argv.slice(2).map(Number);
  runSchedulerBench({ pods: p || undefined, nodes: n || undefined })
    .then(() => process.exit(0))
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}
