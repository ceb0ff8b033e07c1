// Node IPAM: gives every Node a /24 of the cluster's pod CIDR (127.244.0.0/16 by default, so
// node N gets 127.244.N.0/24), written to spec.podCIDR and spec.podCIDRs, as kube-controller-
// manager's range allocator does. The node agent takes its pods' IPs from that range.

import { Controller, R, isNotFound, type Informer, type InformerFactory, type KubeClient, type KubeObject, type Reconciler } from '@wasmkube/client';

interface NodeObj extends KubeObject {
  spec?: { podCIDR?: string; podCIDRs?: string[] };
}

export class NodeIpamController implements Reconciler {
  readonly name = 'node-ipam-controller';
  private readonly nodes: Informer<NodeObj>;
  private readonly controller: Controller;
  /** Assigned by us but maybe not yet seen through the watch. */
  private readonly assigned = new Map<string, string>();
  private readonly base: [number, number];

  constructor(
    private readonly client: KubeClient,
    factory: InformerFactory,
    clusterCidr = '127.244.0.0/16',
  ) {
    const m = /^(\d+)\.(\d+)\.0\.0\/16$/.exec(clusterCidr);
    if (!m) throw new Error(`cluster pod CIDR must be a /16 such as 127.244.0.0/16, got "${clusterCidr}"`);
    this.base = [Number(m[1]), Number(m[2])];
    this.nodes = factory.get<NodeObj>(R.nodes);
    this.controller = new Controller(this).watches(this.nodes);
  }

  start(): Promise<void> {
    return this.controller.start();
  }

  stop(): Promise<void> {
    return this.controller.stop();
  }

  cidrFor(index: number): string {
    return `${this.base[0]}.${this.base[1]}.${index}.0/24`;
  }

  /**
   * The range of a node that is about to register (a node agent in this process): the node's own if
   * it has one, else a free one, recorded as this node's at once, so that the agent can create its
   * Node with spec.podCIDR set (no round trip through this controller on its start) and no other
   * node is given it. Only once start() has resolved (the informer knows every node's range).
   */
  reserve(name: string): string {
    return this.nodes.get(name)?.spec?.podCIDR ?? this.allocate(name);
  }

  private allocate(name: string): string {
    const used = new Set<string>([...this.assigned.values()]);
    for (const n of this.nodes.list()) if (n.spec?.podCIDR) used.add(n.spec.podCIDR);
    let cidr: string | undefined = this.assigned.get(name);
    for (let i = 0; !cidr && i < 256; i++) if (!used.has(this.cidrFor(i))) cidr = this.cidrFor(i);
    if (!cidr) throw new Error(`no pod CIDR left for node ${name}: all 256 /24 ranges are in use`);
    this.assigned.set(name, cidr);
    return cidr;
  }

  async reconcile(name: string): Promise<void> {
    const node = this.nodes.get(name);
    if (!node) {
      this.assigned.delete(name);
      return;
    }
    if (node.spec?.podCIDR) return;
    const cidr = this.allocate(name);
    try {
      await this.client.patch(R.nodes, undefined, name, 'merge', { spec: { podCIDR: cidr, podCIDRs: [cidr] } });
    } catch (e) {
      if (!isNotFound(e)) throw e;
      this.assigned.delete(name);
    }
  }
}
