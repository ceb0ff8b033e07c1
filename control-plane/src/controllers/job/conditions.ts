// Job conditions as Kubernetes 1.32 writes them: the interim condition first (SuccessCriteriaMet
// or FailureTarget), then the terminal one (Complete or Failed) with the same reason and message.

export interface JobCondition {
  type: string;
  status: 'True' | 'False';
  reason?: string;
  message?: string;
  lastProbeTime?: string;
  lastTransitionTime?: string;
}

export function finishedCondition(conds: JobCondition[] | undefined): JobCondition | undefined {
  return conds?.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

export function jobConditions(prev: JobCondition[] | undefined, terminal: 'Complete' | 'Failed', reason: string, message: string, now: string): JobCondition[] {
  const interim = terminal === 'Complete' ? 'SuccessCriteriaMet' : 'FailureTarget';
  const out = (prev ?? []).filter((c) => c.type !== interim && c.type !== terminal);
  const cond = (type: string): JobCondition => ({ type, status: 'True', reason, message, lastProbeTime: now, lastTransitionTime: now });
  out.push(cond(interim), cond(terminal));
  return out;
}

/** Suspended=True (JobSuspended) while spec.suspend is set; False (JobResumed) once it is cleared. */
export function setSuspended(prev: JobCondition[] | undefined, suspended: boolean, now: string): JobCondition[] {
  const out = (prev ?? []).filter((c) => c.type !== 'Suspended');
  out.push(
    suspended
      ? { type: 'Suspended', status: 'True', reason: 'JobSuspended', message: 'Job suspended', lastProbeTime: now, lastTransitionTime: now }
      : { type: 'Suspended', status: 'False', reason: 'JobResumed', message: 'Job resumed', lastProbeTime: now, lastTransitionTime: now },
  );
  return out;
}
