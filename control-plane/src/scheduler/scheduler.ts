// The default scheduler: watches pods with no node for "default-scheduler", filters and scores the
// nodes, and binds through pods/binding. Decisions are made one pod at a time against an
// in-memory view (ClusterState) that counts our own binds at once ("assumed"), so binds can be in
// flight concurrently without over-committing a node. A pod that fits nowhere gets a
// FailedScheduling event and PodScheduled=False, and is retried whenever nodes or pods change.

import { Controller, EventRecorder, Informer, R, isConflict, isNotFound, objectKey, type KubeClient } from '@wasmkube/client';
import { FILTERS } from './filters.js';
import { unschedulableMessage } from './message.js';
import { ClusterState } from './node-state.js';
import { podRequests } from './requests.js';
import { pickNode } from './score.js';
import type { Node, Pod } from './types.js';

export const DEFAULT_SCHEDULER = 'default-scheduler';

export interface SchedulerOptions {
  /** Binds allowed in flight at once. */
  maxInFlight?: number;
  /** How often pods that fit nowhere are retried even without a cluster change. */
  retryUnschedulableMs?: number;
}

export class Scheduler {
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;
  private readonly state = new ClusterState();
  private readonly controller: Controller;
  private readonly events: EventRecorder;
  private readonly unschedulable = new Set<string>();
  private inFlight = 0;
  private readonly inFlightWaiters: (() => void)[] = [];
  private retryTimer?: NodeJS.Timeout;

  constructor(
    private readonly client: KubeClient,
    private readonly opts: SchedulerOptions = {},
  ) {
    this.pods = new Informer<Pod>(client, R.pods);
    this.nodes = new Informer<Node>(client, R.nodes);
    this.events = new EventRecorder(client, DEFAULT_SCHEDULER);
    this.controller = new Controller({ name: 'scheduler', reconcile: (key) => this.schedule(key) });

    this.nodes.on({
      add: (n) => {
        this.state.setNode(n);
        this.retryUnschedulable();
      },
      update: (n) => {
        this.state.setNode(n);
        this.retryUnschedulable();
      },
      delete: (n) => this.state.deleteNode(n.metadata.name as string),
    });
    this.pods.on({
      add: (p) => this.observePod(p),
      update: (p) => this.observePod(p),
      delete: (p) => {
        const key = objectKey(p);
        this.unschedulable.delete(key);
        if (this.state.isPlaced(key)) {
          this.state.remove(key);
          this.retryUnschedulable();
        }
      },
    });
  }

  async start(): Promise<void> {
    await this.nodes.start();
    this.controller.watches(this.pods, (p) => (this.wantsScheduling(p) ? [objectKey(p)] : []));
    await this.controller.start();
    this.retryTimer = setInterval(() => this.retryUnschedulable(), this.opts.retryUnschedulableMs ?? 30_000);
    this.retryTimer.unref?.();
  }

  async stop(): Promise<void> {
    clearInterval(this.retryTimer);
    this.nodes.stop();
    await this.controller.stop();
    await this.events.flush();
  }

  private wantsScheduling(p: Pod): boolean {
    return !p.spec.nodeName && !p.metadata.deletionTimestamp && (p.spec.schedulerName ?? DEFAULT_SCHEDULER) === DEFAULT_SCHEDULER;
  }

  private observePod(p: Pod): void {
    const key = objectKey(p);
    if (p.spec.nodeName) {
      this.unschedulable.delete(key);
      const wasPlaced = this.state.isPlaced(key);
      this.state.place(key, p, p.spec.nodeName);
      // A pod that finished frees its resources: pending pods may fit now.
      if (wasPlaced && !this.state.isPlaced(key)) this.retryUnschedulable();
    }
  }

  private retryUnschedulable(): void {
    for (const key of this.unschedulable) this.controller.queue.add(key);
    this.unschedulable.clear();
  }

  /** reconcile(key): place one pending pod, or record why it cannot be placed. */
  private async schedule(key: string): Promise<void> {
    const pod = this.pods.get(key);
    if (!pod || !this.wantsScheduling(pod) || this.state.isPlaced(key)) return;

    const req = podRequests(pod);
    const nodes = this.state.list();
    const feasible = [];
    const reasons: string[][] = [];
    for (const n of nodes) {
      let failed: string[] | undefined;
      for (const f of FILTERS) {
        failed = f(pod, req, n);
        if (failed) break;
      }
      if (failed) reasons.push(failed);
      else feasible.push(n);
    }
    const chosen = pickNode(pod, req, feasible);
    if (!chosen) {
      await this.markUnschedulable(key, pod, unschedulableMessage(nodes.length, reasons));
      return;
    }
    const nodeName = chosen.node.metadata.name as string;
    this.state.place(key, pod, nodeName); // assume now; the bind completes in the background
    await this.acquireSlot();
    void this.bind(key, pod, nodeName).finally(() => this.releaseSlot());
  }

  private async bind(key: string, pod: Pod, nodeName: string): Promise<void> {
    const ns = pod.metadata.namespace as string;
    const name = pod.metadata.name as string;
    try {
      await this.client.createSub(R.pods, ns, name, 'binding', {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name, namespace: ns, uid: pod.metadata.uid },
        target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
      });
      this.events.event({ ...pod, apiVersion: 'v1', kind: 'Pod' }, 'Normal', 'Scheduled', `Successfully assigned ${ns}/${name} to ${nodeName}`);
    } catch (e) {
      this.state.remove(key);
      if (isNotFound(e)) return; // deleted meanwhile
      if (isConflict(e)) return; // bound by someone else: the watch will tell
      console.error(`scheduler: binding ${key} to ${nodeName} failed: ${(e as Error).message}`);
      this.controller.queue.addRateLimited(key);
    }
  }

  private async markUnschedulable(key: string, pod: Pod, message: string): Promise<void> {
    this.unschedulable.add(key);
    this.events.event({ ...pod, apiVersion: 'v1', kind: 'Pod' }, 'Warning', 'FailedScheduling', message);
    const cond = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (cond?.status === 'False' && cond.message === message) return;
    try {
      await this.client.patch(R.pods, pod.metadata.namespace, pod.metadata.name as string, 'strategic', {
        status: {
          conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null, lastTransitionTime: new Date().toISOString() }],
        },
      }, 'status');
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  private async acquireSlot(): Promise<void> {
    const max = this.opts.maxInFlight ?? 64;
    while (this.inFlight >= max) await new Promise<void>((r) => this.inFlightWaiters.push(r));
    this.inFlight++;
  }

  private releaseSlot(): void {
    this.inFlight--;
    this.inFlightWaiters.shift()?.();
  }
}
