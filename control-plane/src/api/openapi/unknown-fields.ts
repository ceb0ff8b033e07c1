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
  if (id) walk(id, obj, undefined, out);
  return out;
}

/**
 * A path is only spelled out when a field turns out unknown: the walk visits every field of every
 * write, and building a string per field made it one of the API's larger allocators.
 */
interface Path {
  parent: Path | undefined;
  /** A field name, or an array index. */
  step: string | number;
}

function spell(p: Path | undefined): string {
  if (!p) return '';
  const head = spell(p.parent);
  if (typeof p.step === 'number') return `${head}[${p.step}]`;
  return head ? `${head}.${p.step}` : p.step;
}

function walk(t: FieldType, v: unknown, path: Path | undefined, out: string[]): void {
  if (v === null || typeof v !== 'object') return;
  if (typeof t !== 'string') {
    if (t[0] === 'a') {
      if (Array.isArray(v)) {
        const item = t[1];
        // Arrays of scalars need no visit at all.
        if (typeof item === 'string' && !K8S_TYPES[item]) return;
        for (let i = 0; i < v.length; i++) walk(item, v[i], { parent: path, step: i }, out);
      }
    } else if (!Array.isArray(v)) {
      const item = t[1];
      if (typeof item === 'string' && !K8S_TYPES[item]) return;
      const o = v as Record<string, unknown>;
      for (const k in o) walk(item, o[k], { parent: path, step: k }, out);
    }
    return;
  }
  const def = K8S_TYPES[t];
  if (!def || Array.isArray(v)) return; // scalar types, `any`, or a type error (not this check's business)
  const o = v as Record<string, unknown>;
  for (const k in o) {
    const f = Object.hasOwn(def.f, k) ? def.f[k] : undefined;
    if (!f) out.push(spell({ parent: path, step: k }));
    else {
      const x = o[k];
      if (x !== null && typeof x === 'object') walk(f[0], x, { parent: path, step: k }, out);
    }
  }
}
