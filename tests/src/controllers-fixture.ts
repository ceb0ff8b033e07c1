// The fixture of the controllers' tests: a real control plane (LevelDB + API server), the
// controller manager and the scheduler, all over real HTTP; fake Nodes registered through the API
// (status Ready, allocatable set by us); and a stand-in for the kubelets of those nodes that marks
// bound pods Running and Ready, and finishes graceful deletions, on the nodes that are "up".
// Terminating namespaces are left to the namespace controller (the API server does not empty them).
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { KubeClient, R, isNotFound, type KubeObject } from '@wasmkube/client';
import { Scheduler, startControlPlane, startControllers, type ControllerOptions, type RunningControlPlane, type RunningControllers } from '@wasmkube/control-plane';
import { writeKubeconfig } from './harness/kubeconfig.js';
import { runKubectl, writeManifest, type KubectlResult } from './harness/kubectl.js';
import { makeTempDir, removeDir } from './harness/temp-dir.js';
import { until as poll, type PollOptions } from './harness/poll.js';

/** Bounded polling, with waits sized for a busy machine (30 s unless told); each ends as soon as its condition holds. */
export function until<T>(check: () => T | undefined | false | Promise<T | undefined | false>, options: PollOptions = {}): Promise<T> {
  return poll(check, { timeoutMs: 30_000, ...options });
}

export type Pod = KubeObject & {
  spec: { nodeName?: string; containers: { name: string; resources?: unknown }[]; tolerations?: unknown[] };
  status?: { phase?: string; conditions?: { type: string; status: string; reason?: string }[] };
};

export interface FixtureOptions extends ControllerOptions {
  /** Run the scheduler (default true). */
  scheduler?: boolean;
}

export class ControllersFixture {
  readonly client: KubeClient;
  /** Nodes whose stand-in kubelet is alive (marks pods ready, completes deletions, renews the Lease). */
  readonly upNodes = new Set<string>();
  private kubeletTimer?: NodeJS.Timeout;
  private leaseTimer?: NodeJS.Timeout;
  private kubeletBusy = false;
  private scheduler?: Scheduler;

  private constructor(
    readonly root: string,
    readonly cp: RunningControlPlane,
    readonly controllers: RunningControllers,
    readonly kubeconfig: string,
    readonly home: string,
  ) {
    this.client = new KubeClient(cp.url, { userAgent: 'controllers-test' });
  }

  static async start(name: string, opts: FixtureOptions = {}): Promise<ControllersFixture> {
    const root = await makeTempDir(name);
    const home = join(root, 'home');
    await mkdir(home);
    const cp = await startControlPlane({ dataDir: join(root, 'data'), host: '127.0.0.1', port: 0, namespaceCleanup: 'controller' });
    const controllers = await startControllers(cp.url, opts);
    const kubeconfig = await writeKubeconfig(root, cp.url);
    const f = new ControllersFixture(root, cp, controllers, kubeconfig, home);
    if (opts.scheduler !== false) {
      f.scheduler = new Scheduler(new KubeClient(cp.url, { userAgent: 'default-scheduler/test' }), { retryUnschedulableMs: 500 });
      await f.scheduler.start();
    }
    return f;
  }

  get url(): string {
    return this.cp.url;
  }

  kubectl(...args: string[]): Promise<KubectlResult> {
    return runKubectl({ kubeconfig: this.kubeconfig, home: this.home }, args, { timeoutMs: 60_000 });
  }

  async apply(yaml: string): Promise<string> {
    return ok(await this.kubectl('apply', '-f', await writeManifest(this.root, yaml)));
  }

