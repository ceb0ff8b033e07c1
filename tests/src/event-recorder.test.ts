// The EventRecorder against a real API server: events are written a moment after they happen,
// list in the order they happened even when written together, and repeats aggregate into one
// Event whose count grows (within one gathering and across gatherings).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventRecorder, KubeClient, R, type KubeObject } from '@wasmkube/client';
import { startControlPlane } from './harness/control-plane.js';
import { makeTempDir, removeDir } from './harness/temp-dir.js';

type Ev = KubeObject & { reason: string; message: string; count: number; firstTimestamp: string; lastTimestamp: string; involvedObject: { name: string; fieldPath?: string } };

test('EventRecorder: ordered by when they happened, aggregated, flushed on demand', async (t) => {
  const dir = await makeTempDir('events');
  const cp = await startControlPlane(dir);
  const client = new KubeClient(cp.url);
  t.after(async () => {
    await client.close();
    await cp.close();
    await removeDir(dir);
  });
  const pod = await client.create(R.pods, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'ev' }, spec: { containers: [{ name: 'c', image: 'x:1' }] } });
  const recorder = new EventRecorder(client, 'kubelet', 'node-1');
  const list = async () => (await client.list<Ev>(R.events, 'default')).items.filter((e) => e.involvedObject.name === 'ev');

  const reasons = ['Scheduled', 'Pulled', 'Created', 'Started', 'Killing', 'BackOff', 'Unhealthy', 'Pulling'];
  for (const r of reasons) recorder.event(pod, 'Normal', r, `${r} happened`, 'spec.containers{c}');
  recorder.event(pod, 'Normal', 'Started', 'Started happened', 'spec.containers{c}'); // a repeat within the same gathering
  assert.equal((await list()).length, 0, 'not written synchronously');
  await recorder.flush();

  const written = await list();
  assert.deepEqual(written.map((e) => e.reason), reasons, 'a list shows them in the order they happened');
  const started = written.find((e) => e.reason === 'Started')!;
  assert.equal(started.count, 2);
  assert.ok(started.lastTimestamp >= started.firstTimestamp);
  assert.equal(started.involvedObject.fieldPath, 'spec.containers{c}');
  assert.match(started.metadata.name as string, /^ev\.[0-9a-f]+$/, 'named <object>.<hex time> as Kubernetes names them');

  // A later repeat bumps the same Event; written without an explicit flush too.
  recorder.event(pod, 'Normal', 'Started', 'Started happened', 'spec.containers{c}');
  const deadline = Date.now() + 5_000;
  let again: Ev | undefined;
  while (Date.now() < deadline) {
    again = (await list()).find((e) => e.reason === 'Started');
    if (again?.count === 3) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.equal(again?.count, 3);
  assert.equal(again?.metadata.name, started.metadata.name);
  assert.equal((await list()).length, reasons.length);
});
