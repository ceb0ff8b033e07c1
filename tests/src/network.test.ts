// The pod network against a real API server and controller manager: Node TCP/HTTP servers bound on
// pod IPs stand in for pods (their Pod objects are created through the API and their readiness
// flipped through pods/{name}/status), and ClusterNetwork instances are the node agents' networks.
// Real sockets on 127.250/16 (pods) and 127.251/16 (services): ranges no fixture claims.

import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { KubeClient, R, type KubeObject } from '@wasmkube/client';
import { startControlPlane, startControllers } from '@wasmkube/control-plane';
import { ClusterNetwork, type ClusterNetworkOptions } from '@wasmkube/runtime';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { startCluster } from 'wasmkube';
import { until } from './harness/poll.js';
import { runKubectl } from './harness/kubectl.js';

const POD_RANGE = '127.250.0.0/16';
const SVC_RANGE = '127.251.0.0/16';
const nodeCidr = (n: number) => `127.250.${n}.0/24`;
const podIp = (node: number, i: number) => `127.250.${node}.${i}`;

interface Env {
  url: string;
  client: KubeClient;
  network(node: number, opts?: ClusterNetworkOptions): Promise<ClusterNetwork>;
  /** A pod object on node `node` plus an HTTP server on its IP:8080 answering {me, peer}. */
  backend(name: string, node: number, i: number, opts?: { ready?: boolean; labels?: Record<string, string>; namespace?: string }): Promise<string>;
  setReady(name: string, ready: boolean, ns?: string): Promise<void>;
  service(name: string, spec: Record<string, unknown>, ns?: string): Promise<KubeObject & { spec: { clusterIP: string; ports: { nodePort?: number }[] } }>;
}

async function setup(t: TestContext): Promise<Env> {
  const dir = await mkdtemp(join(tmpdir(), 'wasmkube-net-'));
  const cp = await startControlPlane({ dataDir: dir, serviceCidr: SVC_RANGE });
  const cm = await startControllers(cp.url, { clusterCidr: POD_RANGE });
  const client = new KubeClient(cp.url);
  const cleanups: (() => Promise<void> | void)[] = [];
  t.after(async () => {
    for (const c of cleanups.reverse()) await c();
    await cm.stop();
    await client.close();
    await cp.close();
    await rm(dir, { recursive: true, force: true });
  });
  const nodes = new Set<number>();
  const ensureNode = async (n: number) => {
    if (nodes.has(n)) return;
    nodes.add(n);
    await client.create(R.nodes, undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: `node-${n}` }, spec: { podCIDR: nodeCidr(n) } });
  };
  const env: Env = {
    url: cp.url,
    client,
    async network(node, opts = {}) {
      await ensureNode(node);
      const nw = new ClusterNetwork({ serviceCidr: SVC_RANGE, tunnel: 'never', ...opts });
      await nw.attach({ apiUrl: cp.url, nodeName: `node-${node}`, podCIDR: nodeCidr(node) });
      cleanups.push(() => nw.close());
      return nw;
    },
    async backend(name, node, i, o = {}) {
      await ensureNode(node);
      const ip = podIp(node, i);
      const server = http.createServer((req, res) => res.end(JSON.stringify({ me: name, peer: req.socket.remoteAddress })));
      server.keepAliveTimeout = 1;
      await new Promise<void>((r) => server.listen(8080, ip, r));
      cleanups.push(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));
      const ns = o.namespace ?? 'default';
      await client.create(R.pods, ns, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, labels: o.labels ?? { app: 'web' } },
        spec: { nodeName: `node-${node}`, containers: [{ name: 'web', image: 'web.wasm', ports: [{ name: 'http', containerPort: 8080 }] }] },
      });
      await client.patch(R.pods, ns, name, 'merge', { status: { phase: 'Running', podIP: ip, podIPs: [{ ip }] } }, 'status');
      await env.setReady(name, o.ready ?? true, ns);
      return ip;
    },
    async setReady(name, ready, ns = 'default') {
      await client.patch(R.pods, ns, name, 'merge', { status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] } }, 'status');
    },
    async service(name, spec, ns = 'default') {
      return client.create(R.services, ns, { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }], ...spec } });
    },
  };
  return env;
}

