// One container of a pod through its whole life: pull its image, start it, run its postStart
// hook and probes, wait for it to exit, and restart it per the restartPolicy with back-off —
// until the pod terminates (preStop, then stop within the grace period).

import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseQuantity } from '@wasmkube/client';
import { ImagePullError, type PullPolicy } from '../../images/index.js';
import { Backoff } from '../backoff.js';
import { Prober, type ProbeKind } from '../probes/prober.js';
import { runHandler, type HandlerContext } from '../probes/handlers.js';
import { CreateContainerError, type ExitInfo, type RunningContainer } from '../runtime.js';
import type { PodContext } from './context.js';
import type { ContainerStatusTracker } from './container-status.js';
import { argvOf, buildEnv } from './env.js';
import { shouldRestart } from './restart-policy.js';
import { mountsFor } from './volumes.js';
import type { ContainerSpec } from './types.js';

/** Pod annotation: a total fuel budget per container; past it the guest traps (FuelExhausted). */
export const FUEL_BUDGET_ANNOTATION = 'wasmkube.dev/fuel-budget';

export type RunnerKind = 'init' | 'regular';

export class ContainerRunner {
  current?: RunningContainer;
  private readonly backoff: Backoff;
  private probers: Prober[] = [];
  private killedFor?: string;
  private restartedOnce = false;

  constructor(
    private readonly ctx: PodContext,
    readonly spec: ContainerSpec,
    readonly tracker: ContainerStatusTracker,
    private readonly kind: RunnerKind,
  ) {
    this.backoff = new Backoff(ctx.node.crashBackoff);
  }

  private get fieldPath(): string {
    return `spec.${this.kind === 'init' ? 'initContainers' : 'containers'}{${this.spec.name}}`;
  }

  /**
   * Regular containers: run and restart until the policy says stop or the pod terminates.
   * Init containers: run until one run exits 0 (true), or fails with no restart (false).
   */
  async run(): Promise<boolean> {
    const policy = this.ctx.pod.spec.restartPolicy ?? 'Always';
    let first = true;
    for (;;) {
      if (this.ctx.isTerminating) return false;
      if (!first) {
        // The first restart is immediate, then 10 s doubling to 5 min, as kubelet does.
        if (this.restartedOnce) {
          const delay = this.backoff.next();
          const podName = `${this.ctx.pod.metadata.name}_${this.ctx.pod.metadata.namespace}(${this.ctx.uid})`;
          this.tracker.waiting('CrashLoopBackOff', `back-off ${formatDelay(delay)} restarting failed container=${this.spec.name} pod=${podName}`);
          this.ctx.onStatusChange();
          this.ctx.event('Warning', 'BackOff', `Back-off restarting failed container ${this.spec.name} in pod ${podName}`, this.fieldPath);
          if (await this.ctx.sleep(delay)) return false;
        }
        this.restartedOnce = true;
      }
      first = false;
      const exit = await this.runOnce();
      if (!exit) return false; // could not start and the pod is terminating
      if (this.kind === 'init' && exit.exitCode === 0) return true;
      const restart = this.kind === 'init' ? policy !== 'Never' : shouldRestart(policy, exit.exitCode);
      if (!restart || this.ctx.isTerminating) return false;
      this.tracker.restartCount++;
    }
  }

