// Byte-level reading and writing of the WebAssembly binary format: LEB128 integers, names, vectors.
// The reader throws ImageError (InvalidImage) with the file offset on truncation or overlong LEBs.

import { malformed } from './errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8enc = new TextEncoder();

export class Reader {
  pos: number;
  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    readonly end = bytes.length,
    /** Offset of bytes[0] in the whole file, for error messages. */
    readonly base = 0,
  ) {
    this.pos = start;
  }

  get eof(): boolean {
    return this.pos >= this.end;
  }

  fail(message: string): never {
    throw malformed(message, this.base + this.pos);
  }

  u8(): number {
    if (this.pos >= this.end) this.fail('unexpected end of data');
    return this.bytes[this.pos++];
  }

  /** Unsigned LEB128 of at most 32 bits. */
  u32(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.u8();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) {
        if (result > 0xffffffff) this.fail('integer too large');
        return result;
      }
      shift += 7;
    }
    this.fail('integer representation too long');
  }

  /** Signed LEB128 of at most 33 bits (block types, heap types). */
  s33(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.u8();
      result += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if ((b & 0x80) === 0) {
        if (b & 0x40) result -= 2 ** shift;
        return result;
      }
    }
    this.fail('integer representation too long');
  }

  /** Skips a LEB128 of up to `maxBytes` bytes without decoding it (i32/i64 constants, offsets). */
  skipLeb(maxBytes = 10): void {
    for (let i = 0; i < maxBytes; i++) {
      if ((this.u8() & 0x80) === 0) return;
    }
    this.fail('integer representation too long');
  }

  skip(n: number): void {
    if (this.pos + n > this.end) this.fail(`unexpected end of data (needed ${n} bytes)`);
    this.pos += n;
  }

  take(n: number): Uint8Array {
    const start = this.pos;
    this.skip(n);
    return this.bytes.subarray(start, start + n);
  }

  name(): string {
    const n = this.u32();
    const raw = this.take(n);
    try {
      return utf8.decode(raw);
    } catch {
      this.fail('name is not valid UTF-8');
    }
  }
}

export class Writer {
  private buf: Uint8Array;
  length = 0;
  constructor(initial = 1024) {
    this.buf = new Uint8Array(initial);
  }

  private ensure(extra: number): void {
    if (this.length + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  u8(b: number): this {
    this.ensure(1);
    this.buf[this.length++] = b;
    return this;
  }

  u32(v: number): this {
    this.ensure(5);
    do {
      let b = v % 128;
      v = Math.floor(v / 128);
      if (v !== 0) b |= 0x80;
      this.buf[this.length++] = b;
    } while (v !== 0);
    return this;
  }

  /** Signed LEB128 for any safe integer (i32.const, i64.const of our own values). */
  sleb(v: number): this {
    this.ensure(10);
    for (;;) {
      const b = ((v % 128) + 128) % 128;
      v = Math.floor(v / 128);
      const done = (v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0);
      this.buf[this.length++] = done ? b : b | 0x80;
      if (done) return this;
    }
  }

  bytes(data: Uint8Array): this {
    this.ensure(data.length);
    this.buf.set(data, this.length);
    this.length += data.length;
    return this;
  }

  name(s: string): this {
    const raw = utf8enc.encode(s);
    return this.u32(raw.length).bytes(raw);
  }

  /** Writes `inner` prefixed by its length (sections, function bodies). */
  sized(inner: Writer | Uint8Array): this {
    const data = inner instanceof Writer ? inner.finish() : inner;
    return this.u32(data.length).bytes(data);
  }

  finish(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}
