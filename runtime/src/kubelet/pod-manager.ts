// Watches the pods bound to this node and keeps one PodWorker per pod: new pods start, updates
// reach their worker (deletion → graceful termination), pods gone from the API stop at once.

import { EventRecorder, Informer, R, objectKey, type KubeClient } from '@wasmkube/client';
import type { ImagePuller } from '../images/index.js';
import { CRASH_BACKOFF, type BackoffPolicy } from './backoff.js';
import type { PodIpAllocator } from './pod-ips.js';
import type { NodeServices } from './pod/context.js';
import { PodWorker } from './pod/pod-worker.js';
import type { Pod } from './pod/types.js';
import type { ContainerRuntime } from './runtime.js';

export interface PodManagerOptions {
  client: KubeClient;
  runtime: ContainerRuntime;
  images: ImagePuller;
  nodeName: string;
  hostIp: string;
  dataDir: string;
  ips: PodIpAllocator;
  crashBackoff?: BackoffPolicy;
}

export class PodManager {
  readonly workers = new Map<string, PodWorker>();
  private readonly informer: Informer<Pod>;
  private readonly services: NodeServices;

  constructor(private readonly opts: PodManagerOptions) {
    this.services = {
      client: opts.client,
      runtime: opts.runtime,
      images: opts.images,
      events: new EventRecorder(opts.client, 'kubelet', opts.nodeName),
      nodeName: opts.nodeName,
      hostIp: opts.hostIp,
      dataDir: opts.dataDir,
      crashBackoff: opts.crashBackoff ?? CRASH_BACKOFF,
    };
    this.informer = new Informer<Pod>(opts.client, R.pods, { fieldSelector: `spec.nodeName=${opts.nodeName}` });
    this.informer.on({
      add: (p) => this.sync(p),
      update: (p) => this.sync(p),
      delete: (p) => this.workers.get(workerKey(p))?.remove(),
    });
  }

  start(): Promise<void> {
    return this.informer.start();
  }

  /** Stop watching; running pods keep running until stopAll. */
  stopWatching(): void {
    this.informer.stop();
  }

  /** Agent shutdown: stop every container (their pods stay in the API and resume on restart). */
  async stopAll(graceMs: number): Promise<void> {
    await Promise.all([...this.workers.values()].map((w) => w.shutdown(graceMs)));
    await this.services.events.flush();
  }

  pod(namespace: string, name: string): PodWorker | undefined {
    for (const w of this.workers.values()) {
      const md = w.ctx.pod.metadata;
      if (md.namespace === namespace && md.name === name) return w;
    }
    return undefined;
  }

  private sync(pod: Pod): void {
    const key = workerKey(pod);
    const existing = this.workers.get(key);
    if (existing) {
      existing.update(pod);
      return;
    }
    // A pod already deleted and finished needs no worker; one being deleted still gets its
    // termination run (and the API deletion completed) by a worker.
    const w = new PodWorker(pod, this.services, this.opts.ips);
    if (pod.metadata.deletionTimestamp) w.update(pod);
    this.workers.set(key, w);
    void w.finished
      .catch((e) => console.error(`kubelet: pod ${objectKey(pod)}: ${(e as Error).message}`))
      .finally(() => this.workers.delete(key));
  }
}

// Keyed by uid: a pod deleted and re-created under the same name is a new pod.
const workerKey = (p: Pod): string => p.metadata.uid as string;
