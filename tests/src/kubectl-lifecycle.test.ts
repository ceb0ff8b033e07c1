// The real kubectl 1.32 deleting and waiting: delete (immediate and held by a finalizer), delete -f, delete -l, drain,
// wait for conditions, jsonpath and deletion, replace with a stale object, and namespaces from creation to
// deletion. One control plane for the file.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { TestCluster, ok } from './harness/cluster.js';
import { configMapYaml, namespaceYaml, podYaml } from './harness/manifests.js';
import { parseTable, rowWhere } from './harness/table.js';
import { until } from './harness/poll.js';

let cluster: TestCluster;

before(async () => {
  cluster = await TestCluster.start('kubectl-lifecycle');
});

after(async () => {
  await cluster?.close();
});

/** A kubectl -v=6 log line for a watch request that got its 200 (the stream is open). */
const isWatchLogged = (line: string) => /GET http:\S+pods\?\S*watch=true\S* 200 OK/.test(line);

const jsonpath = async (resource: string, path: string, ...extra: string[]) =>
  ok(await cluster.kubectl('get', resource, '-o', `jsonpath=${path}`, ...extra));

test('delete an unbound pod and a ConfigMap (kubectl waits for the deletion)', async () => {
  ok(await cluster.apply(podYaml('gone')));
  ok(await cluster.apply(configMapYaml('cfg')));
  assert.equal(ok(await cluster.kubectl('delete', 'pod', 'gone')), 'pod "gone" deleted\n');
  assert.equal((await cluster.kubectl('get', 'pod', 'gone')).stderr, 'Error from server (NotFound): pods "gone" not found\n');
  assert.equal(ok(await cluster.kubectl('delete', 'configmap', 'cfg')), 'configmap "cfg" deleted\n');
  assert.equal((await cluster.kubectl('get', 'cm', 'cfg')).stderr, 'Error from server (NotFound): configmaps "cfg" not found\n');
  const again = await cluster.kubectl('delete', 'pod', 'gone');
  assert.equal(again.code, 1);
  assert.equal(again.stderr, 'Error from server (NotFound): pods "gone" not found\n');
});

test('delete waits for a finalizer to be removed (graceful deletion)', async () => {
  ok(await cluster.apply(podYaml('held').replace('  labels:\n', '  finalizers:\n  - e2e.wasmkube.dev/hold\n  labels:\n')));
  // -v=6 logs each request as it completes: both commands must be watching before the finalizer goes,
  // otherwise a slow start finds the pod already gone (then `wait --for=delete` prints nothing).
  const deleting = cluster.spawn('delete', 'pod', 'held', '--timeout=30s', '-v=6');
  const waitingForDelete = cluster.spawn('wait', '--for=delete', 'pod/held', '--timeout=30s', '-v=6');
  for (const p of [deleting, waitingForDelete]) {
    await p.waitFor((lines) => lines.some(isWatchLogged), { stream: 'stderr', what: 'the watch request' });
  }
  const pod = await until(
    async () => {
      const res = await cluster.api.get('/api/v1/namespaces/default/pods/held');
      return res.body?.metadata?.deletionTimestamp ? res.body : undefined;
    },
    { what: 'deletionTimestamp on pod/held' },
  );
  assert.deepEqual(pod.metadata.finalizers, ['e2e.wasmkube.dev/hold']);
  const released = await cluster.api.mergePatch('/api/v1/namespaces/default/pods/held', { metadata: { finalizers: null } });
  assert.equal(released.status, 200, JSON.stringify(released.body));
  assert.equal(await deleting.exited, 0, deleting.stderr);
  assert.equal(deleting.stdout, 'pod "held" deleted');
  assert.equal(await waitingForDelete.exited, 0, waitingForDelete.stderr);
  assert.equal(waitingForDelete.stdout, 'pod/held condition met');
  assert.equal((await cluster.api.get('/api/v1/namespaces/default/pods/held')).status, 404);
});

test('delete -f removes every object in the file', async () => {
  const file = await cluster.manifest(`${podYaml('pf')}---\n${configMapYaml('cf')}`, 'both.yaml');
  assert.equal(ok(await cluster.kubectl('apply', '-f', file)), 'pod/pf created\nconfigmap/cf created\n');
  assert.equal(ok(await cluster.kubectl('delete', '-f', file)), 'pod "pf" deleted\nconfigmap "cf" deleted\n');
  assert.equal((await cluster.api.get('/api/v1/namespaces/default/pods/pf')).status, 404);
  assert.equal((await cluster.api.get('/api/v1/namespaces/default/configmaps/cf')).status, 404);
});

