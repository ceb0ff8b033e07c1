// The pod's status from its containers' statuses, as kubelet's generateAPIPodStatus computes it:
// phase, the Initialized / ContainersReady / Ready / PodScheduled conditions, IPs, start time.

import type { ContainerStatusTracker } from './container-status.js';
import type { PodCondition, PodStatus, PodSpec } from './types.js';

export interface PodStatusInput {
  spec: PodSpec;
  previous?: PodStatus;
  podIp?: string;
  hostIp: string;
  startTime?: string;
  initContainers: ContainerStatusTracker[];
  containers: ContainerStatusTracker[];
  initDone: boolean;
  /** Set when the pod failed as a whole (e.g. an init container failed with restartPolicy Never). */
  failed?: { reason?: string; message: string };
}

export function podPhase(i: PodStatusInput): NonNullable<PodStatus['phase']> {
  if (i.failed) return 'Failed';
  if (!i.initDone) return 'Pending';
  const cs = i.containers;
  const running = cs.filter((c) => c.isRunning).length;
  const terminated = cs.filter((c) => c.isTerminated);
  const waiting = cs.length - running - terminated.length;
  // A container waiting after it has run before (back-off) keeps the pod Running.
  const restarting = cs.filter((c) => !c.isRunning && !c.isTerminated && c.restartCount > 0).length;
  if (running > 0 || restarting > 0) return 'Running';
  if (waiting > 0) return 'Pending';
  if (terminated.length === cs.length) {
    const policy = i.spec.restartPolicy ?? 'Always';
    if (policy === 'Always') return 'Running'; // about to restart
    return terminated.every((c) => c.state.terminated?.exitCode === 0) ? 'Succeeded' : 'Failed';
  }
  return 'Pending';
}

export function buildPodStatus(i: PodStatusInput): PodStatus {
  const phase = podPhase(i);
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const prevConds = new Map((i.previous?.conditions ?? []).map((c) => [c.type, c]));
  const cond = (type: string, ok: boolean, reason?: string, message?: string): PodCondition => {
    const status = ok ? 'True' : 'False';
    const prev = prevConds.get(type);
    return {
      type,
      status,
      lastProbeTime: null,
      lastTransitionTime: prev && prev.status === status ? prev.lastTransitionTime : now,
      ...(reason ? { reason } : {}),
      ...(message ? { message } : {}),
    };
  };

  const completed = phase === 'Succeeded' || phase === 'Failed';
  const notReady = i.containers.filter((c) => !c.ready).map((c) => c.name);
  const containersReady = notReady.length === 0 && i.initDone;
  const initNotDone = i.initContainers.filter((c) => !(c.state.terminated?.exitCode === 0)).map((c) => c.name);

  const conditions: PodCondition[] = [
    cond('PodReadyToStartContainers', !!i.podIp),
    i.initDone
      ? cond('Initialized', true)
      : cond('Initialized', false, 'ContainersNotInitialized', `containers with incomplete status: [${initNotDone.join(' ')}]`),
    containersReady
      ? cond('Ready', true)
      : cond('Ready', false, completed ? 'PodCompleted' : 'ContainersNotReady', completed ? undefined : `containers with unready status: [${notReady.join(' ')}]`),
    containersReady
      ? cond('ContainersReady', true)
      : cond('ContainersReady', false, completed ? 'PodCompleted' : 'ContainersNotReady', completed ? undefined : `containers with unready status: [${notReady.join(' ')}]`),
    prevConds.get('PodScheduled') ?? cond('PodScheduled', true),
  ];

  return {
    phase,
    conditions,
    ...(i.failed?.message ? { message: i.failed.message } : {}),
    ...(i.failed?.reason ? { reason: i.failed.reason } : {}),
    hostIP: i.hostIp,
    hostIPs: [{ ip: i.hostIp }],
    ...(i.podIp ? { podIP: i.podIp, podIPs: [{ ip: i.podIp }] } : {}),
    ...(i.startTime ? { startTime: i.startTime } : {}),
    ...(i.initContainers.length ? { initContainerStatuses: i.initContainers.map((c) => c.toStatus()) } : {}),
    containerStatuses: i.containers.map((c) => c.toStatus()),
    qosClass: i.previous?.qosClass ?? qosClass(i.spec),
  };
}

export function qosClass(spec: PodSpec): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const all = [...spec.containers, ...(spec.initContainers ?? [])];
  const any = all.some((c) => Object.keys(c.resources?.requests ?? {}).length || Object.keys(c.resources?.limits ?? {}).length);
  if (!any) return 'BestEffort';
  const guaranteed = all.every((c) => {
    const l = c.resources?.limits ?? {};
    const r = c.resources?.requests ?? {};
    return ['cpu', 'memory'].every((k) => l[k] !== undefined && (r[k] === undefined || r[k] === l[k]));
  });
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
