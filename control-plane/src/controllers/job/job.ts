// The Job controller: run pods until spec.completions of them succeeded (at most spec.parallelism
// at a time), fail the Job when pod failures exceed backoffLimit or it runs past
// activeDeadlineSeconds, and report active/ready/terminating/succeeded/failed, startTime,
// completionTime and the conditions of Kubernetes 1.32 (SuccessCriteriaMet then Complete;
// FailureTarget then Failed; Suspended while spec.suspend stops its pods). A finished Job's pods stay; ttlSecondsAfterFinished deletes the Job.

import {
  Controller, EventRecorder, R, isNotFound, objectKey,
  type Informer, type InformerFactory, type KubeClient, type KubeObject, type LabelSelector, type Reconciler,
} from '@wasmkube/client';
import { Expectations } from '../shared/expectations.js';
import { controllerKey, trackOwnedPods } from '../shared/owned-pods.js';
import { podFromTemplate, type PodTemplate } from '../shared/pod-template.js';
import { controllerRef, isReady, type PodLike } from '../shared/pods.js';
import { finishedCondition, jobConditions, setSuspended, type JobCondition } from './conditions.js';

export interface JobObj extends KubeObject {
  spec: {
    completions?: number | null;
    parallelism?: number;
    backoffLimit?: number;
    activeDeadlineSeconds?: number;
    ttlSecondsAfterFinished?: number;
    suspend?: boolean;
    selector?: LabelSelector;
    template?: PodTemplate & { spec?: { restartPolicy?: string } };
  };
  status?: {
    active?: number;
    ready?: number;
    terminating?: number;
    succeeded?: number;
    failed?: number;
    startTime?: string;
    completionTime?: string;
    conditions?: JobCondition[];
    uncountedTerminatedPods?: Record<string, unknown>;
  };
}

type Status = NonNullable<JobObj['status']>;

export class JobController implements Reconciler {
  readonly name = 'job-controller';
  private readonly jobs: Informer<JobObj>;
  private readonly pods: Informer<PodLike>;
  private readonly controller: Controller;
  private readonly expectations = new Expectations();
  private readonly events: EventRecorder;

  constructor(
    private readonly client: KubeClient,
    factory: InformerFactory,
  ) {
    this.jobs = factory.get<JobObj>(R.jobs);
    this.pods = factory.get<PodLike>(R.pods);
    this.events = new EventRecorder(client, 'job-controller');
    this.controller = new Controller(this, { workers: 2 })
      .watches(this.jobs)
      .watches(this.pods, (p) => { const k = controllerKey(p, 'Job'); return k ? [k] : []; });
    trackOwnedPods(this.pods, 'Job', this.expectations);
  }

  start(): Promise<void> {
    return this.controller.start();
  }

  async stop(): Promise<void> {
    await this.controller.stop();
    await this.events.flush();
  }

