// The garbage collector, as Kubernetes' (attemptToDelete / attemptToOrphan over the owner graph):
// - background: an object all of whose owners are gone (no object with that uid) is deleted; one
//   with some owners gone loses just those ownerReferences;
// - foreground: an owner being deleted with the `foregroundDeletion` finalizer has its dependents
//   deleted, and keeps the finalizer until no dependent with blockOwnerDeletion is left;
// - orphan: an owner being deleted with the `orphan` finalizer has its ownerReference removed from
//   every dependent, then the finalizer.
// An owner missing from the caches is confirmed with a live GET before anything is deleted.

import {
  Controller, R, isConflict, isNotFound,
  type Informer, type InformerFactory, type KubeClient, type KubeObject, type OwnerReference, type Reconciler,
} from '@wasmkube/client';
import { itemKey, kindId, OwnerGraph, parseItemKey, type GcKind, type ItemKey } from './graph.js';

const ORPHAN = 'orphan';
const FOREGROUND = 'foregroundDeletion';

/** Every kind we serve that can own or be owned (events excepted: they are never owners and are many). */
export const GC_KINDS: GcKind[] = [
  { ref: R.pods, apiVersion: 'v1', kind: 'Pod' },
  { ref: R.services, apiVersion: 'v1', kind: 'Service' },
  { ref: R.endpoints, apiVersion: 'v1', kind: 'Endpoints' },
  { ref: R.replicationcontrollers, apiVersion: 'v1', kind: 'ReplicationController' },
  { ref: R.configmaps, apiVersion: 'v1', kind: 'ConfigMap' },
  { ref: R.secrets, apiVersion: 'v1', kind: 'Secret' },
  { ref: { group: '', version: 'v1', plural: 'serviceaccounts', namespaced: true }, apiVersion: 'v1', kind: 'ServiceAccount' },
  { ref: R.replicasets, apiVersion: 'apps/v1', kind: 'ReplicaSet' },
  { ref: R.deployments, apiVersion: 'apps/v1', kind: 'Deployment' },
  { ref: R.daemonsets, apiVersion: 'apps/v1', kind: 'DaemonSet' },
  { ref: R.controllerrevisions, apiVersion: 'apps/v1', kind: 'ControllerRevision' },
  { ref: R.jobs, apiVersion: 'batch/v1', kind: 'Job' },
  { ref: R.leases, apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' },
  { ref: R.endpointslices, apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice' },
  { ref: R.nodes, apiVersion: 'v1', kind: 'Node' },
];

type OwnerState = 'solid' | 'dangling' | 'waiting';

export class GarbageCollector implements Reconciler {
  readonly name = 'garbage-collector';
  private readonly graph = new OwnerGraph();
  private readonly informers = new Map<string, { kind: GcKind; informer: Informer<KubeObject> }>();
  private readonly controller: Controller;

  constructor(
    private readonly client: KubeClient,
    factory: InformerFactory,
    kinds: GcKind[] = GC_KINDS,
  ) {
    this.controller = new Controller(this, { workers: 2 });
    for (const kind of kinds) {
      const informer = factory.get<KubeObject>(kind.ref);
      this.informers.set(kindId(kind), { kind, informer });
      // The graph is updated before the controller's handler (registered next) enqueues keys.
      informer.on({ add: (o) => this.graph.upsert(kind, o), update: (o) => this.graph.upsert(kind, o), delete: (o) => this.graph.remove(kind, o) });
      this.controller.watches(informer, (o) => this.keysFor(kind, o));
    }
  }

  start(): Promise<void> {
    return this.controller.start();
  }

  stop(): Promise<void> {
    return this.controller.stop();
  }

  /** A change concerns the object itself, its dependents (their owner may be gone), and owners waiting on it. */
  private keysFor(kind: GcKind, o: KubeObject): string[] {
    const keys = [itemKey(kind, o)];
    if (o.metadata.uid) keys.push(...this.graph.dependentsOf(o.metadata.uid));
    for (const r of o.metadata.ownerReferences ?? []) {
      const k = this.graph.keyOf(r.uid);
      if (k && this.lookup(k)?.metadata.deletionTimestamp) keys.push(k);
    }
    return keys;
  }

  private lookup(key: ItemKey): KubeObject | undefined {
    const { kindId: id, namespace, name } = parseItemKey(key);
    return this.informers.get(id)?.informer.get(namespace ? `${namespace}/${name}` : name);
  }

  async reconcile(key: string): Promise<void> {
    const { kindId: id, namespace } = parseItemKey(key);
    const entry = this.informers.get(id);
    const obj = this.lookup(key);
    if (!entry || !obj) return;
    const fins = obj.metadata.finalizers ?? [];
    if (obj.metadata.deletionTimestamp) {
      if (fins.includes(ORPHAN)) return this.orphanDependents(entry.kind, obj);
      if (fins.includes(FOREGROUND)) return this.deleteDependentsFirst(entry.kind, obj);
      return;
    }
    const refs = obj.metadata.ownerReferences ?? [];
    if (refs.length === 0) return;

    const states = await Promise.all(refs.map((r) => this.ownerState(r, namespace)));
    const solid = refs.filter((_, i) => states[i] === 'solid');
    const waiting = refs.filter((_, i) => states[i] === 'waiting');
    if (solid.length > 0) {
      // Some owner remains: drop only the references to owners that are gone or going.
      if (solid.length < refs.length) await this.setOwnerRefs(entry.kind, obj, solid);
      return;
    }
    // Every owner is gone (or waits for its dependents): this object goes. One that has dependents
    // itself and an owner waiting in the foreground is deleted in the foreground too.
    let policy = 'Background';
    if (fins.includes(ORPHAN)) policy = 'Orphan';
    else if (fins.includes(FOREGROUND) || (waiting.length > 0 && obj.metadata.uid && this.graph.dependentsOf(obj.metadata.uid).length > 0)) policy = 'Foreground';
    await this.deleteObj(entry.kind, obj, policy);
  }

  private async ownerState(r: OwnerReference, namespace: string | undefined): Promise<OwnerState> {
    const key = this.graph.keyOf(r.uid);
    let owner = key ? this.lookup(key) : undefined;
    if (!owner) {
      const kind = [...this.informers.values()].find((e) => e.kind.apiVersion === r.apiVersion && e.kind.kind === r.kind)?.kind;
      if (!kind) return 'solid'; // a kind we cannot look up: never delete on a guess
      try {
        owner = await this.client.get<KubeObject>(kind.ref, kind.ref.namespaced ? namespace : undefined, r.name);
      } catch (e) {
        if (isNotFound(e)) return 'dangling';
        throw e;
      }
      if (owner.metadata.uid !== r.uid) return 'dangling';
    }
    return owner.metadata.deletionTimestamp && (owner.metadata.finalizers ?? []).includes(FOREGROUND) ? 'waiting' : 'solid';
  }

  private dependents(owner: KubeObject): { kind: GcKind; obj: KubeObject }[] {
    const out: { kind: GcKind; obj: KubeObject }[] = [];
    for (const k of this.graph.dependentsOf(owner.metadata.uid as string)) {
      const obj = this.lookup(k);
      const kind = this.informers.get(parseItemKey(k).kindId)?.kind;
      if (obj && kind) out.push({ kind, obj });
    }
    return out;
  }

  private async orphanDependents(kind: GcKind, owner: KubeObject): Promise<void> {
    for (const d of this.dependents(owner)) {
      const keep = (d.obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== owner.metadata.uid);
      await this.setOwnerRefs(d.kind, d.obj, keep);
    }
    await this.removeFinalizer(kind, owner, ORPHAN);
  }

  private async deleteDependentsFirst(kind: GcKind, owner: KubeObject): Promise<void> {
    const deps = this.dependents(owner);
    for (const d of deps) {
      if (d.obj.metadata.deletionTimestamp) continue;
      const hasOwn = this.graph.dependentsOf(d.obj.metadata.uid as string).length > 0;
      await this.deleteObj(d.kind, d.obj, hasOwn ? 'Foreground' : 'Background');
    }
    const blocking = deps.filter((d) => d.obj.metadata.ownerReferences?.some((r) => r.uid === owner.metadata.uid && r.blockOwnerDeletion));
    // The dependents' deletions re-enqueue this owner.
    if (blocking.length === 0) await this.removeFinalizer(kind, owner, FOREGROUND);
  }

  private async deleteObj(kind: GcKind, obj: KubeObject, propagationPolicy: string): Promise<void> {
    try {
      await this.client.delete(kind.ref, obj.metadata.namespace, obj.metadata.name as string, { propagationPolicy, preconditions: { uid: obj.metadata.uid } });
    } catch (e) {
      if (!isNotFound(e) && !isConflict(e)) throw e;
    }
  }

  private async setOwnerRefs(kind: GcKind, obj: KubeObject, refs: OwnerReference[]): Promise<void> {
    try {
      await this.client.patch(kind.ref, obj.metadata.namespace, obj.metadata.name as string, 'merge', {
        metadata: { ownerReferences: refs.length ? refs : null, resourceVersion: obj.metadata.resourceVersion },
      });
    } catch (e) {
      if (!isNotFound(e)) throw e; // a Conflict retries with the newer object
    }
  }

  private async removeFinalizer(kind: GcKind, obj: KubeObject, finalizer: string): Promise<void> {
    const fins = (obj.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    try {
      await this.client.patch(kind.ref, obj.metadata.namespace, obj.metadata.name as string, 'merge', {
        metadata: { finalizers: fins.length ? fins : null, resourceVersion: obj.metadata.resourceVersion },
      });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}
