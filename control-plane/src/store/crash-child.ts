// Child process of crash.test.ts: opens the store at argv[2] (history limit argv[3]) and writes
// until it is killed.
// 16 concurrent writers each own 10 keys and create, then update them over and over; after each
// acknowledged write it prints "<key> <revision> <seq>" (seq grows with every write of a writer).
// A line on stdout therefore proves the write was acknowledged before the SIGKILL.

import { openLevelStore } from './leveldb-store.js';

const WRITERS = 16;
const KEYS_PER_WRITER = 10;
const MAX_WRITES_PER_WRITER = 100_000; // the parent kills us long before

const store = await openLevelStore(process.argv[2], { historyLimit: Number(process.argv[3]) });
process.stdout.write('READY\n');

async function writer(w: number): Promise<void> {
  const revs = new Map<string, number>();
  for (let seq = 0; seq < MAX_WRITES_PER_WRITER; seq++) {
    const key = `/crash/w${w}/k${seq % KEYS_PER_WRITER}`;
    const value = { writer: w, seq, pad: 'x'.repeat(200) };
    const prev = revs.get(key);
    const kv = prev === undefined ? await store.create(key, value) : await store.update(key, value, prev);
    revs.set(key, kv.modRevision);
    process.stdout.write(`${key} ${kv.modRevision} ${seq}\n`);
  }
}

await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
await store.close();
