// The arithmetic of a rolling update, as in Kubernetes' deployment util: how far the new
// ReplicaSet may grow (maxSurge, rounded up) and how far old ones may shrink (maxUnavailable,
// rounded down), never both zero.

export type IntOrPercent = number | string | undefined;

/** intstr.GetScaledValueFromIntOrPercent. */
export function scaled(v: IntOrPercent, total: number, roundUp: boolean, dflt: string): number {
  const x = v ?? dflt;
  if (typeof x === 'number') return x;
  const m = /^(\d+)%$/.exec(x);
  if (!m) return Number.parseInt(x, 10) || 0;
  const raw = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(raw) : Math.floor(raw);
}

/** ResolveFenceposts: (maxSurge, maxUnavailable) for `replicas`; unavailable becomes 1 when both are 0. */
export function fenceposts(surge: IntOrPercent, unavailable: IntOrPercent, replicas: number): { maxSurge: number; maxUnavailable: number } {
  const maxSurge = scaled(surge, replicas, true, '25%');
  let maxUnavailable = scaled(unavailable, replicas, false, '25%');
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}

export interface RsCounts {
  /** spec.replicas */
  replicas: number;
  /** status.availableReplicas */
  available: number;
}

/** NewRSNewReplicas for RollingUpdate: the new RS's target size given every RS's current size. */
export function newRsReplicas(desired: number, maxSurge: number, newRs: RsCounts, all: RsCounts[]): number {
  const current = all.reduce((s, r) => s + r.replicas, 0);
  const maxTotal = desired + maxSurge;
  if (current >= maxTotal) return newRs.replicas;
  const up = Math.min(maxTotal - current, desired - newRs.replicas);
  return newRs.replicas + Math.max(0, up);
}

/**
 * How many old pods may go now (reconcileOldReplicaSets): keep at least desired - maxUnavailable
 * available, counting the new RS's not-yet-available pods as unavailable.
 */
export function oldScaleDownBudget(desired: number, maxUnavailable: number, newRs: RsCounts, all: RsCounts[]): { unhealthyBudget: number; availableBudget: number } {
  const allPods = all.reduce((s, r) => s + r.replicas, 0);
  const minAvailable = desired - maxUnavailable;
  const newUnavailable = newRs.replicas - newRs.available;
  const unhealthyBudget = allPods - minAvailable - newUnavailable;
  const availableNow = all.reduce((s, r) => s + r.available, 0);
  return { unhealthyBudget, availableBudget: availableNow - minAvailable };
}