test('wait --for=condition=Ready returns once the pod status says Ready', async () => {
  ok(await cluster.apply(podYaml('ready')));
  // -v=6 logs each request as it completes: seeing the watch logged proves kubectl is waiting on the
  // watch stream, so the condition arrives as a MODIFIED event rather than in the initial list.
  const waiting = cluster.spawn('wait', '--for=condition=Ready', 'pod/ready', '--timeout=30s', '-v=6');
  await waiting.waitFor((lines) => lines.some(isWatchLogged), {
    stream: 'stderr',
    what: 'the watch request',
  });
  const now = new Date().toISOString();
  const status = await cluster.api.mergePatch('/api/v1/namespaces/default/pods/ready/status', {
    status: { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }] },
  });
  assert.equal(status.status, 200, JSON.stringify(status.body));
  assert.equal(await waiting.exited, 0, waiting.stderr);
  assert.equal(waiting.stdout, 'pod/ready condition met');
  const phase = cluster.spawn('wait', '--for=jsonpath={.status.phase}=Running', 'pod/ready', '--timeout=30s');
  const running = await cluster.api.mergePatch('/api/v1/namespaces/default/pods/ready/status', { status: { phase: 'Running' } });
  assert.equal(running.status, 200, JSON.stringify(running.body));
  assert.equal(await phase.exited, 0, phase.stderr);
  assert.equal(phase.stdout, 'pod/ready condition met');
  // Already Ready: returns at once from the initial list.
  assert.equal(ok(await cluster.kubectl('wait', '--for=condition=Ready', 'pod/ready', '--timeout=10s')), 'pod/ready condition met\n');
});

test('run creates a pod; replace with a stale object is a Conflict; delete -l', async () => {
  assert.equal(ok(await cluster.kubectl('run', 'runner', '--image=registry.local/hello:1', '--labels=batch=x')), 'pod/runner created\n');
  ok(await cluster.kubectl('run', 'runner2', '--image=registry.local/hello:1', '--labels=batch=x'));
  const stale = await cluster.manifest(ok(await cluster.kubectl('get', 'pod', 'runner', '-o', 'yaml')), 'runner.yaml');
  ok(await cluster.kubectl('label', 'pod', 'runner', 'moved=on'));
  const conflict = await cluster.kubectl('replace', '-f', stale);
  assert.equal(conflict.code, 1);
  assert.equal(
    conflict.stderr,
    `Error from server (Conflict): error when replacing "${stale}": Operation cannot be fulfilled on pods "runner": the object has been modified; please apply your changes to the latest version and try again\n`,
  );
  const fresh = await cluster.manifest(ok(await cluster.kubectl('get', 'pod', 'runner', '-o', 'yaml')).replace('moved: "on"', 'moved: "off"'), 'runner2.yaml');
  assert.equal(ok(await cluster.kubectl('replace', '-f', fresh)), 'pod/runner replaced\n');
  assert.equal(await jsonpath('pod/runner', '{.metadata.labels.moved}'), 'off');
  assert.equal(ok(await cluster.kubectl('delete', 'pods', '-l', 'batch=x')), 'pod "runner" deleted\npod "runner2" deleted\n');
  assert.equal(ok(await cluster.kubectl('get', 'pods', '-l', 'batch=x', '-o', 'name')), '');
});

test('a bound pod shows its node and IP; drain evicts it through the eviction subresource', async () => {
  ok(await cluster.apply(['apiVersion: v1', 'kind: Node', 'metadata:', '  name: drain-me', ''].join('\n')));
  ok(await cluster.apply(podYaml('on-node')));
  // What the scheduler and the kubelet do: bind through pods/binding, report the IP through pods/status.
  const bind = await cluster.api.post('/api/v1/namespaces/default/pods/on-node/binding', {
    apiVersion: 'v1',
    kind: 'Binding',
    metadata: { name: 'on-node' },
    target: { apiVersion: 'v1', kind: 'Node', name: 'drain-me' },
  });
  assert.equal(bind.status, 201, JSON.stringify(bind.body));
  const status = await cluster.api.mergePatch('/api/v1/namespaces/default/pods/on-node/status', {
    status: { phase: 'Running', podIP: '10.244.7.9', podIPs: [{ ip: '10.244.7.9' }] },
  });
  assert.equal(status.status, 200, JSON.stringify(status.body));
  const wide = rowWhere(parseTable(ok(await cluster.kubectl('get', 'pods', '-o', 'wide'))), 'NAME', 'on-node')!;
  assert.equal(wide.STATUS, 'Running');
  assert.equal(wide.IP, '10.244.7.9');
  assert.equal(wide.NODE, 'drain-me');
  const rebind = await cluster.api.post('/api/v1/namespaces/default/pods/on-node/binding', {
    apiVersion: 'v1', kind: 'Binding', metadata: { name: 'on-node' }, target: { apiVersion: 'v1', kind: 'Node', name: 'other' },
  });
  assert.equal(rebind.status, 409, 'a bound pod cannot be bound again');

  const drained = await cluster.kubectl('drain', 'drain-me', '--force', '--grace-period=0', '--timeout=30s');
  assert.equal(drained.code, 0, drained.stderr);
  assert.match(drained.stdout, /^node\/drain-me cordoned$/m);
  assert.match(drained.stdout, /^pod\/on-node evicted$/m);
  assert.match(drained.stdout, /^node\/drain-me drained$/m);
  assert.equal((await cluster.api.get('/api/v1/namespaces/default/pods/on-node')).status, 404);
  assert.equal(await jsonpath('node/drain-me', '{.spec.unschedulable}'), 'true');
});

