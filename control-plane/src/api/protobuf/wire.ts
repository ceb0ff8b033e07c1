// The protobuf wire format, read only: enough to walk the messages kubectl's typed clients send.

export interface Field {
  no: number;
  /** 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32 */
  wire: number;
  /** varint value (as a number; Kubernetes' int32/int64 fields fit) */
  int?: number;
  bytes?: Uint8Array;
}

export class WireError extends Error {}

export function readFields(buf: Uint8Array): Field[] {
  const out: Field[] = [];
  let i = 0;
  const varint = (): number => {
    let result = 0;
    let mul = 1;
    for (let n = 0; n < 10; n++) {
      if (i >= buf.length) throw new WireError('truncated varint');
      const b = buf[i++];
      result += (b & 0x7f) * mul;
      mul *= 128;
      if ((b & 0x80) === 0) return result;
    }
    throw new WireError('varint too long');
  };
  while (i < buf.length) {
    const key = varint();
    const no = Math.floor(key / 8);
    const wire = key & 7;
    if (no === 0) throw new WireError('field number 0');
    if (wire === 0) out.push({ no, wire, int: varint() });
    else if (wire === 2) {
      const len = varint();
      if (i + len > buf.length) throw new WireError('truncated field');
      out.push({ no, wire, bytes: buf.subarray(i, i + len) });
      i += len;
    } else if (wire === 1) {
      if (i + 8 > buf.length) throw new WireError('truncated fixed64');
      i += 8;
      out.push({ no, wire });
    } else if (wire === 5) {
      if (i + 4 > buf.length) throw new WireError('truncated fixed32');
      i += 4;
      out.push({ no, wire });
    } else throw new WireError(`unsupported wire type ${wire}`);
  }
  return out;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function str(f: Field): string {
  if (f.wire !== 2 || !f.bytes) throw new WireError(`field ${f.no}: expected a string`);
  return utf8.decode(f.bytes);
}

export function int(f: Field): number {
  if (f.wire !== 0 || f.int === undefined) throw new WireError(`field ${f.no}: expected a varint`);
  // int64/int32 negatives arrive as 10-byte two's complement; Kubernetes fields here are non-negative.
  return f.int;
}

export function msg(f: Field): Field[] {
  if (f.wire !== 2 || !f.bytes) throw new WireError(`field ${f.no}: expected a message`);
  return readFields(f.bytes);
}
