// The replication manager for ReplicationControllers and ReplicaSets (one code path, as in
// Kubernetes): keep exactly spec.replicas active pods matching the selector, adopt matching
// orphans, release owned pods that stopped matching, and report status.

import {
  Controller, EventRecorder, R, isNotFound, matchesSelector, objectKey,
  type InformerFactory, type Informer, type KubeClient, type KubeObject, type LabelSelector, type Reconciler, type ResourceRef,
} from '@wasmkube/client';
import { Expectations } from '../shared/expectations.js';
import { trackOwnedPods } from '../shared/owned-pods.js';
import { podFromTemplate, type PodTemplate } from '../shared/pod-template.js';
import { controllerRef, deletionOrder, isActive, isAvailable, isReady, type PodLike } from '../shared/pods.js';

/** Kubernetes creates at most this many pods per sync (burstReplicas). */
const BURST = 500;

interface ReplicatedObject extends KubeObject {
  spec: { replicas?: number; minReadySeconds?: number; selector?: unknown; template?: PodTemplate };
  status?: Record<string, unknown>;
}

interface Kind {
  ref: ResourceRef;
  apiVersion: string;
  kind: 'ReplicationController' | 'ReplicaSet';
  /** RC selectors are plain maps; RS selectors are metav1.LabelSelector. */
  selector(obj: ReplicatedObject): LabelSelector | undefined;
}

export const REPLICATION_CONTROLLER: Kind = {
  ref: R.replicationcontrollers,
  apiVersion: 'v1',
  kind: 'ReplicationController',
  selector: (o) => {
    const sel = (o.spec.selector as Record<string, string> | undefined) ?? o.spec.template?.metadata?.labels;
    return sel && Object.keys(sel).length ? { matchLabels: sel } : undefined;
  },
};

export const REPLICA_SET: Kind = {
  ref: R.replicasets,
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  selector: (o) => {
    const sel = o.spec.selector as LabelSelector | undefined;
    return sel && (Object.keys(sel.matchLabels ?? {}).length || (sel.matchExpressions ?? []).length) ? sel : undefined;
  },
};

export class ReplicaSetController implements Reconciler {
  readonly name: string;
  private readonly owners: Informer<ReplicatedObject>;
  private readonly pods: Informer<PodLike>;
  private readonly controller: Controller;
  private readonly expectations = new Expectations();
  private readonly events: EventRecorder;

  constructor(
    private readonly client: KubeClient,
    factory: InformerFactory,
    private readonly kind: Kind,
  ) {
    this.name = `${kind.kind.toLowerCase()}-controller`;
    this.owners = factory.get<ReplicatedObject>(kind.ref);
    this.pods = factory.get<PodLike>(R.pods);
    this.events = new EventRecorder(client, kind.kind === 'ReplicaSet' ? 'replicaset-controller' : 'replication-controller');
    this.controller = new Controller(this, { workers: 2 })
      .watches(this.owners)
      .watches(this.pods, (pod) => this.ownersOf(pod));
    trackOwnedPods(this.pods, kind.kind, this.expectations);
  }

  start(): Promise<void> {
    return this.controller.start();
  }

  async stop(): Promise<void> {
    await this.controller.stop();
    await this.events.flush();
  }

  /** The owners a pod change concerns: its controller, or for an orphan every owner whose selector matches. */
  private ownersOf(pod: PodLike): string[] {
    const ref = controllerRef(pod);
    if (ref) return ref.kind === this.kind.kind ? [`${pod.metadata.namespace}/${ref.name}`] : [];
    return this.owners
      .list()
      .filter((o) => o.metadata.namespace === pod.metadata.namespace && matchesSelector(this.kind.selector(o), pod.metadata.labels))
      .map(objectKey);
  }

  async reconcile(key: string): Promise<void> {
    const owner = this.owners.get(key);
    if (!owner) {
      this.expectations.forget(key);
      return;
    }
    const selector = this.kind.selector(owner);
    if (!selector) return; // validation rejects these; nothing safe to do
    const ns = owner.metadata.namespace as string;
    const uid = owner.metadata.uid as string;

    const owned: PodLike[] = [];
    for (const pod of this.pods.list()) {
      if (pod.metadata.namespace !== ns) continue;
      const ref = controllerRef(pod);
      const matches = matchesSelector(selector, pod.metadata.labels);
      if (ref?.uid === uid) {
        if (matches) owned.push(pod);
        else if (!owner.metadata.deletionTimestamp) await this.release(pod, uid);
      } else if (!ref && matches && !pod.metadata.deletionTimestamp && !owner.metadata.deletionTimestamp) {
        if (await this.adopt(pod, owner)) owned.push(pod);
      }
    }

    const active = owned.filter(isActive);
    if (this.expectations.satisfied(key) && !owner.metadata.deletionTimestamp) {
      await this.manageReplicas(key, owner, active);
    }
    await this.updateStatus(owner, active);
  }

