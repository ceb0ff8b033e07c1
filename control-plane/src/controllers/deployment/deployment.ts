// The Deployment controller: one ReplicaSet per pod template (named <deployment>-<template hash>,
// labelled pod-template-hash), rolled by RollingUpdate (maxSurge / maxUnavailable) or Recreate,
// with revision numbers on the ReplicaSets (deployment.kubernetes.io/revision) so that
// `kubectl rollout history` and `kubectl rollout undo` (which copies an old ReplicaSet's template
// back into the Deployment) work, old ReplicaSets pruned to revisionHistoryLimit, and the status
// and conditions `kubectl rollout status` reads.

import {
  Controller, EventRecorder, R, isAlreadyExists, isNotFound, matchesSelector, objectKey,
  type Informer, type InformerFactory, type KubeClient, type KubeObject, type Reconciler,
} from '@wasmkube/client';
import { controllerRef, type PodLike } from '../shared/pods.js';
import { fenceposts, newRsReplicas, oldScaleDownBudget, type RsCounts } from './rolling-math.js';
import { counts, isComplete, progress, setCondition } from './status.js';
import { HASH_LABEL, sameTemplate, templateHash } from './template-hash.js';
import { DESIRED_REPLICAS, MAX_REPLICAS, REVISION, SKIPPED_ANNOTATIONS, revisionOf, type DeploymentObj, type ReplicaSetObj } from './types.js';

const rsCounts = (rs: ReplicaSetObj): RsCounts => ({ replicas: rs.spec.replicas ?? 0, available: rs.status?.availableReplicas ?? 0 });
const created = (o: KubeObject) => Date.parse(o.metadata.creationTimestamp ?? '') || 0;
const byAge = (a: KubeObject, b: KubeObject) => created(a) - created(b) || String(a.metadata.name).localeCompare(String(b.metadata.name));
const rv = (o: KubeObject) => Number(o.metadata.resourceVersion ?? 0);

export class DeploymentController implements Reconciler {
  readonly name = 'deployment-controller';
  private readonly deployments: Informer<DeploymentObj>;
  private readonly rsets: Informer<ReplicaSetObj>;
  private readonly pods: Informer<PodLike>;
  private readonly controller: Controller;
  private readonly events: EventRecorder;
  /** ReplicaSets as our own writes returned them, until the informer catches up (so a stale cache cannot undo a scale). */
  private readonly written = new Map<string, ReplicaSetObj>();

  constructor(
    private readonly client: KubeClient,
    factory: InformerFactory,
  ) {
    this.deployments = factory.get<DeploymentObj>(R.deployments);
    this.rsets = factory.get<ReplicaSetObj>(R.replicasets);
    this.pods = factory.get<PodLike>(R.pods);
    this.events = new EventRecorder(client, 'deployment-controller');
    this.rsets.on({ delete: (rs) => this.written.delete(objectKey(rs)) });
    this.controller = new Controller(this, { workers: 2 })
      .watches(this.deployments)
      .watches(this.rsets, (rs) => this.ownersOf(rs))
      // Recreate waits for the old pods to go: their changes wake the Deployment.
      .watches(this.pods, (p) => {
        const ref = controllerRef(p);
        if (ref?.kind !== 'ReplicaSet') return [];
        const rs = this.rsets.get(`${p.metadata.namespace}/${ref.name}`);
        const dref = rs && controllerRef(rs);
        if (dref?.kind !== 'Deployment') return [];
        const key = `${p.metadata.namespace}/${dref.name}`;
        return this.deployments.get(key)?.spec.strategy?.type === 'Recreate' ? [key] : [];
      });
  }

  start(): Promise<void> {
    return this.controller.start();
  }

  async stop(): Promise<void> {
    await this.controller.stop();
    await this.events.flush();
  }

  private ownersOf(rs: ReplicaSetObj): string[] {
    const ref = controllerRef(rs);
    if (ref) return ref.kind === 'Deployment' ? [`${rs.metadata.namespace}/${ref.name}`] : [];
    return this.deployments
      .list()
      .filter((d) => d.metadata.namespace === rs.metadata.namespace && matchesSelector(d.spec.selector, rs.metadata.labels))
      .map(objectKey);
  }

  /** The freshest copy we know of a ReplicaSet: the cache, or our own newer write. */
  private fresh(rs: ReplicaSetObj): ReplicaSetObj {
    const key = objectKey(rs);
    const w = this.written.get(key);
    if (!w) return rs;
    if (rv(w) > rv(rs)) return w;
    this.written.delete(key);
    return rs;
  }

