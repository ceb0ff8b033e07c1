// Deployment and Job controllers through kubectl 1.32: a rolling update from v1 to v2 that
// `kubectl rollout status` follows to success, `rollout history`, `rollout undo` back to v1,
// `rollout restart`, scaling, Recreate; a Job that runs to completion (its pods marked Succeeded
// here, as no kubelet runs) and one that exceeds its backoffLimit.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { R } from '@wasmkube/client';
import { ControllersFixture, ok, until, type Pod } from './controllers-fixture.js';

let f: ControllersFixture;

before(async () => {
  f = await ControllersFixture.start('ctl-workloads');
  for (const n of ['node-1', 'node-2', 'node-3']) await f.addNode(n, '4', '8Gi');
  // Pods of the "job-*" jobs are completed by the tests themselves.
  // Pods of image web:stuck never start (a rollout that cannot progress).
  f.runKubelets(50, { ready: (p) => !p.metadata.labels?.['job-name'] && (p.spec.containers[0] as { image?: string }).image !== 'web:stuck' });
});

after(async () => {
  await f?.close();
});

const deployYaml = (image: string, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 4
  selector:
    matchLabels:
      app: web
  strategy:
    rollingUpdate:
      maxSurge: 1
      maxUnavailable: 0
${extra}  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: ${image}
`;

const imagesOf = (pods: Pod[]) => [...new Set(pods.filter((p) => !p.metadata.deletionTimestamp).map((p) => (p.spec.containers[0] as { image?: string }).image))].sort();

test('a Deployment rolls from v1 to v2 under rollout status, then undo, history, restart and scale', async () => {
  await f.apply(deployYaml('web:v1'));
  const first = ok(await f.kubectl('rollout', 'status', 'deployment/web', '--timeout=60s'));
  assert.match(first, /deployment "web" successfully rolled out/);
  const rs1 = JSON.parse(ok(await f.kubectl('get', 'rs', '-l', 'app=web', '-o', 'json'))).items;
  assert.equal(rs1.length, 1);
  const hash1 = rs1[0].metadata.labels['pod-template-hash'];
  assert.equal(rs1[0].metadata.name, `web-${hash1}`);
  assert.match(hash1, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
  assert.equal(rs1[0].metadata.annotations['deployment.kubernetes.io/revision'], '1');

  // v2: maxSurge 1 / maxUnavailable 0 → never fewer than 4 available, never more than 5 pods.
  await f.apply(deployYaml('web:v2'));
  const status = ok(await f.kubectl('rollout', 'status', 'deployment/web', '--timeout=60s'));
  assert.match(status, /deployment "web" successfully rolled out/);
  assert.deepEqual(imagesOf(await f.pods('default', 'app=web')), ['web:v2']);
  const d = JSON.parse(ok(await f.kubectl('get', 'deployment', 'web', '-o', 'json')));
  assert.equal(d.metadata.annotations['deployment.kubernetes.io/revision'], '2');
  assert.deepEqual(
    [d.status.replicas, d.status.updatedReplicas, d.status.readyReplicas, d.status.availableReplicas, d.status.unavailableReplicas ?? 0, d.status.observedGeneration],
    [4, 4, 4, 4, 0, d.metadata.generation],
  );
  const cond = (type: string) => d.status.conditions.find((c: { type: string }) => c.type === type);
  assert.equal(cond('Available').reason, 'MinimumReplicasAvailable');
  assert.equal(cond('Progressing').reason, 'NewReplicaSetAvailable');
  // Events are written in the background: poll for them.
  await until(async () => {
    const events = ok(await f.kubectl('get', 'events', '--field-selector', 'involvedObject.kind=Deployment', '-o', 'jsonpath={range .items[*]}{.reason} {.message}{"\\n"}{end}'));
    return events.includes(`ScalingReplicaSet Scaled up replica set web-${hash1} from 0 to 4`) && events.includes(`ScalingReplicaSet Scaled down replica set web-${hash1} from 4 to 3`);
  }, { what: 'ScalingReplicaSet events' });

  const history = ok(await f.kubectl('rollout', 'history', 'deployment/web'));
  assert.match(history, /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);

  // undo: kubectl copies revision 1's template back; the old ReplicaSet becomes revision 3.
  assert.equal(ok(await f.kubectl('rollout', 'undo', 'deployment/web')), 'deployment.apps/web rolled back\n');
  ok(await f.kubectl('rollout', 'status', 'deployment/web', '--timeout=60s'));
  assert.deepEqual(imagesOf(await f.pods('default', 'app=web')), ['web:v1']);
  const rsAfterUndo = JSON.parse(ok(await f.kubectl('get', 'rs', '-l', 'app=web', '-o', 'json'))).items;
  assert.equal(rsAfterUndo.length, 2, 'no third ReplicaSet: the old one is reused');
  const back = rsAfterUndo.find((r: any) => r.metadata.name === `web-${hash1}`);
  assert.equal(back.spec.replicas, 4);
  assert.equal(back.metadata.annotations['deployment.kubernetes.io/revision'], '3');
  assert.match(ok(await f.kubectl('rollout', 'history', 'deployment/web')), /\n2\s+<none>\n3\s+<none>/);

  // restart: an annotation in the template → a new ReplicaSet and new pods.
  assert.equal(ok(await f.kubectl('rollout', 'restart', 'deployment/web')), 'deployment.apps/web restarted\n');
  ok(await f.kubectl('rollout', 'status', 'deployment/web', '--timeout=60s'));
  const rsAfterRestart = JSON.parse(ok(await f.kubectl('get', 'rs', '-l', 'app=web', '-o', 'json'))).items;
  assert.equal(rsAfterRestart.length, 3);
  const current = rsAfterRestart.find((r: any) => r.spec.replicas === 4);
  assert.ok(current.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']);
  assert.equal(current.metadata.annotations['deployment.kubernetes.io/revision'], '4');

  // scale reaches the current ReplicaSet.
  ok(await f.kubectl('scale', 'deployment', 'web', '--replicas=6'));
  ok(await f.kubectl('rollout', 'status', 'deployment/web', '--timeout=60s'));
  await until(async () => (await f.client.get<any>(R.replicasets, 'default', current.metadata.name)).spec.replicas === 6, { what: 'current RS scaled to 6' });
  assert.equal((await f.pods('default', 'app=web')).filter((p) => !p.metadata.deletionTimestamp).length, 6);
  ok(await f.kubectl('delete', 'deployment', 'web'));
  await until(async () => (await f.pods('default', 'app=web')).length === 0, { what: 'pods gone with the Deployment' });
});

test('revisionHistoryLimit prunes old ReplicaSets; Recreate replaces all pods at once', async () => {
  const extra = '  revisionHistoryLimit: 1\n';
  const yaml = (image: string) => deployYaml(image, extra).replace('name: web\n', 'name: rec\n').replace(/app: web/g, 'app: rec').replace(/  strategy:\n    rollingUpdate:\n      maxSurge: 1\n      maxUnavailable: 0\n/, '  strategy:\n    type: Recreate\n');
  for (const v of ['r1', 'r2', 'r3']) {
    await f.apply(yaml(v));
    ok(await f.kubectl('rollout', 'status', 'deployment/rec', '--timeout=60s'));
    assert.deepEqual(imagesOf(await f.pods('default', 'app=rec')), [v]);
  }
  const rs = await until(async () => {
    const items = JSON.parse(ok(await f.kubectl('get', 'rs', '-l', 'app=rec', '-o', 'json'))).items;
    return items.length === 2 ? items : undefined;
  }, { what: 'one old ReplicaSet kept' });
  assert.deepEqual(rs.map((r: any) => r.metadata.annotations['deployment.kubernetes.io/revision']).sort(), ['2', '3']);
  ok(await f.kubectl('delete', 'deployment', 'rec'));
});

test('scaling in mid-rollout is shared out in proportion; a stuck rollout exceeds its progress deadline', async () => {
  const yaml = (image: string, replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: prop
spec:
  replicas: ${replicas}
  progressDeadlineSeconds: 3
  selector:
    matchLabels:
      app: prop
  strategy:
    rollingUpdate:
      maxSurge: 3
      maxUnavailable: 2
  template:
    metadata:
      labels:
        app: prop
    spec:
      containers:
      - name: web
        image: ${image}
`;
  await f.apply(yaml('web:v1', 10));
  ok(await f.kubectl('rollout', 'status', 'deployment/prop', '--timeout=60s'));
  const oldRs = JSON.parse(ok(await f.kubectl('get', 'rs', '-l', 'app=prop', '-o', 'json'))).items[0].metadata.name;
  await f.apply(yaml('web:stuck', 10));
  // desired 10, surge 3, unavailable 2: the new RS reaches 5 (never ready), the old one 8.
  const sizes = async () => {
    const items = JSON.parse(ok(await f.kubectl('get', 'rs', '-l', 'app=prop', '-o', 'json'))).items;
    return Object.fromEntries(items.map((r: any) => [r.metadata.name === oldRs ? 'old' : 'new', r.spec.replicas]));
  };
  await until(async () => JSON.stringify(await sizes()) === JSON.stringify({ old: 8, new: 5 }) || JSON.stringify(await sizes()) === JSON.stringify({ new: 5, old: 8 }), { what: 'rollout stuck at old 8 / new 5' });
  // Scale to 20: 10 more to share over 13 → old +6, new +4 (Kubernetes' proportions).
  ok(await f.kubectl('scale', 'deployment', 'prop', '--replicas=20'));
  await until(async () => { const s = await sizes(); return s.old === 14 && s.new === 9; }, { what: 'old 14 / new 9' });
  const res = await f.kubectl('rollout', 'status', 'deployment/prop', '--timeout=30s');
  assert.equal(res.code, 1);
  assert.match(res.stderr, /deployment "prop" exceeded its progress deadline/);
  const d = await f.client.get<any>(R.deployments, 'default', 'prop');
  const p = d.status.conditions.find((c: any) => c.type === 'Progressing');
  assert.deepEqual([p.status, p.reason], ['False', 'ProgressDeadlineExceeded']);
  ok(await f.kubectl('delete', 'deployment', 'prop'));
});

