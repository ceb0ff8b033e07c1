// Node lifecycle, as Kubernetes' node lifecycle controller and its NoExecute taint manager:
// - a node whose Lease (kube-node-lease/<node>) was not renewed within the grace period gets its
//   conditions set to Unknown ("Kubelet stopped posting node status.") and the taints
//   node.kubernetes.io/unreachable:NoExecute and :NoSchedule, and its pods are marked not ready;
//   a node that reports Ready=False gets the not-ready taints instead;
// - once the Lease is renewed the taints go (Ready comes back from the kubelet's own status);
// - pods on a node with NoExecute taints are deleted when their tolerations run out, so their
//   controllers replace them elsewhere; pods of a deleted node are removed outright.
// Renewals (a new Lease renewTime, or a new status heartbeat) are timed by when we saw them, not
// by the times the node wrote (clock skew).

import {
  Controller, EventRecorder, R, isConflict, isNotFound,
  type Informer, type InformerFactory, type KubeClient, type KubeObject, type Reconciler, type ReconcileResult,
} from '@wasmkube/client';
import type { PodLike } from '../shared/pods.js';
import { evictionTime, NOT_READY, OWNED_KEYS, UNREACHABLE, type Taint, type Toleration } from './taints.js';

const LEASE_NS = 'kube-node-lease';
const STOPPED = 'Kubelet stopped posting node status.';
const NEVER = 'Kubelet never posted node status.';
const NODE_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

interface NodeCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
}

export interface NodeObj extends KubeObject {
  spec?: { taints?: Taint[]; unschedulable?: boolean };
  status?: { conditions?: NodeCondition[] };
}

interface LeaseObj extends KubeObject {
  spec?: { renewTime?: string; holderIdentity?: string };
}

export interface NodeLifecycleOptions {
  /** A node whose Lease is older than this is unreachable (default 40 s). */
  gracePeriodSeconds?: number;
  /** Caps every pod's tolerationSeconds for the NoExecute taints (default: no cap, the pods' own 300 s). */
  podEvictionTimeoutSeconds?: number;
}

export class NodeLifecycleController implements Reconciler {
  readonly name = 'node-lifecycle-controller';
  private readonly nodes: Informer<NodeObj>;
  private readonly leases: Informer<LeaseObj>;
  private readonly pods: Informer<PodLike & { spec?: { tolerations?: Toleration[] } }>;
  private readonly controller: Controller;
  private readonly events: EventRecorder;
  /** node → when we last saw its Lease renewed (or first saw the node: it gets a full grace period). */
  private readonly lastRenewal = new Map<string, { renewTime?: string; at: number; seen: boolean }>();
  private readonly graceMs: number;
  /** node → the lastHeartbeatTime of its Ready condition, as last seen. */
  private readonly heartbeats = new Map<string, string | undefined>();

  constructor(
    private readonly client: KubeClient,
    factory: InformerFactory,
    private readonly opts: NodeLifecycleOptions = {},
  ) {
    this.graceMs = (opts.gracePeriodSeconds ?? 40) * 1000;
    this.nodes = factory.get<NodeObj>(R.nodes);
    this.leases = factory.get<LeaseObj>(R.leases);
    this.pods = factory.get(R.pods);
    this.events = new EventRecorder(client, 'node-controller');
    const observeLease = (l: LeaseObj) => {
      if (l.metadata.namespace !== LEASE_NS) return;
      const name = l.metadata.name as string;
      const prev = this.lastRenewal.get(name);
      if (!prev?.seen || prev.renewTime !== l.spec?.renewTime) this.lastRenewal.set(name, { renewTime: l.spec?.renewTime, at: Date.now(), seen: true });
    };
    this.leases.on({ add: observeLease, update: observeLease });
    // A kubelet's status heartbeat counts as much as its Lease (as in Kubernetes); our own
    // Unknown update keeps lastHeartbeatTime, so it does not count.
    const observeNode = (n: NodeObj) => {
      const name = n.metadata.name as string;
      const hb = n.status?.conditions?.find((c) => c.type === 'Ready')?.lastHeartbeatTime;
      const prevHb = this.heartbeats.get(name);
      this.heartbeats.set(name, hb);
      if (!this.lastRenewal.has(name)) this.lastRenewal.set(name, { at: Date.now(), seen: false });
      else if (hb && prevHb !== undefined && hb !== prevHb) this.lastRenewal.set(name, { ...this.lastRenewal.get(name)!, at: Date.now(), seen: true });
    };
    this.nodes.on({
      add: observeNode,
      update: observeNode,
      delete: (n) => {
        this.lastRenewal.delete(n.metadata.name as string);
        this.heartbeats.delete(n.metadata.name as string);
      },
    });
    this.controller = new Controller(this, { workers: 2 })
      .watches(this.nodes, (n) => [n.metadata.name as string])
      .watches(this.leases, (l) => (l.metadata.namespace === LEASE_NS ? [l.metadata.name as string] : []))
      // A pod bound to a node with NoExecute taints may have to go.
      .watches(this.pods, (p) => {
        const node = p.spec?.nodeName ? this.nodes.get(p.spec.nodeName) : undefined;
        return node?.spec?.taints?.some((t) => t.effect === 'NoExecute') ? [node.metadata.name as string] : [];
      });
  }

  start(): Promise<void> {
    return this.controller.start();
  }

  async stop(): Promise<void> {
    await this.controller.stop();
    await this.events.flush();
  }

