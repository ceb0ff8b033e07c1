// The printers and validation messages through the real kubectl 1.32: what a user sees on screen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFixture } from '../testing/fixture.js';
import type { Fixture } from '../testing/fixture.js';

const KUBECTL = '/usr/lib/google-cloud-sdk/bin/kubectl.1.32';

interface Kubectl {
  (...args: string[]): Promise<{ code: number; out: string; err: string }>;
  file(yaml: string): string;
}

function kubectlFor(t: { after: (fn: () => void) => void }, f: Fixture): Kubectl {
  const dir = mkdtempSync(join(tmpdir(), 'wasmkube-tables-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const kc = join(dir, 'kubeconfig');
  writeFileSync(
    kc,
    `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: ${f.url}\ncontexts:\n- name: c\n  context:\n    cluster: c\n    user: u\n    namespace: default\ncurrent-context: c\nusers:\n- name: u\n  user: {}\n`,
  );
  let n = 0;
  const run = ((...args: string[]) =>
    new Promise((resolve) => {
      execFile(KUBECTL, ['--kubeconfig', kc, ...args], { env: { HOME: dir, PATH: process.env.PATH ?? '/usr/bin:/bin' }, timeout: 30_000 }, (e, out, err) =>
        resolve({ code: e ? Number((e as { code?: number }).code ?? 1) : 0, out, err }),
      );
    })) as Kubectl;
  run.file = (yaml: string) => {
    const p = join(dir, `m${n++}.yaml`);
    writeFileSync(p, yaml);
    return p;
  };
  return run;
}

const ago = (s: number) => new Date(Date.now() - s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

test('kubectl get renders the server tables', { skip: !existsSync(KUBECTL) && 'kubectl 1.32 not installed' }, async (t) => {
  const f = await startFixture(t);
  const k = kubectlFor(t, f);
  const applied = await k(
    'apply',
    '-f',
    k.file(`apiVersion: v1
kind: Pod
metadata: {name: crash, labels: {app: web}}
spec:
  containers: [{name: app, image: "web:1"}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080, nodePort: 30080}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  replicas: 2
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: "api:2"}]}
`),
  );
  assert.equal(applied.code, 0, applied.err);

  // A pod in CrashLoopBackOff with five restarts, the last one about five minutes ago.
  const cur = await f.call('GET', '/api/v1/namespaces/default/pods/crash');
  const status = {
    phase: 'Running',
    podIP: '10.244.0.7',
    podIPs: [{ ip: '10.244.0.7' }],
    conditions: [{ type: 'Ready', status: 'False' }],
    containerStatuses: [
      {
        name: 'app',
        image: 'web:1',
        imageID: '',
        ready: false,
        started: false,
        restartCount: 5,
        state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container' } },
        lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: ago(310), finishedAt: ago(305) } },
      },
    ],
  };
  const put = await f.call('PUT', '/api/v1/namespaces/default/pods/crash/status', { ...cur.body, status });
  assert.equal(put.status, 200, put.text);

  const pods = await k('get', 'pods', '-o', 'wide');
  assert.equal(pods.code, 0, pods.err);
  const [header, row] = pods.out.trimEnd().split('\n');
  assert.deepEqual(header.split(/\s{2,}/), ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
  assert.match(row, /^crash\s+0\/1\s+CrashLoopBackOff\s+5 \(5m\d*s? ago\)\s+\d+s\s+10\.244\.0\.7\s+<none>\s+<none>\s+<none>$/);

  const svc = await k('get', 'svc', 'web', '-o', 'wide');
  assert.match(svc.out, /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\s+SELECTOR\n/);
  assert.match(svc.out, /\nweb\s+NodePort\s+\S+\s+<none>\s+80:30080\/TCP\s+\d+s\s+app=web\n$/);

  const deploy = await k('get', 'deploy');
  assert.match(deploy.out, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\napi\s+0\/2\s+0\s+0\s+\d+s\n$/);

  // --show-labels and -A need rows[].object; --sort-by needs the whole object.
  const labels = await k('get', 'pods', '-A', '--show-labels');
  assert.match(labels.out, /\ndefault\s+crash\s+0\/1\s+CrashLoopBackOff\s+.*app=web\n$/);
  const sorted = await k('get', 'pods', '--sort-by=.status.podIP');
  assert.match(sorted.out, /\ncrash\s+0\/1\s+CrashLoopBackOff/);
});

test('kubectl shows validation causes verbatim', { skip: !existsSync(KUBECTL) && 'kubectl 1.32 not installed' }, async (t) => {
  const f = await startFixture(t);
  const k = kubectlFor(t, f);
  const bad = await k(
    'apply',
    '-f',
    k.file(`apiVersion: apps/v1
kind: Deployment
metadata: {name: bad}
spec:
  template:
    metadata: {labels: {app: bad}}
    spec: {containers: [{name: app, image: "x:1"}]}
`),
  );
  assert.equal(bad.code, 1);
  assert.equal(
    bad.err,
    'The Deployment "bad" is invalid: \n* spec.selector: Required value\n* spec.template.metadata.labels: Invalid value: map[string]string{"app":"bad"}: `selector` does not match template `labels`\n',
  );
  const job = await k('create', '-f', k.file('apiVersion: batch/v1\nkind: Job\nmetadata: {name: pi}\nspec:\n  template:\n    spec: {containers: [{name: pi, image: "pi:1"}]}\n'));
  assert.equal(job.err, 'The Job "pi" is invalid: spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"\n');
});