const jobYaml = (name: string, spec: string) => `apiVersion: batch/v1
kind: Job
metadata:
  name: ${name}
spec:
${spec}  template:
    spec:
      restartPolicy: Never
      containers:
      - name: main
        image: task.wasm
`;

/** Completes (or fails) the job's running pods as a kubelet would report them. */
async function finishPods(job: string, phase: 'Succeeded' | 'Failed', max = Infinity): Promise<number> {
  let n = 0;
  for (const p of await f.pods('default', `job-name=${job}`)) {
    if (n >= max || !p.spec.nodeName || p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') continue;
    await f.setPodStatus('default', p.metadata.name as string, phase, false);
    n++;
  }
  return n;
}

test('a Job runs to completion: completions 3, parallelism 2', async () => {
  await f.apply(jobYaml('job-ok', '  completions: 3\n  parallelism: 2\n'));
  const pods = await until(async () => {
    const ps = (await f.pods('default', 'job-name=job-ok')).filter((p) => p.spec.nodeName);
    return ps.length === 2 ? ps : undefined;
  }, { what: '2 pods in parallel' });
  for (const p of pods) {
    assert.equal(p.metadata.labels?.['batch.kubernetes.io/job-name'], 'job-ok');
    assert.ok(p.metadata.labels?.['controller-uid']);
  }
  await until(async () => (await f.client.get<any>(R.jobs, 'default', 'job-ok')).status?.active === 2, { what: 'status.active 2' });
  for (let round = 0; round < 10; round++) {
    const job = await f.client.get<any>(R.jobs, 'default', 'job-ok');
    if ((job.status?.succeeded ?? 0) >= 3) break;
    await finishPods('job-ok', 'Succeeded', 1);
    await until(async () => {
      const j = await f.client.get<any>(R.jobs, 'default', 'job-ok');
      return (j.status?.succeeded ?? 0) > (job.status?.succeeded ?? 0);
    }, { what: 'one more success counted' });
  }
  ok(await f.kubectl('wait', '--for=condition=complete', 'job/job-ok', '--timeout=30s'));
  const job = await f.client.get<any>(R.jobs, 'default', 'job-ok');
  assert.equal(job.status.succeeded, 3);
  assert.equal(job.status.active ?? 0, 0);
  assert.ok(job.status.startTime && job.status.completionTime);
  assert.deepEqual(job.status.conditions.map((c: any) => `${c.type}=${c.status}`), ['SuccessCriteriaMet=True', 'Complete=True']);
  assert.equal((await f.pods('default', 'job-name=job-ok')).length, 3, "a finished job's pods stay");
  const row = ok(await f.kubectl('get', 'job', 'job-ok', '--no-headers'));
  assert.match(row, /^job-ok\s+Complete\s+3\/3\s+/);
});

test('a Job whose pods keep failing stops at backoffLimit with BackoffLimitExceeded', async () => {
  await f.apply(jobYaml('job-bad', '  backoffLimit: 1\n'));
  for (let i = 0; i < 2; i++) {
    await until(async () => (await finishPods('job-bad', 'Failed')) > 0, { what: `pod ${i + 1} to fail` });
    await until(async () => ((await f.client.get<any>(R.jobs, 'default', 'job-bad')).status?.failed ?? 0) === i + 1, { what: `failed = ${i + 1}` });
  }
  ok(await f.kubectl('wait', '--for=condition=failed', 'job/job-bad', '--timeout=30s'));
  const job = await f.client.get<any>(R.jobs, 'default', 'job-bad');
  const failed = job.status.conditions.find((c: any) => c.type === 'Failed');
  assert.deepEqual([failed.status, failed.reason], ['True', 'BackoffLimitExceeded']);
  assert.equal(job.status.failed, 2);
  assert.equal(job.status.active ?? 0, 0);
});

test('activeDeadlineSeconds fails a Job with DeadlineExceeded; ttlSecondsAfterFinished deletes it with its pods', async () => {
  await f.apply(jobYaml('job-late', '  activeDeadlineSeconds: 1\n  ttlSecondsAfterFinished: 1\n'));
  await until(async () => (await f.pods('default', 'job-name=job-late')).length === 1, { what: 'a pod' });
  const job = await until(async () => {
    const j = await f.client.get<any>(R.jobs, 'default', 'job-late');
    return j.status?.conditions?.some((c: any) => c.type === 'Failed') ? j : undefined;
  }, { what: 'Failed condition' });
  const failed = job.status.conditions.find((c: any) => c.type === 'Failed');
  assert.deepEqual([failed.reason, failed.message], ['DeadlineExceeded', 'Job was active longer than specified deadline']);
  assert.ok(job.status.conditions.some((c: any) => c.type === 'FailureTarget'));
  await until(async () => (await f.client.list(R.jobs, 'default', { labelSelector: 'job-name=job-late' })).items.length === 0 && (await f.pods('default', 'job-name=job-late')).length === 0, { what: 'job and pod deleted after the TTL' });
});

test('suspending a Job stops its pods and its clock; resuming starts them again', async () => {
  await f.apply(jobYaml('job-pause', '  parallelism: 2\n  completions: 2\n'));
  await until(async () => (await f.pods('default', 'job-name=job-pause')).filter((p) => !p.metadata.deletionTimestamp).length === 2, { what: '2 pods' });
  ok(await f.kubectl('patch', 'job', 'job-pause', '--type=merge', '-p', '{"spec":{"suspend":true}}'));
  const suspended = await until(async () => {
    const j = await f.client.get<any>(R.jobs, 'default', 'job-pause');
    return j.status?.conditions?.some((c: any) => c.type === 'Suspended' && c.status === 'True') && (j.status.active ?? 0) === 0 ? j : undefined;
  }, { what: 'Suspended=True, no active pods' });
  assert.equal(suspended.status.startTime, undefined);
  await until(async () => (await f.pods('default', 'job-name=job-pause')).filter((p) => !p.metadata.deletionTimestamp).length === 0, { what: 'pods stopped' });
  ok(await f.kubectl('patch', 'job', 'job-pause', '--type=merge', '-p', '{"spec":{"suspend":false}}'));
  const resumed = await until(async () => {
    const j = await f.client.get<any>(R.jobs, 'default', 'job-pause');
    return j.status?.conditions?.some((c: any) => c.type === 'Suspended' && c.status === 'False' && c.reason === 'JobResumed') && j.status.active === 2 ? j : undefined;
  }, { what: 'resumed with 2 active pods' });
  assert.ok(resumed.status.startTime);
  ok(await f.kubectl('delete', 'job', 'job-pause'));
});
