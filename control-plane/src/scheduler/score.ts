// Ranking of feasible nodes: first spread the pods of one owner across nodes (the default
// topology spreading), then prefer the least allocated node; ties break by name for determinism.

import { ownerKey, type NodeState } from './node-state.js';
import type { Resources } from './requests.js';
import type { Pod } from './types.js';

export function pickNode(pod: Pod, req: Resources, feasible: NodeState[]): NodeState | undefined {
  const owner = ownerKey(pod);
  let best: NodeState | undefined;
  let bestSpread = Infinity;
  let bestFree = -Infinity;
  for (const n of feasible) {
    const spread = owner ? (n.owners.get(owner) ?? 0) : 0;
    const free = freeFraction(n, req);
    const better =
      spread < bestSpread ||
      (spread === bestSpread && free > bestFree + 1e-12) ||
      (spread === bestSpread && Math.abs(free - bestFree) <= 1e-12 && best !== undefined && (n.node.metadata.name as string) < (best.node.metadata.name as string));
    if (!best || better) {
      best = n;
      bestSpread = spread;
      bestFree = free;
    }
  }
  return best;
}

/** Mean of the cpu and memory fractions left after placing the pod (LeastAllocated). */
function freeFraction(n: NodeState, req: Resources): number {
  const a = n.allocatable;
  const cpu = a.cpu > 0 ? (a.cpu - n.requested.cpu - req.cpu) / a.cpu : 0;
  const mem = a.memory > 0 ? (a.memory - n.requested.memory - req.memory) / a.memory : 0;
  const pods = a.pods > 0 ? (a.pods - n.podCount - 1) / a.pods : 0;
  return (cpu + mem + pods) / 3;
}
