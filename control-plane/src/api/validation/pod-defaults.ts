// Pod defaulting as kube-apiserver applies it: SetDefaults_PodSpec / _Container / _Probe (also for
// pod templates), plus for real pods SetDefaults_Pod (requests from limits, enableServiceLinks) and
// the admission plugins every cluster runs (ServiceAccount, Priority, DefaultTolerationSeconds).

import { parseQuantityExact } from './quantity.js';
import { arr, child, isObj, obj, setDefault, str } from './util.js';
import type { Obj } from './util.js';

/** `:latest` or no tag (and no digest) pulls Always; anything else IfNotPresent. */
export function defaultPullPolicy(image: string): string {
  if (image.includes('@')) return 'IfNotPresent';
  const lastSlash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  const tag = colon > lastSlash ? image.slice(colon + 1) : '';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultProbe(p: unknown): void {
  if (!isObj(p)) return;
  setDefault(p, 'timeoutSeconds', 1);
  setDefault(p, 'periodSeconds', 10);
  setDefault(p, 'successThreshold', 1);
  setDefault(p, 'failureThreshold', 3);
  defaultHandler(p);
}

function defaultHandler(h: Obj): void {
  if (isObj(h.httpGet)) {
    setDefault(h.httpGet, 'path', '/');
    setDefault(h.httpGet, 'scheme', 'HTTP');
  }
}

function defaultContainer(c: Obj): void {
  if (typeof c.image === 'string' && c.image !== '') setDefault(c, 'imagePullPolicy', defaultPullPolicy(c.image));
  setDefault(c, 'terminationMessagePath', '/dev/termination-log');
  setDefault(c, 'terminationMessagePolicy', 'File');
  setDefault(c, 'resources', {});
  for (const p of arr(c.ports)) {
    if (isObj(p)) setDefault(p, 'protocol', 'TCP');
  }
  for (const e of arr(c.env)) {
    const fieldRef = obj(obj(e.valueFrom).fieldRef);
    if (isObj(obj(e.valueFrom).fieldRef)) setDefault(fieldRef, 'apiVersion', 'v1');
  }
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  const lc = obj(c.lifecycle);
  if (isObj(lc.postStart)) defaultHandler(lc.postStart);
  if (isObj(lc.preStop)) defaultHandler(lc.preStop);
}

/** SetDefaults_PodSpec and the container defaults it recurses into (pods and templates). */
export function defaultPodSpec(spec: Obj): void {
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'schedulerName', 'default-scheduler');
  for (const c of arr(spec.initContainers)) if (isObj(c)) defaultContainer(c);
  for (const c of arr(spec.containers)) if (isObj(c)) defaultContainer(c);
  for (const v of arr(spec.volumes)) {
    if (!isObj(v)) continue;
    for (const key of ['configMap', 'secret', 'downwardAPI', 'projected']) {
      if (isObj(v[key])) setDefault(v[key] as Obj, 'defaultMode', 420);
    }
    if (isObj(v.hostPath)) setDefault(v.hostPath as Obj, 'type', '');
  }
}

/** Requests default to limits for every resource given only as a limit (SetDefaults_Pod). */
function requestsFromLimits(c: Obj): void {
  const res = obj(c.resources);
  if (!isObj(res.limits)) return;
  const limits = res.limits;
  const keys = Object.keys(limits);
  if (keys.length === 0) return;
  const requests = child(res, 'requests');
  for (const k of keys) if (requests[k] === undefined) requests[k] = limits[k];
}

const NOT_READY = 'node.kubernetes.io/not-ready';
const UNREACHABLE = 'node.kubernetes.io/unreachable';

/** DefaultTolerationSeconds admission: tolerate not-ready/unreachable NoExecute for 300 s. */
function defaultTolerations(spec: Obj): void {
  const tolerations = Array.isArray(spec.tolerations) ? (spec.tolerations as Obj[]) : [];
  const has = (key: string) =>
    tolerations.some((t) => isObj(t) && (t.key === key || !t.key) && (t.effect === 'NoExecute' || !t.effect));
  const add: Obj[] = [];
  if (!has(NOT_READY)) add.push({ key: NOT_READY, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  if (!has(UNREACHABLE)) add.push({ key: UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  if (add.length > 0) spec.tolerations = [...tolerations, ...add];
}

function sameQuantity(a: unknown, b: unknown): boolean {
  try {
    return parseQuantityExact(String(a)).nano === parseQuantityExact(String(b)).nano;
  } catch {
    return String(a) === String(b);
  }
}

export function podQOSClass(spec: Obj): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const all = [...arr(spec.initContainers), ...arr(spec.containers)];
  let anySet = false;
  let guaranteed = true;
  for (const c of all) {
    const res = obj(c.resources);
    const req = obj(res.requests);
    const lim = obj(res.limits);
    for (const r of ['cpu', 'memory']) {
      if (req[r] !== undefined || lim[r] !== undefined) anySet = true;
      if (lim[r] === undefined || (req[r] !== undefined && !sameQuantity(req[r], lim[r]))) guaranteed = false;
    }
  }
  if (!anySet) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** Everything a created Pod gets before validation and storage. */
export function defaultPod(pod: Obj): void {
  const spec = child(pod, 'spec');
  defaultPodSpec(spec);
  setDefault(spec, 'enableServiceLinks', true);
  for (const c of arr(spec.initContainers)) if (isObj(c)) requestsFromLimits(c);
  for (const c of arr(spec.containers)) if (isObj(c)) requestsFromLimits(c);
  // Admission: ServiceAccount, Priority and DefaultTolerationSeconds plugins.
  const sa = str(spec.serviceAccountName) || str(spec.serviceAccount) || 'default';
  spec.serviceAccountName = sa;
  spec.serviceAccount = sa;
  setDefault(spec, 'priority', 0);
  setDefault(spec, 'preemptionPolicy', 'PreemptLowerPriority');
  defaultTolerations(spec);
  const status = child(pod, 'status');
  setDefault(status, 'phase', 'Pending');
  setDefault(status, 'qosClass', podQOSClass(spec));
}
