// What a DELETE does to an object, decided without I/O: delete it now, or mark it
// (deletionTimestamp) and keep it while finalizers or a pod's grace period hold it, as
// kube-apiserver's BeforeDelete / graceful deletion / GC finalizer rules say.

import type { KeyValue } from '../store/store.js';
import type { ResourceInfo } from './resources.js';
import type { Obj } from './metadata.js';
import { meta, qualifiedResource, rfc3339 } from './metadata.js';
import { ApiError, errors } from './status.js';

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: string;
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: string[];
}

export type DeletionPlan = { action: 'delete' } | { action: 'update'; object: Obj } | { action: 'none' };

const ORPHAN = 'orphan';
const FOREGROUND = 'foregroundDeletion';
/** Namespaces that kube-apiserver refuses to delete. */
const IMMORTAL_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);

/** Parse a DeleteOptions body (may be empty) merged with the query parameters of the same names. */
export function parseDeleteOptions(body: Obj | undefined, q: URLSearchParams): DeleteOptions {
  const o: DeleteOptions = {};
  const b = body ?? {};
  if (b.kind !== undefined && b.kind !== 'DeleteOptions') throw errors.badRequest(`a DeleteOptions body was expected, got kind ${String(b.kind)}`);
  const grace = q.get('gracePeriodSeconds') ?? (b.gracePeriodSeconds as number | undefined);
  if (grace !== undefined && grace !== null) {
    const n = Number(grace);
    if (!Number.isInteger(n)) throw errors.badRequest(`invalid gracePeriodSeconds: ${String(grace)}`);
    o.gracePeriodSeconds = n;
  }
  const policy = q.get('propagationPolicy') ?? (b.propagationPolicy as string | undefined);
  if (policy !== undefined && policy !== null) {
    if (!['Orphan', 'Background', 'Foreground'].includes(policy))
      throw new ApiError(422, 'Invalid', `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`, {
        kind: 'DeleteOptions',
        causes: [{ reason: 'FieldValueNotSupported', message: `Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`, field: 'propagationPolicy' }],
      });
    o.propagationPolicy = policy;
  }
  const orphan = q.get('orphanDependents') ?? (b.orphanDependents as boolean | undefined);
  if (orphan !== undefined && orphan !== null) o.orphanDependents = orphan === true || orphan === 'true';
  if (b.preconditions && typeof b.preconditions === 'object') o.preconditions = b.preconditions as DeleteOptions['preconditions'];
  if (Array.isArray(b.dryRun)) o.dryRun = b.dryRun as string[];
  return o;
}

export function planDeletion(info: ResourceInfo, cur: KeyValue, o: DeleteOptions, now: Date): DeletionPlan {
  const obj = structuredClone(cur.value) as Obj;
  const md = meta(obj);
  const name = String(md.name);
  const pre = o.preconditions;
  if (pre?.uid && pre.uid !== md.uid)
    throw errors.conflict(qualifiedResource(info), name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${String(md.uid)}`);
  if (pre?.resourceVersion && pre.resourceVersion !== String(cur.modRevision))
    throw errors.conflict(qualifiedResource(info), name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${cur.modRevision}`);

  if (info.kind === 'Namespace') return planNamespace(obj, now);

  // Garbage-collector finalizers for the propagation policy (the GC acts on them).
  const policy = o.propagationPolicy ?? (o.orphanDependents === true ? 'Orphan' : o.orphanDependents === false ? 'Background' : undefined);
  const before = Array.isArray(md.finalizers) ? [...(md.finalizers as string[])] : [];
  let fins = [...before];
  if (policy === 'Orphan') fins = [...fins.filter((f) => f !== FOREGROUND), ...(fins.includes(ORPHAN) ? [] : [ORPHAN])];
  else if (policy === 'Foreground') fins = [...fins.filter((f) => f !== ORPHAN), ...(fins.includes(FOREGROUND) ? [] : [FOREGROUND])];
  else if (policy === 'Background' && !md.deletionTimestamp) fins = fins.filter((f) => f !== ORPHAN && f !== FOREGROUND);
  const finsChanged = fins.length !== before.length || fins.some((f, i) => f !== before[i]);
  if (fins.length > 0) md.finalizers = fins;
  else delete md.finalizers;

  // Pods bound to a node and not yet terminated get a grace period the node agent honours.
  let grace = 0;
  if (info.kind === 'Pod') {
    const spec = (obj.spec ?? {}) as Obj;
    const phase = (obj.status as Obj | undefined)?.phase;
    grace = o.gracePeriodSeconds ?? (typeof spec.terminationGracePeriodSeconds === 'number' ? spec.terminationGracePeriodSeconds : 30);
    if (grace < 0) grace = 1;
    if (!spec.nodeName || phase === 'Succeeded' || phase === 'Failed') grace = 0;
  }

  if (md.deletionTimestamp) {
    // Already being deleted: a shorter grace period may hurry it; finalizers may change.
    const curGrace = Number(md.deletionGracePeriodSeconds ?? 0);
    if (info.kind === 'Pod' && grace < curGrace) {
      if (grace === 0 && fins.length === 0) return { action: 'delete' };
      md.deletionGracePeriodSeconds = grace;
      md.deletionTimestamp = rfc3339(new Date(now.getTime() + grace * 1000));
      return { action: 'update', object: obj };
    }
    if (fins.length === 0 && curGrace === 0) return { action: 'delete' };
    return finsChanged ? { action: 'update', object: obj } : { action: 'none' };
  }
  if (grace > 0) {
    md.deletionTimestamp = rfc3339(new Date(now.getTime() + grace * 1000));
    md.deletionGracePeriodSeconds = grace;
    return { action: 'update', object: obj };
  }
  if (fins.length > 0) {
    md.deletionTimestamp = rfc3339(now);
    md.deletionGracePeriodSeconds = 0;
    return { action: 'update', object: obj };
  }
  return { action: 'delete' };
}

function planNamespace(obj: Obj, now: Date): DeletionPlan {
  const md = meta(obj);
  const name = String(md.name);
  if (IMMORTAL_NAMESPACES.has(name))
    throw new ApiError(403, 'Forbidden', `namespaces "${name}" is forbidden: this namespace may not be deleted`, { name, kind: 'namespaces' });
  if (md.deletionTimestamp) return { action: 'none' };
  md.deletionTimestamp = rfc3339(now);
  md.deletionGracePeriodSeconds = 0;
  obj.status = { ...((obj.status as Obj | undefined) ?? {}), phase: 'Terminating' };
  const spec = (obj.spec ?? {}) as Obj;
  if (!Array.isArray(spec.finalizers) || spec.finalizers.length === 0) {
    // No spec finalizers at all: nothing holds it (kube-apiserver deletes it at once then).
    if (!Array.isArray(md.finalizers) || md.finalizers.length === 0) return { action: 'delete' };
  }
  return { action: 'update', object: obj };
}
