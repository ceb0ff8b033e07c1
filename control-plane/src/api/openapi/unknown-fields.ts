// Unknown-field detection for fieldValidation=Strict (the server answers 400
// `strict decoding error: unknown field "spec.containers[0].imagee"`). Walks the object alongside the kind's
// schema; map values, `any` subtrees (RawExtension) and kinds without a schema are not checked.
import type { ResourceInfo } from '../resources.js';
import { K8S_TYPES, kindDefinition } from './catalog.js';
import type { FieldType } from './types.js';

/** JSON paths (Kubernetes style: `spec.containers[0].imagee`) of fields the kind's schema does not know. */
export function unknownFields(info: Pick<ResourceInfo, 'group' | 'version' | 'kind'>, obj: object): string[] {
  const id = kindDefinition(info);
  const out: string[] = [];
  if (id) walk(id, obj, '', out);
  return out;
}

function walk(t: FieldType, v: unknown, path: string, out: string[]): void {
  if (v === null || typeof v !== 'object') return;
  if (typeof t !== 'string') {
    if (t[0] === 'a') {
      if (Array.isArray(v)) for (let i = 0; i < v.length; i++) walk(t[1], v[i], `${path}[${i}]`, out);
    } else if (!Array.isArray(v)) {
      for (const [k, x] of Object.entries(v)) walk(t[1], x, path ? `${path}.${k}` : k, out);
    }
    return;
  }
  const def = K8S_TYPES[t];
  if (!def || Array.isArray(v)) return; // scalar types, `any`, or a type error (not this check's business)
  for (const [k, x] of Object.entries(v)) {
    const p = path ? `${path}.${k}` : k;
    const f = def.f[k];
    if (!f) out.push(p);
    else walk(f[0], x, p, out);
  }
}
