// WASI 0.2 components end to end: a cluster from the `wasmkube` fixture, the component samples
// (sample-pods/components) applied with the real kubectl — the componentize-js HTTP service behind a
// Service (pod IP, ClusterIP, NodePort), its console output through `kubectl logs`, its httpGet
// liveness probe answered by the component; the preview1 command adapted to a component run as a
// Job; and a component importing an interface the runtime lacks refused with CreateContainerError.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { R, type KubeObject } from '@wasmkube/client';
import { startCluster, type Cluster } from 'wasmkube';
import { runKubectl, type KubectlEnv } from './harness/kubectl.js';
import { makeTempDir, removeDir } from './harness/temp-dir.js';

const SAMPLES = resolve(dirname(fileURLToPath(import.meta.url)), '../../sample-pods/components');
const NS = 'default';
/** Generous: the first start of the 14 MB JS component transpiles and instruments it (≈10-30 s on a busy machine). */
const WAIT_MS = 120_000;

interface Pod extends KubeObject {
  status?: {
    phase?: string;
    podIP?: string;
    containerStatuses?: { ready: boolean; restartCount: number; state?: { running?: object; waiting?: { reason?: string; message?: string }; terminated?: { exitCode: number; reason?: string } } }[];
  };
}
interface Service extends KubeObject {
  spec?: { clusterIP?: string; ports?: { port: number; nodePort?: number }[] };
}

let cluster: Cluster;
let kubectl: KubectlEnv;
let dir: string;

async function get(url: string): Promise<{ status: number; body: string }> {
  const r = await request(url, { headersTimeout: 30_000, bodyTimeout: 30_000 });
  return { status: r.statusCode, body: await r.body.text() };
}

async function kubectlOk(...args: string[]): Promise<string> {
  const r = await runKubectl(kubectl, args, { timeoutMs: 60_000 });
  assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

before(async () => {
  const index = JSON.parse(await readFile(join(SAMPLES, 'images.json'), 'utf8')) as Record<string, string>;
  const images: Record<string, string | Uint8Array> = Object.fromEntries(Object.entries(index).map(([name, file]) => [name, join(SAMPLES, file)]));
  const { parse } = await import('@bytecodealliance/jco');
  // A component importing an interface the runtime lacks (the runtime's own test guest).
  const nope = await readFile(join(SAMPLES, '../../runtime/src/components/testdata/nope.wat'), 'utf8');
  images['nope-component:1.0'] = (await parse(nope)) as unknown as Uint8Array;
  cluster = await startCluster({ nodes: 1, images });
  dir = await makeTempDir('components-e2e');
  kubectl = { kubeconfig: cluster.kubeconfig, home: dir };
  await kubectlOk('apply', '-f', join(SAMPLES, 'web.yaml'));
  await kubectlOk('apply', '-f', join(SAMPLES, 'hello-job.yaml'));
});

after(async () => {
  await cluster?.stop();
  if (dir) await removeDir(dir);
});

describe('components', { concurrency: true }, () => {
  test('js-web: the JS component serves on its pod IP, its Service (ClusterIP, NodePort), logs, and passes its liveness probe', async () => {
    const p = await cluster.waitFor(async () => {
      const x = (await cluster.pod(NS, 'js-web')) as Pod | undefined;
      return x?.status?.phase === 'Running' && x.status.podIP && x.status.containerStatuses?.[0]?.state?.running ? x : undefined;
    }, { timeoutMs: WAIT_MS, what: 'js-web Running' });
    const ip = p.status!.podIP!;
    const direct = await get(`http://${ip}:8080/direct`);
    assert.equal(direct.status, 200);
    assert.equal(direct.body, 'hello from a JS component: /direct\n');

    const svc = await cluster.client.get<Service>(R.services, NS, 'js-web');
    const viaClusterIp = await cluster.waitFor(async () => {
      const r = await get(`http://${svc.spec!.clusterIP}:80/svc`).catch(() => undefined);
      return r?.status === 200 ? r : undefined;
    }, { timeoutMs: WAIT_MS, what: 'js-web through its ClusterIP' });
    assert.equal(viaClusterIp.body, 'hello from a JS component: /svc\n');
    const nodePort = svc.spec!.ports![0].nodePort!;
    const viaNodePort = await get(`http://127.0.0.1:${nodePort}/np`);
    assert.equal(viaNodePort.body, 'hello from a JS component: /np\n');

    // kubectl logs shows the component's console.log lines, including the kubelet's liveness probes.
    const logs = await cluster.waitFor(async () => {
      const out = (await runKubectl(kubectl, ['logs', 'js-web'], { timeoutMs: 30_000 })).stdout;
      return out.includes('GET /np') && out.includes('GET /healthz') ? out : undefined;
    }, { timeoutMs: WAIT_MS, what: 'js-web logs with the probe and our requests' });
    assert.match(logs, /^GET \/direct$/m);
    // The probe keeps passing: no restart.
    const again = (await cluster.pod(NS, 'js-web')) as Pod;
    assert.equal(again.status!.containerStatuses![0].restartCount, 0);
  });

  test('hello-component: the adapted preview1 command runs to completion as a Job', async () => {
    const pod = await cluster.waitFor(async () => {
      const out = await kubectlOk('get', 'pods', '-l', 'job-name=hello-component', '-o', 'json');
      const items = (JSON.parse(out) as { items: Pod[] }).items;
      return items.find((x) => x.status?.phase === 'Succeeded');
    }, { timeoutMs: WAIT_MS, what: 'hello-component pod Succeeded' });
    assert.equal(pod.status!.containerStatuses![0].state!.terminated!.exitCode, 0);
    const logs = await kubectlOk('logs', pod.metadata!.name!);
    assert.match(logs, /^hello from a component, argc=5$/m);
    assert.match(logs, /^arg 4: job$/m);
    assert.match(logs, /^greeting=hello from wasi:cli$/m);
  });

  test('a component with an unsupported import is refused: CreateContainerError with the interface named', async () => {
    await cluster.apply([{
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'nope', namespace: NS },
      spec: { restartPolicy: 'Never', containers: [{ name: 'nope', image: 'nope-component:1.0', imagePullPolicy: 'IfNotPresent' }] },
    } as KubeObject]);
    const waiting = await cluster.waitFor(async () => {
      const x = (await cluster.pod(NS, 'nope')) as Pod | undefined;
      const w = x?.status?.containerStatuses?.[0]?.state?.waiting;
      return w?.reason === 'CreateContainerError' ? w : undefined;
    }, { timeoutMs: WAIT_MS, what: 'nope Waiting CreateContainerError' });
    assert.match(waiting.message ?? '', /the component imports "example:nope\/thing", which this runtime does not provide/);
    const events = await kubectlOk('get', 'events', '--field-selector', 'involvedObject.name=nope', '-o', 'json');
    assert.match(events, /example:nope\/thing/);
  });
});
