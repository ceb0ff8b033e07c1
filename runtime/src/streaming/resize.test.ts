import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { ResizeDecoder, type ResizeEvents, type TerminalSize } from './resize.js';

describe('ResizeDecoder', () => {
  it('decodes split and batched JSON sizes', () => {
    const ev: ResizeEvents = new EventEmitter();
    const got: TerminalSize[] = [];
    ev.on('resize', (s) => got.push(s));
    const d = new ResizeDecoder(ev);
    d.push(Buffer.from('{"Width":100,'));
    d.push(Buffer.from('"Height":30}\n{"Width":80,"Height":24}\n{"Wid'));
    d.push(Buffer.from('th":1,"Height":2}'));
    assert.deepEqual(got, [
      { Width: 100, Height: 30 },
      { Width: 80, Height: 24 },
      { Width: 1, Height: 2 },
    ]);
  });

  it('holds sizes that arrive before anyone listens and replays them to the first listener', async () => {
    const ev: ResizeEvents = new EventEmitter();
    const d = new ResizeDecoder(ev);
    d.push(Buffer.from('{"Width":120,"Height":40}\n'));
    const [size] = await once(ev, 'resize');
    assert.deepEqual(size, { Width: 120, Height: 40 });
  });
});