  /** Registers a Ready node with this allocatable, and a Lease for it; its stand-in kubelet is up. */
  async addNode(name: string, cpu = '2', memory = '4Gi', labels: Record<string, string> = {}): Promise<void> {
    await this.client.create(R.nodes, undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } } });
    const now = new Date().toISOString();
    const resources = { cpu, memory, pods: '110' };
    await this.client.patch(R.nodes, undefined, name, 'merge', {
      status: {
        capacity: resources,
        allocatable: resources,
        conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: now }],
      },
    }, 'status');
    await this.renewLease(name);
    this.upNodes.add(name);
  }

  async renewLease(node: string): Promise<void> {
    const renewTime = new Date().toISOString().replace(/Z$/, '000Z');
    try {
      await this.client.patch(R.leases, 'kube-node-lease', node, 'merge', { spec: { renewTime } });
    } catch (e) {
      if (!isNotFound(e)) throw e;
      await this.client.create(R.leases, 'kube-node-lease', {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: node, namespace: 'kube-node-lease' },
        spec: { holderIdentity: node, leaseDurationSeconds: 40, renewTime, acquireTime: renewTime },
      });
    }
  }

  /**
   * Starts the stand-in kubelets: every `everyMs`, pods bound to an up node without a Ready
   * condition become Running and Ready, pods being deleted there are removed (as a kubelet does
   * once their containers stopped), and the up nodes' Leases are renewed.
   */
  runKubelets(everyMs = 50, opts: { renewLeases?: boolean; ready?: (p: Pod) => boolean } = {}): void {
    this.kubeletTimer = setInterval(() => {
      if (this.kubeletBusy) return;
      this.kubeletBusy = true;
      void this.kubeletPass(opts.ready ?? (() => true))
        .catch(() => undefined)
        .finally(() => (this.kubeletBusy = false));
    }, everyMs);
    // Leases on their own timer, so a slow pod pass on a loaded machine cannot make a node look dead.
    if (opts.renewLeases) {
      let renewing = false;
      this.leaseTimer = setInterval(() => {
        if (renewing) return;
        renewing = true;
        void Promise.all([...this.upNodes].map((n) => this.renewLease(n)))
          .catch(() => undefined)
          .finally(() => (renewing = false));
      }, 200);
    }
  }

  private async kubeletPass(ready: (p: Pod) => boolean): Promise<void> {
    const pods = (await this.client.list<Pod>(R.pods)).items;
    await Promise.all(
      pods.map(async (p) => {
        const node = p.spec.nodeName;
        if (!node || !this.upNodes.has(node)) return;
        const ns = p.metadata.namespace as string;
        const name = p.metadata.name as string;
        if (p.metadata.deletionTimestamp) {
          await this.client.delete(R.pods, ns, name, { gracePeriodSeconds: 0 }).catch(() => undefined);
          return;
        }
        if (p.status?.phase !== 'Pending' && p.status?.phase !== undefined) return;
        if (!ready(p)) return;
        await this.setPodStatus(ns, name, 'Running', true).catch(() => undefined);
      }),
    );
  }

  async setPodStatus(ns: string, name: string, phase: string, ready: boolean): Promise<void> {
    const now = new Date().toISOString();
    await this.client.patch(R.pods, ns, name, 'strategic', {
      status: {
        phase,
        conditions: [
          { type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: now },
          { type: 'ContainersReady', status: ready ? 'True' : 'False', lastTransitionTime: now },
        ],
        ...(phase === 'Running' ? { startTime: now } : {}),
      },
    }, 'status');
  }

  async pods(ns = 'default', labelSelector?: string): Promise<Pod[]> {
    return (await this.client.list<Pod>(R.pods, ns, { labelSelector })).items;
  }

  /** Pods not being deleted, counted per node. */
  async spread(ns: string, labelSelector: string): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const p of await this.pods(ns, labelSelector)) {
      if (p.metadata.deletionTimestamp) continue;
      const n = p.spec.nodeName ?? '<none>';
      out[n] = (out[n] ?? 0) + 1;
    }
    return out;
  }

  async close(): Promise<void> {
    clearInterval(this.kubeletTimer);
    clearInterval(this.leaseTimer);
    await until(() => !this.kubeletBusy, { timeoutMs: 5_000, what: 'kubelet pass to finish' }).catch(() => undefined);
    try {
      await this.scheduler?.stop();
      await this.controllers.stop();
      await this.client.close();
      await this.cp.close();
    } finally {
      await removeDir(this.root);
    }
  }
}

/** Throws with kubectl's whole output when it failed. */
export function ok(r: KubectlResult): string {
  if (r.code !== 0) throw new Error(`kubectl exited ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  return r.stdout;
}
