import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { SPDY3_DICTIONARY } from './dictionary.js';
import { FLAG_FIN, FrameParser, FrameType, controlFrame, dataFrame, decodeHeaderBlock, encodeHeaderBlock, windowUpdateFrame } from './frames.js';
import { HeaderCompressor, HeaderDecompressor } from './header-codec.js';

describe('SPDY/3 dictionary', () => {
  it('has the length and Adler-32 zlib peers check (0xe3c6a7c2)', () => {
    assert.equal(SPDY3_DICTIONARY.length, 1423);
    // A zlib stream primed with a dictionary carries its Adler-32 in bytes 2..5 of the header.
    const z = zlib.deflateSync(Buffer.from('x'), { dictionary: SPDY3_DICTIONARY });
    assert.equal(z.readUInt32BE(2), 0xe3c6a7c2);
  });
});

describe('FrameParser', () => {
  it('reassembles frames split at every byte and separates frames sharing a chunk', () => {
    const wire = Buffer.concat([
      dataFrame(3, FLAG_FIN, Buffer.from('hello')),
      windowUpdateFrame(3, 5),
      controlFrame(FrameType.Ping, 0, Buffer.from([0, 0, 0, 1])),
    ]);
    const p = new FrameParser();
    const frames = [];
    for (const byte of wire) frames.push(...p.push(Buffer.from([byte])));
    assert.equal(frames.length, 3);
    assert.deepEqual(frames[0], { kind: 'data', streamId: 3, flags: FLAG_FIN, data: Buffer.from('hello') });
    assert.equal(frames[1].kind, 'control');
    assert.equal(frames[1].kind === 'control' && frames[1].type, FrameType.WindowUpdate);
    assert.deepEqual(new FrameParser().push(wire).map((f) => f.kind), ['data', 'control', 'control']);
  });

  it('rejects a control frame of another SPDY version', () => {
    const f = controlFrame(FrameType.Ping, 0, Buffer.alloc(4));
    f.writeUInt16BE(0x8002, 0);
    assert.throws(() => new FrameParser().push(f), /unsupported SPDY version 2/);
  });
});

describe('header blocks', () => {
  it('encode/decode round-trips, lower-casing names', () => {
    const block = encodeHeaderBlock({ StreamType: 'data', port: '80', requestid: '0' });
    assert.deepEqual(decodeHeaderBlock(block), { streamtype: 'data', port: '80', requestid: '0' });
  });

  it('one compression context per direction: later blocks depend on earlier ones', async () => {
    const c = new HeaderCompressor();
    const d = new HeaderDecompressor();
    const blocks = [];
    for (let i = 0; i < 4; i++) blocks.push(await c.compress({ streamtype: 'data', port: '8080', requestid: String(i) }));
    // The repeated block is much smaller than the first: it back-references the shared window.
    assert.ok(blocks[3].length < blocks[0].length, `${blocks[3].length} < ${blocks[0].length}`);
    for (let i = 0; i < 4; i++) assert.deepEqual(await d.decompress(blocks[i]), { streamtype: 'data', port: '8080', requestid: String(i) });
    // A fresh decompressor cannot read a later block on its own.
    await assert.rejects(new HeaderDecompressor().decompress(blocks[3]));
    c.close();
    d.close();
  });
});