  async reconcile(key: string): Promise<void> {
    const d = this.deployments.get(key);
    if (!d) return;
    const sel = d.spec.selector;
    if (!sel || (!Object.keys(sel.matchLabels ?? {}).length && !(sel.matchExpressions ?? []).length)) return;
    const ns = d.metadata.namespace as string;
    const uid = d.metadata.uid as string;

    // Claim ReplicaSets: ours that still match, plus matching orphans; release ours that stopped matching.
    const owned: ReplicaSetObj[] = [];
    for (const cached of this.rsets.list()) {
      if (cached.metadata.namespace !== ns) continue;
      const rs = this.fresh(cached);
      const ref = controllerRef(rs);
      const matches = matchesSelector(sel, rs.metadata.labels);
      if (ref?.uid === uid) {
        if (matches) owned.push(rs);
        else if (!d.metadata.deletionTimestamp) await this.setOwner(rs, null, d);
      } else if (!ref && matches && !rs.metadata.deletionTimestamp && !d.metadata.deletionTimestamp) {
        const adopted = await this.setOwner(rs, d, d);
        if (adopted) owned.push(adopted);
      }
    }
    owned.sort(byAge);

    const desired = d.spec.replicas ?? 1;
    const rolling = d.spec.strategy?.type !== 'Recreate';
    const { maxSurge, maxUnavailable } = rolling
      ? fenceposts(d.spec.strategy?.rollingUpdate?.maxSurge, d.spec.strategy?.rollingUpdate?.maxUnavailable, desired)
      : { maxSurge: 0, maxUnavailable: 0 };

    let newRs = owned.find((rs) => sameTemplate(rs.spec.template, d.spec.template));
    let olds = owned.filter((rs) => rs !== newRs);

    if (!d.metadata.deletionTimestamp && !d.spec.paused) {
      if (rolling && newRs && this.isScalingEvent(d, [newRs, ...olds])) {
        // A replicas change in mid-rollout: spread it over the ReplicaSets in proportion; roll on the next pass.
        const scaled = await this.proportionalScale(d, [newRs, ...olds], desired, maxSurge);
        newRs = scaled[0];
        olds = scaled.slice(1);
      } else if (rolling) newRs = await this.rollingUpdate(d, newRs, olds, desired, maxSurge, maxUnavailable);
      else newRs = await this.recreate(d, newRs, olds, desired);
      olds = olds.map((o) => this.fresh(o));
    } else if (newRs && d.spec.paused && !olds.some((o) => (o.spec.replicas ?? 0) > 0)) {
      // Paused: no rollout, but scaling still reaches the ReplicaSet.
      newRs = await this.scale(d, newRs, desired);
    }

    const all = newRs ? [newRs, ...olds] : olds;
    const status = counts(d, newRs, all, rolling ? maxUnavailable : 0);
    const untilDeadline = progress(d, newRs, status);
    if (isComplete(d, status) && !d.metadata.deletionTimestamp) await this.cleanup(d, olds);
    await this.writeStatus(d, status);
    if (untilDeadline !== undefined) this.controller.queue.addAfter(key, untilDeadline + 50);
    if (newRs) await this.syncRevisionAnnotation(d, newRs);
  }

