// `kubectl get pods` columns, computed as kube-apiserver's printPod does (pkg/printers/internalversion):
// the STATUS text walks init containers, then app containers (last first), then deletion state.

import { since, sinceMs } from './duration.js';
import { ageCol, arr, col, nameCol, num, obj, str } from './format.js';
import type { Obj, Printer, RowCondition } from './types.js';

const NODE_UNREACHABLE_REASON = 'NodeLost';

function isRestartableInit(c: Obj | undefined): boolean {
  return c !== undefined && c.restartPolicy === 'Always';
}

function conditionTrue(status: Obj, type: string): boolean {
  return arr(status.conditions).some((c) => c.type === type && c.status === 'True');
}

function finishedAt(cs: Obj): number {
  const t = obj(obj(cs.lastState).terminated).finishedAt;
  if (typeof t !== 'string') return 0;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? 0 : ms;
}

export interface PodSummary {
  ready: string;
  status: string;
  restarts: string;
}

/** READY, STATUS and RESTARTS of a pod exactly as `kubectl get pods` shows them. */
export function podSummary(pod: Obj, now: Date): PodSummary {
  const spec = obj(pod.spec);
  const status = obj(pod.status);
  const md = obj(pod.metadata);
  const specInit = arr(spec.initContainers);
  let restarts = 0;
  let restartableInitRestarts = 0;
  let total = arr(spec.containers).length;
  let ready = 0;
  let lastRestart = 0;
  let lastRestartableInitRestart = 0;

  const phase = str(status.phase);
  let reason = str(status.reason) !== '' ? str(status.reason) : phase;
  for (const c of arr(status.conditions)) {
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }

  const initByName = new Map<string, Obj>();
  for (const c of specInit) {
    initByName.set(str(c.name), c);
    if (isRestartableInit(c)) total++;
  }

  let initializing = false;
  const initStatuses = arr(status.initContainerStatuses);
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i];
    const rc = num(c.restartCount);
    restarts += rc;
    const fin = finishedAt(c);
    if (fin > lastRestart) lastRestart = fin;
    const restartable = isRestartableInit(initByName.get(str(c.name)));
    if (restartable) {
      restartableInitRestarts += rc;
      if (fin > lastRestartableInitRestart) lastRestartableInitRestart = fin;
    }
    const state = obj(c.state);
    const term = state.terminated === undefined ? undefined : obj(state.terminated);
    const wait = state.waiting === undefined ? undefined : obj(state.waiting);
    if (term && num(term.exitCode) === 0) continue;
    if (restartable && c.started === true) {
      if (c.ready === true) ready++;
      continue;
    }
    if (term) {
      if (str(term.reason) === '') {
        reason = num(term.signal) !== 0 ? `Init:Signal:${num(term.signal)}` : `Init:ExitCode:${num(term.exitCode)}`;
      } else {
        reason = `Init:${str(term.reason)}`;
      }
    } else if (wait && str(wait.reason) !== '' && wait.reason !== 'PodInitializing') {
      reason = `Init:${str(wait.reason)}`;
    } else {
      reason = `Init:${i}/${specInit.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || conditionTrue(status, 'Initialized')) {
    restarts = restartableInitRestarts;
    lastRestart = lastRestartableInitRestart;
    let hasRunning = false;
    const statuses = arr(status.containerStatuses);
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i];
      restarts += num(c.restartCount);
      const fin = finishedAt(c);
      if (fin > lastRestart) lastRestart = fin;
      const state = obj(c.state);
      const wait = state.waiting === undefined ? undefined : obj(state.waiting);
      const term = state.terminated === undefined ? undefined : obj(state.terminated);
      if (wait && str(wait.reason) !== '') {
        reason = str(wait.reason);
      } else if (term && str(term.reason) !== '') {
        reason = str(term.reason);
      } else if (term) {
        reason = num(term.signal) !== 0 ? `Signal:${num(term.signal)}` : `ExitCode:${num(term.exitCode)}`;
      } else if (c.ready === true && state.running !== undefined) {
        hasRunning = true;
        ready++;
      }
    }
    // A "Completed" container next to a still-running one means the pod is not done yet.
    if (reason === 'Completed' && hasRunning) {
      reason = conditionTrue(status, 'Ready') ? 'Running' : 'NotReady';
    }
  }

  if (md.deletionTimestamp != null && status.reason === NODE_UNREACHABLE_REASON) {
    reason = 'Unknown';
  } else if (md.deletionTimestamp != null && phase !== 'Succeeded' && phase !== 'Failed') {
    reason = 'Terminating';
  }

  let restartsStr = String(restarts);
  if (restarts !== 0 && lastRestart !== 0) {
    restartsStr = `${restarts} (${sinceMs(lastRestart, now)} ago)`;
  }
  return { ready: `${ready}/${total}`, status: reason, restarts: restartsStr };
}

function readinessGates(spec: Obj, status: Obj): string {
  const gates = arr(spec.readinessGates);
  if (gates.length === 0) return '<none>';
  let trueCount = 0;
  for (const g of gates) {
    const c = arr(status.conditions).find((x) => x.type === g.conditionType);
    if (c && c.status === 'True') trueCount++;
  }
  return `${trueCount}/${gates.length}`;
}

export const podPrinter: Printer = {
  columns: [
    nameCol(),
    col('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    col('Status', 'string', 'The aggregate status of the containers in this pod.'),
    col('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    ageCol(),
    col('IP', 'string', 'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.', 1),
    col('Node', 'string', 'NodeName indicates in which node this pod is scheduled.', 1),
    col('Nominated Node', 'string', 'nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods.', 1),
    col('Readiness Gates', 'string', 'If specified, all readiness gates will be evaluated for pod readiness.', 1),
  ],
  cells(pod, now) {
    const md = obj(pod.metadata);
    const spec = obj(pod.spec);
    const status = obj(pod.status);
    const s = podSummary(pod, now);
    const ips = arr(status.podIPs);
    const ip = str(ips[0]?.ip) || str(status.podIP) || '<none>';
    return [
      str(md.name),
      s.ready,
      s.status,
      s.restarts,
      since(md.creationTimestamp, now),
      ip,
      str(spec.nodeName) || '<none>',
      str(status.nominatedNodeName) || '<none>',
      readinessGates(spec, status),
    ];
  },
  conditions(pod): RowCondition[] | undefined {
    const phase = obj(pod.status).phase;
    if (phase === 'Succeeded') return [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }];
    if (phase === 'Failed') return [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];
    return undefined;
  },
};