test('namespaces: the defaults exist; create one, fill it, delete it', async () => {
  const initial = parseTable(ok(await cluster.kubectl('get', 'namespaces')));
  assert.deepEqual(initial.header, ['NAME', 'STATUS', 'AGE']);
  for (const ns of ['default', 'kube-node-lease', 'kube-public', 'kube-system']) {
    assert.equal(rowWhere(initial, 'NAME', ns)?.STATUS, 'Active', ns);
  }

  assert.equal(ok(await cluster.apply(namespaceYaml('team-a'))), 'namespace/team-a created\n');
  assert.equal(ok(await cluster.apply(podYaml('member'), '-n', 'team-a')), 'pod/member created\n');
  assert.equal(ok(await cluster.apply(configMapYaml('member-cfg'), '-n', 'team-a')), 'configmap/member-cfg created\n');
  assert.deepEqual(parseTable(ok(await cluster.kubectl('get', 'pods', '-n', 'team-a'))).rows.map((r) => r[0]), ['member']);
  assert.match(ok(await cluster.kubectl('get', 'pods', '-A')), /^team-a\s+member\s+0\/1\s+Pending/m);
  assert.equal((await cluster.kubectl('get', 'pod', 'member')).code, 1, 'not visible from the default namespace');

  // Creating into a namespace that does not exist is refused (NamespaceLifecycle admission).
  const ghost = await cluster.apply(podYaml('lost'), '-n', 'ghost');
  assert.equal(ghost.code, 1);
  assert.match(ghost.stderr, /Error from server \(NotFound\): .*namespaces "ghost" not found/);

  // A finalizer on one pod holds the namespace in Terminating (the clean-up deletes its contents but must
  // wait for that pod), which makes the Terminating state observable without racing the clean-up.
  const heldPod = podYaml('holder').replace('  labels:\n', '  finalizers:\n  - e2e.wasmkube.dev/hold\n  labels:\n');
  ok(await cluster.apply(heldPod, '-n', 'team-a'));
  assert.equal(ok(await cluster.kubectl('delete', 'namespace', 'team-a', '--wait=false')), 'namespace "team-a" deleted\n');
  const terminating = await cluster.api.get('/api/v1/namespaces/team-a');
  assert.equal(terminating.status, 200);
  assert.equal(terminating.body.status.phase, 'Terminating');
  assert.ok(terminating.body.metadata.deletionTimestamp);
  assert.match(ok(await cluster.kubectl('get', 'ns', 'team-a')), /^team-a\s+Terminating\s+\d+s$/m);
  const late = await cluster.apply(podYaml('late'), '-n', 'team-a');
  assert.equal(late.code, 1);
  assert.match(late.stderr, /^Error from server \(Forbidden\): error when creating ".*": pods "late" is forbidden: unable to create new content in namespace team-a because it is being terminated$/m);

  // The clean-up empties the namespace; the namespace goes once the held pod's finalizer is removed.
  await until(async () => (await cluster.api.get('/api/v1/namespaces/team-a/pods/member')).status === 404, { what: 'pod member deleted' });
  await until(async () => (await cluster.api.get('/api/v1/namespaces/team-a/configmaps/member-cfg')).status === 404, { what: 'configmap deleted' });
  const holder = await cluster.api.get('/api/v1/namespaces/team-a/pods/holder');
  assert.ok(holder.body.metadata.deletionTimestamp, 'the held pod is terminating');
  const released = await cluster.api.mergePatch('/api/v1/namespaces/team-a/pods/holder', { metadata: { finalizers: null } });
  assert.equal(released.status, 200, JSON.stringify(released.body));
  await until(async () => (await cluster.api.get('/api/v1/namespaces/team-a')).status === 404, { what: 'namespace team-a gone', timeoutMs: 15_000 });
  assert.equal((await cluster.kubectl('get', 'ns', 'team-a')).stderr, 'Error from server (NotFound): namespaces "team-a" not found\n');
  const left = await cluster.kubectl('get', 'pods,configmaps', '-n', 'team-a', '-o', 'name');
  assert.equal(left.stdout, '', 'a deleted namespace leaves no objects behind');
});
