// One pod on this node: drives its states (setup → init → run → completed, terminating → done),
// follows updates of the pod from the API, and writes its status back, coalescing bursts of
// changes into one PATCH at a time.

import { R, isNotFound } from '@wasmkube/client';
import type { PodIpAllocator } from '../pod-ips.js';
import { ContainerRunner } from './container-runner.js';
import { PodContext, type NodeServices } from './context.js';
import { buildPodStatus } from './pod-status.js';
import { completed } from './states/completed.js';
import { init } from './states/init.js';
import { run } from './states/run.js';
import { setup } from './states/setup.js';
import { TRANSITIONS, type PodState, type PodStateName } from './states/state.js';
import { terminating } from './states/terminating.js';
import type { Pod } from './types.js';

/**
 * How long the steps before a container start (IP, start time, Initialized) wait to be reported
 * with the containers' first states. A slow start (an image pull, init containers) still shows
 * ContainerCreating and the IP after this long.
 */
const STATUS_SOON_MS = 50;

const STATES: Record<Exclude<PodStateName, 'done'>, PodState> = { setup, init, run, completed, terminating };

export class PodWorker {
  readonly ctx: PodContext;
  readonly initRunners: ContainerRunner[];
  readonly runners: ContainerRunner[];
  state: PodStateName = 'setup';
  removedFromApi = false;
  shutdownGraceMs = 0;
  readonly finished: Promise<void>;
  private statusDirty = false;
  private statusInFlight?: Promise<void>;
  private deferredStatus?: NodeJS.Timeout;

  constructor(
    pod: Pod,
    node: NodeServices,
    readonly ips: PodIpAllocator,
  ) {
    this.ctx = new PodContext(pod, node, () => this.pushStatus());
    this.initRunners = (pod.spec.initContainers ?? []).map((c, i) => new ContainerRunner(this.ctx, c, this.ctx.initStatuses[i], 'init'));
    this.runners = pod.spec.containers.map((c, i) => new ContainerRunner(this.ctx, c, this.ctx.statuses[i], 'regular'));
    this.resumeFrom(pod);
    this.finished = this.drive();
  }

  /** The pod changed in the API. */
  update(pod: Pod): void {
    this.ctx.pod = pod;
    if (pod.metadata.deletionTimestamp) this.ctx.beginTermination();
  }

  /** The pod is gone from the API (force-deleted): stop at once. */
  remove(): void {
    this.removedFromApi = true;
    this.ctx.beginTermination();
  }

  /** The agent is stopping: stop the containers within graceMs; resolves when they are stopped. */
  async shutdown(graceMs: number): Promise<void> {
    this.shutdownGraceMs = graceMs;
    this.ctx.beginNodeShutdown();
    await this.finished;
  }

  /** After an agent restart: carry restart counts over, and do not rerun finished pods. */
  private resumeFrom(pod: Pod): void {
    const st = pod.status;
    if (!st) return;
    const carry = (trackers: typeof this.ctx.statuses, statuses: typeof st.containerStatuses) => {
      for (const t of trackers) {
        const s = statuses?.find((x) => x.name === t.name);
        if (!s) continue;
        t.restartCount = s.restartCount + (s.state?.running ? 1 : 0);
        if (s.state?.terminated) t.state = { terminated: s.state.terminated };
        if (s.lastState) t.lastState = s.lastState;
      }
    };
    carry(this.ctx.initStatuses, st.initContainerStatuses);
    carry(this.ctx.statuses, st.containerStatuses);
    if (st.phase === 'Succeeded' || st.phase === 'Failed') {
      this.state = 'completed';
      this.ctx.podIp = st.podIP;
      this.ctx.startTime = st.startTime;
      this.ctx.initDone = true;
      if (st.phase === 'Failed' && st.message) this.ctx.failed = { message: st.message, reason: st.reason };
    }
  }

  private async drive(): Promise<void> {
    while (this.state !== 'done') {
      const from = this.state;
      let next: PodStateName;
      try {
        next = await STATES[from](this);
      } catch (e) {
        this.ctx.event('Warning', 'FailedSync', `error syncing pod: ${(e as Error).message}`);
        next = this.ctx.isTerminating ? 'terminating' : (await this.ctx.sleep(1000)) ? 'terminating' : from;
        if (next === from) continue;
      }
      if (!TRANSITIONS[from].includes(next)) throw new Error(`pod ${this.ctx.key}: illegal transition ${from} → ${next}`);
      this.state = next;
    }
  }

  /** Ask for the status to be written; bursts coalesce into one PATCH. */
  pushStatus(): void {
    clearTimeout(this.deferredStatus);
    this.deferredStatus = undefined;
    this.statusDirty = true;
    if (!this.statusInFlight) this.statusInFlight = this.writeStatusLoop();
  }

  /**
   * Ask for the status to be written soon (STATUS_SOON_MS), unless a change comes first and takes
   * it along: a pod whose containers start that fast goes from bound to Running in one write.
   */
  pushStatusSoon(): void {
    if (this.deferredStatus || this.statusDirty) return;
    this.deferredStatus = setTimeout(() => this.pushStatus(), STATUS_SOON_MS);
  }

  /** Wait until the current status is written. */
  async flushStatus(): Promise<void> {
    this.pushStatus();
    while (this.statusInFlight) await this.statusInFlight;
  }

  private async writeStatusLoop(): Promise<void> {
    try {
      while (this.statusDirty) {
        this.statusDirty = false;
        await new Promise((r) => setImmediate(r));
        const ctx = this.ctx;
        if (this.removedFromApi || ctx.nodeShutdown) return;
        const status = buildPodStatus({
          spec: ctx.pod.spec,
          previous: ctx.pod.status,
          podIp: ctx.podIp,
          hostIp: ctx.node.hostIp,
          startTime: ctx.startTime,
          initContainers: ctx.initStatuses,
          containers: ctx.statuses,
          initDone: ctx.initDone,
          failed: ctx.failed,
        });
        try {
          const updated = await ctx.node.client.patch<Pod>(R.pods, ctx.pod.metadata.namespace, ctx.pod.metadata.name as string, 'merge', { status }, 'status');
          if (updated.metadata.uid === ctx.uid) ctx.pod = { ...ctx.pod, status: updated.status };
        } catch (e) {
          if (isNotFound(e)) return;
          this.statusDirty = true; // retry shortly
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    } finally {
      this.statusInFlight = undefined;
    }
  }
}