  private async rollingUpdate(d: DeploymentObj, newRs: ReplicaSetObj | undefined, olds: ReplicaSetObj[], desired: number, maxSurge: number, maxUnavailable: number): Promise<ReplicaSetObj | undefined> {
    const all = () => [...(newRs ? [newRs] : []), ...olds];
    if (!newRs) {
      const initial = olds.some((o) => (o.spec.replicas ?? 0) > 0) ? newRsReplicas(desired, maxSurge, { replicas: 0, available: 0 }, all().map(rsCounts)) : desired;
      newRs = await this.createNewRs(d, olds, initial);
      if (!newRs) return undefined;
    } else {
      newRs = await this.refreshNewRs(d, newRs, olds);
    }

    // Grow (or shrink) the new ReplicaSet.
    const cur = newRs.spec.replicas ?? 0;
    if (cur > desired) newRs = await this.scale(d, newRs, desired);
    else if (cur < desired) {
      const target = newRsReplicas(desired, maxSurge, rsCounts(newRs), all().map(rsCounts));
      if (target !== cur) newRs = await this.scale(d, newRs, target);
    }

    // Shrink the old ones, unhealthy pods first, never below desired - maxUnavailable available.
    if (olds.some((o) => (o.spec.replicas ?? 0) > 0)) {
      let { unhealthyBudget } = oldScaleDownBudget(desired, maxUnavailable, rsCounts(newRs), all().map(rsCounts));
      if (unhealthyBudget > 0) {
        for (let i = 0; i < olds.length && unhealthyBudget > 0; i++) {
          const o = olds[i];
          const unhealthy = (o.spec.replicas ?? 0) - (o.status?.availableReplicas ?? 0);
          const n = Math.min(unhealthyBudget, Math.max(0, unhealthy));
          if (n > 0) {
            olds[i] = await this.scale(d, o, (o.spec.replicas ?? 0) - n);
            unhealthyBudget -= n;
          }
        }
        let { availableBudget } = oldScaleDownBudget(desired, maxUnavailable, rsCounts(newRs), all().map(rsCounts));
        for (let i = 0; i < olds.length && availableBudget > 0; i++) {
          const o = olds[i];
          const n = Math.min(o.spec.replicas ?? 0, availableBudget);
          if (n > 0) {
            olds[i] = await this.scale(d, o, (o.spec.replicas ?? 0) - n);
            availableBudget -= n;
          }
        }
      }
    }
    return newRs;
  }

  /** Recreate: every old pod gone before the new ReplicaSet gets any. */
  private async recreate(d: DeploymentObj, newRs: ReplicaSetObj | undefined, olds: ReplicaSetObj[], desired: number): Promise<ReplicaSetObj | undefined> {
    let scaledDown = false;
    for (let i = 0; i < olds.length; i++) {
      if ((olds[i].spec.replicas ?? 0) > 0) {
        olds[i] = await this.scale(d, olds[i], 0);
        scaledDown = true;
      }
    }
    if (scaledDown) return newRs;
    const oldUids = new Set(olds.map((o) => o.metadata.uid));
    const oldRunning = this.pods.list().some((p) => p.metadata.namespace === d.metadata.namespace && oldUids.has(controllerRef(p)?.uid) && isActiveOrTerminating(p));
    if (oldRunning) return newRs;
    if (!newRs) return this.createNewRs(d, olds, desired);
    newRs = await this.refreshNewRs(d, newRs, olds);
    return (newRs.spec.replicas ?? 0) !== desired ? this.scale(d, newRs, desired) : newRs;
  }