  /** One run: image, start, hooks, probes, exit. Undefined if the pod terminated before it ran. */
  private async runOnce(): Promise<ExitInfo | undefined> {
    const image = await this.pullWithBackoff();
    if (!image) return undefined;
    let container: RunningContainer;
    for (;;) {
      try {
        container = await this.start(image);
        break;
      } catch (e) {
        const reason = e instanceof CreateContainerError ? 'CreateContainerError' : (e as Error).name === 'CreateContainerConfigError' ? 'CreateContainerConfigError' : 'RunContainerError';
        this.tracker.waiting(reason, (e as Error).message);
        this.ctx.onStatusChange();
        this.ctx.event('Warning', 'Failed', `Error: ${(e as Error).message}`, this.fieldPath);
        if (await this.ctx.sleep(this.backoff.next())) return undefined;
      }
    }
    this.current = container;
    if (this.ctx.isTerminating) {
      // The pod (or the agent) began stopping while this container was being created.
      const exit = await container.stop(0);
      this.current = undefined;
      this.tracker.terminated(exit);
      return exit;
    }
    this.tracker.running(container.id, container.startedAt);
    this.ctx.event('Normal', 'Created', `Created container: ${this.spec.name}`, this.fieldPath);
    this.ctx.event('Normal', 'Started', `Started container ${this.spec.name}`, this.fieldPath);

    // postStart runs before the container counts as started; a failure kills it.
    const postStart = this.spec.lifecycle?.postStart;
    if (postStart) {
      const grace = (this.ctx.pod.spec.terminationGracePeriodSeconds ?? 30) * 1000;
      const res = await Promise.race([runHandler(postStart, this.handlerContext(), grace), container.exited.then(() => undefined)]);
      if (res && !res.ok) {
        this.ctx.event('Warning', 'FailedPostStartHook', `PostStartHook failed: ${res.message}`, this.fieldPath);
        this.ctx.event('Normal', 'Killing', `FailedPostStartHook`, this.fieldPath);
        await container.stop(0);
      }
    }
    if (this.kind === 'regular') this.startProbes();
    else this.tracker.started = false;
    this.ctx.onStatusChange();

    const exit = await container.exited;
    this.stopProbes();
    this.current = undefined;
    const ranMs = exit.finishedAt.getTime() - exit.startedAt.getTime();
    this.backoff.ranFor(ranMs);
    if (ranMs >= this.ctx.node.crashBackoff.resetAfterMs) this.restartedOnce = false;
    this.tracker.terminated(this.killedFor ? { ...exit, reason: exit.exitCode === 0 ? 'Completed' : 'Error' } : exit);
    this.killedFor = undefined;
    this.ctx.onStatusChange();
    return exit;
  }

  private async pullWithBackoff(): Promise<{ name: string; digest: string; bytes: Uint8Array } | undefined> {
    const image = this.spec.image;
    const policy: PullPolicy = this.spec.imagePullPolicy ?? (/:latest$|^[^:]*$/.test(image.split('/').pop() ?? '') ? 'Always' : 'IfNotPresent');
    const pullBackoff = new Backoff(this.ctx.node.crashBackoff);
    for (;;) {
      const present = this.ctx.node.images.isPresent(image) && policy !== 'Always';
      try {
        const t0 = Date.now();
        if (!present) this.ctx.event('Normal', 'Pulling', `Pulling image "${image}"`, this.fieldPath);
        const pulled = await this.ctx.node.images.pull(image, policy);
        this.tracker.imageID = `${pulled.ref.location}@${pulled.digest}`;
        if (pulled.cached) this.ctx.event('Normal', 'Pulled', `Container image "${image}" already present on machine`, this.fieldPath);
        else {
          const ms = Date.now() - t0;
          this.ctx.event('Normal', 'Pulled', `Successfully pulled image "${image}" in ${ms}ms (${ms}ms including waiting). Image size: ${pulled.bytes.byteLength} bytes.`, this.fieldPath);
        }
        return { name: image, digest: pulled.digest, bytes: pulled.bytes };
      } catch (e) {
        const reason = e instanceof ImagePullError ? e.reason : 'ErrImagePull';
        this.tracker.waiting(reason, (e as Error).message);
        this.ctx.onStatusChange();
        this.ctx.event('Warning', 'Failed', `Failed to pull image "${image}": ${(e as Error).message}`, this.fieldPath);
        this.ctx.event('Warning', 'Failed', `Error: ${reason}`, this.fieldPath);
        const delay = pullBackoff.next();
        // kubelet shows ErrImagePull for the failed attempt, then ImagePullBackOff while it waits.
        if (await this.ctx.sleep(Math.min(1000, delay))) return undefined;
        this.tracker.waiting(reason === 'ErrImagePull' ? 'ImagePullBackOff' : reason, `Back-off pulling image "${image}": ${(e as Error).message}`);
        this.ctx.onStatusChange();
        this.ctx.event('Normal', 'BackOff', `Back-off pulling image "${image}"`, this.fieldPath);
        if (await this.ctx.sleep(Math.max(0, delay - 1000))) return undefined;
      }
    }
  }