  private async manageReplicas(key: string, owner: ReplicatedObject, active: PodLike[]): Promise<void> {
    const want = owner.spec.replicas ?? 1;
    const diff = active.length - want;
    const ns = owner.metadata.namespace as string;
    if (diff < 0) {
      const n = Math.min(-diff, BURST);
      this.expectations.expect(key, n);
      const template = owner.spec.template ?? {};
      const ownerObj = { ...owner, apiVersion: this.kind.apiVersion, kind: this.kind.kind };
      await Promise.all(
        Array.from({ length: n }, async () => {
          try {
            const pod = await this.client.create(R.pods, ns, podFromTemplate(ownerObj, template, `${owner.metadata.name}-`));
            this.events.event(ownerObj, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
          } catch (e) {
            this.expectations.creationFailed(key);
            this.events.event(ownerObj, 'Warning', 'FailedCreate', `Error creating: ${(e as Error).message}`);
            throw e;
          }
        }),
      );
    } else if (diff > 0) {
      const victims = [...active].sort(deletionOrder).slice(0, Math.min(diff, BURST));
      this.expectations.expect(key, 0, victims.map(objectKey));
      const ownerObj = { ...owner, apiVersion: this.kind.apiVersion, kind: this.kind.kind };
      await Promise.all(
        victims.map(async (pod) => {
          try {
            await this.client.delete(R.pods, ns, pod.metadata.name as string);
            this.events.event(ownerObj, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
          } catch (e) {
            this.expectations.observedDelete(key, objectKey(pod));
            if (!isNotFound(e)) throw e;
          }
        }),
      );
    }
  }

  private async updateStatus(owner: ReplicatedObject, active: PodLike[]): Promise<void> {
    const minReady = owner.spec.minReadySeconds ?? 0;
    const labels = owner.spec.template?.metadata?.labels ?? {};
    const status: Record<string, unknown> = {
      replicas: active.length,
      fullyLabeledReplicas: active.filter((p) => Object.entries(labels).every(([k, v]) => p.metadata.labels?.[k] === v)).length,
      readyReplicas: active.filter(isReady).length,
      availableReplicas: active.filter((p) => isAvailable(p, minReady)).length,
      observedGeneration: owner.metadata.generation ?? 1,
    };
    if (owner.status?.conditions) status.conditions = owner.status.conditions;
    const cur = owner.status ?? {};
    const same = Object.entries(status).every(([k, v]) => JSON.stringify(cur[k] ?? 0) === JSON.stringify(v ?? 0));
    if (same) return;
    try {
      // A patch, not a PUT of the cached object: the Deployment controller scales ReplicaSets
      // meanwhile, and a conflicting PUT would back off (seconds, after a few) on every step of a rollout.
      await this.client.patch(this.kind.ref, owner.metadata.namespace, owner.metadata.name as string, 'merge', { status }, 'status');
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
    // A pod becomes available minReadySeconds after it is ready: look again then.
    if (minReady > 0 && (status.readyReplicas as number) > (status.availableReplicas as number)) {
      this.controller.queue.addAfter(objectKey(owner), minReady * 1000);
    }
  }

  private async adopt(pod: PodLike, owner: ReplicatedObject): Promise<boolean> {
    try {
      await this.client.patch(R.pods, pod.metadata.namespace, pod.metadata.name as string, 'strategic', {
        metadata: {
          ownerReferences: [
            { apiVersion: this.kind.apiVersion, kind: this.kind.kind, name: owner.metadata.name, uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true },
          ],
          uid: pod.metadata.uid,
        },
      });
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  }

  private async release(pod: PodLike, ownerUid: string): Promise<void> {
    const refs = (pod.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerUid);
    try {
      await this.client.patch(R.pods, pod.metadata.namespace, pod.metadata.name as string, 'merge', {
        metadata: { ownerReferences: refs.length ? refs : null, uid: pod.metadata.uid },
      });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}
