// Everything one pod's worker needs: the pod as last seen, its IP and volumes, the node's
// services (API client, runtime, images, events), and the status it reports.

import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import type { EventRecorder, KubeClient } from '@wasmkube/client';
import type { ImagePuller, PulledImage } from '../../images/index.js';
import type { ContainerRuntime, RunningContainer } from '../runtime.js';
import type { BackoffPolicy } from '../backoff.js';
import { ContainerStatusTracker } from './container-status.js';
import { buildEnv } from './env.js';
import { mountsFor } from './volumes.js';
import type { ContainerSpec, Pod } from './types.js';

export interface NodeServices {
  client: KubeClient;
  runtime: ContainerRuntime;
  images: ImagePuller;
  events: EventRecorder;
  nodeName: string;
  hostIp: string;
  dataDir: string;
  crashBackoff: BackoffPolicy;
}

export class PodContext {
  pod: Pod;
  podIp?: string;
  startTime?: string;
  volumes = new Map<string, string>();
  readonly initStatuses: ContainerStatusTracker[];
  readonly statuses: ContainerStatusTracker[];
  readonly pulled = new Map<string, PulledImage>();
  initDone = false;
  failed?: { reason?: string; message: string };
  /** Resolves when the pod must stop (deletion or removal): long waits race against it. */
  readonly terminating: Promise<void>;
  private signalTerminating!: () => void;
  isTerminating = false;
  /** The agent itself is stopping: containers stop, but the pod stays as it is in the API. */
  nodeShutdown = false;

  constructor(
    pod: Pod,
    readonly node: NodeServices,
    readonly onStatusChange: () => void,
  ) {
    this.pod = pod;
    this.initStatuses = (pod.spec.initContainers ?? []).map((c) => new ContainerStatusTracker(c.name, c.image));
    this.statuses = pod.spec.containers.map((c) => new ContainerStatusTracker(c.name, c.image));
    this.terminating = new Promise((r) => (this.signalTerminating = r));
  }

  get uid(): string {
    return this.pod.metadata.uid as string;
  }

  get key(): string {
    return `${this.pod.metadata.namespace}/${this.pod.metadata.name}`;
  }

  /** pods/<namespace>_<name>_<uid>, as kubelet lays out /var/log/pods. */
  get dir(): string {
    return join(this.node.dataDir, 'pods', `${this.pod.metadata.namespace}_${this.pod.metadata.name}_${this.uid}`);
  }

  logPath(container: string, restartCount: number): string {
    return join(this.dir, 'logs', container, `${restartCount}.log`);
  }

  spec(name: string): ContainerSpec | undefined {
    return this.pod.spec.containers.find((c) => c.name === name) ?? this.pod.spec.initContainers?.find((c) => c.name === name);
  }

  /** Agent shutdown: stop the containers without restarting them or touching the pod in the API. */
  beginNodeShutdown(): void {
    this.nodeShutdown = true;
    this.beginTermination();
  }

  beginTermination(): void {
    if (this.isTerminating) return;
    this.isTerminating = true;
    this.signalTerminating();
  }

  event(type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): void {
    this.node.events.event({ ...this.pod, apiVersion: 'v1', kind: 'Pod' }, type, reason, message, fieldPath);
  }

  /**
   * `kubectl exec` and exec probes/hooks: a new instance of the container's image with argv as
   * its arguments, inside the pod (its IP, its volumes, the container's env), on the given streams.
   */
  async exec(container: string, argv: string[], stdio: { stdin?: Readable; stdout?: Writable; stderr?: Writable }): Promise<RunningContainer> {
    const spec = this.spec(container);
    if (!spec) throw new Error(`container ${container} not found in pod ${this.key}`);
    if (!this.podIp) throw new Error(`pod ${this.key} has no IP yet`);
    const pulled = await this.node.images.pull(spec.image, 'IfNotPresent');
    const env = await buildEnv(this.node.client, this.pod, spec, this.podIp, this.node.nodeName);
    return this.node.runtime.start({
      id: `wasm://${randomBytes(16).toString('hex')}`,
      podUid: this.uid,
      podIp: this.podIp,
      image: { name: spec.image, digest: pulled.digest, bytes: pulled.bytes },
      args: argv,
      env,
      mounts: mountsFor(spec, this.volumes),
      ports: [],
      limits: {},
      stdio,
    });
  }

  /** exec with output collected (stdout and stderr together, capped), stopped after timeoutMs. */
  async execCapture(container: string, argv: string[], timeoutMs: number): Promise<{ exitCode: number; output: string }> {
    const out = new PassThrough();
    let output = '';
    out.on('data', (d: Buffer) => {
      if (output.length < 64 * 1024) output += d.toString('utf8');
    });
    const c = await this.exec(container, argv, { stdout: out, stderr: out });
    const timer = setTimeout(() => void c.stop(0), timeoutMs);
    const exit = await c.exited;
    clearTimeout(timer);
    return { exitCode: exit.exitCode, output };
  }

  /** Sleep that ends early when the pod starts terminating; returns true if it was interrupted. */
  async sleep(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const slept = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)));
    const interrupted = this.terminating.then(() => true);
    const res = await Promise.race([slept, interrupted]);
    clearTimeout(timer);
    return res;
  }
}
