// The taints the node lifecycle controller owns, and when a pod's tolerations let it stay on a
// node with NoExecute taints (Kubernetes' taint manager: evict at once without a matching
// toleration, after the shortest tolerationSeconds otherwise, never when none is bounded).

export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  timeAdded?: string;
}

export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

export const UNREACHABLE = 'node.kubernetes.io/unreachable';
export const NOT_READY = 'node.kubernetes.io/not-ready';
export const OWNED_KEYS = new Set([UNREACHABLE, NOT_READY]);

export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (!t.key) return t.operator === 'Exists';
  if (t.key !== taint.key) return false;
  if (t.operator === 'Exists') return true;
  return (t.value ?? '') === (taint.value ?? '');
}

/**
 * When a pod on a node with these NoExecute taints must go (ms since epoch): now when a taint is
 * not tolerated, undefined when every toleration is unbounded. `capSeconds` shortens every bound
 * (the controller's podEvictionTimeoutSeconds, for short test runs).
 */
export function evictionTime(tolerations: Toleration[], taints: Taint[], now: number, capSeconds?: number): number | undefined {
  let at: number | undefined;
  for (const taint of taints) {
    if (taint.effect !== 'NoExecute') continue;
    const matching = tolerations.filter((t) => tolerates(t, taint));
    if (matching.length === 0) return now;
    const bounded = matching.filter((t) => typeof t.tolerationSeconds === 'number');
    if (bounded.length < matching.length) continue; // an unbounded toleration: stays forever for this taint
    let secs = Math.min(...bounded.map((t) => Math.max(0, t.tolerationSeconds as number)));
    if (capSeconds !== undefined) secs = Math.min(secs, capSeconds);
    const since = Date.parse(taint.timeAdded ?? '') || now;
    const when = since + secs * 1000;
    at = at === undefined ? when : Math.min(at, when);
  }
  return at;
}
