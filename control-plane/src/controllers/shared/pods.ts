// Pod facts every workload controller needs.

import type { KubeObject, OwnerReference } from '@wasmkube/client';

export interface PodLike extends KubeObject {
  spec?: { nodeName?: string; [k: string]: unknown };
  status?: {
    phase?: string;
    conditions?: { type: string; status: string; lastTransitionTime?: string }[];
    containerStatuses?: { restartCount?: number }[];
    startTime?: string;
  };
}

/** Not finished and not being deleted: counts towards replicas. */
export function isActive(pod: PodLike): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

export function isReady(pod: PodLike): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** Ready for at least minReadySeconds. */
export function isAvailable(pod: PodLike, minReadySeconds: number, now = Date.now()): boolean {
  if (!isReady(pod)) return false;
  if (minReadySeconds <= 0) return true;
  const c = pod.status?.conditions?.find((x) => x.type === 'Ready');
  const since = c?.lastTransitionTime ? Date.parse(c.lastTransitionTime) : now;
  return now - since >= minReadySeconds * 1000;
}

export function controllerRef(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((o) => o.controller);
}

/**
 * Order in which to delete surplus pods, as Kubernetes' ActivePods ranking does:
 * unassigned before assigned, Pending before Unknown before Running, not ready before ready,
 * more restarts before fewer, newer before older.
 */
export function deletionOrder(a: PodLike, b: PodLike): number {
  const assigned = (p: PodLike) => (p.spec?.nodeName ? 1 : 0);
  if (assigned(a) !== assigned(b)) return assigned(a) - assigned(b);
  const phaseRank = (p: PodLike) => ({ Pending: 0, Unknown: 1, Running: 2 })[p.status?.phase ?? 'Pending'] ?? 0;
  if (phaseRank(a) !== phaseRank(b)) return phaseRank(a) - phaseRank(b);
  if (isReady(a) !== isReady(b)) return isReady(a) ? 1 : -1;
  const restarts = (p: PodLike) => (p.status?.containerStatuses ?? []).reduce((s, c) => s + (c.restartCount ?? 0), 0);
  if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
  const created = (p: PodLike) => Date.parse(p.metadata.creationTimestamp ?? '') || 0;
  return created(b) - created(a);
}
