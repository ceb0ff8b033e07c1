// The baseline: raw LevelDB (level 10, the same library the store uses) synced puts, measured in the
// same run as the API numbers so that the ratio does not depend on the disk of the day.
import { Level } from 'level';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchPod } from './api-stats.js';

export interface RawLevelResult {
  /** Sequential `put(…, {sync: true})`, one awaited after the other. */
  sequentialPutsPerSec: number;
  /** `batch(…, {sync: true})` of `batchSize` puts each, one batch at a time. */
  batchedPutsPerSec: number;
  batchSize: number;
}

async function timed(limitOps: number, limitMs: number, step: (i: number) => Promise<number>): Promise<number> {
  const start = performance.now();
  let ops = 0;
  for (let i = 0; ops < limitOps && performance.now() - start < limitMs; i++) ops += await step(i);
  return ops / ((performance.now() - start) / 1000);
}

export async function measureRawLevel(options: { limitMs?: number; batchSize?: number } = {}): Promise<RawLevelResult> {
  const limitMs = options.limitMs ?? 3000;
  const batchSize = options.batchSize ?? 64;
  const dir = await mkdtemp(join(tmpdir(), 'wasmkube-bench-level-'));
  const db = new Level<string, string>(join(dir, 'db'));
  try {
    await db.open();
    const value = JSON.stringify(benchPod('raw'));
    const sequentialPutsPerSec = await timed(20_000, limitMs, async (i) => {
      await db.put(`/registry/pods/default/seq-${i}`, value, { sync: true });
      return 1;
    });
    const batchedPutsPerSec = await timed(200_000, limitMs, async (i) => {
      const ops = Array.from({ length: batchSize }, (_, j) => ({
        type: 'put' as const,
        key: `/registry/pods/default/batch-${i}-${j}`,
        value,
      }));
      await db.batch(ops, { sync: true });
      return batchSize;
    });
    return { sequentialPutsPerSec, batchedPutsPerSec, batchSize };
  } finally {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
}
