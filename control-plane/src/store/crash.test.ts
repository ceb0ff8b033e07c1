// The store survives kill -9: a child process writes concurrently and prints every acknowledged
// write; we SIGKILL it mid-loop, then check on disk and through the store that every acknowledged
// write is there and that revision, data and event history agree with no gaps.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Level } from 'level';
import { openLevelStore } from './leveldb-store.js';
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
async function writeAndKill(dir: string): Promise<Map<string, Ack>> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./crash-child.js', import.meta.url)), dir], {
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

test('every acknowledged write survives SIGKILL; revision, data and history agree', { timeout: 60_000 }, async (t) => {
  const dir = tempDir(t);
  const acks = await writeAndKill(dir);
  const highestAck = Math.max(...[...acks.values()].map((a) => a.rev));

  // On disk: the history from 1 to m:revision has no gap, and replaying it gives exactly the data.
  const raw = new Level<string, string>(dir, { valueEncoding: 'utf8' });
  await raw.open();
  const revision = Number(await raw.get(META_REVISION));
  assert.equal(await raw.get(META_COMPACTED), undefined, 'the child never compacts');
  const replayed = new Map<string, unknown>();
  let expect = 1;
  for await (const [k, v] of raw.iterator({ gte: EVENT_PREFIX, lt: EVENT_END })) {
    assert.equal(revisionOfEventKey(k), expect, 'event history has no gaps');
    const ev = decodeEvent(v);
    assert.equal(ev.kv.modRevision, expect);
    if (ev.type === 'DELETED') replayed.delete(ev.kv.key);
    else replayed.set(ev.kv.key, ev.kv);
    expect++;
  }
  assert.equal(expect - 1, revision, 'the persisted revision equals the number of events');
  const data = new Map<string, unknown>();
  for await (const [k, v] of raw.iterator({ gt: DATA_PREFIX, lt: DATA_END })) {
    const key = k.slice(DATA_PREFIX.length);
    data.set(key, decodeData(key, v));
  }
  assert.deepEqual(data, replayed, 'the data is exactly the replayed history');
  await raw.close();

  // Through the store: every acknowledged write is there with its value (or a later one).
  const store = await openLevelStore(dir);
  t.after(() => store.close());
  assert.equal(store.currentRevision(), revision);
  assert.ok(revision >= highestAck, `revision ${revision} >= highest acknowledged ${highestAck}`);
  t.diagnostic(`acknowledged ${acks.size} keys, highest ack ${highestAck}, revision on disk ${revision}`);
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
});
