// Server-side apply (application/apply-patch+yaml), simplified: the applied configuration is merged into the
// live object with strategic-merge semantics (maps merge, keyed lists merge by their merge key, other lists are
// replaced). Unlike real SSA there is NO field ownership: managedFields are neither tracked nor checked, so
// there are no conflicts (`force` changes nothing), and fields a manager stops applying are NOT removed.
// Nulls in the applied configuration are dropped (in SSA a null does not delete a field).
import { yamlParser } from '../yaml.js';
import { errors } from '../status.js';
import { clone, isObj, type Obj } from './json-value.js';
import { mergeMap } from './strategic.js';

function dropNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => x !== null).map(dropNulls);
  if (isObj(v)) {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) if (x !== null) Object.defineProperty(out, k, { value: dropNulls(x), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return v;
}

export function parseApplyBody(body: string): Obj {
  let v: unknown;
  try {
    // kubectl sends JSON; JSON is YAML 1.2, so one parser serves both.
    v = yamlParser().parse(body, { uniqueKeys: true, maxAliasCount: 100 });
  } catch (e) {
    throw errors.badRequest(`invalid apply patch: error decoding YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!isObj(v)) throw errors.badRequest('invalid apply patch: the applied configuration must be an object');
  if (typeof v.apiVersion !== 'string' || typeof v.kind !== 'string' || v.apiVersion === '' || v.kind === '') {
    throw errors.badRequest('invalid apply patch: the applied configuration must set apiVersion and kind');
  }
  return dropNulls(v) as Obj;
}

export function applyServerSideApply(current: Obj, applied: Obj, type: string | undefined): Obj {
  if (Object.keys(current).length === 0) return applied;
  const r = mergeMap(clone(current), applied, type);
  return isObj(r) ? r : {};
}
