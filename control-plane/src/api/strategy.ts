// Per-kind rules applied around create and update, as kube-apiserver's registry strategies do
// (PrepareForCreate / PrepareForUpdate): status reset on create, status kept on main-resource
// updates, spec kept on status updates, namespace finalizers.

import type { ResourceInfo } from './resources.js';
import type { Obj } from './metadata.js';
import { meta } from './metadata.js';

export function hasStatusSubresource(info: ResourceInfo): boolean {
  return info.subresources.includes('status');
}

/** Kinds whose status a client cannot set on create (a controller owns it). Nodes keep theirs: kubelet registers with status. */
const RESET_STATUS_ON_CREATE = new Set(['Deployment', 'ReplicaSet', 'ReplicationController', 'DaemonSet', 'Job']);

export function prepareForCreate(info: ResourceInfo, obj: Obj): void {
  if (info.kind === 'Pod') {
    // qosClass is filled in by the pod defaulting (validation module) right after this.
    obj.status = { phase: 'Pending' };
  } else if (info.kind === 'Namespace') {
    const spec = (obj.spec ?? {}) as Obj;
    const fins = Array.isArray(spec.finalizers) ? (spec.finalizers as string[]) : [];
    if (!fins.includes('kubernetes')) fins.push('kubernetes');
    spec.finalizers = fins;
    obj.spec = spec;
    obj.status = { phase: 'Active' };
    const labels = (meta(obj).labels ?? {}) as Record<string, string>;
    labels['kubernetes.io/metadata.name'] = String(meta(obj).name);
    meta(obj).labels = labels;
  } else if (info.kind === 'Service') {
    obj.status = { loadBalancer: {} };
  } else if (RESET_STATUS_ON_CREATE.has(info.kind)) {
    obj.status = {};
  }
}

/** Main-resource update: for kinds with a status subresource, .status changes are ignored. */
export function prepareForUpdate(info: ResourceInfo, obj: Obj, old: Obj): void {
  if (hasStatusSubresource(info)) {
    if (old.status === undefined) delete obj.status;
    else obj.status = structuredClone(old.status);
  }
  if (info.kind === 'Namespace') {
    // spec.finalizers only change through the finalize subresource.
    obj.spec = structuredClone(old.spec ?? {});
    const labels = (meta(obj).labels ?? {}) as Record<string, string>;
    labels['kubernetes.io/metadata.name'] = String(meta(obj).name);
    meta(obj).labels = labels;
  }
}

/** Status update: only .status changes; everything else (spec, labels…) comes from the stored object. */
export function prepareForStatusUpdate(_info: ResourceInfo, obj: Obj, old: Obj): Obj {
  const next = structuredClone(old);
  if (obj.status === undefined) delete next.status;
  else next.status = obj.status;
  return next;
}