/** One HTTP/1.0 exchange over a socket the pod network opened for a guest. */
async function ask(nw: ClusterNetwork, from: string, host: string, port: number): Promise<{ me: string; peer: string; sockPeer: string }> {
  const sock = await nw.connect(from, host, port);
  const sockPeer = `${sock.remoteAddress}:${sock.remotePort}`;
  return new Promise((resolve, reject) => {
    let data = '';
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => (data += d));
    sock.on('error', reject);
    sock.on('end', () => {
      const body = data.slice(data.indexOf('\r\n\r\n') + 4);
      try {
        resolve({ ...(JSON.parse(body) as { me: string; peer: string }), sockPeer });
      } catch (e) {
        reject(new Error(`bad answer ${JSON.stringify(data)}: ${(e as Error).message}`));
      }
    });
    sock.write(`GET / HTTP/1.0\r\nHost: ${host}\r\n\r\n`);
  });
}

async function spread(n: number, f: () => Promise<{ me: string }>): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const { me } = await f();
    seen.set(me, (seen.get(me) ?? 0) + 1);
  }
  return seen;
}

test('a guest connect() to ClusterIP:port goes straight to a ready pod, round robin, and the pod sees the client pod IP', async (t) => {
  const env = await setup(t);
  const nw = await env.network(1);
  for (const [i, name] of ['web-a', 'web-b', 'web-c'].entries()) await env.backend(name, 1, 10 + i);
  await env.backend('web-d', 1, 13, { ready: false });
  const svc = await env.service('web', {});
  const client = podIp(1, 50);
  await until(async () => (await spread(6, () => ask(nw, client, svc.spec.clusterIP, 80))).size === 3, { what: '3 backends through the ClusterIP' });
  const seen = await spread(9, () => ask(nw, client, svc.spec.clusterIP, 80));
  assert.deepEqual([...seen.keys()].sort(), ['web-a', 'web-b', 'web-c'], 'the not-ready pod gets nothing');
  for (const c of seen.values()) assert.equal(c, 3, 'round robin');
  const r = await ask(nw, client, svc.spec.clusterIP, 80);
  assert.equal(r.peer, client, 'no NAT: the backend sees the client pod IP');
  assert.equal(r.sockPeer, `${svc.spec.clusterIP}:80`, 'the guest sees the Service address it connected to');
  // A port the Service does not have, and a Service without endpoints, are refused.
  await assert.rejects(nw.connect(client, svc.spec.clusterIP, 81), { code: 'ECONNREFUSED' });
  const empty = await env.client.create<KubeObject & { spec: { clusterIP: string } }>(R.services, 'default', {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'empty' }, spec: { selector: { app: 'nothing' }, ports: [{ port: 80 }] },
  });
  await until(async () => {
    try {
      await nw.connect(client, empty.spec.clusterIP, 80);
      return false;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'ECONNREFUSED';
    }
  }, { what: 'refusal for a Service with no endpoints' });

  // web-d turns ready: it gets traffic; web-a turns unready: it gets none.
  await env.setReady('web-d', true);
  await env.setReady('web-a', false);
  await until(async () => {
    const s = await spread(8, () => ask(nw, client, svc.spec.clusterIP, 80));
    return s.has('web-d') && !s.has('web-a');
  }, { what: 'readiness changes to reach the proxy' });
});

test('sessionAffinity ClientIP pins each client to one pod, and moves it when that pod stops being ready', async (t) => {
  const env = await setup(t);
  const nw = await env.network(1);
  for (const [i, name] of ['web-a', 'web-b', 'web-c'].entries()) await env.backend(name, 1, 10 + i);
  const svc = await env.service('sticky', { sessionAffinity: 'ClientIP' });
  assert.equal((svc.spec as { sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } } }).sessionAffinityConfig?.clientIP?.timeoutSeconds, 10800);
  const ip = svc.spec.clusterIP;
  await until(async () => (await spread(6, () => ask(nw, podIp(1, 60 + Math.floor(Math.random() * 100)), ip, 80))).size === 3, { what: 'endpoints' });
  const pinned = new Map<string, string>();
  for (const c of [podIp(1, 50), podIp(1, 51), podIp(1, 52)]) {
    const s = await spread(6, () => ask(nw, c, ip, 80));
    assert.equal(s.size, 1, `client ${c} stays on one pod`);
    pinned.set(c, [...s.keys()][0]);
  }
  const [client, backend] = [...pinned][0];
  await env.setReady(backend, false);
  const moved = await until(async () => {
    const { me } = await ask(nw, client, ip, 80);
    return me !== backend ? me : undefined;
  }, { what: 'the client to move off the unready pod' });
  const after = await spread(5, () => ask(nw, client, ip, 80));
  assert.deepEqual([...after.keys()], [moved], 'pinned to the new pod');
});

