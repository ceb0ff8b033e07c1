// The node agent end to end: a real cluster (control plane + one node agent running wasm pods) driven
// with the real kubectl 1.32 — pod status, logs, port-forward, probes, hooks, restarts with back-off,
// image pull errors, graceful deletion and `kubectl top`.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { startCluster, type Cluster } from 'wasmkube';
import { KubectlProcess, runKubectl, writeManifest, type KubectlEnv } from './harness/kubectl.js';
import { until } from './harness/poll.js';
import { parseTable, rowWhere } from './harness/table.js';
import { makeTempDir, removeDir } from './harness/temp-dir.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const GUESTS = join(REPO, 'runtime/src/sandbox/testdata');
const SAMPLES = join(REPO, 'sample-pods/images');

let cluster: Cluster;
let env: KubectlEnv;
let dir: string;

const kubectl = (...args: string[]) => runKubectl(env, args);
async function apply(yaml: string) {
  const r = await kubectl('apply', '-f', await writeManifest(dir, yaml));
  assert.equal(r.code, 0, r.stderr);
}
async function pod(name: string): Promise<any> {
  return cluster.pod('default', name);
}

before(async () => {
  dir = await makeTempDir('kubelet');
  cluster = await startCluster({
    nodes: 1,
    images: {
      'httpd:1': join(GUESTS, 'httpd.wasm'),
      'hello:1': join(GUESTS, 'hello.wasm'),
      'cpu:1': join(GUESTS, 'cpu.wasm'),
      'web:1.0': join(SAMPLES, 'web.wasm'),
      'memhog:1.0': join(SAMPLES, 'memhog.wasm'),
    },
    // Kubernetes' 10 s → 5 min back-off, shortened so the test sees it grow in seconds.
    crashBackoff: { initialMs: 1_000, maxMs: 4_000, resetAfterMs: 600_000 },
  });
  env = { kubeconfig: cluster.kubeconfig, home: join(dir, 'home') };
});

after(async () => {
  await cluster?.stop();
  await removeDir(dir);
});

