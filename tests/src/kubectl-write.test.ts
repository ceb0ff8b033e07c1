// The real kubectl 1.32 against our control plane: the write paths (label, annotate, patch, scale,
// delete, wait, create) and the errors kubectl users see. One control plane for the file.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { TestCluster, ok } from './harness/cluster.js';
import { appsYaml, configMapYaml, namespaceYaml, podYaml, rcYaml } from './harness/manifests.js';
import { parseTable, rowWhere } from './harness/table.js';
import { until } from './harness/poll.js';
import { runKubectl } from './harness/kubectl.js';

let cluster: TestCluster;

before(async () => {
  cluster = await TestCluster.start('kubectl-write');
});

after(async () => {
  await cluster?.close();
});

/** kubectl edit with a sed script as the editor. */
const runEdit = (resource: string, sedScript: string) =>
  runKubectl({ ...cluster.env }, ['edit', resource], { env: { KUBE_EDITOR: `sed -i ${sedScript}` } });

const jsonpath = async (resource: string, path: string, ...extra: string[]) =>
  ok(await cluster.kubectl('get', resource, '-o', `jsonpath=${path}`, ...extra));

test('label and annotate add, refuse to overwrite, and remove', async () => {
  ok(await cluster.apply(podYaml('tagged')));
  assert.equal(ok(await cluster.kubectl('label', 'pod', 'tagged', 'env=prod')), 'pod/tagged labeled\n');
  assert.equal(await jsonpath('pod/tagged', '{.metadata.labels.env}'), 'prod');

  const clash = await cluster.kubectl('label', 'pod', 'tagged', 'env=dev');
  assert.equal(clash.code, 1);
  assert.match(clash.stderr, /'env' already has a value \(prod\), and --overwrite is false/);
  ok(await cluster.kubectl('label', 'pod', 'tagged', 'env=dev', '--overwrite'));
  assert.equal(await jsonpath('pod/tagged', '{.metadata.labels.env}'), 'dev');

  assert.equal(ok(await cluster.kubectl('label', 'pod', 'tagged', 'env-')), 'pod/tagged unlabeled\n');
  assert.equal(await jsonpath('pod/tagged', '{.metadata.labels}'), '{"app":"tagged"}');

  assert.equal(ok(await cluster.kubectl('annotate', 'pod', 'tagged', 'note=hello world')), 'pod/tagged annotated\n');
  assert.equal(await jsonpath('pod/tagged', '{.metadata.annotations.note}'), 'hello world');
  ok(await cluster.kubectl('annotate', 'pod', 'tagged', 'note-'));
  assert.equal(await jsonpath('pod/tagged', '{.metadata.annotations.note}'), '');
});

test('patch: strategic merge by container name, merge patch, JSON patch, no-op', async () => {
  const duo = podYaml('duo').replace(
    '    - containerPort: 8080\n',
    '    - containerPort: 8080\n  - name: side\n    image: registry.local/side:1\n',
  );
  ok(await cluster.apply(duo));

  // Strategic merge: the containers list merges by name, so "main" survives and keeps its port.
  const strategic = await cluster.kubectl(
    'patch', 'pod', 'duo', '-p', '{"spec":{"containers":[{"name":"side","image":"registry.local/side:2"}]}}',
  );
  assert.equal(ok(strategic), 'pod/duo patched\n');
  const pod = JSON.parse(ok(await cluster.kubectl('get', 'pod', 'duo', '-o', 'json')));
  assert.deepEqual(
    pod.spec.containers.map((c: any) => `${c.name}=${c.image}`),
    ['main=registry.local/hello:1', 'side=registry.local/side:2'],
  );
  assert.equal(pod.spec.containers[0].ports[0].containerPort, 8080);

  const merge = await cluster.kubectl('patch', 'pod', 'duo', '--type', 'merge', '-p', '{"metadata":{"labels":{"merged":"yes"}}}');
  assert.equal(ok(merge), 'pod/duo patched\n');
  assert.equal(await jsonpath('pod/duo', '{.metadata.labels}'), '{"app":"duo","merged":"yes"}');

  const json = await cluster.kubectl(
    'patch', 'pod', 'duo', '--type', 'json',
    '-p', '[{"op":"replace","path":"/spec/containers/0/image","value":"registry.local/hello:3"},{"op":"remove","path":"/metadata/labels/merged"}]',
  );
  assert.equal(ok(json), 'pod/duo patched\n');
  assert.equal(await jsonpath('pod/duo', '{.spec.containers[*].image}'), 'registry.local/hello:3 registry.local/side:2');
  assert.equal(await jsonpath('pod/duo', '{.metadata.labels}'), '{"app":"duo"}');

  const rv = await jsonpath('pod/duo', '{.metadata.resourceVersion}');
  const noop = await cluster.kubectl('patch', 'pod', 'duo', '--type', 'merge', '-p', '{"metadata":{"labels":{"app":"duo"}}}');
  assert.equal(ok(noop), 'pod/duo patched (no change)\n');
  assert.equal(await jsonpath('pod/duo', '{.metadata.resourceVersion}'), rv, 'a no-op patch writes nothing');

  const failedTest = await cluster.kubectl(
    'patch', 'pod', 'duo', '--type', 'json', '-p', '[{"op":"test","path":"/metadata/labels/app","value":"other"}]',
  );
  assert.equal(failedTest.code, 1, failedTest.stdout);
  assert.notEqual(failedTest.stderr, '');
  assert.equal(await jsonpath('pod/duo', '{.metadata.resourceVersion}'), rv, 'a failed JSON patch test writes nothing');
});

