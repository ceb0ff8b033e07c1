// Registers the Node (create, or take over an existing one of the same name), keeps its status
// current, and renews its Lease in kube-node-lease, as kubelet does: the lease is the heartbeat
// the node lifecycle controller watches, the status post carries capacity and conditions.

import { R, isAlreadyExists, isNotFound, type KubeClient, type KubeObject } from '@wasmkube/client';
import { DEFAULTS, type KubeletConfig } from './config.js';
import { nodeObject, nodeStatus } from './node-status.js';

const LEASES = R.leases;

export class NodeRegistration {
  private leaseTimer?: NodeJS.Timeout;
  private statusTimer?: NodeJS.Timeout;
  private readySince = new Date().toISOString();
  node?: KubeObject;

  constructor(
    private readonly client: KubeClient,
    private readonly cfg: KubeletConfig,
    private readonly port: number,
  ) {}

  /** Create or update the Node; resolves with the Node as stored. */
  async register(): Promise<KubeObject> {
    const desired = nodeObject(this.cfg, this.port, this.readySince) as unknown as KubeObject;
    try {
      // With its status, as kubelet registers: a new node is Ready from its first write.
      this.node = await this.client.create(R.nodes, undefined, desired);
      return this.node;
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
    }
    // A node of this name exists (an agent restart): keep its spec (podCIDR, cordon) and refresh labels and status.
    this.node = await this.client.patch(R.nodes, undefined, this.cfg.nodeName, 'merge', { metadata: { labels: desired.metadata.labels, annotations: desired.metadata.annotations } });
    await this.postStatus();
    return this.node;
  }

  start(): void {
    const leaseMs = ((this.cfg.leaseDurationSeconds ?? DEFAULTS.leaseDurationSeconds) * 1000) / 4;
    const statusMs = (this.cfg.nodeStatusUpdateSeconds ?? DEFAULTS.nodeStatusUpdateSeconds) * 1000;
    void this.renewLease();
    this.leaseTimer = setInterval(() => void this.renewLease(), leaseMs);
    this.statusTimer = setInterval(() => void this.postStatus().catch(() => undefined), statusMs);
  }

  stop(): void {
    clearInterval(this.leaseTimer);
    clearInterval(this.statusTimer);
  }

  async postStatus(): Promise<void> {
    const status = nodeStatus(this.cfg, this.port, { ready: true, readyMessage: 'kubelet is posting ready status', memoryPressure: false }, this.readySince);
    this.node = await this.client.patch(R.nodes, undefined, this.cfg.nodeName, 'merge', { status }, 'status');
  }

  async renewLease(): Promise<void> {
    const now = microTime(new Date());
    const name = this.cfg.nodeName;
    const spec = { holderIdentity: name, leaseDurationSeconds: this.cfg.leaseDurationSeconds ?? DEFAULTS.leaseDurationSeconds, renewTime: now };
    try {
      await this.client.patch(LEASES, 'kube-node-lease', name, 'merge', { spec });
    } catch (e) {
      if (!isNotFound(e)) return; // transient: the next tick retries
      try {
        await this.client.create(LEASES, 'kube-node-lease', {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: {
            name,
            namespace: 'kube-node-lease',
            ownerReferences: this.node?.metadata.uid ? [{ apiVersion: 'v1', kind: 'Node', name, uid: this.node.metadata.uid as string }] : undefined,
          },
          spec: { ...spec, acquireTime: now },
        });
      } catch {
        // raced with ourselves or the API is away; the next tick retries
      }
    }
  }
}

/** metav1.MicroTime: RFC 3339 with microseconds. */
export function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