describe('kubectl against wasm pods on a node agent', () => {
  test('a web pod runs with its own pod IP; logs and port-forward reach it', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  containers:
  - name: web
    image: httpd:1
    ports: [{containerPort: 8080}]
`);
    const ip = await until(async () => {
      const p = await pod('web');
      return p?.status?.phase === 'Running' && p.status.containerStatuses?.[0]?.ready && p.status.podIP;
    }, { timeoutMs: 15_000, what: 'pod web Running and ready' });
    assert.match(ip, /^127\.\d+\.\d+\.\d+$/);
    assert.ok(ip.startsWith(cluster.podCidr.split('.').slice(0, 2).join('.') + '.'), `${ip} is inside ${cluster.podCidr}`);

    const wide = await kubectl('get', 'pods', 'web', '-o', 'wide');
    const row = rowWhere(parseTable(wide.stdout), 'NAME', 'web');
    assert.equal(row?.READY, '1/1');
    assert.equal(row?.STATUS, 'Running');
    assert.equal(row?.IP, ip);
    assert.equal(row?.NODE, 'node-1');

    // The pod's IP is a real address on this machine.
    const direct = await request(`http://${ip}:8080/direct`);
    assert.equal(direct.statusCode, 200);
    assert.match(await direct.body.text(), /hello from wasm: \/direct/);

    const logs = await until(async () => {
      const r = await kubectl('logs', 'web');
      return r.stdout.includes('served /direct') && r;
    }, { what: 'the request in the logs' });
    assert.match(logs.stdout, /httpd: serving on fd 3/);
    const follow = new KubectlProcess(env, ['logs', '-f', 'web', '-c', 'web']);
    try {
      await follow.waitFor((l) => l.some((x) => x.includes('served /direct')), { what: 'logs -f shows the past' });
      await (await request(`http://${ip}:8080/followed`)).body.dump();
      await follow.waitFor((l) => l.some((x) => x.includes('served /followed')), { what: 'logs -f shows a new line' });
    } finally {
      await follow.stop();
    }
    const ts = await kubectl('logs', 'web', '--timestamps', '--tail=1');
    assert.match(ts.stdout.trim(), /^\d{4}-\d\d-\d\dT[\d:.]+Z served \/followed$/);

    const pf = new KubectlProcess(env, ['port-forward', 'pod/web', '0:8080']);
    try {
      const lines = await pf.waitFor((l) => l.some((x) => /Forwarding from 127\.0\.0\.1:\d+ -> 8080/.test(x)), { what: 'port-forward ready' });
      const port = Number(/127\.0\.0\.1:(\d+)/.exec(lines.find((x) => x.includes('Forwarding from 127.0.0.1')) as string)?.[1]);
      for (const path of ['/pf-1', '/pf-2']) {
        const res = await request(`http://127.0.0.1:${port}${path}`);
        assert.equal(res.statusCode, 200);
        assert.match(await res.body.text(), new RegExp(`hello from wasm: ${path}`));
      }
    } finally {
      await pf.stop();
    }
  });

  test('exec runs a new instance of the image inside the pod: output, exit code, shared volumes', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: box}
spec:
  volumes: [{name: data, emptyDir: {}}]
  containers:
  - name: web
    image: web:1.0
    ports: [{containerPort: 8080}]
    volumeMounts: [{name: data, mountPath: /data}]
    env: [{name: POD_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}]
`);
    await until(async () => (await pod('box'))?.status?.phase === 'Running', { what: 'box running' });
    const touch = await kubectl('exec', 'box', '--', 'web', 'touch', '/data/made-by-exec');
    assert.equal(touch.code, 0, touch.stderr);
    const ls = await kubectl('exec', 'box', '-c', 'web', '--', 'web', 'ls', '/data');
    assert.equal(ls.code, 0, ls.stderr);
    assert.match(ls.stdout, /made-by-exec/);
    const missing = await kubectl('exec', 'box', '--', 'web', 'check-file', '/data/nope');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /command terminated with exit code 1/);
    const usage = await kubectl('exec', 'box', '--', 'web', 'frob');
    assert.notEqual(usage.code, 0);
    assert.match(usage.stderr, /usage: web/);
    // The same pod IP, the same network: the exec'd instance is inside the pod.
    const p = await pod('box');
    const res = await request(`http://${p.status.podIP}:8080/`);
    assert.match(await res.body.text(), new RegExp(`hello from box \\(${p.status.podIP.replace(/\./g, '\\.')}\\)`));
  });

  test('a missing image shows ErrImagePull, then ImagePullBackOff, with events', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: badimage}
spec:
  containers: [{name: main, image: "nosuch:1.0"}]
`);
    const reasons = new Set<string>();
    await until(async () => {
      const p = await pod('badimage');
      const w = p?.status?.containerStatuses?.[0]?.state?.waiting?.reason;
      if (w) reasons.add(w);
      return reasons.has('ErrImagePull') && reasons.has('ImagePullBackOff');
    }, { timeoutMs: 15_000, intervalMs: 50, what: 'ErrImagePull and ImagePullBackOff' });
    const d = await kubectl('describe', 'pod', 'badimage');
    assert.match(d.stdout, /Failed to pull image "nosuch:1\.0": .*not found in the node's image store/);
    assert.match(d.stdout, /Back-off pulling image "nosuch:1\.0"/);
    const get = await kubectl('get', 'pod', 'badimage');
    assert.match(rowWhere(parseTable(get.stdout), 'NAME', 'badimage')?.STATUS ?? '', /ErrImagePull|ImagePullBackOff/);
  });

  test('a crashing container restarts with growing back-off (CrashLoopBackOff) and keeps its previous logs', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: crasher}
spec:
  containers:
  - name: main
    image: hello:1
    args: [crashing]
    env: [{name: EXIT_CODE, value: "3"}]
`);
    const messages = new Set<string>();
    await until(async () => {
      const p = await pod('crasher');
      const w = p?.status?.containerStatuses?.[0]?.state?.waiting;
      if (w?.reason === 'CrashLoopBackOff') messages.add(/back-off (\S+)/.exec(w.message ?? '')?.[1] ?? '');
      return p?.status?.containerStatuses?.[0]?.restartCount >= 3 && messages.size >= 2 && p;
    }, { timeoutMs: 25_000, intervalMs: 50, what: 'three restarts with two back-off delays' });
    assert.ok(messages.has('1s') && messages.has('2s'), `back-off grows: saw ${[...messages].join(', ')}`);
    const p = await pod('crasher');
    const cs = p.status.containerStatuses[0];
    assert.equal(cs.lastState.terminated.exitCode, 3);
    assert.equal(cs.lastState.terminated.reason, 'Error');
    const prev = await kubectl('logs', 'crasher', '--previous');
    assert.equal(prev.code, 0, prev.stderr);
    assert.match(prev.stdout, /hello crashing/);
    const d = await kubectl('describe', 'pod', 'crasher');
    assert.match(d.stdout, /Back-off restarting failed container main in pod crasher_default/);
  });

  test('a failing liveness probe restarts the container; a failing readiness probe keeps it not ready', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: probed}
