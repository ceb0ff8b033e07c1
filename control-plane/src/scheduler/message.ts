// The FailedScheduling message as kube-scheduler words it:
//   "0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu."
// Reasons are counted over nodes and sorted by text.

export function unschedulableMessage(totalNodes: number, reasonsPerNode: string[][]): string {
  if (totalNodes === 0) return 'no nodes available to schedule pods';
  const counts = new Map<string, number>();
  for (const reasons of reasonsPerNode) for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  const parts = [...counts.entries()].map(([r, n]) => `${n} ${r}`).sort();
  return `0/${totalNodes} nodes are available: ${parts.join(', ')}.`;
}
