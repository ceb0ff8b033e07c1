// Store write throughput against raw LevelDB in the same run, same disk, same value:
//   raw put      — one `put(…, { sync: true })` at a time (what a naive durable store does)
//   raw batch    — synced batches of 64 puts, back to back (the ceiling group commit aims for)
//   store.create — 64 concurrent callers on the LevelDB store (group commit, plus index,
//                  event history and revision counter in every batch)
// Run: node bench/dist/store-bench.js

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Level } from 'level';
import { openLevelStore } from '@wasmkube/control-plane';

const PHASE_MS = 1000;
/** Phases alternate and each keeps its best round: the disk is shared, its speed drifts. */
const ROUNDS = 2;
const CALLERS = 64;

const pod = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', uid: '6f1c7a52-3b0e-4b8e-9a51-0d2a4c1f9e77', labels: { app: 'web', tier: 'frontend' }, creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: {
    containers: [{ name: 'web', image: 'web.wasm', ports: [{ containerPort: 8080, protocol: 'TCP' }], resources: { requests: { cpu: '100m', memory: '16Mi' }, limits: { cpu: '200m', memory: '32Mi' } } }],
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
  },
  status: { phase: 'Pending' },
});

async function timed(fn: (deadline: number) => Promise<number>): Promise<number> {
  const start = performance.now();
  const ops = await fn(start + PHASE_MS);
  return ops / ((performance.now() - start) / 1000);
}

async function rawPut(dir: string): Promise<number> {
  const db = new Level<string, string>(dir, { valueEncoding: 'utf8' });
  await db.open();
  try {
    return await timed(async (deadline) => {
      let n = 0;
      while (performance.now() < deadline) {
        await db.put(`/registry/pods/default/p${n}`, JSON.stringify(pod(`p${n}`)), { sync: true });
        n++;
      }
      return n;
    });
  } finally {
    await db.close();
  }
}

async function rawBatch(dir: string): Promise<number> {
  const db = new Level<string, string>(dir, { valueEncoding: 'utf8' });
  await db.open();
  try {
    return await timed(async (deadline) => {
      let n = 0;
      while (performance.now() < deadline) {
        const ops = Array.from({ length: CALLERS }, (_, i) => {
          const name = `p${n + i}`;
          return { type: 'put' as const, key: `/registry/pods/default/${name}`, value: JSON.stringify(pod(name)) };
        });
        await db.batch(ops, { sync: true });
        n += CALLERS;
      }
      return n;
    });
  } finally {
    await db.close();
  }
}

async function storeCreate(dir: string): Promise<number> {
  const store = await openLevelStore(dir);
  try {
    return await timed(async (deadline) => {
      let n = 0;
      await Promise.all(
        Array.from({ length: CALLERS }, async (_, c) => {
          for (let i = 0; performance.now() < deadline; i++) {
            const name = `p-${c}-${i}`;
            await store.create(`/registry/pods/default/${name}`, pod(name));
            n++;
          }
        }),
      );
      return n;
    });
  } finally {
    await store.close();
  }
}

export async function runStoreBench(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'wasmkube-store-bench-'));
  try {
    let put = 0;
    let batch = 0;
    let create = 0;
    for (let r = 0; r < ROUNDS; r++) {
      put = Math.max(put, await rawPut(join(root, `put${r}`)));
      batch = Math.max(batch, await rawBatch(join(root, `batch${r}`)));
      create = Math.max(create, await storeCreate(join(root, `store${r}`)));
    }
    const f = (x: number) => Math.round(x).toLocaleString('en-US');
    console.log(`store write throughput (durable: every write synced before it is acknowledged; best of ${ROUNDS} rounds)`);
    console.log(`  raw LevelDB put, sync, one at a time      ${f(put).padStart(9)} writes/s`);
    console.log(`  raw LevelDB synced batches of ${CALLERS}          ${f(batch).padStart(9)} writes/s`);
    console.log(`  store.create, ${CALLERS} concurrent callers       ${f(create).padStart(9)} writes/s`);
    console.log(`  ratio store.create / raw synced put:      ${(create / put).toFixed(1)}x`);
    console.log(`  ratio store.create / raw synced batches:  ${(create / batch).toFixed(2)}x`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await runStoreBench();
