// The pod network of one node agent (DESIGN.md "Pod network"): every guest socket goes through it.
//   - connect() to a ClusterIP:port is translated right there to one ready endpoint (socket-level
//     load balancing, as Cilium does): the guest's socket goes straight to the pod, whose peer
//     address is the client pod's own IP; sessionAffinity ClientIP pins a client to a backend.
//   - resolve() answers cluster DNS names from the Services this node watches.
//   - egress: cluster addresses always, anything else only where the node allows it.
//   - pods on another machine are reached through the tunnel between agents (tunnel.ts).
//   - the host side (host-proxy.ts): ClusterIP and NodePort listeners for host clients.
// It learns Services, EndpointSlices and Nodes by list+watch over the API, like kube-proxy.

import net from 'node:net';
import dns from 'node:dns/promises';
import { Informer, KubeClient, R, type KubeObject } from '@wasmkube/client';
import type { PodNetwork } from '../sandbox/network.js';
import { Balancer } from './balancer.js';
import { HostProxy } from './host-proxy.js';
import { inCidr, isLocalhostName, netError, parseCidr, slash16, type Cidr } from './ipv4.js';
import { ServiceTable, type Endpoint } from './service-table.js';
import { connectSocket, dialTunnel, disguise, TunnelServer } from './tunnel.js';

export const TUNNEL_ANNOTATION = 'network.wasmkube.io/tunnel-address';

export interface ClusterNetworkOptions {
  /** The cluster's pod range; default the /16 around the node's podCIDR. */
  podCidr?: string;
  /** The service range; default the /16 around the `kubernetes` Service's ClusterIP. */
  serviceCidr?: string;
  /** Egress beyond cluster addresses: true = anywhere, or these CIDRs. Default: none. */
  allowEgress?: boolean | string[];
  /**
   * Pods on other nodes: 'auto' tunnels to nodes whose agent is on another host, 'always' to every
   * other node (tests use it on one machine), 'never' connects directly.
   */
  tunnel?: 'auto' | 'always' | 'never';
  /** This agent's tunnel listener address (default 127.0.0.1, ephemeral port). */
  tunnelHost?: string;
  tunnelPort?: number;
  /** Serve ClusterIPs and NodePorts to host clients (default true). */
  hostProxy?: boolean;
}

export interface AttachContext {
  apiUrl: string;
  token?: string;
  nodeName: string;
  /** This node's slice of the pod range. */
  podCIDR: string;
}

interface NodeObject extends KubeObject {
  spec?: { podCIDR?: string };
}

interface PodObject extends KubeObject {
  status?: { podIP?: string };
}

const MAX_CNAME_DEPTH = 4;

export class ClusterNetwork implements PodNetwork {
  private client?: KubeClient;
  private nodeName = '';
  private nodeCidr?: Cidr;
  private tunnelSetup?: Promise<void>;
  private podCidr?: Cidr;
  private serviceCidr?: Cidr;
  private apiAddress = '';
  private egress: Cidr[] | 'any' = [];
  private table?: ServiceTable;
  private balancer?: Balancer;
  private nodes?: Informer<NodeObject>;
  /** Other nodes' pod ranges, rebuilt when Nodes change. */
  private nodeRanges?: { name: string; cidr: Cidr }[];
  private pods?: Informer<PodObject>;
  private tunnelServer?: TunnelServer;
  private tunnelAddress?: string;
  private hostProxy?: HostProxy;
  /** pod IP → pod uid, as the kubelet hands IPs out (before the pod's status says so). */
  private readonly podUids = new Map<string, string>();

  constructor(private readonly opts: ClusterNetworkOptions = {}) {
    if (opts.allowEgress === true) this.egress = 'any';
    else if (Array.isArray(opts.allowEgress)) this.egress = opts.allowEgress.map(parseCidr);
  }

