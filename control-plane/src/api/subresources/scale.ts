// The autoscaling/v1 Scale subresource of replicationcontrollers, replicasets and deployments.
// GET builds a Scale from the object; PUT/PATCH change spec.replicas through the normal update path
// (so generation, validation and resourceVersion rules apply).

import type { ResourceInfo } from '../resources.js';
import type { ObjectService, WriteOptions } from '../objects.js';
import { checkTypeMeta } from '../objects.js';
import type { Obj } from '../metadata.js';
import { meta, qualifiedResource } from '../metadata.js';
import { errors } from '../status.js';

const SCALE_INFO: ResourceInfo = {
  group: 'autoscaling', version: 'v1', kind: 'Scale', listKind: 'ScaleList', plural: 'scale', singular: 'scale',
  namespaced: true, shortNames: [], categories: [], subresources: [], verbs: ['get', 'patch', 'update'],
};

/** metav1.LabelSelector (or an RC's map) in its string form, as Scale.status.selector carries it. */
export function selectorString(sel: unknown): string {
  if (!sel || typeof sel !== 'object') return '';
  const s = sel as Obj;
  if (!('matchLabels' in s) && !('matchExpressions' in s)) {
    return Object.entries(s).map(([k, v]) => `${k}=${String(v)}`).join(',');
  }
  const parts = Object.entries((s.matchLabels ?? {}) as Obj).map(([k, v]) => `${k}=${String(v)}`);
  for (const e of (s.matchExpressions ?? []) as Obj[]) {
    const values = ((e.values ?? []) as string[]).join(',');
    switch (e.operator) {
      case 'In': parts.push(`${String(e.key)} in (${values})`); break;
      case 'NotIn': parts.push(`${String(e.key)} notin (${values})`); break;
      case 'Exists': parts.push(String(e.key)); break;
      case 'DoesNotExist': parts.push(`!${String(e.key)}`); break;
    }
  }
  return parts.join(',');
}

export function toScale(obj: Obj): Obj {
  const md = meta(obj);
  const spec = (obj.spec ?? {}) as Obj;
  const status = (obj.status ?? {}) as Obj;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: md.name, namespace: md.namespace, uid: md.uid, resourceVersion: md.resourceVersion, creationTimestamp: md.creationTimestamp,
    },
    spec: { replicas: typeof spec.replicas === 'number' ? spec.replicas : 1 },
    status: { replicas: typeof status.replicas === 'number' ? status.replicas : 0, selector: selectorString(spec.selector) },
  };
}

export async function getScale(svc: ObjectService, info: ResourceInfo, ns: string, name: string): Promise<Obj> {
  return toScale(await svc.get(info, ns, name));
}

/** Apply a new Scale (after PUT decoding or PATCH application) to the object. */
async function writeScale(svc: ObjectService, info: ResourceInfo, ns: string, name: string, scale: Obj, current: Obj, opts: WriteOptions): Promise<Obj> {
  if (scale.kind !== undefined && scale.kind !== 'Scale') throw errors.badRequest(`${String(scale.kind)} in version "v1" cannot be handled as a Scale`);
  checkTypeMeta(SCALE_INFO, scale);
  const md = meta(scale);
  if (md.name !== undefined && md.name !== name) throw errors.badRequest(`the name of the object (${String(md.name)}) does not match the name on the URL (${name})`);
  const replicas = (scale.spec as Obj | undefined)?.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw errors.invalid('Scale', name, [{ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`, field: 'spec.replicas' }], 'autoscaling');
  }
  const rv = md.resourceVersion;
  if (rv !== undefined && rv !== '' && String(rv) !== String(meta(current).resourceVersion)) throw errors.conflict(qualifiedResource(info), name);
  const next = structuredClone(current);
  next.spec = { ...((next.spec as Obj | undefined) ?? {}), replicas };
  const res = await svc.update(info, ns, name, next, { ...opts, fieldValidation: 'Ignore' });
  return toScale(res.body);
}

export async function putScale(svc: ObjectService, info: ResourceInfo, ns: string, name: string, body: Obj, opts: WriteOptions): Promise<Obj> {
  const current = await svc.get(info, ns, name);
  return writeScale(svc, info, ns, name, body, current, opts);
}

export async function patchScale(svc: ObjectService, info: ResourceInfo, ns: string, name: string, contentType: string, patch: string, opts: WriteOptions): Promise<Obj> {
  const current = await svc.get(info, ns, name);
  const patched = svc.modules.applyPatch(contentType, toScale(current), patch, SCALE_INFO) as Obj;
  return writeScale(svc, info, ns, name, patched, current, opts);
}