spec:
  terminationGracePeriodSeconds: 2
  containers:
  - name: web
    image: httpd:1
    ports: [{containerPort: 8080}]
    livenessProbe: {tcpSocket: {port: 9999}, periodSeconds: 1, failureThreshold: 2}
---
apiVersion: v1
kind: Pod
metadata: {name: unready}
spec:
  containers:
  - name: web
    image: httpd:1
    ports: [{containerPort: 8080}]
    readinessProbe: {httpGet: {port: 9998, path: /ready}, periodSeconds: 1}
`);
    await until(async () => (await pod('probed'))?.status?.containerStatuses?.[0]?.restartCount >= 1, { timeoutMs: 20_000, what: 'a liveness restart' });
    const d = await kubectl('describe', 'pod', 'probed');
    assert.match(d.stdout, /Liveness probe failed: dial tcp [\d.]+:9999: connect: connection refused/);
    assert.match(d.stdout, /Container web failed liveness probe, will be restarted/);
    const get = await kubectl('get', 'pod', 'probed');
    assert.ok(Number(rowWhere(parseTable(get.stdout), 'NAME', 'probed')?.RESTARTS.split(' ')[0]) >= 1);

    const p = await until(async () => {
      const x = await pod('unready');
      return x?.status?.phase === 'Running' && x;
    }, { what: 'unready running' });
    assert.equal(p.status.containerStatuses[0].ready, false);
    assert.equal(p.status.conditions.find((c: any) => c.type === 'Ready').status, 'False');
    const row = rowWhere(parseTable((await kubectl('get', 'pod', 'unready')).stdout), 'NAME', 'unready');
    assert.equal(row?.READY, '0/1');
  });

  test('postStart and preStop hooks run; deleting with a grace period runs preStop first', async () => {
    const seen: string[] = [];
    const hookServer: Server = createServer((req, res) => {
      seen.push(req.url ?? '');
      res.end('ok');
    });
    await new Promise<void>((r) => hookServer.listen(0, '127.0.0.1', r));
    const port = (hookServer.address() as { port: number }).port;
    try {
      await apply(`apiVersion: v1
kind: Pod
metadata: {name: hooked}
spec:
  terminationGracePeriodSeconds: 5
  containers:
  - name: web
    image: httpd:1
    ports: [{containerPort: 8080}]
    lifecycle:
      postStart: {httpGet: {host: 127.0.0.1, port: ${port}, path: /post-start}}
      preStop: {httpGet: {host: 127.0.0.1, port: ${port}, path: /pre-stop}}
