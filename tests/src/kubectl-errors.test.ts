// What kubectl 1.32 prints when the server says no: AlreadyExists, Invalid with its causes, unknown fields
// under strict validation, 413 for oversized bodies, and protobuf bodies from `kubectl create <generator>`
// (decoded for the common kinds, otherwise a 415 that says what to do). One control plane for the file.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { TestCluster, ok } from './harness/cluster.js';
import { podYaml } from './harness/manifests.js';

let cluster: TestCluster;

before(async () => {
  cluster = await TestCluster.start('kubectl-errors');
});

after(async () => {
  await cluster?.close();
});

const jsonpath = async (resource: string, path: string, ...extra: string[]) =>
  ok(await cluster.kubectl('get', resource, '-o', `jsonpath=${path}`, ...extra));

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

test('an invalid Deployment lists every cause as Kubernetes words them', async () => {
  const file = await cluster.manifest(
    [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: badsel',
      'spec:',
      '  selector:',
      '    matchLabels:',
      '      app: xx',
      '  template:',
      '    metadata:',
      '      labels:',
      '        app: yy',
      '    spec:',
      '      restartPolicy: Sometimes',
      '      containers:',
      '      - name: main',
      '        image: registry.local/hello:1',
      '        ports:',
      '        - containerPort: 70000',
      '',
    ].join('\n'),
    'badsel.yaml',
  );
  const res = await cluster.kubectl('create', '-f', file);
  assert.equal(res.code, 1);
  assert.equal(
    res.stderr,
    [
      'The Deployment "badsel" is invalid: ',
      '* spec.template.metadata.labels: Invalid value: map[string]string{"app":"yy"}: `selector` does not match template `labels`',
      '* spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
      '* spec.template.spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
      '* spec.template.spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always"',
      '',
    ].join('\n'),
  );
});

test('an oversized body is 413 RequestEntityTooLarge', async () => {
  const big = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'huge' }, data: { a: 'x'.repeat(4_000_000) } };
  const file = await cluster.manifest(JSON.stringify(big), 'huge.json');
  const res = await cluster.kubectl('create', '-f', file);
  assert.equal(res.code, 1);
  assert.match(res.stderr, /^Error from server \(RequestEntityTooLarge\): error when creating ".*huge\.json": /);
  assert.equal((await cluster.api.get('/api/v1/namespaces/default/configmaps/huge')).status, 404);
});

test('an unknown field is rejected under strict field validation', async () => {
  const file = await cluster.manifest(podYaml('typo').replace('    image:', '    imagee: x\n    image:'), 'typo.yaml');
  const res = await cluster.kubectl('create', '-f', file);
  assert.equal(res.code, 1);
  assert.match(res.stderr, /^Error from server \(BadRequest\): error when creating ".*typo\.yaml": /);
  assert.match(res.stderr, /unknown field "spec\.containers\[0\]\.imagee"/);
  assert.equal((await cluster.api.get('/api/v1/namespaces/default/pods/typo')).status, 404);
});

test('kubectl create <generator> sends protobuf: decoded for the common kinds, a clear 415 otherwise', async () => {
  const dep = await cluster.kubectl('create', 'deployment', 'made', '--image=registry.local/hello:1', '--replicas=2', '--port=8080');
  assert.equal(ok(dep), 'deployment.apps/made created\n');
  assert.equal(
    await jsonpath('deploy/made', '{.spec.replicas} {.spec.selector.matchLabels.app} {.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].ports[0].containerPort}'),
    '2 made registry.local/hello:1 8080',
  );
  assert.equal(ok(await cluster.kubectl('create', 'configmap', 'literal', '--from-literal=a=b', '--from-literal=c=d')), 'configmap/literal created\n');
  assert.equal(await jsonpath('cm/literal', '{.data}'), '{"a":"b","c":"d"}');
  assert.equal(ok(await cluster.kubectl('create', 'secret', 'generic', 'sec', '--from-literal=pw=s3cret')), 'secret/sec created\n');
  assert.equal(await jsonpath('secret/sec', '{.type} {.data.pw}'), `Opaque ${Buffer.from('s3cret').toString('base64')}`);
  assert.equal(ok(await cluster.kubectl('create', 'namespace', 'made-ns')), 'namespace/made-ns created\n');
  assert.match(ok(await cluster.kubectl('get', 'ns', 'made-ns')), /^made-ns\s+Active\s+\d+s$/m);

  // A kind whose protobuf body is not decoded: 415, and the message says what to do instead.
  const svc = await cluster.kubectl('create', 'service', 'clusterip', 'made-svc', '--tcp=80:8080');
  if (svc.code !== 0) {
    assert.equal(svc.code, 1);
    assert.match(svc.stderr, /^error: failed to create ClusterIP service: .*protobuf.*kubectl (create -f|apply)/);
    assert.equal((await cluster.api.get('/api/v1/namespaces/default/services/made-svc')).status, 404);
  } else {
    assert.equal(svc.stdout, 'service/made-svc created\n');
  }
});