test('scale rc, rs and deploy changes the desired replicas', async () => {
  ok(await cluster.apply(rcYaml('web-rc')));
  ok(await cluster.apply(appsYaml('ReplicaSet', 'web-rs')));
  ok(await cluster.apply(appsYaml('Deployment', 'web-dep')));

  assert.equal(ok(await cluster.kubectl('scale', 'rc', 'web-rc', '--replicas=3')), 'replicationcontroller/web-rc scaled\n');
  assert.equal(ok(await cluster.kubectl('scale', 'rs', 'web-rs', '--replicas=4')), 'replicaset.apps/web-rs scaled\n');
  assert.equal(ok(await cluster.kubectl('scale', 'deploy', 'web-dep', '--replicas=5')), 'deployment.apps/web-dep scaled\n');

  const rc = parseTable(ok(await cluster.kubectl('get', 'rc', 'web-rc')));
  assert.deepEqual(rc.header, ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE']);
  assert.equal(rowWhere(rc, 'NAME', 'web-rc')!.DESIRED, '3');
  const rs = parseTable(ok(await cluster.kubectl('get', 'rs', 'web-rs')));
  assert.deepEqual(rs.header, ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE']);
  assert.equal(rowWhere(rs, 'NAME', 'web-rs')!.DESIRED, '4');
  const dep = parseTable(ok(await cluster.kubectl('get', 'deploy', 'web-dep')));
  assert.deepEqual(dep.header, ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
  assert.equal(rowWhere(dep, 'NAME', 'web-dep')!.READY, '0/5');
  assert.equal(await jsonpath('deploy/web-dep', '{.spec.replicas}'), '5');

  // --current-replicas reads the Scale and PUTs it back (sent without a Content-Type).
  const guarded = await cluster.kubectl('scale', 'rc', 'web-rc', '--current-replicas=3', '--replicas=2');
  assert.equal(ok(guarded), 'replicationcontroller/web-rc scaled\n');
  assert.equal(await jsonpath('rc/web-rc', '{.spec.replicas}'), '2');

  const scale = await cluster.api.get('/apis/apps/v1/namespaces/default/deployments/web-dep/scale');
  assert.equal(scale.status, 200);
  assert.equal(scale.body.kind, 'Scale');
  assert.equal(scale.body.apiVersion, 'autoscaling/v1');
  assert.equal(scale.body.spec.replicas, 5);
});

test('deployment edits: 3-way apply removes dropped fields; generation; set image; rollout restart; edit', async () => {
  const withEnv = appsYaml('Deployment', 'edits', 2)
    .replace('  name: edits\n', '  name: edits\n  labels:\n    app: edits\n    tier: x\n')
    .replace('        image: registry.local/hello:1\n', '        image: registry.local/hello:1\n        env:\n        - name: A\n          value: "1"\n        - name: B\n          value: "2"\n');
  assert.equal(ok(await cluster.apply(withEnv)), 'deployment.apps/edits created\n');
  assert.equal(await jsonpath('deploy/edits', '{.metadata.generation}'), '1');

  // Applying a manifest without the tier label and env B removes both (last-applied 3-way merge).
  const dropped = withEnv.replace('    tier: x\n', '').replace('        - name: B\n          value: "2"\n', '');
  assert.equal(ok(await cluster.apply(dropped)), 'deployment.apps/edits configured\n');
  assert.equal(await jsonpath('deploy/edits', '{.metadata.labels}'), '{"app":"edits"}');
  assert.equal(await jsonpath('deploy/edits', '{.spec.template.spec.containers[0].env}'), '[{"name":"A","value":"1"}]');
  assert.equal(await jsonpath('deploy/edits', '{.metadata.generation}'), '2', 'a spec change bumps generation');
  ok(await cluster.kubectl('label', 'deploy', 'edits', 'meta=only'));
  assert.equal(await jsonpath('deploy/edits', '{.metadata.generation}'), '2', 'a metadata change does not');

  assert.equal(ok(await cluster.kubectl('set', 'image', 'deploy/edits', 'main=registry.local/hello:9')), 'deployment.apps/edits image updated\n');
  assert.equal(await jsonpath('deploy/edits', '{.spec.template.spec.containers[0].image} {.metadata.generation}'), 'registry.local/hello:9 3');
  assert.equal(ok(await cluster.kubectl('rollout', 'restart', 'deploy/edits')), 'deployment.apps/edits restarted\n');
  assert.match(await jsonpath('deploy/edits', '{.spec.template.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}'), /^\d{4}-\d\d-\d\dT/);

  const edit = await runEdit('deploy/edits', 's/hello:9/hello:10/');
  assert.equal(ok(edit), 'deployment.apps/edits edited\n');
  assert.equal(await jsonpath('deploy/edits', '{.spec.template.spec.containers[0].image}'), 'registry.local/hello:10');

  const wide = parseTable(ok(await cluster.kubectl('get', 'deploy', 'edits', '-o', 'wide')));
  assert.deepEqual(wide.header, ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR']);
  assert.deepEqual(wide.rows[0].slice(5), ['main', 'registry.local/hello:10', 'app=edits']);
});

test('a Service gets a ClusterIP and prints its ports', async () => {
  const svc = ['apiVersion: v1', 'kind: Service', 'metadata:', '  name: web-svc', 'spec:', '  selector:', '    app: web', '  ports:', '  - port: 80', '    targetPort: 8080', ''].join('\n');
  assert.equal(ok(await cluster.apply(svc)), 'service/web-svc created\n');
  const table = parseTable(ok(await cluster.kubectl('get', 'svc', 'web-svc')));
  assert.deepEqual(table.header, ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
  const row = rowWhere(table, 'NAME', 'web-svc')!;
  assert.equal(row.TYPE, 'ClusterIP');
  assert.match(row['CLUSTER-IP'], /^\d+\.\d+\.\d+\.\d+$/);
  assert.equal(row['EXTERNAL-IP'], '<none>');
  assert.equal(row['PORT(S)'], '80/TCP');
  // Re-applying keeps the allocated IP (kubectl does not send it; the server must not drop or re-allocate it).
  ok(await cluster.apply(svc.replace('targetPort: 8080', 'targetPort: 8081')));
  assert.equal(await jsonpath('svc/web-svc', '{.spec.clusterIP}'), row['CLUSTER-IP']);
});

test('get all lists pods and the workload kinds', async () => {
  const out = ok(await cluster.kubectl('get', 'all'));
  assert.match(out, /^pod\/tagged\s+0\/1\s+Pending\s+0\s+\d+s$/m);
  assert.match(out, /^replicationcontroller\/web-rc\s+2\s+/m);
  assert.match(out, /^deployment\.apps\/web-dep\s+0\/5\s+/m);
  assert.match(out, /^replicaset\.apps\/web-rs\s+4\s+/m);
});

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
  const deleting = cluster.spawn('delete', 'pod', 'held', '--timeout=30s');
  const waitingForDelete = cluster.spawn('wait', '--for=delete', 'pod/held', '--timeout=30s');
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
  await waiting.waitFor((lines) => lines.some((l) => /GET http:\S+pods\?\S*watch=true\S* 200 OK/.test(l)), {
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

test('server dry run persists nothing; generateName; patch --subresource=status', async () => {
  assert.equal(ok(await cluster.apply(podYaml('dry'), '--dry-run=server')), 'pod/dry created (server dry run)\n');
  assert.equal((await cluster.api.get('/api/v1/namespaces/default/pods/dry')).status, 404);

  const gen = await cluster.manifest(podYaml('x').replace('  name: x\n', '  generateName: gen-\n'), 'gen.yaml');
  const created = ok(await cluster.kubectl('create', '-f', gen));
  assert.match(created, /^pod\/gen-[a-z0-9]{5} created\n$/);

  const name = created.split(' ')[0]!;
  const patched = await cluster.kubectl('patch', name, '--subresource=status', '--type=merge', '-p', '{"status":{"phase":"Running"}}');
  assert.equal(ok(patched), `${name} patched\n`);
  assert.match(ok(await cluster.kubectl('get', name)), /\s0\/1\s+Running\s+0\s/);
  // The main resource ignores status changes, the status subresource ignores spec changes.
  ok(await cluster.kubectl('patch', name, '--type=merge', '-p', '{"status":{"phase":"Failed"}}'));
  assert.equal(await jsonpath(name, '{.status.phase}'), 'Running');
});

test('create -f twice: the second is AlreadyExists', async () => {
  const file = await cluster.manifest(podYaml('dup'), 'dup.yaml');
  assert.equal(ok(await cluster.kubectl('create', '-f', file)), 'pod/dup created\n');
  const second = await cluster.kubectl('create', '-f', file);
  assert.equal(second.code, 1);
  assert.equal(second.stderr, `Error from server (AlreadyExists): error when creating "${file}": pods "dup" already exists\n`);
});

test('an invalid manifest is rejected with its causes', async () => {
  const file = await cluster.manifest(
    ['apiVersion: v1', 'kind: Pod', 'metadata:', '  name: Bad_Name', 'spec:', '  containers:', '  - name: main', ''].join('\n'),
    'bad.yaml',
  );
  const res = await cluster.kubectl('create', '-f', file);
  assert.equal(res.code, 1);
  const lines = res.stderr.trimEnd().split('\n');
  assert.equal(lines[0], 'The Pod "Bad_Name" is invalid: ');
  assert.ok(lines.some((l) => l.startsWith('* metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of')), res.stderr);
  assert.ok(lines.includes('* spec.containers[0].image: Required value'), res.stderr);
  assert.equal((await cluster.kubectl('apply', '-f', file)).code, 1);
});

test('an unknown field is rejected under strict field validation', async () => {
  const file = await cluster.manifest(podYaml('typo').replace('    image:', '    imagee: x\n    image:'), 'typo.yaml');
  const res = await cluster.kubectl('create', '-f', file);
  assert.equal(res.code, 1);
  assert.match(res.stderr, /^Error from server \(BadRequest\): error when creating ".*typo\.yaml": /);
  assert.match(res.stderr, /unknown field "spec\.containers\[0\]\.imagee"/);
  assert.equal((await cluster.api.get('/api/v1/namespaces/default/pods/typo')).status, 404);
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

test('create deployment (protobuf body) either works or says what to do instead', async () => {
  const res = await cluster.kubectl('create', 'deployment', 'made', '--image=registry.local/hello:1');
  if (res.code === 0) {
    assert.equal(res.stdout, 'deployment.apps/made created\n');
    assert.equal(await jsonpath('deploy/made', '{.spec.template.spec.containers[0].image}'), 'registry.local/hello:1');
  } else {
    assert.equal(res.code, 1);
    assert.match(res.stderr, /^error: failed to create deployment: /);
    assert.match(res.stderr, /protobuf/i);
    assert.match(res.stderr, /kubectl (create -f|apply)/);
  }
  // kubectl create configmap/namespace send protobuf too: the same clear answer or success.
  const cm = await cluster.kubectl('create', 'configmap', 'literal', '--from-literal=a=b');
  if (cm.code === 0) assert.equal(cm.stdout, 'configmap/literal created\n');
  else assert.match(cm.stderr, /^error: failed to create configmap: .*protobuf.*kubectl (create -f|apply)/);
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