test('host clients reach a ClusterIP through the agent and a NodePort on 127.0.0.1; one agent per address serves it', async (t) => {
  const env = await setup(t);
  const nw1 = await env.network(1);
  const nw2 = await env.network(2);
  for (const [i, name] of ['web-a', 'web-b', 'web-c'].entries()) await env.backend(name, 1, 10 + i);
  const svc = await env.service('front', { type: 'NodePort' });
  const nodePort = svc.spec.ports[0].nodePort!;
  const get = async (url: string) => JSON.parse(await (await request(url, { reset: true })).body.text()) as { me: string; peer: string };
  await until(async () => (await spread(6, () => get(`http://${svc.spec.clusterIP}/`))).size === 3, { what: 'ClusterIP from the host over 3 pods' });
  await until(async () => (await spread(6, () => get(`http://127.0.0.1:${nodePort}/`))).size === 3, { what: 'NodePort from the host over 3 pods' });
  const serving = [...nw1.hostProxyServing(), ...nw2.hostProxyServing()];
  assert.equal(serving.filter((a) => a === `127.0.0.1:${nodePort}`).length, 1, 'exactly one agent binds the NodePort');
  assert.equal(serving.filter((a) => a === `${svc.spec.clusterIP}:80`).length, 1, 'exactly one agent binds the ClusterIP');
  // The Service goes: its listeners go.
  await env.client.delete(R.services, 'default', 'front');
  await until(async () => ![...nw1.hostProxyServing(), ...nw2.hostProxyServing()].includes(`127.0.0.1:${nodePort}`), { what: 'listener closed' });
  await assert.rejects(request(`http://127.0.0.1:${nodePort}/`), { code: 'ECONNREFUSED' });
});

test('cluster DNS: <svc>, <svc>.<ns>, FQDN with the pod namespace as search path; headless → pod IPs; localhost → own IP', async (t) => {
  const env = await setup(t);
  const nw = await env.network(1);
  await env.client.create(R.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
  await env.backend('web-a', 1, 10);
  await env.backend('web-b', 1, 11);
  await env.backend('web-x', 1, 12, { ready: false });
  const svc = await env.service('web', {});
  const headless = await env.service('peers', { clusterIP: 'None' });
  assert.equal(headless.spec.clusterIP, 'None');
  const otherSvc = await env.client.create<KubeObject & { spec: { clusterIP: string } }>(R.services, 'other', {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] },
  });
  // Client pods: one in default (its IP registered by the kubelet), one in other.
  const mine = await env.client.create(R.pods, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'client' }, spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'c.wasm' }] } });
  const theirs = await env.client.create(R.pods, 'other', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'client' }, spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'c.wasm' }] } });
  const me = podIp(1, 50);
  const them = podIp(1, 51);
  nw.registerPod(me, mine.metadata.uid as string);
  nw.registerPod(them, theirs.metadata.uid as string);
  await until(async () => (await nw.resolve('web', me))[0] === svc.spec.clusterIP, { what: 'short name' });
  assert.deepEqual(await nw.resolve('web.default', me), [svc.spec.clusterIP]);
  assert.deepEqual(await nw.resolve('web.default.svc.cluster.local', me), [svc.spec.clusterIP]);
  assert.deepEqual(await nw.resolve('web.default.svc.cluster.local.', them), [svc.spec.clusterIP]);
  assert.deepEqual(await nw.resolve('web', them), [otherSvc.spec.clusterIP], 'search path = the pod namespace');
  assert.deepEqual(await nw.resolve('web.other', me), [otherSvc.spec.clusterIP]);
  assert.deepEqual(await nw.resolve('kubernetes.default', me), [`127.251.0.1`]);
  assert.deepEqual(await nw.resolve('localhost', me), [me]);
  assert.deepEqual(await nw.resolve('nope', me), []);
  const peers = await until(async () => {
    const ips = (await nw.resolve('peers', me)).sort();
    return ips.length === 2 ? ips : undefined;
  }, { what: 'headless answers' });
  assert.deepEqual(peers, [podIp(1, 10), podIp(1, 11)], 'ready pods only');
  // A guest connecting by name lands on a pod.
  assert.match((await ask(nw, me, 'web', 80)).me, /^web-[ab]$/);
});

