// Per-node accounting the scheduler keeps from its informers plus the pods it has just bound
// ("assumed") but not yet seen come back through the watch.

import { allocatableOf } from './filters.js';
import { isTerminal, podRequests, type Resources } from './requests.js';
import type { Node, Pod } from './types.js';

export interface NodeState {
  node: Node;
  allocatable: Resources & { pods: number };
  requested: Resources;
  podCount: number;
  /** Pods per spreading key (owner uid) on this node. */
  owners: Map<string, number>;
}

export function ownerKey(pod: Pod): string | undefined {
  const ref = pod.metadata.ownerReferences?.find((o) => o.controller) ?? pod.metadata.ownerReferences?.[0];
  return ref?.uid;
}

export class ClusterState {
  private readonly nodes = new Map<string, NodeState>();
  /** pod key → node name, for every pod counted on a node. */
  private readonly placed = new Map<string, { node: string; req: Resources; owner?: string }>();

  setNode(node: Node): void {
    const name = node.metadata.name as string;
    const prev = this.nodes.get(name);
    this.nodes.set(name, {
      node,
      allocatable: allocatableOf(node),
      requested: prev?.requested ?? { cpu: 0, memory: 0 },
      podCount: prev?.podCount ?? 0,
      owners: prev?.owners ?? new Map(),
    });
  }

  deleteNode(name: string): void {
    this.nodes.delete(name);
  }

  list(): NodeState[] {
    return [...this.nodes.values()];
  }

  /** Count a pod on its node (bound, or assumed after our own bind). Idempotent. */
  place(key: string, pod: Pod, nodeName: string): void {
    if (isTerminal(pod)) return this.remove(key);
    // A terminating pod still holds its resources but no longer counts for spreading (as in
    // kube-scheduler's topology spreading), so its replacement may take its place.
    const owner = pod.metadata.deletionTimestamp ? undefined : ownerKey(pod);
    const existing = this.placed.get(key);
    if (existing?.node === nodeName && existing.owner === owner) return;
    if (existing) this.remove(key);
    const req = podRequests(pod);
    this.placed.set(key, { node: nodeName, req, owner });
    const n = this.nodes.get(nodeName);
    if (!n) return;
    n.requested.cpu += req.cpu;
    n.requested.memory += req.memory;
    n.podCount++;
    if (owner) n.owners.set(owner, (n.owners.get(owner) ?? 0) + 1);
  }

  remove(key: string): void {
    const p = this.placed.get(key);
    if (!p) return;
    this.placed.delete(key);
    const n = this.nodes.get(p.node);
    if (!n) return;
    n.requested.cpu -= p.req.cpu;
    n.requested.memory -= p.req.memory;
    n.podCount--;
    if (p.owner) {
      const c = (n.owners.get(p.owner) ?? 1) - 1;
      if (c <= 0) n.owners.delete(p.owner);
      else n.owners.set(p.owner, c);
    }
  }

  isPlaced(key: string): boolean {
    return this.placed.has(key);
  }
}
