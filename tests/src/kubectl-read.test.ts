// The real kubectl 1.32 against our control plane: apply, the read paths (get in every output format,
// get -w, describe with events) and the discovery-driven commands. One control plane for the file.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { parse as parseYaml } from 'yaml';
import { TestCluster, ok } from './harness/cluster.js';
import { podYaml } from './harness/manifests.js';
import { parseTable, rowWhere } from './harness/table.js';

let cluster: TestCluster;

before(async () => {
  cluster = await TestCluster.start('kubectl-read');
});

after(async () => {
  await cluster?.close();
});

test('kubectl version reports a v1.32 server', async () => {
  const out = ok(await cluster.kubectl('version'));
  assert.match(out, /^Client Version: v1\.32\.5$/m);
  assert.match(out, /^Server Version: v1\.32\.\d+(-\S+)?$/m);
});

test('kubectl api-resources lists the served types with short names', async () => {
  const out = ok(await cluster.kubectl('api-resources'));
  assert.match(out, /^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND$/m);
  assert.match(out, /^pods\s+po\s+v1\s+true\s+Pod$/m);
  assert.match(out, /^namespaces\s+ns\s+v1\s+false\s+Namespace$/m);
  assert.match(out, /^replicationcontrollers\s+rc\s+v1\s+true\s+ReplicationController$/m);
  assert.match(out, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
  assert.match(out, /^leases\s+coordination\.k8s\.io\/v1\s+true\s+Lease$/m);
});

test('health endpoints and api-versions', async () => {
  for (const path of ['/healthz', '/readyz', '/livez']) {
    assert.equal(ok(await cluster.kubectl('get', '--raw', path)), 'ok', path);
  }
  const versions = ok(await cluster.kubectl('api-versions')).trim().split('\n');
  for (const gv of ['v1', 'apps/v1', 'batch/v1', 'coordination.k8s.io/v1', 'discovery.k8s.io/v1']) {
    assert.ok(versions.includes(gv), `${gv} in ${versions.join(' ')}`);
  }
});

test('nodes: get, cordon, uncordon, describe', async () => {
  const node = ['apiVersion: v1', 'kind: Node', 'metadata:', '  name: n1', '  labels:', '    kubernetes.io/hostname: n1', ''].join('\n');
  assert.equal(ok(await cluster.apply(node)), 'node/n1 created\n');
  const listed = ok(await cluster.kubectl('get', 'nodes'));
  assert.match(listed, /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/m);
  assert.match(listed, /^n1\s+Unknown\s+<none>\s+\d+s/m, 'a node without a Ready condition is Unknown');
  assert.equal(ok(await cluster.kubectl('cordon', 'n1')), 'node/n1 cordoned\n');
  assert.match(ok(await cluster.kubectl('get', 'nodes')), /^n1\s+Unknown,SchedulingDisabled\s+/m);
  assert.equal(ok(await cluster.kubectl('uncordon', 'n1')), 'node/n1 uncordoned\n');
  assert.equal(ok(await cluster.kubectl('get', 'node', 'n1', '-o', 'jsonpath={.spec.unschedulable}')), '');
  const described = ok(await cluster.kubectl('describe', 'node', 'n1'));
  assert.match(described, /^Name:\s+n1$/m);
  assert.match(described, /^Unschedulable:\s+false$/m);
});

test('apply -f creates, then reports unchanged, then configured after a change', async () => {
  assert.equal(ok(await cluster.apply(podYaml('web'))), 'pod/web created\n');
  assert.equal(ok(await cluster.apply(podYaml('web'))), 'pod/web unchanged\n');
  const changed = podYaml('web', { labels: { app: 'web', tier: 'front' }, image: 'registry.local/hello:2' });
  assert.equal(ok(await cluster.apply(changed)), 'pod/web configured\n');

  const pod = JSON.parse(ok(await cluster.kubectl('get', 'pod', 'web', '-o', 'json')));
  assert.deepEqual(pod.metadata.labels, { app: 'web', tier: 'front' });
  assert.equal(pod.spec.containers[0].image, 'registry.local/hello:2');
  assert.equal(pod.spec.containers[0].ports[0].containerPort, 8080, 'strategic merge kept the ports');
  const lastApplied = JSON.parse(pod.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);
  assert.equal(lastApplied.spec.containers[0].image, 'registry.local/hello:2');
  // The other pods the read tests use.
  ok(await cluster.apply(podYaml('api', { labels: { app: 'api' } })));
  ok(await cluster.apply(podYaml('sys', { namespace: 'kube-system' })));
});

test('get pods prints NAME READY STATUS RESTARTS AGE', async () => {
  const table = parseTable(ok(await cluster.kubectl('get', 'pods')));
  assert.deepEqual(table.header, ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
  assert.deepEqual(table.rows.map((r) => r[0]), ['api', 'web'], 'sorted by name, default namespace only');
  const web = rowWhere(table, 'NAME', 'web')!;
  assert.equal(web.READY, '0/1');
  assert.equal(web.STATUS, 'Pending');
  assert.equal(web.RESTARTS, '0');
  assert.match(web.AGE, /^\d+s$/);
});

test('get pods -o wide adds IP and NODE', async () => {
  const table = parseTable(ok(await cluster.kubectl('get', 'pods', '-o', 'wide')));
  assert.deepEqual(table.header.slice(0, 7), ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE']);
  const web = rowWhere(table, 'NAME', 'web')!;
  assert.equal(web.IP, '<none>', 'an unscheduled pod has no IP');
  assert.equal(web.NODE, '<none>');
});

test('get pod -o yaml and -o json return the full object', async () => {
  const pod = parseYaml(ok(await cluster.kubectl('get', 'pod', 'web', '-o', 'yaml')));
  assert.equal(pod.apiVersion, 'v1');
  assert.equal(pod.kind, 'Pod');
  assert.equal(pod.metadata.name, 'web');
  assert.equal(pod.metadata.namespace, 'default');
  assert.match(pod.metadata.uid, /^[0-9a-f-]{36}$/);
  assert.match(pod.metadata.resourceVersion, /^\d+$/);
  assert.match(pod.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(pod.status.phase, 'Pending');

  const list = JSON.parse(ok(await cluster.kubectl('get', 'pods', '-o', 'json')));
  assert.equal(list.kind, 'List');
  assert.deepEqual(
    list.items.map((p: any) => `${p.kind}/${p.metadata.name}`),
    ['Pod/api', 'Pod/web'],
  );
});

test('get pods -A adds the NAMESPACE column', async () => {
  const table = parseTable(ok(await cluster.kubectl('get', 'pods', '-A')));
  assert.deepEqual(table.header, ['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
  const names = table.rows.map((r) => `${r[0]}/${r[1]}`);
  assert.ok(names.includes('default/web'), names.join(' '));
  assert.ok(names.includes('kube-system/sys'), names.join(' '));
});

test('get --show-labels, -l (equality and set-based) and -L', async () => {
  const shown = parseTable(ok(await cluster.kubectl('get', 'pods', '--show-labels')));
  assert.equal(shown.header.at(-1), 'LABELS');
  assert.equal(rowWhere(shown, 'NAME', 'web')!.LABELS, 'app=web,tier=front');

  const names = async (...args: string[]) =>
    ok(await cluster.kubectl('get', 'pods', '-o', 'name', ...args)).trim().split('\n').filter(Boolean);
  assert.deepEqual(await names('-l', 'app=web'), ['pod/web']);
  assert.deepEqual(await names('-l', 'app in (web,api)'), ['pod/api', 'pod/web']);
  assert.deepEqual(await names('-l', '!tier'), ['pod/api']);
  assert.deepEqual(await names('-l', 'tier'), ['pod/web']);
  assert.deepEqual(await names('-l', 'app notin (web)'), ['pod/api']);
  assert.deepEqual(await names('-l', 'app!=web'), ['pod/api']);

  const empty = await cluster.kubectl('get', 'pods', '-l', 'app=none');
  assert.equal(empty.code, 0);
  assert.equal(empty.stderr, 'No resources found in default namespace.\n');

  const labelled = ok(await cluster.kubectl('get', 'pods', '-L', 'tier'));
  assert.match(labelled, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+TIER$/m);
  assert.match(labelled, /^web\s+0\/1\s+Pending\s+0\s+\d+s\s+front$/m);
});

test('get --sort-by and --field-selector', async () => {
  const sorted = parseTable(ok(await cluster.kubectl('get', 'pods', '--sort-by=.metadata.name')));
  assert.deepEqual(sorted.rows.map((r) => r[0]), ['api', 'web']);
  const reversed = ok(await cluster.kubectl('get', 'pods', '-o', 'name', '--sort-by=.metadata.labels.app'));
  assert.equal(reversed, 'pod/api\npod/web\n');
  const pending = ok(await cluster.kubectl('get', 'pods', '-A', '-o', 'name', '--field-selector', 'status.phase=Pending,metadata.namespace=kube-system'));
  assert.equal(pending, 'pod/sys\n');
  const byName = ok(await cluster.kubectl('get', 'pods', '-o', 'name', '--field-selector', 'metadata.name!=web'));
  assert.equal(byName, 'pod/api\n');
  // Paged lists (limit + continue) must still return everything.
  assert.equal(ok(await cluster.kubectl('get', 'pods', '-A', '-o', 'name', '--chunk-size=1')), 'pod/api\npod/web\npod/sys\n');
  const bad = await cluster.kubectl('get', 'pods', '--field-selector', 'spec.bogus=1');
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^Error from server \(BadRequest\): /);
});

test('apply --server-side creates and updates', async () => {
  const file = await cluster.manifest(podYaml('ssa'), 'ssa.yaml');
  assert.equal(ok(await cluster.kubectl('apply', '--server-side', '-f', file)), 'pod/ssa serverside-applied\n');
  const updated = await cluster.manifest(podYaml('ssa', { labels: { app: 'ssa', v: '2' }, image: 'registry.local/hello:2' }), 'ssa.yaml');
  assert.equal(ok(await cluster.kubectl('apply', '--server-side', '-f', updated)), 'pod/ssa serverside-applied\n');
  const pod = JSON.parse(ok(await cluster.kubectl('get', 'pod', 'ssa', '-o', 'json')));
  assert.equal(pod.spec.containers[0].image, 'registry.local/hello:2');
  assert.deepEqual(pod.metadata.labels, { app: 'ssa', v: '2' });
  ok(await cluster.kubectl('delete', 'pod', 'ssa'));
});

test('get -w prints a pod created, labelled and deleted by other commands', async () => {
  const watch = cluster.spawn('get', 'pods', '-w', '--output-watch-events', '-L', 'seen');
  await watch.waitFor((lines) => lines.some((l) => /^ADDED\s+web\s/.test(l)), { what: 'the initial list' });
  assert.match(watch.stdoutLines[0], /^EVENT\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+SEEN$/);
  ok(await cluster.apply(podYaml('late')));
  await watch.waitFor((lines) => lines.some((l) => /^ADDED\s+late\s+0\/1\s+Pending/.test(l)), { what: 'ADDED late' });
  assert.equal(ok(await cluster.kubectl('label', 'pod', 'late', 'seen=yes')), 'pod/late labeled\n');
  await watch.waitFor((lines) => lines.some((l) => /^MODIFIED\s+late\s.*\syes$/.test(l)), { what: 'MODIFIED late' });
  assert.equal(ok(await cluster.kubectl('delete', 'pod', 'late')), 'pod "late" deleted\n');
  await watch.waitFor((lines) => lines.some((l) => /^DELETED\s+late\s/.test(l)), { what: 'DELETED late' });
  // The initial rows are printed once: a list without resourceVersion would make the watch replay them.
  assert.equal(watch.stdoutLines.filter((l) => /^ADDED\s+web\s/.test(l)).length, 1, watch.stdout);
  await watch.stop();
});

test('a watch resumes from a resourceVersion and ends at timeoutSeconds', async () => {
  const rv = (await cluster.api.get('/api/v1/namespaces/default/pods')).body.metadata.resourceVersion;
  ok(await cluster.apply(podYaml('resume-a')));
  ok(await cluster.kubectl('label', 'pod', 'resume-a', 'step=2'));
  ok(await cluster.apply(podYaml('resume-b')));
  // The changes happened before the watch started: they come from the retained history, in order,
  // and nothing older than rv is replayed. The server closes the stream after timeoutSeconds.
  const raw = ok(await cluster.kubectl('get', '--raw', `/api/v1/namespaces/default/pods?watch=true&resourceVersion=${rv}&timeoutSeconds=1`));
  const events = raw.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(
    events.map((e) => `${e.type} ${e.object.metadata.name}`),
    ['ADDED resume-a', 'MODIFIED resume-a', 'ADDED resume-b'],
  );
  const rvs = events.map((e) => Number(e.object.metadata.resourceVersion));
  assert.ok(rvs[0] > Number(rv) && rvs[0] < rvs[1] && rvs[1] < rvs[2], rvs.join(' '));
  ok(await cluster.kubectl('delete', 'pod', 'resume-a', 'resume-b'));
});

test('describe pod shows the pod and only its own events', async () => {
  const web = (await cluster.api.get('/api/v1/namespaces/default/pods/web')).body;
  const api = (await cluster.api.get('/api/v1/namespaces/default/pods/api')).body;
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const event = (pod: any, name: string, message: string) => ({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace: 'default' },
    involvedObject: { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name, namespace: 'default', uid: pod.metadata.uid },
    reason: 'Tested',
    message,
    type: 'Normal',
    source: { component: 'e2e-test' },
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
  });
  for (const [pod, name, message] of [
    [web, 'web.e2e-1', 'hello from the test'],
    [api, 'api.e2e-1', 'an event about api only'],
  ] as const) {
    const res = await cluster.api.post('/api/v1/namespaces/default/events', event(pod, name, message));
    assert.equal(res.status, 201, JSON.stringify(res.body));
  }

  const out = ok(await cluster.kubectl('describe', 'pod', 'web'));
  assert.match(out, /^Name:\s+web$/m);
  assert.match(out, /^Namespace:\s+default$/m);
  assert.match(out, /^Labels:\s+app=web$/m);
  assert.match(out, /^\s+tier=front$/m);
  assert.match(out, /^Status:\s+Pending$/m);
  assert.match(out, /^\s+Image:\s+registry\.local\/hello:2$/m);
  assert.match(out, /^Events:$/m);
  assert.match(out, /^\s+Type\s+Reason\s+Age\s+From\s+Message$/m);
  assert.match(out, /^\s+Normal\s+Tested\s+\S+\s+e2e-test\s+hello from the test$/m);
  assert.doesNotMatch(out, /an event about api only/);

  const events = ok(await cluster.kubectl('get', 'events'));
  assert.match(events, /^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/m);
  assert.match(events, /^\S+\s+Normal\s+Tested\s+pod\/web\s+hello from the test$/m);
  assert.match(events, /^\S+\s+Normal\s+Tested\s+pod\/api\s+an event about api only$/m);
  const forWeb = ok(await cluster.kubectl('get', 'events', '--field-selector', 'involvedObject.name=web', '-o', 'name'));
  assert.equal(forWeb, 'event/web.e2e-1\n');
});

test('get of a missing object is NotFound', async () => {
  const res = await cluster.kubectl('get', 'pod', 'nope');
  assert.equal(res.code, 1);
  assert.equal(res.stdout, '');
  assert.equal(res.stderr, 'Error from server (NotFound): pods "nope" not found\n');
  const typed = await cluster.kubectl('get', 'deploy', 'nope');
  assert.equal(typed.stderr, 'Error from server (NotFound): deployments.apps "nope" not found\n');
});

test('get of an unknown resource type', async () => {
  const res = await cluster.kubectl('get', 'foos');
  assert.equal(res.code, 1);
  assert.match(res.stderr, /error: the server doesn't have a resource type "foos"/);
});