  async reconcile(key: string): Promise<void> {
    const job = this.jobs.get(key);
    if (!job) {
      this.expectations.forget(key);
      return;
    }
    const now = Date.now();
    const prev = job.status ?? {};
    const finished = finishedCondition(prev.conditions);
    if (finished) {
      await this.ttl(job, now);
      return;
    }
    const uid = job.metadata.uid;
    const pods = this.pods.list().filter((p) => p.metadata.namespace === job.metadata.namespace && controllerRef(p)?.uid === uid);
    const terminating = pods.filter((p) => p.metadata.deletionTimestamp && !isTerminal(p));
    const active = pods.filter((p) => !p.metadata.deletionTimestamp && !isTerminal(p));
    const succeededNow = pods.filter((p) => p.status?.phase === 'Succeeded').length;
    let failedNow = pods.filter((p) => p.status?.phase === 'Failed').length;
    // OnFailure restarts the container in place: its restarts count against backoffLimit, as in Kubernetes.
    const restarts = job.spec.template?.spec?.restartPolicy === 'OnFailure' ? active.reduce((s, p) => s + (p.status?.containerStatuses ?? []).reduce((x, c) => x + (c.restartCount ?? 0), 0), 0) : 0;
    // Counts never go down when finished pods are deleted (Kubernetes tracks them with a finalizer).
    const succeeded = Math.max(prev.succeeded ?? 0, succeededNow);
    const failed = Math.max(prev.failed ?? 0, failedNow);
    failedNow = failed + restarts;

    const suspended = job.spec.suspend === true;
    const wasSuspended = prev.conditions?.some((c) => c.type === 'Suspended' && c.status === 'True') ?? false;
    // Suspending stops the clock (and the pods); resuming starts it again from now.
    const startTime = suspended ? undefined : wasSuspended ? new Date(now).toISOString() : (prev.startTime ?? new Date(now).toISOString());
    const status: Status = { ...prev, startTime };
    const completions = job.spec.completions ?? null;
    const parallelism = job.spec.parallelism ?? 1;
    const backoffLimit = job.spec.backoffLimit ?? 6;
    const deadline = job.spec.activeDeadlineSeconds;
    const started = Date.parse(status.startTime ?? '') || now;

    let failure: { reason: string; message: string } | undefined;
    if (failedNow > backoffLimit) failure = { reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
    else if (!suspended && deadline !== undefined && now - started >= deadline * 1000) failure = { reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };
    const complete = !failure && (completions === null ? succeeded > 0 && active.length === 0 : succeeded >= completions);

    let activeCount = active.length;
    if (failure || complete || suspended) {
      // Stop what still runs; the finished pods stay for their logs.
      await Promise.all(active.map((p) => this.deletePod(p)));
      activeCount = 0;
    } else if (this.expectations.satisfied(key)) {
      const want = completions === null ? (succeeded > 0 ? 0 : parallelism) : Math.min(parallelism, completions - succeeded);
      activeCount = await this.manage(key, job, active, want);
    }

    const iso = new Date(now).toISOString();
    Object.assign(status, {
      active: activeCount,
      ready: failure || complete || suspended ? 0 : active.filter(isReady).length,
      terminating: terminating.length,
      succeeded,
      failed,
    });
    if (suspended !== wasSuspended) {
      status.conditions = setSuspended(status.conditions ?? prev.conditions, suspended, iso);
      this.events.event(this.ref(job), 'Normal', suspended ? 'Suspended' : 'Resumed', suspended ? 'Job suspended' : 'Job resumed');
    }
    if (failure) {
      status.conditions = jobConditions(status.conditions, 'Failed', failure.reason, failure.message, iso);
      this.events.event(this.ref(job), 'Warning', failure.reason, failure.message);
    } else if (complete) {
      status.completionTime = iso;
      status.conditions = jobConditions(status.conditions, 'Complete', 'CompletionsReached', 'Reached expected number of succeeded pods', iso);
      this.events.event(this.ref(job), 'Normal', 'Completed', 'Job completed');
    }
    if (status.startTime === undefined) delete status.startTime;
    await this.writeStatus(job, status);
    if ((failure || complete) && job.spec.ttlSecondsAfterFinished !== undefined) this.controller.queue.addAfter(key, job.spec.ttlSecondsAfterFinished * 1000);
    else if (!failure && !complete && deadline !== undefined) this.controller.queue.addAfter(key, Math.max(0, started + deadline * 1000 - now) + 20);
  }

  /** Create or delete pods so that `want` are active; returns the active count after this pass. */
  private async manage(key: string, job: JobObj, active: PodLike[], want: number): Promise<number> {
    const ns = job.metadata.namespace as string;
    const diff = want - active.length;
    if (diff > 0) {
      this.expectations.expect(key, diff);
      const owner = this.ref(job);
      await Promise.all(
        Array.from({ length: diff }, async () => {
          try {
            const pod = await this.client.create(R.pods, ns, podFromTemplate(owner, job.spec.template ?? {}, `${job.metadata.name}-`));
            this.events.event(owner, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
          } catch (e) {
            this.expectations.creationFailed(key);
            this.events.event(owner, 'Warning', 'FailedCreate', `Error creating: ${(e as Error).message}`);
            throw e;
          }
        }),
      );
    } else if (diff < 0) {
      const victims = active.slice(0, -diff);
      this.expectations.expect(key, 0, victims.map(objectKey));
      await Promise.all(victims.map((p) => this.deletePod(p)));
    }
    return want;
  }

  private async deletePod(p: PodLike): Promise<void> {
    try {
      await this.client.delete(R.pods, p.metadata.namespace, p.metadata.name as string);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  private ref(job: JobObj): KubeObject {
    return { ...job, apiVersion: 'batch/v1', kind: 'Job' };
  }

  private async writeStatus(job: JobObj, status: Status): Promise<void> {
    if (JSON.stringify(status) === JSON.stringify(job.status ?? {})) return;
    // A merge patch removes a field only when told to (startTime while suspended).
    const patch: Record<string, unknown> = { ...status };
    for (const k of Object.keys(job.status ?? {})) if (!(k in status)) patch[k] = null;
    try {
      await this.client.patch(R.jobs, job.metadata.namespace, job.metadata.name as string, 'merge', { status: patch }, 'status');
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  /** ttlSecondsAfterFinished: delete the finished Job (and, through the garbage collector, its pods). */
  private async ttl(job: JobObj, now: number): Promise<void> {
    const ttl = job.spec.ttlSecondsAfterFinished;
    if (ttl === undefined || job.metadata.deletionTimestamp) return;
    const fin = finishedCondition(job.status?.conditions);
    const at = (Date.parse(job.status?.completionTime ?? fin?.lastTransitionTime ?? '') || now) + ttl * 1000;
    if (at > now) {
      this.controller.queue.addAfter(objectKey(job), at - now + 20);
      return;
    }
    try {
      await this.client.delete(R.jobs, job.metadata.namespace, job.metadata.name as string, { propagationPolicy: 'Foreground', preconditions: { uid: job.metadata.uid } });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}

const isTerminal = (p: PodLike) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