  async reconcile(name: string): Promise<ReconcileResult | void> {
    let node = this.nodes.get(name);
    if (!node) return this.deleteOrphanedPods(name);
    const now = Date.now();
    const seen = this.lastRenewal.get(name) ?? { at: now, seen: false };
    if (!this.lastRenewal.has(name)) this.lastRenewal.set(name, seen);
    const expired = now - seen.at > this.graceMs;
    let next: number | undefined = expired ? undefined : seen.at + this.graceMs - now + 50;

    if (expired) node = await this.markUnknown(node, seen.seen ? STOPPED : NEVER);
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status;
    const want: Taint[] = expired ? taintsFor(UNREACHABLE) : ready === 'False' ? taintsFor(NOT_READY) : [];
    node = await this.syncTaints(node, want);

    const noExecute = (node.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute');
    if (noExecute.length > 0) {
      const at = await this.evictPods(node, noExecute, now);
      if (at !== undefined) next = next === undefined ? at - now : Math.min(next, at - now);
    }
    return next === undefined ? undefined : { requeueAfterMs: Math.max(10, next) };
  }

  /**
   * The node was deleted: nothing will ever finish its pods, so they are removed at once (as
   * Kubernetes' pod garbage collector does for pods bound to a node that no longer exists).
   */
  private async deleteOrphanedPods(nodeName: string): Promise<void> {
    const pods = this.pods.list().filter((p) => p.spec?.nodeName === nodeName);
    await Promise.all(
      pods.map(async (p) => {
        try {
          await this.client.delete(R.pods, p.metadata.namespace, p.metadata.name as string, { gracePeriodSeconds: 0, preconditions: { uid: p.metadata.uid } });
        } catch (e) {
          if (!isNotFound(e) && !isConflict(e)) throw e;
        }
      }),
    );
  }

  /** Every condition the kubelet owns becomes Unknown; the node's pods are no longer Ready. */
  private async markUnknown(node: NodeObj, message: string): Promise<NodeObj> {
    const conds = node.status?.conditions ?? [];
    if (conds.find((c) => c.type === 'Ready')?.status === 'Unknown') return node;
    const iso = new Date().toISOString();
    const types = new Set([...conds.map((c) => c.type).filter((t) => NODE_CONDITIONS.includes(t)), 'Ready']);
    const next: NodeCondition[] = [...types].map((type) => {
      const c = conds.find((x) => x.type === type);
      return { type, status: 'Unknown', reason: 'NodeStatusUnknown', message, lastHeartbeatTime: c?.lastHeartbeatTime ?? iso, lastTransitionTime: iso };
    });
    const out = await this.client.patch<NodeObj>(R.nodes, undefined, node.metadata.name as string, 'strategic', { status: { conditions: next } }, 'status');
    this.events.event({ ...node, apiVersion: 'v1', kind: 'Node' }, 'Normal', 'NodeNotReady', `Node ${node.metadata.name} status is now: NodeNotReady`);
    await this.markPodsNotReady(node.metadata.name as string, iso);
    return out;
  }

  private async markPodsNotReady(nodeName: string, iso: string): Promise<void> {
    const pods = this.pods.list().filter((p) => p.spec?.nodeName === nodeName && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
    await Promise.all(
      pods.map(async (p) => {
        if (p.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'False') return;
        try {
          await this.client.patch(R.pods, p.metadata.namespace, p.metadata.name as string, 'strategic', {
            status: { conditions: [{ type: 'Ready', status: 'False', reason: 'NodeNotReady', lastProbeTime: null, lastTransitionTime: iso }] },
          }, 'status');
        } catch (e) {
          if (!isNotFound(e)) throw e;
        }
      }),
    );
  }

  /** Our taints (unreachable / not-ready) as `want` says; everyone else's left alone; timeAdded kept. */
  private async syncTaints(node: NodeObj, want: Taint[]): Promise<NodeObj> {
    const cur = node.spec?.taints ?? [];
    const ours = cur.filter((t) => OWNED_KEYS.has(t.key));
    const same = ours.length === want.length && want.every((w) => ours.some((t) => t.key === w.key && t.effect === w.effect));
    if (same) return node;
    const iso = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const kept = want.map((w) => ours.find((t) => t.key === w.key && t.effect === w.effect) ?? { ...w, timeAdded: iso });
    const taints = [...cur.filter((t) => !OWNED_KEYS.has(t.key)), ...kept];
    try {
      return await this.client.patch<NodeObj>(R.nodes, undefined, node.metadata.name as string, 'merge', {
        metadata: { resourceVersion: node.metadata.resourceVersion },
        spec: { taints: taints.length ? taints : null },
      });
    } catch (e) {
      if (isConflict(e)) throw e; // retried with the newer node
      if (isNotFound(e)) return node;
      throw e;
    }
  }

  /** Deletes the pods whose tolerations ran out; returns when the next one will. */
  private async evictPods(node: NodeObj, taints: Taint[], now: number): Promise<number | undefined> {
    let next: number | undefined;
    for (const p of this.pods.list()) {
      if (p.spec?.nodeName !== node.metadata.name || p.metadata.deletionTimestamp) continue;
      if (p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') continue;
      const at = evictionTime(p.spec?.tolerations ?? [], taints, now, this.opts.podEvictionTimeoutSeconds);
      if (at === undefined) continue;
      if (at > now) {
        next = next === undefined ? at : Math.min(next, at);
        continue;
      }
      try {
        await this.client.delete(R.pods, p.metadata.namespace, p.metadata.name as string, { preconditions: { uid: p.metadata.uid } });
        this.events.event({ ...p, apiVersion: 'v1', kind: 'Pod' }, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${p.metadata.namespace}/${p.metadata.name}`);
      } catch (e) {
        if (!isNotFound(e) && !isConflict(e)) throw e;
      }
    }
    return next;
  }
}

const taintsFor = (key: string): Taint[] => [
  { key, effect: 'NoSchedule' },
  { key, effect: 'NoExecute' },
];
