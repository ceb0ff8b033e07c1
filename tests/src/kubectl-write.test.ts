// The real kubectl 1.32 changing objects: label, annotate, patch (strategic, merge, JSON), scale, apply's
// 3-way merge, set image, rollout restart, edit, services, server dry run, the status subresource.
// One control plane for the file.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { TestCluster, ok } from './harness/cluster.js';
import { appsYaml, podYaml, rcYaml } from './harness/manifests.js';
import { parseTable, rowWhere } from './harness/table.js';
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