  /** Start watching the cluster for this node (the agent calls it once the node has its podCIDR). */
  async attach(ctx: AttachContext): Promise<void> {
    const client = new KubeClient(ctx.apiUrl, { token: ctx.token, userAgent: `kube-proxy/wasmkube ${ctx.nodeName}` });
    this.client = client;
    this.nodeName = ctx.nodeName;
    const nodeCidr = parseCidr(ctx.podCIDR);
    this.nodeCidr = nodeCidr;
    this.podCidr = parseCidr(this.opts.podCidr ?? slash16(ctx.podCIDR));
    const api = new URL(ctx.apiUrl);
    this.apiAddress = `${api.hostname === 'localhost' ? '127.0.0.1' : api.hostname}:${api.port || (api.protocol === 'https:' ? 443 : 80)}`;
    const table = new ServiceTable(client);
    this.table = table;
    this.balancer = new Balancer(table);
    this.nodes = new Informer<NodeObject>(client, R.nodes);
    const dropRanges = () => (this.nodeRanges = undefined);
    this.nodes.on({ add: dropRanges, update: dropRanges, delete: dropRanges });
    this.pods = new Informer<PodObject>(client, R.pods, { fieldSelector: `spec.nodeName=${ctx.nodeName}` });
    // The tunnel is announced while the caches fill (two round trips fewer on a node's start).
    const tunnel = async () => {
      if ((this.opts.tunnel ?? 'auto') === 'never') return;
      this.tunnelServer = new TunnelServer({ host: this.opts.tunnelHost ?? '127.0.0.1', port: this.opts.tunnelPort, accepts: (ip) => inCidr(nodeCidr, ip) });
      this.tunnelAddress = await this.tunnelServer.listen();
      await client.patch(R.nodes, undefined, ctx.nodeName, 'merge', { metadata: { annotations: { [TUNNEL_ANNOTATION]: this.tunnelAddress } } });
    };
    this.tunnelSetup = tunnel();
    await Promise.all([table.start(), this.nodes.start(), this.pods.start(), this.tunnelSetup]);
    const kubernetes = table.service('default/kubernetes')?.spec?.clusterIP;
    const svcRange = this.opts.serviceCidr ?? (kubernetes && kubernetes !== 'None' ? slash16(kubernetes) : undefined);
    this.serviceCidr = svcRange ? parseCidr(svcRange) : undefined;

    if (this.opts.hostProxy ?? true) {
      this.hostProxy = new HostProxy(table, this.balancer, (ep) => this.dial(undefined, ep.ip, ep.port, ep));
      this.hostProxy.start();
    }
  }

  async close(): Promise<void> {
    await this.hostProxy?.stop();
    await this.tunnelSetup?.catch(() => undefined); // a failed attach may still be opening it
    await this.tunnelServer?.close();
    this.table?.stop();
    this.nodes?.stop();
    this.pods?.stop();
    await this.client?.close();
  }

  /** The kubelet tells the network which pod an IP belongs to as soon as it hands the IP out. */
  registerPod(ip: string, podUid: string): void {
    this.podUids.set(ip, podUid);
  }

  /** Connections the tunnel listener has carried to this node's pods. */
  get tunnelled(): number {
    return this.tunnelServer?.carried ?? 0;
  }

  /** Addresses the host proxy serves from this agent. */
  hostProxyServing(): string[] {
    return this.hostProxy?.serving() ?? [];
  }

  // ---------------------------------------------------------------- PodNetwork

  listen(ip: string, port: number): Promise<net.Server> {
    return new Promise((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen({ host: ip, port, exclusive: true }, () => {
        server.off('error', reject);
        resolve(server);
      });
    });
  }

  async connect(fromIp: string, toHost: string, port: number): Promise<net.Socket> {
    let host = isLocalhostName(toHost) ? fromIp : toHost;
    if (!net.isIPv4(host)) {
      const ips = await this.resolve(host, fromIp);
      if (ips.length === 0) throw netError('EHOSTUNREACH', `cannot resolve "${toHost}"`);
      host = ips[0];
    }
    const table = this.table;
    // Not attached yet (no pods run before the agent attaches it): plain loopback behaviour.
    if (!table) return this.dial(fromIp, host, port);
    const ref = table.byClusterIP(host, port);
    if (ref) {
      const ep = this.balancer!.pick(ref, fromIp);
      if (!ep) throw netError('ECONNREFUSED', `service ${ref.service} has no ready endpoints for port ${port}`);
      const sock = await this.dial(fromIp, ep.ip, ep.port, ep);
      disguise(sock, { remoteAddress: host, remotePort: port });
      return sock;
    }
    if (table.isClusterIP(host)) throw netError('ECONNREFUSED', `service ${host} has no port ${port}`);
    if (!this.egressAllowed(fromIp, host, port)) throw netError('ECONNREFUSED', `egress to ${host}:${port} is not allowed from pod ${fromIp} on this node`);
    return this.dial(fromIp, host, port);
  }

