// The sample pods, end to end: one cluster from the `wasmkube` fixture (real API server on LevelDB,
// scheduler, controllers, a node agent running the committed .wasm images in the sandbox), every
// manifest in sample-pods/manifests applied as a user would, and each sample checked for the state
// its README promises — answering HTTP on its pod IP, probes flipping, hooks writing, OOMKilled,
// crash-looping, Pending. Reads go through the API (and `kubectl exec` where a user would use it).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { R, type KubeObject } from '@wasmkube/client';
import { startCluster, type Cluster } from 'wasmkube';
import { runKubectl, type KubectlEnv } from './harness/kubectl.js';
import { makeTempDir, removeDir } from './harness/temp-dir.js';

const SAMPLES = resolve(dirname(fileURLToPath(import.meta.url)), '../../sample-pods');
const NS = 'default';
/**
 * Upper bound of every wait. Generous because the whole cluster (API server, controllers, kubelet and
 * the host side of every guest's I/O) shares this process's main thread, and CI machines are busy;
 * each wait ends as soon as its condition holds.
 */
const WAIT_MS = 60_000;

interface ContainerState {
  running?: { startedAt?: string };
  waiting?: { reason?: string; message?: string };
  terminated?: { exitCode: number; reason?: string; message?: string };
}
interface ContainerStatus {
  name: string;
  ready: boolean;
  restartCount: number;
  state?: ContainerState;
  lastState?: ContainerState;
}
interface Pod extends KubeObject {
  spec?: { nodeName?: string };
  status?: {
    phase?: string;
    podIP?: string;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    containerStatuses?: ContainerStatus[];
  };
}

let cluster: Cluster;
let kubectl: KubectlEnv;

async function pod(name: string): Promise<Pod | undefined> {
  return (await cluster.pod(NS, name)) as Pod | undefined;
}

function condition(p: Pod | undefined, type: string): string | undefined {
  return p?.status?.conditions?.find((c) => c.type === type)?.status;
}

function container(p: Pod | undefined, name: string): ContainerStatus | undefined {
  return p?.status?.containerStatuses?.find((c) => c.name === name);
}

/** Waits until the pod's phase is Running with every container running; returns the pod. */
function running(name: string, timeoutMs = WAIT_MS): Promise<Pod> {
  return cluster.waitFor(async () => {
    const p = await pod(name);
    const cs = p?.status?.containerStatuses ?? [];
    return p?.status?.phase === 'Running' && cs.length > 0 && cs.every((c) => c.state?.running) && p.status.podIP ? p : undefined;
  }, { timeoutMs, what: `pod ${name} Running` });
}

/** A CPU quantity as metrics.k8s.io writes it ("123456789n", "250m", "1") in millicores. */
function cpuMillis(q: string): number {
  const m = /^(\d+(?:\.\d+)?)(n|u|m)?$/.exec(q);
  if (!m) throw new Error(`unexpected cpu quantity ${q}`);
  const scale = { n: 1e-6, u: 1e-3, m: 1 }[m[2] as 'n' | 'u' | 'm'] ?? 1000;
  return Number(m[1]) * scale;
}

/** A GET straight to a pod IP from the host: pod addresses are real loopback addresses. */
async function get(url: string): Promise<{ status: number; body: string }> {
  const r = await request(url, { headersTimeout: 5_000, bodyTimeout: 5_000 });
  return { status: r.statusCode, body: await r.body.text() };
}

/** The container's log through the API's log subresource (as `kubectl logs` reads it). */
async function logs(name: string, containerName: string, previous = false): Promise<string> {
  const q = new URLSearchParams({ container: containerName, ...(previous ? { previous: 'true' } : {}) });
  const r = await request(`${cluster.url}/api/v1/namespaces/${NS}/pods/${name}/log?${q}`);
  const text = await r.body.text();
  return r.statusCode === 200 ? text : '';
}

async function exec(podName: string, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return runKubectl(kubectl, ['exec', podName, '--', ...argv], { timeoutMs: 30_000 });
}

