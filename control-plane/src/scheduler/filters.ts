// Feasibility: each filter returns undefined when the node fits, else the reason in the words
// kube-scheduler uses, so that FailedScheduling reads "0/3 nodes are available: 3 Insufficient cpu.".

import { parseQuantity } from '@wasmkube/client';
import type { NodeState } from './node-state.js';
import type { Resources } from './requests.js';
import type { Node, NodeSelectorRequirement, Pod, Taint, Toleration } from './types.js';

export type Filter = (pod: Pod, req: Resources, node: NodeState) => string[] | undefined;

export const fitsResources: Filter = (_pod, req, node) => {
  const reasons: string[] = [];
  const alloc = node.allocatable;
  if (node.podCount + 1 > alloc.pods) reasons.push('Too many pods');
  if (req.cpu > 0 && node.requested.cpu + req.cpu > alloc.cpu + 1e-9) reasons.push('Insufficient cpu');
  if (req.memory > 0 && node.requested.memory + req.memory > alloc.memory) reasons.push('Insufficient memory');
  return reasons.length ? reasons : undefined;
};

export const unschedulable: Filter = (pod, _req, node) => {
  if (!node.node.spec?.unschedulable) return undefined;
  const tolerated = (pod.spec.tolerations ?? []).some((t) => tolerates(t, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }));
  return tolerated ? undefined : ['node(s) were unschedulable'];
};

export const nodeAffinity: Filter = (pod, _req, node) => {
  const labels = node.node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(pod.spec.nodeSelector ?? {})) {
    if (labels[k] !== v) return ["node(s) didn't match Pod's node affinity/selector"];
  }
  const terms = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms && terms.length > 0) {
    const fields = { 'metadata.name': node.node.metadata.name ?? '' };
    const ok = terms.some(
      (t) =>
        (t.matchExpressions ?? []).every((r) => matchRequirement(r, labels)) &&
        (t.matchFields ?? []).every((r) => matchRequirement(r, fields)) &&
        ((t.matchExpressions?.length ?? 0) > 0 || (t.matchFields?.length ?? 0) > 0),
    );
    if (!ok) return ["node(s) didn't match Pod's node affinity/selector"];
  }
  return undefined;
};

export const taintToleration: Filter = (pod, _req, node) => {
  for (const taint of effectiveTaints(node.node)) {
    if (taint.effect === 'PreferNoSchedule') continue;
    if (!(pod.spec.tolerations ?? []).some((t) => tolerates(t, taint))) {
      return [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`];
    }
  }
  return undefined;
};

export const FILTERS: Filter[] = [unschedulable, nodeAffinity, taintToleration, fitsResources];

/** The node's taints, plus the not-ready taint while its Ready condition is not True. */
export function effectiveTaints(node: Node): Taint[] {
  const taints = [...(node.spec?.taints ?? [])];
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  if (ready?.status !== 'True' && !taints.some((t) => t.key.startsWith('node.kubernetes.io/'))) {
    taints.push({ key: ready ? 'node.kubernetes.io/not-ready' : 'node.kubernetes.io/not-ready', effect: 'NoSchedule' });
  }
  return taints;
}

export function tolerates(t: Toleration, taint: Pick<Taint, 'key' | 'value' | 'effect'>): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.operator === 'Exists') return !t.key || t.key === taint.key;
  return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
}

function matchRequirement(r: NodeSelectorRequirement, labels: Record<string, string>): boolean {
  const v = labels[r.key];
  switch (r.operator) {
    case 'In':
      return v !== undefined && (r.values ?? []).includes(v);
    case 'NotIn':
      return v === undefined || !(r.values ?? []).includes(v);
    case 'Exists':
      return v !== undefined;
    case 'DoesNotExist':
      return v === undefined;
    case 'Gt':
    case 'Lt': {
      const n = Number(v);
      const bound = Number(r.values?.[0]);
      if (v === undefined || !Number.isFinite(n) || !Number.isFinite(bound)) return false;
      return r.operator === 'Gt' ? n > bound : n < bound;
    }
    default:
      return false;
  }
}

export function allocatableOf(node: Node): Resources & { pods: number } {
  const a = node.status?.allocatable ?? node.status?.capacity ?? {};
  return {
    cpu: parseQuantity(a.cpu) ?? 0,
    memory: parseQuantity(a.memory) ?? 0,
    pods: parseQuantity(a.pods) ?? 110,
  };
}
