// Per-kind rules applied around create and update, as kube-apiserver's registry strategies do
// (PrepareForCreate / PrepareForUpdate): status reset on create, status kept on main-resource
// updates, spec kept on status updates, pod QoS class, namespace finalizers.

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
    obj.status = { phase: 'Pending', qosClass: qosClass(obj) };
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

type ResourceList = Record<string, string> | undefined;

/** v1.PodQOSClass: Guaranteed when every container's cpu and memory requests equal limits, BestEffort when none set any. */
export function qosClass(pod: Obj): string {
  const spec = (pod.spec ?? {}) as Obj;
  const containers = [
    ...(Array.isArray(spec.containers) ? (spec.containers as Obj[]) : []),
    ...(Array.isArray(spec.initContainers) ? (spec.initContainers as Obj[]) : []),
  ];
  let any = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const res = (c.resources ?? {}) as { requests?: ResourceList; limits?: ResourceList };
    const limits = res.limits ?? {};
    const requests = { ...limits, ...(res.requests ?? {}) };
    for (const r of ['cpu', 'memory']) {
      if (requests[r] !== undefined || limits[r] !== undefined) any = true;
      if (limits[r] === undefined || requests[r] === undefined || !sameQuantity(requests[r], limits[r])) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

const SUFFIX: Record<string, number> = {
  '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, Pi: 1024 ** 5, Ei: 1024 ** 6,
};

export function parseQuantity(q: string | number): number | undefined {
  if (typeof q === 'number') return q;
  const m = String(q).trim().match(/^([+-]?[0-9.]+(?:[eE][+-]?\d+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/);
  if (!m) return undefined;
  return Number(m[1]) * SUFFIX[m[2] ?? ''];
}

function sameQuantity(a: string, b: string): boolean {
  const x = parseQuantity(a);
  const y = parseQuantity(b);
  return x !== undefined && y !== undefined && Math.abs(x - y) <= Math.abs(x) * 1e-9;
}
