// On-disk layout of the LevelDB store. Three key spaces, chosen so that each is one contiguous
// range in LevelDB's bytewise order:
//
//   d<key>              current value of <key>:   {"c":createRevision,"m":modRevision,"v":value}
//   e<rev, 16 digits>   the event that wrote rev: {"t":"A"|"M"|"D","k":key,"c":..,"m":rev,"v":value,
//                                                  "pm":prevModRevision,"pv":prevValue (M only)}
//   m:revision          revision of the last write (written in every batch)
//   m:compacted         events with rev <= this have been deleted
//
// A write puts its data record, its event record and m:revision in ONE batch, so the revision on
// disk always agrees with the data and the event history has no gaps.

import type { JsonObject, KeyValue, WatchEvent, WatchEventType } from './store.js';

export const DATA_PREFIX = 'd';
export const DATA_END = 'e';
export const EVENT_PREFIX = 'e';
export const EVENT_END = 'f';
export const META_REVISION = 'm:revision';
export const META_COMPACTED = 'm:compacted';

export function dataKey(key: string): string {
  return DATA_PREFIX + key;
}

/** Zero-padded so that bytewise key order is revision order. */
export function eventKey(revision: number): string {
  return EVENT_PREFIX + String(revision).padStart(16, '0');
}

export function revisionOfEventKey(k: string): number {
  return Number(k.slice(EVENT_PREFIX.length));
}

/** Values are deeply frozen: the store hands the same object to every reader and watcher. */
export function deepFreeze<T>(o: T): T {
  if (o !== null && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    // for-in, not Object.values: no array per object (every stored value passes through here).
    const r = o as Record<string, unknown>;
    for (const k in r) {
      const v = r[k];
      if (v !== null && typeof v === 'object') deepFreeze(v);
    }
  }
  return o;
}

/**
 * Freezes `v` in place when it is exactly what JSON.parse(JSON.stringify(v)) would give (plain
 * objects and arrays, finite numbers, strings, booleans, null; no undefined, no holes, no toJSON):
 * then the store can keep it as the value it serves. False (possibly part-frozen) otherwise; the
 * caller then falls back to parsing the JSON. Frozen subtrees are store values already.
 */
export function freezeIfPlainJson(v: unknown): boolean {
  if (v === null) return true;
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(v) && !Object.is(v, -0);
    case 'object':
      break;
    default:
      return false; // undefined, function, symbol, bigint
  }
  if (Object.isFrozen(v)) return true;
  if (Array.isArray(v)) {
    if (Object.getPrototypeOf(v) !== Array.prototype) return false;
    for (let i = 0; i < v.length; i++) if (!(i in v) || !freezeIfPlainJson(v[i])) return false;
  } else {
    const proto = Object.getPrototypeOf(v);
    if ((proto !== Object.prototype && proto !== null) || 'toJSON' in (v as object)) return false;
    const o = v as Record<string, unknown>;
    for (const k in o) if (!freezeIfPlainJson(o[k])) return false;
  }
  Object.freeze(v);
  return true;
}

/** Parses a JSON text we wrote ourselves into a frozen object. */
export function frozenValue(json: string): JsonObject {
  return deepFreeze(JSON.parse(json) as JsonObject);
}

export function kv(key: string, value: JsonObject, createRevision: number, modRevision: number): KeyValue {
  return Object.freeze({ key, value, createRevision, modRevision });
}

export function encodeData(createRevision: number, modRevision: number, valueJson: string): string {
  return `{"c":${createRevision},"m":${modRevision},"v":${valueJson}}`;
}

export function decodeData(key: string, text: string): KeyValue {
  const r = JSON.parse(text) as { c: number; m: number; v: JsonObject };
  return kv(key, deepFreeze(r.v), r.c, r.m);
}

const TYPE_CODE: Record<WatchEventType, string> = { ADDED: 'A', MODIFIED: 'M', DELETED: 'D' };

/**
 * valueJson: for ADDED/MODIFIED the new value, for DELETED the last value.
 * prevValueJson: MODIFIED only (for DELETED the previous value is the last value).
 */
export function encodeEvent(
  type: WatchEventType,
  key: string,
  createRevision: number,
  modRevision: number,
  valueJson: string,
  prevModRevision?: number,
  prevValueJson?: string,
): string {
  let s = `{"t":"${TYPE_CODE[type]}","k":${JSON.stringify(key)},"c":${createRevision},"m":${modRevision},"v":${valueJson}`;
  if (prevModRevision !== undefined) s += `,"pm":${prevModRevision}`;
  if (prevValueJson !== undefined) s += `,"pv":${prevValueJson}`;
  return s + '}';
}

export function decodeEvent(text: string): WatchEvent {
  const r = JSON.parse(text) as {
    t: 'A' | 'M' | 'D';
    k: string;
    c: number;
    m: number;
    v: JsonObject;
    pm?: number;
    pv?: JsonObject;
  };
  const value = deepFreeze(r.v);
  const current = kv(r.k, value, r.c, r.m);
  switch (r.t) {
    case 'A':
      return { type: 'ADDED', kv: current };
    case 'M':
      return { type: 'MODIFIED', kv: current, prev: kv(r.k, deepFreeze(r.pv ?? {}), r.c, r.pm ?? 0) };
    case 'D':
      return { type: 'DELETED', kv: current, prev: kv(r.k, value, r.c, r.pm ?? 0) };
  }
}
