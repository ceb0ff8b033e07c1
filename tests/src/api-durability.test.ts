// Durability through the API: a control plane in a child process takes concurrent creates and updates,
// is SIGKILLed in the middle of them, and restarts on the same data dir. Every write the API
// acknowledged must be there, and resourceVersions must not go backwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Pool, request } from 'undici';
import { startChildControlPlane } from './harness/child-control-plane.js';
import { makeTempDir, removeDir } from './harness/temp-dir.js';

const WRITERS = 8;
const KILL_AFTER_ACKS = 200;

interface Acked {
  rv: number;
  label?: string;
  /** A DELETE was sent; without its acknowledgement the pod may or may not exist after the crash. */
  deleting?: boolean;
  deleted?: boolean;
}

function podBody(name: string) {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'durable', v: '1' } },
    spec: { containers: [{ name: 'main', image: 'registry.local/hello:1' }] },
  });
}

test('acknowledged API writes survive SIGKILL of the control plane', async () => {
  const root = await makeTempDir('api-durability');
  const dataDir = join(root, 'data');
  let child = await startChildControlPlane(dataDir);
  try {
    const acked = new Map<string, Acked>();
    let maxAckedRv = 0;
    let ackCount = 0;
    let killed = false;
    let killedAt = 0;
    const pool = new Pool(child.url, { connections: WRITERS });
    const podsPath = '/api/v1/namespaces/default/pods';

    // Each writer creates pods, relabels every third one with a merge patch and deletes every fifth.
    // It stops at the first failed request: once the server is gone, requests fail with connection errors.
    const writer = async (w: number) => {
      for (let i = 0; i < 100_000; i++) {
        const name = `d-${w}-${i}`;
        try {
          const res = await pool.request({ method: 'POST', path: podsPath, headers: { 'content-type': 'application/json' }, body: podBody(name) });
          const body = (await res.body.json()) as any;
          if (res.statusCode !== 201) throw new Error(`POST ${name}: ${res.statusCode} ${JSON.stringify(body)}`);
          const rv = Number(body.metadata.resourceVersion);
          acked.set(name, { rv });
          maxAckedRv = Math.max(maxAckedRv, rv);
          if (i % 3 === 0) {
            const patched = await pool.request({
              method: 'PATCH',
              path: `${podsPath}/${name}`,
              headers: { 'content-type': 'application/merge-patch+json' },
              body: JSON.stringify({ metadata: { labels: { v: '2' } } }),
            });
            const pbody = (await patched.body.json()) as any;
            if (patched.statusCode !== 200) throw new Error(`PATCH ${name}: ${patched.statusCode} ${JSON.stringify(pbody)}`);
            const prv = Number(pbody.metadata.resourceVersion);
            acked.set(name, { rv: prv, label: '2' });
            maxAckedRv = Math.max(maxAckedRv, prv);
          }
          if (i % 5 === 4) {
            acked.set(name, { ...acked.get(name)!, deleting: true });
            const gone = await pool.request({ method: 'DELETE', path: `${podsPath}/${name}` });
            const gbody = (await gone.body.json()) as any;
            if (gone.statusCode !== 200) throw new Error(`DELETE ${name}: ${gone.statusCode} ${JSON.stringify(gbody)}`);
            acked.set(name, { rv: 0, deleting: true, deleted: true });
          }
          if (++ackCount === KILL_AFTER_ACKS) {
            killed = true;
            killedAt = ackCount;
            void child.kill('SIGKILL');
          }
        } catch (err) {
          if (!killed) throw err;
          return;
        }
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
    await pool.destroy();
    await child.kill('SIGKILL');
    assert.ok(killed, 'the server was killed mid-loop');
    assert.ok(acked.size >= killedAt / 2, `acknowledged ${acked.size} pods`);

    child = await startChildControlPlane(dataDir);
    const res = await request(`${child.url}${podsPath}`);
    assert.equal(res.statusCode, 200);
    const list = (await res.body.json()) as any;
    const found = new Map<string, any>(list.items.map((p: any) => [p.metadata.name, p]));
    const missing = [...acked].filter(([n, a]) => !a.deleting && !found.has(n)).map(([n]) => n);
    assert.deepEqual(missing, [], `${missing.length} of ${acked.size} acknowledged pods lost: ${missing.join(' ')}`);
    const resurrected = [...acked].filter(([n, a]) => a.deleted && found.has(n)).map(([n]) => n);
    assert.deepEqual(resurrected, [], 'acknowledged deletes stay deleted');
    assert.ok([...acked.values()].some((a) => a.deleted), 'some deletes were acknowledged before the kill');
    for (const [name, a] of acked) {
      if (a.deleting) continue;
      const p = found.get(name);
      assert.ok(Number(p.metadata.resourceVersion) >= a.rv, `${name}: resourceVersion went back`);
      if (a.label) assert.equal(p.metadata.labels.v, '2', `${name}: acknowledged patch lost`);
    }
    assert.ok(Number(list.metadata.resourceVersion) >= maxAckedRv, `list RV ${list.metadata.resourceVersion} < ${maxAckedRv}`);

    // New writes continue above every revision handed out before the crash.
    const after = await request(`${child.url}${podsPath}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: podBody('after-crash') });
    assert.equal(after.statusCode, 201);
    const created = (await after.body.json()) as any;
    assert.ok(Number(created.metadata.resourceVersion) > maxAckedRv);
  } finally {
    await child.kill('SIGKILL');
    await removeDir(root);
  }
});