  private rsAnnotations(d: DeploymentObj, revision: number, replicas: number, maxSurge: number): Record<string, string> {
    const a: Record<string, string> = {};
    for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) if (!SKIPPED_ANNOTATIONS.has(k)) a[k] = v;
    a[REVISION] = String(revision);
    a[DESIRED_REPLICAS] = String(replicas);
    a[MAX_REPLICAS] = String(replicas + maxSurge);
    return a;
  }

  private maxSurgeOf(d: DeploymentObj): number {
    if (d.spec.strategy?.type === 'Recreate') return 0;
    return fenceposts(d.spec.strategy?.rollingUpdate?.maxSurge, d.spec.strategy?.rollingUpdate?.maxUnavailable, d.spec.replicas ?? 1).maxSurge;
  }

  private async createNewRs(d: DeploymentObj, olds: ReplicaSetObj[], replicas: number): Promise<ReplicaSetObj | undefined> {
    const ns = d.metadata.namespace as string;
    const collisions = d.status?.collisionCount ?? 0;
    const hash = templateHash(d.spec.template, collisions);
    const revision = Math.max(0, ...olds.map(revisionOf)) + 1;
    const template = structuredClone(d.spec.template ?? {});
    template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [HASH_LABEL]: hash } };
    const sel = d.spec.selector ?? {};
    const rs: ReplicaSetObj = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: ns,
        labels: { ...(d.spec.template?.metadata?.labels ?? {}), [HASH_LABEL]: hash },
        annotations: this.rsAnnotations(d, revision, d.spec.replicas ?? 1, this.maxSurgeOf(d)),
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name as string, uid: d.metadata.uid as string, controller: true, blockOwnerDeletion: true }],
      },
      spec: {
        replicas,
        minReadySeconds: d.spec.minReadySeconds ?? 0,
        selector: { ...sel, matchLabels: { ...(sel.matchLabels ?? {}), [HASH_LABEL]: hash } },
        template,
      },
    };
    let made: ReplicaSetObj;
    try {
      made = await this.client.create<ReplicaSetObj>(R.replicasets, ns, rs);
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
      // Ours from an earlier pass the cache has not shown yet, or a true hash collision.
      const existing = await this.client.get<ReplicaSetObj>(R.replicasets, ns, rs.metadata.name as string);
      if (controllerRef(existing)?.uid === d.metadata.uid && sameTemplate(existing.spec.template, d.spec.template)) {
        this.written.set(objectKey(existing), existing);
        return existing;
      }
      await this.client.patch(R.deployments, ns, d.metadata.name as string, 'merge', { status: { collisionCount: collisions + 1 } }, 'status');
      return undefined;
    }
    this.written.set(objectKey(made), made);
    if (replicas > 0) this.scalingEvent(d, made, 0, replicas);
    const conds = [...(d.status?.conditions ?? [])];
    setCondition(conds, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetCreated', message: `Created new replica set "${made.metadata.name}"` });
    d.status = { ...(d.status ?? {}), conditions: conds };
    return made;
  }

  /** An existing new ReplicaSet (e.g. after a rollback) takes the next revision and the Deployment's annotations. */
  private async refreshNewRs(d: DeploymentObj, newRs: ReplicaSetObj, olds: ReplicaSetObj[]): Promise<ReplicaSetObj> {
    const maxOld = Math.max(0, ...olds.map(revisionOf));
    const revision = revisionOf(newRs) > maxOld ? revisionOf(newRs) : maxOld + 1;
    const want = this.rsAnnotations(d, revision, d.spec.replicas ?? 1, this.maxSurgeOf(d));
    const have = newRs.metadata.annotations ?? {};
    const changed = Object.entries(want).filter(([k, v]) => have[k] !== v);
    if (changed.length === 0 && (newRs.spec.minReadySeconds ?? 0) === (d.spec.minReadySeconds ?? 0)) return newRs;
    return this.patchRs(newRs, { metadata: { annotations: Object.fromEntries(changed) }, spec: { minReadySeconds: d.spec.minReadySeconds ?? 0 } });
  }

  /** Scale (and stamp with the Deployment's size, which proportional scaling reads back); `always` stamps an unchanged size too. */
  private async scale(d: DeploymentObj, rs: ReplicaSetObj, replicas: number, always = false): Promise<ReplicaSetObj> {
    const from = rs.spec.replicas ?? 0;
    const desired = d.spec.replicas ?? 1;
    const annotations = { [DESIRED_REPLICAS]: String(desired), [MAX_REPLICAS]: String(desired + this.maxSurgeOf(d)) };
    const stale = Object.entries(annotations).some(([k, v]) => rs.metadata.annotations?.[k] !== v);
    if (from === replicas && !(always && stale)) return rs;
    const out = await this.patchRs(rs, { spec: { replicas }, metadata: { annotations } });
    if (from !== replicas) this.scalingEvent(d, rs, from, replicas);
    return out;
  }

  /** isScalingEvent: an active ReplicaSet was sized for another spec.replicas than the Deployment's now. */
  private isScalingEvent(d: DeploymentObj, all: ReplicaSetObj[]): boolean {
    const want = String(d.spec.replicas ?? 1);
    return all.some((rs) => (rs.spec.replicas ?? 0) > 0 && rs.metadata.annotations?.[DESIRED_REPLICAS] !== undefined && rs.metadata.annotations[DESIRED_REPLICAS] !== want);
  }

  /**
   * Kubernetes' proportional scaling: the difference between desired + maxSurge and what the
   * active ReplicaSets hold is shared out by each one's share of the previous size (its
   * max-replicas annotation); the rounding leftover goes to the largest (newest on growth,
   * oldest on shrink).
   */
  private async proportionalScale(d: DeploymentObj, all: ReplicaSetObj[], desired: number, maxSurge: number): Promise<ReplicaSetObj[]> {
    const active = all.filter((rs) => (rs.spec.replicas ?? 0) > 0);
    if (active.length === 1) {
      const i = all.indexOf(active[0]);
      all[i] = await this.scale(d, active[0], desired, true);
      return all;
    }
    const allowed = desired > 0 ? desired + maxSurge : 0;
    const current = active.reduce((s, rs) => s + (rs.spec.replicas ?? 0), 0);
    const toAdd = allowed - current;
    const size = (rs: ReplicaSetObj) => rs.spec.replicas ?? 0;
    const ordered = [...active].sort((a, b) => (toAdd > 0 ? size(b) - size(a) || created(b) - created(a) : size(b) - size(a) || created(a) - created(b)));
    const target = new Map<ReplicaSetObj, number>();
    let added = 0;
    for (const rs of ordered) {
      let share = 0;
      if (toAdd !== 0) {
        const before = Number(rs.metadata.annotations?.[MAX_REPLICAS] ?? 0) || current;
        const fraction = desired === 0 ? -size(rs) : Math.round((size(rs) * allowed) / before) - size(rs);
        share = toAdd > 0 ? Math.min(fraction, toAdd - added) : Math.max(fraction, toAdd - added);
      }
      added += share;
      target.set(rs, size(rs) + share);
    }
    if (ordered.length > 0 && added !== toAdd) target.set(ordered[0], Math.max(0, (target.get(ordered[0]) ?? 0) + toAdd - added));
    for (let i = 0; i < all.length; i++) {
      const t = target.get(all[i]);
      if (t !== undefined) all[i] = await this.scale(d, all[i], Math.max(0, t), true);
    }
    return all;
  }

  private scalingEvent(d: DeploymentObj, rs: ReplicaSetObj, from: number, to: number): void {
    this.events.event({ ...d, apiVersion: 'apps/v1', kind: 'Deployment' }, 'Normal', 'ScalingReplicaSet', `Scaled ${to > from ? 'up' : 'down'} replica set ${rs.metadata.name} from ${from} to ${to}`);
  }

  private async patchRs(rs: ReplicaSetObj, patch: Record<string, unknown>): Promise<ReplicaSetObj> {
    const out = await this.client.patch<ReplicaSetObj>(R.replicasets, rs.metadata.namespace, rs.metadata.name as string, 'merge', patch);
    this.written.set(objectKey(out), out);
    return out;
  }

  private async setOwner(rs: ReplicaSetObj, owner: DeploymentObj | null, d: DeploymentObj): Promise<ReplicaSetObj | undefined> {
    const refs = (rs.metadata.ownerReferences ?? []).filter((r) => r.uid !== d.metadata.uid);
    if (owner) refs.push({ apiVersion: 'apps/v1', kind: 'Deployment', name: owner.metadata.name as string, uid: owner.metadata.uid as string, controller: true, blockOwnerDeletion: true });
    try {
      return await this.patchRs(rs, { metadata: { ownerReferences: refs.length ? refs : null, uid: rs.metadata.uid } });
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  /** revisionHistoryLimit: delete the oldest revisions among fully scaled-down old ReplicaSets. */
  private async cleanup(d: DeploymentObj, olds: ReplicaSetObj[]): Promise<void> {
    const limit = d.spec.revisionHistoryLimit ?? 10;
    const idle = olds
      .filter((o) => (o.spec.replicas ?? 0) === 0 && (o.status?.replicas ?? 0) === 0 && !o.metadata.deletionTimestamp)
      .sort((a, b) => revisionOf(a) - revisionOf(b) || byAge(a, b));
    for (const o of idle.slice(0, Math.max(0, idle.length - limit))) {
      try {
        await this.client.delete(R.replicasets, o.metadata.namespace, o.metadata.name as string, { preconditions: { uid: o.metadata.uid } });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
  }

  private async writeStatus(d: DeploymentObj, status: NonNullable<DeploymentObj['status']>): Promise<void> {
    if (JSON.stringify(status) === JSON.stringify(d.status ?? {})) return;
    try {
      // Only this controller writes a Deployment's status: a patch cannot conflict with spec or annotation writes.
      await this.client.patch(R.deployments, d.metadata.namespace, d.metadata.name as string, 'merge', { status }, 'status');
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  /** The Deployment carries its current revision, as the new ReplicaSet does. */
  private async syncRevisionAnnotation(d: DeploymentObj, newRs: ReplicaSetObj): Promise<void> {
    const rev = newRs.metadata.annotations?.[REVISION];
    if (!rev || d.metadata.annotations?.[REVISION] === rev) return;
    try {
      await this.client.patch(R.deployments, d.metadata.namespace, d.metadata.name as string, 'merge', { metadata: { annotations: { [REVISION]: rev } } });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}

/** Recreate's oldPodsRunning: anything not finished, terminating or not. */
function isActiveOrTerminating(p: PodLike): boolean {
  const phase = p.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed';
}
