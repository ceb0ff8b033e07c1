// CRI log files: the writer's record format and the reader's kubectl-logs options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LogWriter, formatRfc3339Nano } from './log-writer.js';
import { readLog, parseRecord } from './log-reader.js';

const enc = (s: string) => new TextEncoder().encode(s);
async function collect(g: AsyncGenerator<string>): Promise<string> {
  let s = '';
  for await (const x of g) s += x;
  return s;
}
function tmpFile(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'log-test-')), 'c.log');
}

test('writer: one record per line, partial lines joined, long lines split P…F, flushed on close', () => {
  const f = tmpFile();
  const w = new LogWriter(f);
  w.write('stdout', enc('a\nb'));
  w.write('stderr', enc('err line\n'));
  w.write('stdout', enc('c\n\nd'));
  w.write('stdout', enc('x'.repeat(20000) + '\n'));
  w.close();
  const recs = fs.readFileSync(f, 'utf8').trimEnd().split('\n').map((l) => parseRecord(l)!);
  assert.deepEqual(recs.map((r) => `${r.stream} ${r.tag} ${r.content.length > 20 ? r.content.length : r.content}`), [
    'stdout F a',
    'stderr F err line',
    'stdout F bc',
    'stdout F ',
    'stdout P 16384',
    'stdout F 3617',
  ]);
  for (const r of recs) assert.match(r.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
  assert.ok(recs.every((r, i) => i === 0 || r.time >= recs[i - 1].time));
});

test('formatRfc3339Nano keeps nanoseconds', () => {
  const ms = 1_795_000_000_123;
  assert.equal(formatRfc3339Nano(BigInt(ms) * 1_000_000n + 456_789n), new Date(ms).toISOString().slice(0, 19) + '.123456789Z');
});

test('reader: plain, --timestamps, --tail, --since, P records joined', async () => {
  const f = tmpFile();
  fs.writeFileSync(f, [
    '2026-11-28T10:00:00.000000001Z stdout F one',
    '2026-11-28T10:00:01.5Z stderr F two',
    '2026-11-28T10:00:02.000000000Z stdout P thr',
    '2026-11-28T10:00:02.000000001Z stdout F ee',
    '2026-11-28T10:00:03.000000000Z stdout F four',
    '',
  ].join('\n'));
  assert.equal(await collect(readLog(f)), 'one\ntwo\nthree\nfour\n');
  assert.equal(await collect(readLog(f, { tailLines: 2 })), 'three\nfour\n');
  assert.equal(await collect(readLog(f, { tailLines: 0 })), '');
  assert.equal(await collect(readLog(f, { timestamps: true, tailLines: 1 })), '2026-11-28T10:00:03.000000000Z four\n');
  assert.equal(await collect(readLog(f, { since: '2026-11-28T10:00:01.000000000Z' })), 'two\nthree\nfour\n');
  assert.equal(await collect(readLog(f, { since: new Date('2026-11-28T10:00:02.5Z') })), 'four\n');
  assert.equal(await collect(readLog(path.join(path.dirname(f), 'missing.log'))), '');
});

test('reader: follow streams new lines and ends once the container is done', async () => {
  const f = tmpFile();
  const w = new LogWriter(f);
  w.write('stdout', enc('before\n'));
  let done = false;
  const lines: string[] = [];
  const reading = (async () => {
    for await (const l of readLog(f, { follow: true, isDone: () => done, pollMs: 10 })) lines.push(l);
  })();
  for (let i = 0; i < 200 && lines.length < 1; i++) await new Promise((r) => setTimeout(r, 5));
  w.write('stdout', enc('after\nlast'));
  for (let i = 0; i < 200 && lines.length < 2; i++) await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(lines, ['before\n', 'after\n']);
  w.close();
  done = true;
  await reading;
  assert.deepEqual(lines, ['before\n', 'after\n', 'last\n']);

  // An abort signal ends a follow that would otherwise wait forever.
  const ac = new AbortController();
  const r2 = collect(readLog(f, { follow: true, signal: ac.signal, pollMs: 10, tailLines: 1 }));
  setTimeout(() => ac.abort(), 30);
  assert.equal(await r2, 'last\n');
});
