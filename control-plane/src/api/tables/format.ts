// Small formatters the printers share, each a port of the Go helper it is named after, plus
// null-safe accessors for untyped JSON objects.

import type { Column, Obj } from './types.js';

export function obj(v: unknown): Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {};
}

export function arr(v: unknown): Obj[] {
  return Array.isArray(v) ? (v as Obj[]) : [];
}

export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

export const NAME_DESC =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';
export const AGE_DESC =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

/** Column definition with the JSON field set kube-apiserver always emits. */
export function col(name: string, type: string, description: string, priority = 0, format = ''): Column {
  return { name, type, format, description, priority };
}

export const nameCol = (): Column => col('Name', 'string', NAME_DESC, 0, 'name');
export const ageCol = (): Column => col('Age', 'string', AGE_DESC);

/** labels.FormatLabels: sorted `k=v` pairs, `<none>` when empty. */
export function formatLabels(m: unknown): string {
  const o = obj(m);
  const keys = Object.keys(o).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${str(o[k])}`).join(',');
}

/** labels.Selector.String() of metav1.LabelSelectorAsSelector; '' for nil/empty. */
export function labelSelectorString(sel: unknown): string {
  if (sel === null || typeof sel !== 'object') return '';
  const s = sel as Obj;
  const reqs: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(obj(s.matchLabels))) reqs.push([k, `${k}=${str(v)}`]);
  for (const e of arr(s.matchExpressions)) {
    const key = str(e.key);
    const values = (Array.isArray(e.values) ? (e.values as unknown[]).map(String) : []).sort();
    switch (e.operator) {
      case 'In':
        reqs.push([key, `${key} in (${values.join(',')})`]);
        break;
      case 'NotIn':
        reqs.push([key, `${key} notin (${values.join(',')})`]);
        break;
      case 'Exists':
        reqs.push([key, key]);
        break;
      case 'DoesNotExist':
        reqs.push([key, `!${key}`]);
        break;
    }
  }
  reqs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return reqs.map((r) => r[1]).join(',');
}

/** metav1.FormatLabelSelector: as above, with `<none>` for an empty result. */
export function formatLabelSelector(sel: unknown): string {
  const s = labelSelectorString(sel);
  return s === '' ? '<none>' : s;
}

/** layoutContainerCells: container names and images, comma-joined. */
export function containerCells(podSpec: unknown): [string, string] {
  const cs = arr(obj(podSpec).containers);
  return [cs.map((c) => str(c.name)).join(','), cs.map((c) => str(c.image)).join(',')];
}

/** The pod spec inside a workload's template. */
export function templateSpec(o: Obj): Obj {
  return obj(obj(obj(o.spec).template).spec);
}