`);
      await until(async () => (await pod('hooked'))?.status?.phase === 'Running' && seen.includes('/post-start'), { what: 'postStart observed' });
      assert.ok(!seen.includes('/pre-stop'));
      const del = await runKubectl(env, ['delete', 'pod', 'hooked', '--grace-period=5'], { timeoutMs: 30_000 });
      assert.equal(del.code, 0, del.stderr);
      assert.match(del.stdout, /pod "hooked" deleted/);
      assert.ok(seen.includes('/pre-stop'), `preStop ran before the deletion completed: ${seen.join(', ')}`);
      const gone = await kubectl('get', 'pod', 'hooked');
      assert.match(gone.stderr, /pods "hooked" not found/);
    } finally {
      hookServer.close();
    }
  });

  test('two pods of one image under different memory limits: each is OOMKilled at its own limit', async () => {
    const hog = (name: string, limit: string) => `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  restartPolicy: Never
  containers:
  - name: memhog
    image: memhog:1.0
    resources: {limits: {memory: ${limit}}}
`;
    await apply(`${hog('hog16', '16Mi')}---\n${hog('hog48', '48Mi')}`);
    for (const [name, limitMib] of [['hog16', 16], ['hog48', 48]] as const) {
      const terminated = await until(async () => (await pod(name))?.status?.containerStatuses?.[0]?.state?.terminated, { timeoutMs: 20_000, what: `${name} terminated` });
      assert.deepEqual([terminated.reason, terminated.exitCode], ['OOMKilled', 137], JSON.stringify(terminated));
      const logs = await kubectl('logs', name);
      const mib = Number(/malloc failed after (\d+) MiB/.exec(logs.stdout)?.[1]);
      // The module's data and stack take a little of the limit; the rest is what malloc got.
      assert.ok(mib > limitMib - 8 && mib < limitMib, `${name}: malloc failed after ${mib} MiB under a ${limitMib} MiB limit`);
    }
  });

  test('kubectl top pods shows a CPU-bound pod limited to 250m near 250m', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: burner}
spec:
  containers:
  - name: burn
    image: cpu:1
    args: ["0"]
    resources: {limits: {cpu: 250m, memory: 32Mi}}
`);
    await until(async () => (await pod('burner'))?.status?.phase === 'Running', { what: 'burner running' });
    // Usage is CPU over a window of recent seconds; right after start it also holds the worker's
    // unthrottled set-up, so read it once the window covers several seconds of steady running.
    const runningSince = Date.now();
    const millis = await until(async () => {
      if (Date.now() - runningSince < 5_000) return undefined;
      const r = await kubectl('top', 'pod', 'burner', '--no-headers');
      const m = /burner\s+(\d+)m/.exec(r.stdout);
      return m && Number(m[1]) > 0 ? Number(m[1]) : undefined;
    }, { timeoutMs: 25_000, intervalMs: 500, what: 'a steady cpu figure from kubectl top' });
    assert.ok(millis >= 175 && millis <= 325, `250m limit (±30 %): top shows ${millis}m`);
    const nodes = await kubectl('top', 'nodes');
    assert.match(nodes.stdout, /node-1\s+\d+m/);
  });

  test('after a node agent restart, running pods come back and their restartCount says so', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: survivor}
spec:
  terminationGracePeriodSeconds: 1
  containers: [{name: web, image: "httpd:1", ports: [{containerPort: 8081}]}]
`);
    const before = await until(async () => {
      const p = await pod('survivor');
      return p?.status?.phase === 'Running' && p;
    }, { what: 'survivor running' });
    assert.equal(before.status.containerStatuses[0].restartCount, 0);
    await cluster.restartNode('node-1');
    const after = await until(async () => {
      const p = await pod('survivor');
      const cs = p?.status?.containerStatuses?.[0];
      return cs?.restartCount === 1 && cs.state?.running && p;
    }, { timeoutMs: 20_000, what: 'survivor running again with restartCount 1' });
    assert.equal(after.status.podIP, before.status.podIP, 'the pod keeps its IP');
    assert.equal(after.metadata.uid, before.metadata.uid);
    const res = await request(`http://${after.status.podIP}:8081/again`);
    assert.equal(res.statusCode, 200);
    await res.body.dump();
  });
});
