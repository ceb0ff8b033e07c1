// RFC 7386 JSON merge patch: objects merge recursively, null deletes a key, anything else replaces.
import { errors } from '../status.js';
import { clone, get, isObj, set, type Obj } from './json-value.js';

export function applyMergePatch(current: Obj, patch: unknown): Obj {
  if (!isObj(patch)) throw errors.badRequest('invalid merge patch: the patch must be a JSON object');
  return merge(clone(current), patch) as Obj;
}

/** Merges `patch` into `target` (owned, mutated). */
function merge(target: unknown, patch: unknown): unknown {
  if (!isObj(patch)) return patch;
  const t: Obj = isObj(target) ? target : {};
  for (const k of Object.keys(patch)) {
    const pv = patch[k];
    if (pv === null) delete t[k];
    else set(t, k, merge(get(t, k), pv));
  }
  return t;
}
