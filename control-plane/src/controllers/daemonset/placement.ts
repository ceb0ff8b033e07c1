// Which nodes a DaemonSet's pod belongs on: the node selector and required node affinity of the
// template, and the node's NoSchedule/NoExecute taints against the pod's tolerations plus the
// ones every daemon pod gets (as the DaemonSet controller adds them in Kubernetes).

import type { KubeObject } from '@wasmkube/client';

export interface NodeLike extends KubeObject {
  spec?: { unschedulable?: boolean; taints?: { key: string; value?: string; effect: string }[] };
}

interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

export const DAEMON_TOLERATIONS: Toleration[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];

export function nodeShouldRunDaemonPod(node: NodeLike, podSpec: Record<string, any>): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries((podSpec.nodeSelector ?? {}) as Record<string, string>)) if (labels[k] !== v) return false;
  const terms = podSpec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms as any[] | undefined;
  if (terms?.length) {
    const ok = terms.some((t) =>
      (t.matchExpressions ?? []).every((r: any) => {
        const v = labels[r.key];
        switch (r.operator) {
          case 'In': return v !== undefined && r.values?.includes(v);
          case 'NotIn': return v === undefined || !r.values?.includes(v);
          case 'Exists': return v !== undefined;
          case 'DoesNotExist': return v === undefined;
          default: return false;
        }
      }),
    );
    if (!ok) return false;
  }
  const tolerations: Toleration[] = [...(podSpec.tolerations ?? []), ...DAEMON_TOLERATIONS];
  for (const taint of node.spec?.taints ?? []) {
    if (taint.effect === 'PreferNoSchedule') continue;
    const tolerated = tolerations.some(
      (t) => (!t.effect || t.effect === taint.effect) && (t.operator === 'Exists' ? !t.key || t.key === taint.key : t.key === taint.key && (t.value ?? '') === (taint.value ?? '')),
    );
    if (!tolerated) return false;
  }
  return true;
}
