// Kubernetes strategic merge patch (application/strategic-merge-patch+json), following
// k8s.io/apimachinery/pkg/util/strategicpatch (patch.go: mergeMap, mergeSlice, normalizeElementOrder):
// * maps merge recursively; null deletes a key;
// * lists named in merge-keys.ts merge item by item on their merge key (lists of primitives with strategy
//   merge, e.g. finalizers, are unions); every other list is replaced whole;
// * directives: `$patch: replace|delete|merge` in a map, `{"$patch": "delete", <key>: v}` and
//   `{"$patch": "replace"}` as list items, `$deleteFromPrimitiveList/<f>`, `$setElementOrder/<f>`, `$retainKeys`.
// Field types come from the generated Kubernetes type table, so merge keys apply wherever a type appears
// (a PodSpec inside a Deployment template merges like a Pod's spec).
import { errors } from '../status.js';
import { fieldType, itemType } from '../openapi/catalog.js';
import type { FieldType } from '../openapi/types.js';
import { clone, get, isObj, set, type Obj } from './json-value.js';
import { PATCH_META, type PatchMeta } from './merge-keys.js';

const DELETED = Symbol('deleted');
type Result = unknown | typeof DELETED;

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM = '$deleteFromPrimitiveList/';
const SET_ORDER = '$setElementOrder/';

const bad = (msg: string) => errors.badRequest(`invalid strategic merge patch: ${msg}`);

// PATCH_META regrouped by type, so a lookup does not build a string per key.
const META_BY_TYPE = new Map<string, Map<string, PatchMeta>>();
for (const [k, meta] of Object.entries(PATCH_META)) {
  const dot = k.lastIndexOf('.');
  const t = k.slice(0, dot);
  if (!META_BY_TYPE.has(t)) META_BY_TYPE.set(t, new Map());
  META_BY_TYPE.get(t)!.set(k.slice(dot + 1), meta);
}

function metaFor(t: FieldType | undefined, field: string): PatchMeta | undefined {
  return typeof t === 'string' ? META_BY_TYPE.get(t)?.get(field) : undefined;
}

/**
 * Merges `patch` into `current` (not mutated). `type` is the definition id of the object's kind
 * (undefined: no schema known, so every list is replaced).
 */
export function applyStrategicMergePatch(current: Obj, patch: unknown, type: string | undefined): Obj {
  if (!isObj(patch)) throw bad('the patch must be a JSON object');
  const r = mergeMap(clone(current), patch, type);
  return r === DELETED ? {} : (r as Obj);
}

/** Merges `patch` into `original` (owned: mutated and returned). Returns DELETED for `$patch: delete`. */
export function mergeMap(original: Obj, patch: Obj, t: FieldType | undefined): Result {
  if (Object.hasOwn(patch, DIRECTIVE)) {
    const d = patch[DIRECTIVE];
    if (d === 'delete') return DELETED;
    if (d === 'replace') {
      const rest = { ...patch };
      delete rest[DIRECTIVE];
      return fresh(rest, t);
    }
    // Kubernetes rejects `$patch: merge` in a map; accepting it as the default it names is harmless.
    if (d !== 'merge') throw bad(`unknown patch type: ${JSON.stringify(d)} in map: ${JSON.stringify(patch)}`);
  }

  if (Object.hasOwn(patch, RETAIN_KEYS)) {
    const keep = patch[RETAIN_KEYS];
    if (!Array.isArray(keep) || keep.some((k) => typeof k !== 'string')) throw bad(`${RETAIN_KEYS} must be a list of strings`);
    const keepSet = new Set(keep as string[]);
    for (const k of Object.keys(patch)) {
      if (!k.startsWith('$') && patch[k] !== null && !keepSet.has(k)) throw bad(`${RETAIN_KEYS} does not list the patched field "${k}"`);
    }
    for (const k of Object.keys(original)) if (!keepSet.has(k)) delete original[k];
  }

  const orders: [string, unknown[], unknown[]][] = [];
  for (const k of Object.keys(patch)) {
    const pv = patch[k];
    if (k === DIRECTIVE || k === RETAIN_KEYS) continue;
    if (k.startsWith(DELETE_FROM)) {
      const f = k.slice(DELETE_FROM.length);
      if (!Array.isArray(pv)) throw bad(`${k} must be a list`);
      const ov = get(original, f);
      if (Array.isArray(ov)) set(original, f, ov.filter((x) => !pv.some((y) => y === x)));
      continue;
    }
    if (k.startsWith(SET_ORDER)) {
      const f = k.slice(SET_ORDER.length);
      if (!Array.isArray(pv)) throw bad(`${k} must be a list`);
      const ov = get(original, f);
      orders.push([f, pv, Array.isArray(ov) ? [...ov] : []]);
      continue;
    }
    if (k.startsWith('$')) throw bad(`unknown directive ${JSON.stringify(k)}`);

    if (pv === null) {
      delete original[k];
      continue;
    }
    const ft = fieldType(t, k);
    const meta = metaFor(t, k);
    const ov = get(original, k);
    let r: Result;
    if (isObj(ov) && isObj(pv)) {
      // `$patch: delete` on an existing map leaves an empty map (handleDirectiveInMergeMap returns {}).
      r = mergeMap(ov, pv, ft);
      if (r === DELETED) r = {};
    } else if (Array.isArray(ov) && Array.isArray(pv)) r = mergeList(ov, pv, ft, meta);
    else r = fresh(pv, ft, meta); // a directive-only value for an absent key adds nothing (removeDirectives)
    if (r === DELETED) delete original[k];
    else set(original, k, r);
  }

  for (const [f, order, serverOrder] of orders) {
    const list = get(original, f);
    if (!Array.isArray(list)) continue;
    const key = keyFn(metaFor(t, f)?.mergeKey);
    set(original, f, normalizeOrder(list, order, serverOrder, key));
  }
  return original;
}

