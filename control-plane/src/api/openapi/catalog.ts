// Lookups in the generated type table: which definition a kind's objects follow, and what type a field has.
// Shared by the OpenAPI documents, the unknown-field check and strategic merge patch.
import type { ResourceInfo } from '../resources.js';
import { K8S_TYPES } from './k8s-types.generated.js';
import type { FieldType, TypeDef } from './types.js';

export { K8S_TYPES };

const byGvk = new Map<string, string>();
for (const [id, def] of Object.entries(K8S_TYPES)) {
  if (def.gvk) byGvk.set(def.gvk.join('/'), id);
}

/** Definition id ("core.v1.Pod") of a served kind, or undefined when we have no schema for it. */
export function kindDefinition(info: Pick<ResourceInfo, 'group' | 'version' | 'kind'>): string | undefined {
  return byGvk.get(`${info.group}/${info.version}/${info.kind}`);
}

export function definition(id: string): TypeDef | undefined {
  return K8S_TYPES[id];
}

/** Type of `field` inside a value of type `t`, or undefined if `t` has no such field. */
export function fieldType(t: FieldType | undefined, field: string): FieldType | undefined {
  if (t === undefined) return undefined;
  if (typeof t === 'string') return K8S_TYPES[t]?.f[field]?.[0];
  return t[0] === 'm' ? t[1] : undefined;
}

/** Type of the items of a list of type `t`. */
export function itemType(t: FieldType | undefined): FieldType | undefined {
  return t !== undefined && typeof t !== 'string' && t[0] === 'a' ? t[1] : undefined;
}

/** The OpenAPI component name Kubernetes uses for a definition id. */
export function schemaName(id: string): string {
  return id.startsWith('meta.') ? `io.k8s.apimachinery.pkg.apis.${id}` : `io.k8s.api.${id}`;
}
