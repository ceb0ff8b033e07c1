// The store survives kill -9: a child process writes concurrently and prints every acknowledged
// write; we SIGKILL it mid-loop, then check on disk and through the store that every acknowledged
// write is there and that revision, data and event history agree with no gaps — once with the
// whole history kept, once with a small window compacted in the same batches as the writes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Level } from 'level';
import { openLevelStore } from './leveldb-store.js';
import type { KeyValue } from './store.js';
import {
  DATA_END,
  DATA_PREFIX,
  EVENT_END,
  EVENT_PREFIX,
  META_COMPACTED,
  META_REVISION,
  decodeData,
  decodeEvent,
  revisionOfEventKey,
} from './records.js';
import { tempDir } from './test-helpers.js';

const ACKS_BEFORE_KILL = 3000;

interface Ack {
  rev: number;
  seq: number;
}

/** Runs the child until it has acknowledged ACKS_BEFORE_KILL writes, then SIGKILLs it. */
async function writeAndKill(dir: string, historyLimit: number): Promise<Map<string, Ack>> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./crash-child.js', import.meta.url)), dir, String(historyLimit)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const acks = new Map<string, Ack>();
  let count = 0;
  let buffered = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() as string; // an incomplete last line proves nothing
    for (const line of lines) {
      if (line === 'READY') continue;
      const [key, rev, seq] = line.split(' ');
      acks.set(key, { rev: Number(rev), seq: Number(seq) }); // a writer's acks per key only grow
      if (++count === ACKS_BEFORE_KILL) child.kill('SIGKILL');
    }
  });
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve) =>
    child.on('exit', (c, s) => resolve([c, s])),
  );
  assert.equal(signal, 'SIGKILL', `child must die by our kill, not exit (code ${code})`);
  assert.ok(count >= ACKS_BEFORE_KILL);
  return acks;
}

/** Checks on disk and through the store what the store promises after the crash. */
async function verify(t: { diagnostic: (s: string) => void; after: (fn: () => unknown) => void }, dir: string, acks: Map<string, Ack>) {
  const highestAck = Math.max(...[...acks.values()].map((a) => a.rev));

  // On disk: the history from compacted+1 to m:revision has no gap, and nothing older is left.
  const raw = new Level<string, string>(dir, { valueEncoding: 'utf8' });
  await raw.open();
  const revision = Number(await raw.get(META_REVISION));
  const compacted = Number((await raw.get(META_COMPACTED)) ?? 0);
  const replayed = new Map<string, KeyValue | undefined>();
  let expect = compacted + 1;
  for await (const [k, v] of raw.iterator({ gte: EVENT_PREFIX, lt: EVENT_END })) {
    assert.equal(revisionOfEventKey(k), expect, 'event history has no gaps and nothing below the compacted mark');
    const ev = decodeEvent(v);
    assert.equal(ev.kv.modRevision, expect);
    replayed.set(ev.kv.key, ev.type === 'DELETED' ? undefined : ev.kv);
    expect++;
  }
  assert.equal(expect - 1, revision, 'the persisted revision is the last event');
  const data = new Map<string, KeyValue>();
  for await (const [k, v] of raw.iterator({ gt: DATA_PREFIX, lt: DATA_END })) {
    const key = k.slice(DATA_PREFIX.length);
    data.set(key, decodeData(key, v));
  }
  await raw.close();
  // Every key written inside the window is exactly what its last event says; every other key was
  // last written before the window.
  for (const [key, last] of replayed) assert.deepEqual(data.get(key), last, `${key} agrees with its last event`);
  for (const [key, kv] of data) if (!replayed.has(key)) assert.ok(kv.modRevision <= compacted, `${key} outside window`);

  // Through the store: every acknowledged write is there with its value (or a later one).
  const store = await openLevelStore(dir);
  t.after(() => store.close());
  assert.equal(store.currentRevision(), revision);
  assert.ok(revision >= highestAck, `revision ${revision} >= highest acknowledged ${highestAck}`);
  t.diagnostic(`acknowledged ${acks.size} keys, highest ack ${highestAck}, revision on disk ${revision}, compacted ${compacted}`);
  for (const [key, ack] of acks) {
    const kv = await store.get(key);
    assert.ok(kv, `acknowledged key ${key} is present`);
    assert.ok(kv.modRevision >= ack.rev, `${key}: revision ${kv.modRevision} >= acknowledged ${ack.rev}`);
    if (kv.modRevision === ack.rev) assert.equal(kv.value.seq, ack.seq, `${key}: value of the acknowledged write`);
    else assert.ok((kv.value.seq as number) > ack.seq, `${key}: a later write of the same writer`);
  }
  // And the store keeps counting from there.
  const next = await store.create('/after/crash', {});
  assert.equal(next.modRevision, revision + 1);
  return { revision, compacted };
}

test('every acknowledged write survives SIGKILL; revision, data and full history agree', { timeout: 60_000 }, async (t) => {
  const dir = tempDir(t);
  const { compacted } = await verify(t, dir, await writeAndKill(dir, 1_000_000_000));
  assert.equal(compacted, 0, 'the whole history is on disk');
});

test('SIGKILL while the history window is being compacted in every batch', { timeout: 60_000 }, async (t) => {
  const dir = tempDir(t);
  const { revision, compacted } = await verify(t, dir, await writeAndKill(dir, 500));
  assert.equal(revision - compacted, 500, 'the window is exactly the history limit');
});