/** A patch value with nothing to merge into: strip directives and nulls, as merging into nothing would. */
function fresh(pv: unknown, t: FieldType | undefined, meta?: PatchMeta): Result {
  if (isObj(pv)) return mergeMap({}, pv, t);
  if (Array.isArray(pv)) {
    if (meta?.strategy.startsWith('merge')) return mergeList([], pv, t, meta);
    const it = itemType(t);
    const out: unknown[] = [];
    for (const x of pv) {
      const r = fresh(x, it);
      if (r !== DELETED) out.push(r);
    }
    return out;
  }
  return pv;
}

const keyFn = (mergeKey: string | undefined) => (x: unknown) => (mergeKey === undefined ? x : isObj(x) ? get(x, mergeKey) : x);

function mergeList(original: unknown[], patch: unknown[], t: FieldType | undefined, meta: PatchMeta | undefined): unknown[] {
  if (!meta || !meta.strategy.startsWith('merge')) return fresh(patch, t) as unknown[];
  if (original.length === 0 && patch.length === 0) return original;
  const it = itemType(t);
  const maps = original.some(isObj) || patch.some(isObj);

  if (!maps) {
    // Primitive set: union, first occurrence wins, then ordered like the patch.
    const seen = new Set<unknown>();
    const merged = [...original, ...patch].filter((x) => (seen.has(x) ? false : (seen.add(x), true)));
    return normalizeOrder(merged, patch, original, keyFn(undefined));
  }

  const mk = meta.mergeKey;
  if (mk === undefined) throw bad('cannot merge lists of objects without a merge key');
  const items: Obj[] = [];
  let replace = false;
  let list = original;
  for (const p of patch) {
    if (!isObj(p)) throw bad(`list items must all be objects: ${JSON.stringify(p)}`);
    if (!Object.hasOwn(p, DIRECTIVE)) {
      items.push(p);
      continue;
    }
    const d = p[DIRECTIVE];
    if (d === 'delete') {
      if (!Object.hasOwn(p, mk)) throw bad(`map: ${JSON.stringify(p)} does not contain declared merge key: ${mk}`);
      list = list.filter((x) => !(isObj(x) && get(x, mk) === p[mk]));
    } else if (d === 'replace') {
      replace = true;
    } else if (d === 'merge') {
      throw bad('merging lists cannot yet be specified in the patch');
    } else {
      throw bad(`unknown patch type: ${JSON.stringify(d)} in map: ${JSON.stringify(p)}`);
    }
  }
  if (replace) return items.map((x) => fresh(x, it)).filter((x) => x !== DELETED);

  const serverOrder = [...list];
  const merged = [...list];
  for (const p of items) {
    if (!Object.hasOwn(p, mk)) throw bad(`map: ${JSON.stringify(p)} does not contain declared merge key: ${mk}`);
    const i = merged.findIndex((x) => isObj(x) && get(x, mk) === p[mk]);
    const r = i >= 0 ? mergeMap(merged[i] as Obj, p, it) : fresh(p, it);
    if (r === DELETED) {
      if (i >= 0) merged.splice(i, 1);
    } else if (i >= 0) merged[i] = r;
    else merged.push(r);
  }
  return normalizeOrder(merged, items, serverOrder, keyFn(mk));
}

/**
 * normalizeElementOrder from strategicpatch: items named in `order` come in that order; items only on the
 * server keep their server order; the two runs interleave by server position (patch items win ties/unknowns).
 */
function normalizeOrder(merged: unknown[], order: unknown[], serverOrder: unknown[], key: (x: unknown) => unknown): unknown[] {
  const pIndex = new Map<unknown, number>();
  order.forEach((x, i) => {
    const k = key(x);
    if (!pIndex.has(k)) pIndex.set(k, i);
  });
  const sIndex = new Map<unknown, number>();
  serverOrder.forEach((x, i) => {
    const k = key(x);
    if (!sIndex.has(k)) sIndex.set(k, i);
  });
  const patchItems: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const x of merged) (pIndex.has(key(x)) ? patchItems : serverOnly).push(x);
  const by = (idx: Map<unknown, number>) => (a: unknown, b: unknown) =>
    (idx.get(key(a)) ?? Number.MAX_SAFE_INTEGER) - (idx.get(key(b)) ?? Number.MAX_SAFE_INTEGER);
  patchItems.sort(by(pIndex));
  serverOnly.sort(by(sIndex));
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < patchItems.length) {
    if (j >= patchItems.length) out.push(serverOnly[i++]);
    else if (i >= serverOnly.length) out.push(patchItems[j++]);
    else {
      const li = sIndex.get(key(serverOnly[i]));
      const ri = sIndex.get(key(patchItems[j]));
      if (li !== undefined && ri !== undefined && li < ri) out.push(serverOnly[i++]);
      else out.push(patchItems[j++]);
    }
  }
  return out;
}