test('egress: cluster addresses and the API server always; anything else only where the node allows it', async (t) => {
  const env = await setup(t);
  const outside = net.createServer((s) => s.on('error', () => undefined).end('hi'));
  await new Promise<void>((r) => outside.listen(0, '127.5.0.9', r));
  t.after(() => new Promise<void>((r) => outside.close(() => r())));
  const port = (outside.address() as net.AddressInfo).port;
  const strict = await env.network(1);
  const open = await env.network(2, { allowEgress: ['127.5.0.0/16'] });
  const from = podIp(1, 50);
  await assert.rejects(strict.connect(from, '127.5.0.9', port), { code: 'ECONNREFUSED' });
  (await open.connect(podIp(2, 50), '127.5.0.9', port)).destroy();
  // The API server through the kubernetes Service (a guest's 127.0.0.1 is its own pod IP).
  const sock = await until(async () => strict.connect(from, '127.251.0.1', 443).catch(() => undefined), { what: 'kubernetes Service' });
  const answer = await new Promise<string>((resolve) => {
    let d = '';
    sock.setEncoding('utf8').on('data', (x: string) => (d += x)).on('end', () => resolve(d));
    sock.write('GET /version HTTP/1.0\r\nHost: kubernetes\r\n\r\n');
  });
  assert.match(answer, /^HTTP\/1\.[01] 200/);
  // Pod to pod is always allowed.
  await env.backend('web-a', 1, 10);
  assert.equal((await ask(strict, from, podIp(1, 10), 8080)).peer, from);
});

test('tunnel mode: a connection to a pod on another node goes through the agents with PROXY v2 and keeps the source pod IP', async (t) => {
  const env = await setup(t);
  const nw1 = await env.network(1, { tunnel: 'always' });
  const nw2 = await env.network(2, { tunnel: 'always' });
  await env.backend('web-b', 2, 10);
  const from = podIp(1, 50);
  // The tunnel addresses reach node 1 through the Node objects' annotations.
  await until(async () => (await ask(nw1, from, podIp(2, 10), 8080)).peer === from, { what: 'a tunnelled exchange' });
  assert.ok(nw2.tunnelled >= 1, 'node 2 carried it');
  const before = nw2.tunnelled;
  const svc = await env.service('web', {});
  const r = await until(async () => ask(nw1, from, svc.spec.clusterIP, 80).catch(() => undefined), { what: 'service through the tunnel' });
  assert.equal(r.me, 'web-b');
  assert.equal(r.peer, from, 'the backend sees the client pod IP through the tunnel');
  assert.equal(nw2.tunnelled, before + 1);
  // A local pod is reached directly.
  await env.backend('web-a', 1, 10, { labels: { app: 'local' } });
  assert.equal((await ask(nw1, from, podIp(1, 10), 8080)).me, 'web-a');
  assert.equal(nw1.tunnelled, 0);
});

const SAMPLES = fileURLToPath(new URL('../../sample-pods/', import.meta.url));

function curl(url: string): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('curl', ['-s', '--max-time', '5', url], (err, stdout) => (err ? reject(err) : resolve(stdout.trim()))),
  );
}

