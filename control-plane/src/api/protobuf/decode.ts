// Decoding `application/vnd.kubernetes.protobuf` request bodies: the "k8s\0" envelope holding a
// runtime.Unknown (TypeMeta + raw bytes), then the object by its schema. Zero values are dropped
// (Kubernetes marshals every non-pointer field, JSON omits the empty ones).

import { int, msg, readFields, str, WireError } from './wire.js';
import type { Field } from './wire.js';
import { KINDS, UNKNOWN } from './schemas.js';
import type { FieldSpec, Schema } from './schemas.js';

type Obj = Record<string, unknown>;

const MAGIC = [0x6b, 0x38, 0x73, 0x00];

/** Thrown for anything this decoder does not know; the caller answers 415 with advice. */
export class UnsupportedProtobuf extends Error {}

export function decodeKubernetesProtobuf(body: Uint8Array): Obj {
  if (body.length < 4 || MAGIC.some((b, i) => body[i] !== b)) throw new UnsupportedProtobuf('missing the k8s protobuf envelope');
  try {
    const unknown = decodeMessage(readFields(body.subarray(4)), UNKNOWN, true);
    const tm = (unknown.typeMeta ?? {}) as Obj;
    const apiVersion = String(tm.apiVersion ?? '');
    const kind = String(tm.kind ?? '');
    const schema = KINDS[`${apiVersion}/${kind}`];
    if (!schema) throw new UnsupportedProtobuf(`protobuf bodies of ${kind || 'this kind'} (${apiVersion}) are not decoded`);
    if (unknown.contentEncoding) throw new UnsupportedProtobuf(`content encoding ${String(unknown.contentEncoding)}`);
    const raw = (unknown.raw as Uint8Array | undefined) ?? new Uint8Array();
    return { apiVersion, kind, ...decodeMessage(readFields(raw), schema, false) };
  } catch (e) {
    if (e instanceof WireError) throw new UnsupportedProtobuf(`malformed protobuf: ${e.message}`);
    throw e;
  }
}

function decodeMessage(fields: Field[], schema: Schema, rawBytes: boolean): Obj {
  const out: Obj = {};
  for (const f of fields) {
    const spec = schema[f.no];
    if (!spec) {
      // Kubernetes marshals every non-pointer field; an unknown one holding its zero value means "unset".
      if ((f.wire === 0 && f.int === 0) || (f.wire === 2 && f.bytes?.length === 0)) continue;
      throw new UnsupportedProtobuf(`field ${f.no} is not understood`);
    }
    if (spec.type === 'ignore') continue;
    if (typeof spec.type === 'string' && spec.type.startsWith('map<')) {
      const m = (out[spec.name] ??= {}) as Obj;
      const entry = readFields(f.bytes ?? new Uint8Array());
      let k = '';
      let v: unknown = spec.type === 'map<string,string>' ? '' : spec.type === 'map<string,bytes>' ? '' : '0';
      for (const e of entry) {
        if (e.no === 1) k = str(e);
        else if (e.no === 2) {
          if (spec.type === 'map<string,string>') v = str(e);
          else if (spec.type === 'map<string,bytes>') v = Buffer.from(e.bytes ?? []).toString('base64');
          else v = quantity(e);
        }
      }
      m[k] = v;
      continue;
    }
    const value = scalar(f, spec, rawBytes);
    if (spec.repeated) ((out[spec.name] ??= []) as unknown[]).push(value);
    else if (value !== undefined) out[spec.name] = value;
    else delete out[spec.name];
  }
  return out;
}

function scalar(f: Field, spec: FieldSpec, rawBytes: boolean): unknown {
  const keep = spec.keepZero || spec.repeated;
  switch (spec.type) {
    case 'string': {
      const v = str(f);
      return v === '' && !keep ? undefined : v;
    }
    case 'int': {
      const v = int(f);
      return v === 0 && !keep ? undefined : v;
    }
    case 'bool': {
      const v = int(f) !== 0;
      return !v && !keep ? undefined : v;
    }
    case 'bytes':
      return rawBytes ? (f.bytes ?? new Uint8Array()) : Buffer.from(f.bytes ?? []).toString('base64');
    case 'time': {
      const t = decodeMessage(msg(f), { 1: { name: 'seconds', type: 'int' }, 2: { name: 'nanos', type: 'int' } }, false);
      const secs = Number(t.seconds ?? 0);
      return secs === 0 ? undefined : new Date(secs * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    }
    case 'quantity':
      return quantity(f);
    case 'intOrString': {
      const v = decodeMessage(msg(f), { 1: { name: 'type', type: 'int' }, 2: { name: 'intVal', type: 'int', keepZero: true }, 3: { name: 'strVal', type: 'string' } }, false);
      return v.type === 1 ? (v.strVal ?? '') : (v.intVal ?? 0);
    }
    default:
      if (typeof spec.type === 'object') return decodeMessage(msg(f), spec.type, false);
      throw new UnsupportedProtobuf(`field type ${String(spec.type)}`);
  }
}

function quantity(f: Field): string {
  const q = readFields(f.bytes ?? new Uint8Array()).find((e) => e.no === 1);
  return q ? str(q) : '0';
}