before(async () => {
  const index = JSON.parse(await readFile(join(SAMPLES, 'images.json'), 'utf8')) as Record<string, string>;
  const images = Object.fromEntries(Object.entries(index).map(([name, file]) => [name, join(SAMPLES, file)]));
  // Short restart back-off so the crash loop and OOM restarts show within seconds.
  cluster = await startCluster({ nodes: 1, images, crashBackoff: { initialMs: 200, maxMs: 1_000, resetAfterMs: 60_000 } });
  kubectl = { kubeconfig: cluster.kubeconfig, home: await makeTempDir('sample-pods-home') };
  const dir = join(SAMPLES, 'manifests');
  for (const f of (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort()) {
    await cluster.apply(await readFile(join(dir, f), 'utf8'));
  }
});

after(async () => {
  await cluster?.stop();
  if (kubectl) await removeDir(kubectl.home);
});

describe('sample pods', { concurrency: true }, () => {
  test('two-containers: web answers on the pod IP and the sidecar reaches it over localhost', async () => {
    const p = await running('two-containers');
    const ip = p.status!.podIP!;
    const r = await get(`http://${ip}:8080/`);
    assert.equal(r.status, 200);
    assert.equal(r.body, `hello from two-containers (${ip})\n`);
    // The sidecar's log shows web's answer: it dialled localhost and arrived at the pod's own IP.
    const line = await cluster.waitFor(async () => (await logs('two-containers', 'sidecar')).split('\n').find((l) => l.includes('-> 200')), {
      timeoutMs: WAIT_MS, what: 'sidecar log line with a 200 answer',
    });
    assert.match(line, new RegExp(`localhost:8080 \\(${ip.replace(/\./g, '\\.')}\\) -> 200 hello from two-containers \\(${ip.replace(/\./g, '\\.')}\\)`));
    // And web logged the sidecar's request as coming from the pod's own address.
    const webLog = await cluster.waitFor(async () => (await logs('two-containers', 'web')).split('\n').find((l) => l.startsWith('GET / 200 from ' + ip + ':')), {
      timeoutMs: WAIT_MS, what: 'web log line for the sidecar request',
    });
    assert.ok(webLog);
  });

  test('web-rc: the ReplicationController runs 3 web pods, each answering with its own name and IP', async () => {
    const pods = await cluster.waitFor(async () => {
      const list = await cluster.client.list<Pod>(R.pods, NS, { labelSelector: 'app=web' });
      const ok = list.items.filter((p) => p.status?.phase === 'Running' && p.status.podIP && condition(p, 'Ready') === 'True');
      return ok.length === 3 ? ok : undefined;
    }, { timeoutMs: WAIT_MS, what: '3 ready web pods' });
    const ips = new Set(pods.map((p) => p.status!.podIP));
    assert.equal(ips.size, 3, 'each pod has its own IP');
    for (const p of pods) {
      const r = await get(`http://${p.status!.podIP}:8080/`);
      assert.equal(r.status, 200);
      assert.equal(r.body, `hello from ${p.metadata.name} (${p.status!.podIP})\n`);
      assert.match(p.metadata.name!, /^web-[a-z0-9]{5}$/);
    }
  });

  test('web-rc: the NodePort Service answers, and ClientIP affinity keeps a client on one pod', async () => {
    const svc = await cluster.waitFor(async () => {
      const s = (await cluster.client.get(R.services, NS, 'web')) as KubeObject & { spec?: { ports?: { nodePort?: number }[] } };
      return s.spec?.ports?.[0]?.nodePort ? s : undefined;
    }, { what: 'service web with a nodePort' });
    const nodePort = svc.spec!.ports![0].nodePort!;
    // Wait for the Service to have endpoints behind it (the web pods' readiness), then ask 10 times:
    // without affinity 3 ready pods would all answer the same only with probability 3/3^10.
    await cluster.waitFor(async () => (await get(`http://127.0.0.1:${nodePort}/`).catch(() => undefined))?.status === 200, {
      timeoutMs: WAIT_MS, what: `an answer on NodePort ${nodePort}`,
    });
    const answers = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const r = await get(`http://127.0.0.1:${nodePort}/`);
      assert.equal(r.status, 200);
      assert.match(r.body, /^hello from web-[a-z0-9]{5} \(127\.\d+\.\d+\.\d+\)\n$/);
      answers.add(r.body);
    }
    assert.equal(answers.size, 1, `sessionAffinity ClientIP: one pod for one client, got ${[...answers].join(', ')}`);
  });

  test('probes: readiness follows /data/not-ready, liveness failure restarts the container', async () => {
    let p = await running('probes');
    const ip = p.status!.podIP!;
    await cluster.waitFor(async () => condition(await pod('probes'), 'Ready') === 'True', { timeoutMs: WAIT_MS, what: 'probes Ready' });
    assert.equal((await get(`http://${ip}:8080/healthz`)).status, 200);

    let r = await exec('probes', 'web', 'touch', '/data/not-ready');
    assert.equal(r.code, 0, `kubectl exec touch: ${r.stderr}`);
    assert.equal((await get(`http://${ip}:8080/ready`)).status, 503);
    await cluster.waitFor(async () => condition(await pod('probes'), 'Ready') === 'False', { timeoutMs: WAIT_MS, what: 'probes not Ready' });
    r = await exec('probes', 'web', 'rm', '/data/not-ready');
    assert.equal(r.code, 0, `kubectl exec rm: ${r.stderr}`);
    await cluster.waitFor(async () => condition(await pod('probes'), 'Ready') === 'True', { timeoutMs: WAIT_MS, what: 'probes Ready again' });

    const before = container(await pod('probes'), 'web')!.restartCount;
    r = await exec('probes', 'web', 'touch', '/data/unhealthy');
    assert.equal(r.code, 0, `kubectl exec touch: ${r.stderr}`);
    assert.equal((await get(`http://${ip}:8080/healthz`)).status, 500);
    p = await cluster.waitFor(async () => {
      const q = await pod('probes');
      return (container(q, 'web')?.restartCount ?? 0) > before ? q : undefined;
    }, { timeoutMs: WAIT_MS, what: 'liveness restart' });
    // Stop the restarts: the emptyDir outlived the restart, so the file is still there.
    await cluster.waitFor(async () => (await exec('probes', 'web', 'rm', '/data/unhealthy')).code === 0, { timeoutMs: WAIT_MS, what: 'rm /data/unhealthy' });
    assert.ok(container(p, 'web')!.restartCount > before);
  });

  test('hooks: postStart ran `web hook post-start` inside the pod, writing /data/hooks.log', async () => {
    await running('hooks');
    let last: Awaited<ReturnType<typeof exec>> | undefined;
    const out = await cluster.waitFor(async () => {
      const r = (last = await exec('hooks', 'web', 'cat', '/data/hooks.log'));
      return r.code === 0 && r.stdout.includes('post-start') ? r.stdout : undefined;
    }, { timeoutMs: WAIT_MS, what: 'post-start in hooks.log' }).catch((e) => {
      throw new Error(`${(e as Error).message}; last kubectl exec: ${JSON.stringify(last)}`);
    });
    assert.match(out, /^post-start \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/m);
  });

  test('hooks: removing hooks.log fails the exec liveness probe; preStop and postStart both write it again', async () => {
    await running('hooks');
    await cluster.waitFor(async () => (await exec('hooks', 'web', 'cat', '/data/hooks.log')).stdout.includes('post-start'), { timeoutMs: WAIT_MS, what: 'first post-start' });
    const r = await exec('hooks', 'web', 'rm', '/data/hooks.log');
    assert.equal(r.code, 0, `kubectl exec rm: ${r.stderr}`);
    const out = await cluster.waitFor(async () => {
      const c = await exec('hooks', 'web', 'cat', '/data/hooks.log');
      return c.code === 0 && /pre-stop[^\n]*\npost-start/.test(c.stdout) ? c.stdout : undefined;
    }, { timeoutMs: WAIT_MS, what: 'pre-stop then post-start in hooks.log' });
    assert.match(out, /^pre-stop \S+\npost-start \S+\n/);
    assert.ok((container(await pod('hooks'), 'web')?.restartCount ?? 0) >= 1);
  });

  test('cpu-limited: burn runs under limits.cpu and logs its rate', async () => {
    await running('cpu-limited');
    const line = await cluster.waitFor(async () => (await logs('cpu-limited', 'burn')).split('\n').find((l) => /iterations\/s/.test(l)), {
      timeoutMs: WAIT_MS, what: 'a rate line from burn',
    });
    assert.match(line, /^burn: second \d+ \d+ iterations\/s/);
    // metrics.k8s.io (what `kubectl top pod` shows): the CFS-like quota keeps it at or under 250m.
    // An unthrottled burn uses a whole core; the slack covers one period's overshoot.
    const cpu = await cluster.waitFor(async () => {
      const r = await request(`${cluster.url}/apis/metrics.k8s.io/v1beta1/namespaces/${NS}/pods/cpu-limited`);
      const m = (await r.body.json().catch(() => undefined)) as { containers?: { name: string; usage: { cpu: string } }[] } | undefined;
      const usage = m?.containers?.find((c) => c.name === 'burn')?.usage.cpu;
      return r.statusCode === 200 && usage ? usage : undefined;
    }, { timeoutMs: WAIT_MS, what: 'PodMetrics for cpu-limited' });
    assert.ok(cpuMillis(cpu) > 0, `burn uses some CPU: ${cpu}`);
    assert.ok(cpuMillis(cpu) <= 300, `limits.cpu 250m enforced: usage ${cpu}`);
  });

  test('oom: memhog under limits.memory 16Mi is OOMKilled with exit code 137', async () => {
    const term = await cluster.waitFor(async () => {
      const c = container(await pod('oom'), 'memhog');
      const t = c?.state?.terminated?.reason === 'OOMKilled' ? c.state.terminated : c?.lastState?.terminated;
      return t?.reason === 'OOMKilled' ? t : undefined;
    }, { timeoutMs: WAIT_MS, what: 'memhog OOMKilled' });
    assert.equal(term.exitCode, 137);
  });

  test('crashloop: the crashing container is restarted again and again, exit code 1 each time', async () => {
    const c = await cluster.waitFor(async () => {
      const s = container(await pod('crashloop'), 'crash');
      return s && s.restartCount >= 2 ? s : undefined;
    }, { timeoutMs: WAIT_MS, what: 'crashloop restartCount >= 2' });
    assert.equal(c.lastState?.terminated?.exitCode, 1);
    assert.equal(c.lastState?.terminated?.reason, 'Error');
    const p = await pod('crashloop');
    assert.equal(p?.status?.phase, 'Running', 'restartPolicy Always keeps the pod Running');
    // Both streams of the last run are kept.
    const prev = await logs('crashloop', 'crash', true);
    assert.match(prev, /crash: crashloop starting/);
    assert.match(prev, /exiting with status 1/);
  });

  test('unschedulable: the 64-CPU pod stays Pending with PodScheduled False', async () => {
    const p = await cluster.waitFor(async () => {
      const q = await pod('too-big');
      return condition(q, 'PodScheduled') === 'False' ? q : undefined;
    }, { timeoutMs: WAIT_MS, what: 'too-big PodScheduled=False' });
    assert.equal(p.status?.phase, 'Pending');
    assert.equal(p.spec?.nodeName, undefined);
    const cond = p.status!.conditions!.find((c) => c.type === 'PodScheduled')!;
    assert.equal(cond.reason, 'Unschedulable');
    assert.match(cond.message ?? '', /0\/1 nodes are available: 1 Insufficient cpu/);
    // Still Pending once everything else has started.
    await running('two-containers');
    const later = await pod('too-big');
    assert.equal(later?.status?.phase, 'Pending');
    assert.equal(later?.spec?.nodeName, undefined);
  });

  test('daemonset: one ticker pod on the node, printing the node name from the downward API', async () => {
    const pods = await cluster.waitFor(async () => {
      const list = await cluster.client.list<Pod>(R.pods, NS, { labelSelector: 'app=ticker' });
      return list.items.length === 1 && list.items[0].status?.phase === 'Running' ? list.items : undefined;
    }, { timeoutMs: WAIT_MS, what: 'one running ticker pod' });
    assert.equal(pods[0].spec?.nodeName, 'node-1');
    const line = await cluster.waitFor(async () => (await logs(pods[0].metadata.name!, 'ticker')).split('\n').find((l) => l.startsWith('running on node')), {
      timeoutMs: WAIT_MS, what: 'ticker log line',
    });
    assert.match(line, /^running on node node-1 \(tick \d+\)$/);
  });
});