  async resolve(name: string, fromIp: string, depth = 0): Promise<string[]> {
    if (isLocalhostName(name)) return [fromIp];
    if (net.isIPv4(name)) return [name];
    const n = name.toLowerCase().replace(/\.$/, '');
    if (this.table) {
      const ns = (await this.namespaceOfSoon(fromIp)) ?? 'default';
      // resolv.conf's search path in a pod: <ns>.svc.cluster.local svc.cluster.local cluster.local.
      const tries = n.endsWith('.cluster.local') ? [n] : [`${n}.${ns}.svc.cluster.local`, `${n}.svc.cluster.local`, `${n}.cluster.local`];
      for (const fq of tries) {
        const m = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.cluster\.local$/.exec(fq);
        const svc = m ? this.table.service(`${m[2]}/${m[1]}`) : undefined;
        if (!svc) continue;
        if (svc.spec?.type === 'ExternalName') {
          const target = svc.spec.externalName ?? '';
          return depth < MAX_CNAME_DEPTH && target ? this.resolve(target, fromIp, depth + 1) : [];
        }
        if (svc.spec?.clusterIP === 'None') return this.table.readyAddresses(`${m![2]}/${m![1]}`);
        return svc.spec?.clusterIP ? [svc.spec.clusterIP] : [];
      }
      if (n.endsWith('.cluster.local')) return [];
    }
    // Outside names only for pods allowed to leave the cluster; loopback answers only.
    if (this.egress === 'any' || (Array.isArray(this.egress) && this.egress.length > 0) || !this.table) {
      const addrs = await dns.resolve4(n).catch(() => [] as string[]);
      return addrs.filter((a) => a.startsWith('127.') && (!this.table || this.egressAllowed(fromIp, a, 0)));
    }
    return [];
  }

  // ---------------------------------------------------------------- internals

  /** The namespace of a pod on this node, by its IP. */
  namespaceOf(ip: string): string | undefined {
    const uid = this.podUids.get(ip);
    const pods = this.pods?.list() ?? [];
    const pod = (uid ? pods.find((p) => p.metadata.uid === uid) : undefined) ?? pods.find((p) => p.status?.podIP === ip);
    return pod?.metadata.namespace;
  }

  /** A pod registered a moment ago may not be in the watch cache yet: give the watch a moment. */
  private async namespaceOfSoon(ip: string): Promise<string | undefined> {
    for (let i = 0; i < 100; i++) {
      const ns = this.namespaceOf(ip);
      if (ns || !this.podUids.has(ip)) return ns;
      await new Promise((r) => setTimeout(r, 10));
    }
    return undefined;
  }

  private egressAllowed(fromIp: string, ip: string, port: number): boolean {
    if (ip === fromIp) return true;
    if (this.podCidr && inCidr(this.podCidr, ip)) return true;
    if (this.serviceCidr && inCidr(this.serviceCidr, ip)) return true;
    if (`${ip}:${port}` === this.apiAddress) return true;
    if (this.egress === 'any') return true;
    return this.egress.some((c) => inCidr(c, ip));
  }

  /** The node whose pod range holds ip, when it is another node with a tunnel we should use. */
  private tunnelFor(ip: string, nodeName?: string): string | undefined {
    const mode = this.opts.tunnel ?? 'auto';
    if (mode === 'never' || !this.nodes) return undefined;
    if (this.nodeCidr && inCidr(this.nodeCidr, ip)) return undefined;
    this.nodeRanges ??= this.nodes.list().flatMap((n) => (n.spec?.podCIDR ? [{ name: n.metadata.name as string, cidr: parseCidr(n.spec.podCIDR) }] : []));
    const owner = nodeName ?? this.nodeRanges.find((r) => inCidr(r.cidr, ip))?.name;
    const node = owner ? this.nodes.get(owner) : undefined;
    if (!node || node.metadata.name === this.nodeName) return undefined;
    const addr = node.metadata.annotations?.[TUNNEL_ANNOTATION];
    if (!addr) return undefined;
    if (mode === 'always') return addr;
    const host = (a: string) => a.slice(0, a.lastIndexOf(':'));
    return this.tunnelAddress && host(addr) !== host(this.tunnelAddress) ? addr : undefined;
  }

  /** Open the connection itself: straight to the pod IP, or through the peer agent's tunnel. */
  private dial(fromIp: string | undefined, ip: string, port: number, ep?: Endpoint): Promise<net.Socket> {
    const tunnel = this.tunnelFor(ip, ep?.nodeName);
    if (tunnel) return dialTunnel(tunnel, fromIp ?? '127.0.0.1', ip, port);
    return connectSocket(fromIp ? { host: ip, port, localAddress: fromIp } : { host: ip, port });
  }
}