  private async start(image: { name: string; digest: string; bytes: Uint8Array }): Promise<RunningContainer> {
    const ctx = this.ctx;
    const env = await buildEnv(ctx.node.client, ctx.pod, this.spec, ctx.podIp as string, ctx.node.nodeName);
    const logPath = ctx.logPath(this.spec.name, this.tracker.restartCount);
    await mkdir(dirname(logPath), { recursive: true });
    const limits = this.spec.resources?.limits ?? {};
    const cpu = parseQuantity(limits.cpu);
    const mem = parseQuantity(limits.memory);
    const budget = ctx.pod.metadata.annotations?.[FUEL_BUDGET_ANNOTATION];
    return ctx.node.runtime.start({
      id: `wasm://${randomBytes(16).toString('hex')}`,
      podUid: ctx.uid,
      podIp: ctx.podIp as string,
      image,
      args: argvOf(this.spec, env),
      env,
      mounts: mountsFor(this.spec, ctx.volumes),
      ports: (this.spec.ports ?? []).filter((p) => (p.protocol ?? 'TCP') === 'TCP').map((p) => ({ name: p.name, port: p.containerPort })),
      limits: {
        ...(cpu ? { cpuMillis: Math.round(cpu * 1000) } : {}),
        ...(mem ? { memoryBytes: Math.floor(mem) } : {}),
        ...(budget && Number(budget) > 0 ? { fuelBudget: Number(budget) } : {}),
      },
      logPath,
    });
  }

  handlerContext(): HandlerContext {
    return {
      podIp: this.ctx.podIp as string,
      container: this.spec,
      exec: (argv, timeoutMs) => this.ctx.execCapture(this.spec.name, argv, timeoutMs),
    };
  }

  private startProbes(): void {
    const s = this.spec;
    const hc = this.handlerContext();
    const listener = {
      onFailedAttempt: (kind: ProbeKind, message: string) => {
        this.ctx.event('Warning', 'Unhealthy', `${kind} probe failed: ${message.trim()}`, this.fieldPath);
      },
      onResult: (kind: ProbeKind, ok: boolean) => {
        if (!this.current) return;
        if (kind === 'Startup') {
          if (ok) {
            this.tracker.started = true;
            this.startMainProbes(hc, listener);
            if (!s.readinessProbe) this.tracker.ready = true;
            this.ctx.onStatusChange();
          } else this.kill('failed startup probe');
        } else if (kind === 'Liveness') {
          if (!ok) this.kill('failed liveness probe');
        } else {
          this.tracker.ready = ok;
          this.ctx.onStatusChange();
        }
      },
    };
    if (s.startupProbe) {
      const p = new Prober('Startup', s.startupProbe, hc, listener);
      this.probers.push(p);
      p.start();
      return;
    }
    this.tracker.started = true;
    if (!s.readinessProbe) this.tracker.ready = true;
    this.startMainProbes(hc, listener);
  }

  private startMainProbes(hc: HandlerContext, listener: ConstructorParameters<typeof Prober>[3]): void {
    if (this.spec.livenessProbe) this.probers.push(new Prober('Liveness', this.spec.livenessProbe, hc, listener));
    if (this.spec.readinessProbe) this.probers.push(new Prober('Readiness', this.spec.readinessProbe, hc, listener));
    for (const p of this.probers) if (p.kind !== 'Startup') p.start();
  }

  private stopProbes(): void {
    for (const p of this.probers) p.stop();
    this.probers = [];
  }

  private kill(why: string): void {
    const c = this.current;
    if (!c || this.killedFor) return;
    this.killedFor = why;
    this.ctx.event('Normal', 'Killing', `Container ${this.spec.name} ${why}, will be restarted`, this.fieldPath);
    const grace = (this.spec.livenessProbe?.terminationGracePeriodSeconds ?? this.ctx.pod.spec.terminationGracePeriodSeconds ?? 30) * 1000;
    void this.stopWithPreStop(c, grace);
  }

  /** preStop (within the grace period), then stop with what is left of it. */
  async terminate(graceMs: number): Promise<void> {
    const c = this.current;
    this.stopProbes();
    if (!c) return;
    this.ctx.event('Normal', 'Killing', `Stopping container ${this.spec.name}`, this.fieldPath);
    await this.stopWithPreStop(c, graceMs);
  }

  private async stopWithPreStop(c: RunningContainer, graceMs: number): Promise<void> {
    const t0 = Date.now();
    const preStop = this.spec.lifecycle?.preStop;
    if (preStop && graceMs > 0) {
      const res = await Promise.race([runHandler(preStop, this.handlerContext(), graceMs), c.exited.then(() => undefined)]);
      if (res && !res.ok) this.ctx.event('Warning', 'FailedPreStopHook', `PreStopHook failed: ${res.message}`, this.fieldPath);
    }
    await c.stop(Math.max(0, graceMs - (Date.now() - t0)));
  }
}

function formatDelay(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${s % 60 ? `${s % 60}s` : '0s'}` : `${s}s`;
}