test('end to end with wasm pods, kubectl and curl: a ReplicationController of 3 web pods behind a NodePort Service', async (t) => {
  const home = await mkdtemp(join(tmpdir(), 'wasmkube-net-home-'));
  const cluster = await startCluster({
    nodes: 2,
    images: { 'web:1.0': join(SAMPLES, 'images/web.wasm'), 'sidecar:1.0': join(SAMPLES, 'images/sidecar.wasm') },
  });
  t.after(async () => {
    await cluster.stop();
    await rm(home, { recursive: true, force: true });
  });
  const kubectl = async (args: string[], stdin?: string) => {
    const r = await runKubectl({ kubeconfig: cluster.kubeconfig, home }, args, { stdin });
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  // The sample manifest, with affinity off to start with and a quicker readiness probe.
  // An emptyDir at /data lets `web touch /data/not-ready` (through kubectl exec) fail the readiness probe.
  const manifest = (await readFile(join(SAMPLES, 'manifests/web-rc.yaml'), 'utf8'))
    .replace('  sessionAffinity: ClientIP\n', '  sessionAffinity: None\n')
    .replace('periodSeconds: 5', 'periodSeconds: 1')
    .replace(/(\n      containers:\n)/, '\n      volumes: [{ name: data, emptyDir: {} }]$1')
    .replace(/(\n          ports:\n)/, '\n          volumeMounts: [{ name: data, mountPath: /data }]$1');
  assert.match(manifest, /volumeMounts/);
  await kubectl(['apply', '-f', '-'], manifest);
  const svc = JSON.parse(await kubectl(['get', 'svc', 'web', '-o', 'json'])) as { spec: { clusterIP: string; ports: { nodePort: number }[] } };
  assert.ok(svc.spec.clusterIP.startsWith(cluster.serviceCidr.split('.').slice(0, 2).join('.') + '.'), svc.spec.clusterIP);
  // A second Service asking for the same ClusterIP: kubectl prints Kubernetes' words.
  const clash = await runKubectl({ kubeconfig: cluster.kubeconfig, home }, ['apply', '-f', '-'], {
    stdin: `apiVersion: v1\nkind: Service\nmetadata: { name: clash }\nspec: { clusterIP: ${svc.spec.clusterIP}, ports: [{ port: 80 }] }\n`,
  });
  assert.notEqual(clash.code, 0);
  const ip = svc.spec.clusterIP;
  assert.ok(
    clash.stderr.includes(`The Service "clash" is invalid: spec.clusterIPs: Invalid value: []string{"${ip}"}: failed to allocate IP ${ip}: provided IP is already allocated`),
    clash.stderr,
  );
  // Polls go through the API directly (a kubectl process per poll is slow on a loaded machine).
  const podLog = async (pod: string, container?: string) =>
    (await request(`${cluster.url}/api/v1/namespaces/default/pods/${pod}/log${container ? `?container=${container}` : ''}`)).body.text();
  await until(async () => {
    const ep = await cluster.client.get<KubeObject & { subsets?: { addresses?: unknown[] }[] }>(R.endpoints, 'default', 'web');
    return (ep.subsets ?? []).reduce((n, s) => n + (s.addresses?.length ?? 0), 0) === 3;
  }, { timeoutMs: 30_000, what: '3 ready web pods' });

  // From the host: the ClusterIP (through the agent's listener) and the NodePort spread over all 3.
  for (const url of [`http://${svc.spec.clusterIP}/`, `http://127.0.0.1:${svc.spec.ports[0].nodePort}/`]) {
    const seen = new Set<string>();
    for (let i = 0; i < 9; i++) seen.add(await curl(url));
    assert.equal(seen.size, 3, `${url}: ${[...seen].join(' | ')}`);
    for (const s of seen) assert.match(s, /^hello from web-/);
  }

  // A pod failing readiness gets no new traffic, and gets it again once ready.
  const pods = await cluster.client.list(R.pods, 'default', { labelSelector: 'app=web' });
  const victim = pods.items[0].metadata.name as string;
  await kubectl(['exec', victim, '--', 'web', 'touch', '/data/not-ready']);
  await until(async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) seen.add(await curl(`http://${svc.spec.clusterIP}/`));
    return seen.size === 2 && ![...seen].some((s) => s.includes(victim));
  }, { timeoutMs: 20_000, what: `${victim} to leave the rotation` });
  await kubectl(['exec', victim, '--', 'web', 'rm', '/data/not-ready']);
  await until(async () => {
    for (let i = 0; i < 6; i++) if ((await curl(`http://${svc.spec.clusterIP}/`)).includes(victim)) return true;
    return false;
  }, { timeoutMs: 20_000, what: `${victim} to come back` });

  // sessionAffinity ClientIP: every request from this client lands on one pod.
  await kubectl(['patch', 'svc', 'web', '-p', '{"spec":{"sessionAffinity":"ClientIP"}}']);
  await until(async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) seen.add(await curl(`http://${svc.spec.clusterIP}/`));
    return seen.size === 1;
  }, { what: 'sticky answers' });

  // A guest reaches the Service by its DNS name; two containers of one pod talk over localhost.
  await kubectl(['apply', '-f', '-'], [
    'apiVersion: v1',
    'kind: Pod',
    'metadata: { name: client }',
    'spec:',
    '  containers:',
    '    - name: sidecar',
    '      image: sidecar:1.0',
    '      imagePullPolicy: IfNotPresent',
    '      env: [{ name: TARGET_HOST, value: web }, { name: PORT, value: "80" }]',
    '',
  ].join('\n'));
  await kubectl(['apply', '-f', join(SAMPLES, 'manifests/two-containers.yaml')]);
  const logs = await until(async () => {
    const out = await podLog('client');
    return /web:80 \(127\.\d+\.\d+\.\d+\) -> 200 hello from web-/.test(out) ? out : undefined;
  }, { timeoutMs: 20_000, what: 'the client pod to reach web by name' });
  assert.ok(logs.includes(`(${svc.spec.clusterIP})`), 'resolved to the ClusterIP');
  await until(async () => /localhost:8080 \(127\.\d+\.\d+\.\d+\) -> 200 hello from two-containers/.test(await podLog('two-containers', 'sidecar')), {
    timeoutMs: 20_000,
    what: 'the sidecar to reach its neighbour over localhost',
  });
});
