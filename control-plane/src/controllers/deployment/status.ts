// A Deployment's status from its ReplicaSets, and the Progressing / Available conditions as the
// deployment controller's syncRolloutStatus sets them (kubectl rollout status reads these).

import type { Condition, DeploymentObj, ReplicaSetObj } from './types.js';

type Status = NonNullable<DeploymentObj['status']>;

export function counts(d: DeploymentObj, newRs: ReplicaSetObj | undefined, all: ReplicaSetObj[], maxUnavailable: number): Status {
  const sum = (f: (rs: ReplicaSetObj) => number | undefined) => all.reduce((s, rs) => s + (f(rs) ?? 0), 0);
  const specTotal = sum((rs) => rs.spec.replicas);
  const available = sum((rs) => rs.status?.availableReplicas);
  const status: Status = {
    observedGeneration: d.metadata.generation ?? 1,
    replicas: sum((rs) => rs.status?.replicas),
    updatedReplicas: newRs?.status?.replicas ?? 0,
    readyReplicas: sum((rs) => rs.status?.readyReplicas),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, specTotal - available),
  };
  if (d.status?.collisionCount) status.collisionCount = d.status.collisionCount;
  const desired = d.spec.replicas ?? 1;
  const conds = [...(d.status?.conditions ?? [])];
  setCondition(
    conds,
    available >= desired - maxUnavailable
      ? { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }
      : { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' },
  );
  status.conditions = conds;
  return status;
}

/** DeploymentComplete: every desired replica updated and available, and no old ones left. */
export function isComplete(d: DeploymentObj, s: Status): boolean {
  const desired = d.spec.replicas ?? 1;
  return s.updatedReplicas === desired && s.replicas === desired && s.availableReplicas === desired && (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 1);
}

/** DeploymentProgressing: the new pods grew, the old shrank, or more became ready or available. */
export function isProgressing(prev: Status | undefined, s: Status): boolean {
  const p = prev ?? {};
  const oldOf = (x: Status) => (x.replicas ?? 0) - (x.updatedReplicas ?? 0);
  return (
    (s.updatedReplicas ?? 0) > (p.updatedReplicas ?? 0) ||
    oldOf(s) < oldOf(p) ||
    (s.readyReplicas ?? 0) > (p.readyReplicas ?? 0) ||
    (s.availableReplicas ?? 0) > (p.availableReplicas ?? 0)
  );
}

/** SetDeploymentCondition: lastTransitionTime moves only when the status flips; lastUpdateTime on every change. */
export function setCondition(conds: Condition[], c: Condition, now = new Date().toISOString()): void {
  const i = conds.findIndex((x) => x.type === c.type);
  const cur = i >= 0 ? conds[i] : undefined;
  if (cur && cur.status === c.status && cur.reason === c.reason && cur.message === c.message) return;
  const next: Condition = {
    ...c,
    lastUpdateTime: now,
    lastTransitionTime: cur && cur.status === c.status ? (cur.lastTransitionTime ?? now) : now,
  };
  if (i >= 0) conds[i] = next;
  else conds.push(next);
}

/** The Progressing condition for this status (syncRolloutStatus); returns ms until the deadline when still running. */
export function progress(d: DeploymentObj, newRs: ReplicaSetObj | undefined, s: Status, now = Date.now()): number | undefined {
  const conds = s.conditions ?? [];
  const rsName = newRs?.metadata.name ?? '';
  const deadline = d.spec.progressDeadlineSeconds;
  const cur = conds.find((c) => c.type === 'Progressing');
  if (isComplete(d, s)) {
    setCondition(conds, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${rsName}" has successfully progressed.` });
    return undefined;
  }
  if (d.spec.paused) return undefined;
  if (isProgressing(d.status, s) || !cur) {
    // A new lastUpdateTime restarts the deadline.
    const i = conds.findIndex((c) => c.type === 'Progressing');
    const iso = new Date(now).toISOString();
    const next: Condition = { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "${rsName}" is progressing.`, lastUpdateTime: iso, lastTransitionTime: cur?.status === 'True' ? (cur.lastTransitionTime ?? iso) : iso };
    if (i >= 0) conds[i] = next;
    else conds.push(next);
    return deadline === undefined ? undefined : deadline * 1000;
  }
  // A finished rollout's condition never times out (DeploymentTimedOut), nor does one already timed out.
  if (deadline === undefined || cur.reason === 'ProgressDeadlineExceeded' || cur.reason === 'NewReplicaSetAvailable') return undefined;
  const since = Date.parse(cur.lastUpdateTime ?? '') || now;
  const left = since + deadline * 1000 - now;
  if (left <= 0) {
    setCondition(conds, { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${rsName}" has timed out progressing.` });
    return undefined;
  }
  return left;
}
