// The Service registry's allocators (kube-apiserver's ipallocator and portallocator): ClusterIPs
// from the service CIDR and node ports from 30000–32767, handed out synchronously while a Service
// is written. The state is in memory, rebuilt from the stored Services at start-up, so a restart
// never hands out a value a stored Service holds. Each value is owned by the Service's uid.

import { ApiError, errors } from '../status.js';
import type { StatusCause } from '../status.js';
import { fe, goStringSlice } from '../validation/errors.js';
import { NODE_PORT_MAX, NODE_PORT_MIN } from '../validation/service.js';
import { intToIp, offsetInRange, parseCidr, type Ipv4Range } from './cidr.js';
import { OwnedSet } from './owned-set.js';

type Obj = Record<string, unknown>;
type Port = { nodePort?: unknown; [k: string]: unknown };
interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  allocateLoadBalancerNodePorts?: boolean;
  ports?: Port[];
}

export const DEFAULT_SERVICE_CIDR = '127.96.0.0/16';

/** A reservation made for a write: commit once the write is stored, roll back if it failed. */
export interface Allocation {
  commit(): void;
  rollback(): void;
}

const spec = (svc: Obj): ServiceSpec => (svc.spec ?? {}) as ServiceSpec;
const metaOf = (svc: Obj) => (svc.metadata ?? {}) as { name?: string; uid?: string; namespace?: string };

export function wantsClusterIP(s: ServiceSpec): boolean {
  return s.type !== 'ExternalName' && s.clusterIP !== 'None';
}

export function wantsNodePorts(s: ServiceSpec): boolean {
  return s.type === 'NodePort' || (s.type === 'LoadBalancer' && s.allocateLoadBalancerNodePorts !== false);
}

export class ServiceAllocations {
  readonly range: Ipv4Range;
  readonly ips: OwnedSet;
  readonly nodePorts = new OwnedSet(NODE_PORT_MIN, NODE_PORT_MAX);

  constructor(serviceCidr = DEFAULT_SERVICE_CIDR) {
    this.range = parseCidr(serviceCidr);
    this.ips = new OwnedSet(1, this.range.size - 2);
  }

  /** The first address of the range: the `kubernetes` Service's ClusterIP. */
  get firstIp(): string {
    return intToIp(this.range.base + 1);
  }

  /** Mark what a stored Service holds (start-up). Conflicts in stored data are reported, not fatal. */
  record(svc: Obj): string[] {
    const problems: string[] = [];
    const uid = String(metaOf(svc).uid ?? '');
    const { ips, ports } = this.held(svc);
    for (const off of ips) if (!this.ips.take(off, uid)) problems.push(`ClusterIP ${intToIp(this.range.base + off)} held twice`);
    for (const p of ports) if (!this.nodePorts.take(p, uid)) problems.push(`node port ${p} held twice`);
    return problems;
  }

  /** Allocate for a new Service, filling in spec.clusterIP(s) and spec.ports[].nodePort. Throws a 422/500 ApiError. */
  allocateForCreate(svc: Obj): Allocation {
    return this.allocate(svc, undefined);
  }

  /** Allocate what an update adds (a type change, a new port); what it drops is released on commit. */
  allocateForUpdate(svc: Obj, old: Obj): Allocation {
    return this.allocate(svc, old);
  }

  releaseAll(svc: Obj): void {
    const uid = String(metaOf(svc).uid ?? '');
    const { ips, ports } = this.held(svc);
    for (const off of ips) this.ips.release(off, uid);
    for (const p of ports) this.nodePorts.release(p, uid);
  }

  private allocate(svc: Obj, old: Obj | undefined): Allocation {
    const uid = String(metaOf(svc).uid ?? '');
    const name = String(metaOf(svc).name ?? '');
    const s = spec(svc);
    const undo: (() => void)[] = [];
    const rollback = () => undo.splice(0).forEach((f) => f());
    const fail = (cause: StatusCause): never => {
      rollback();
      throw errors.invalid('Service', name, [cause]);
    };
    const full = (what: string): never => {
      rollback();
      throw new ApiError(500, 'InternalError', `Internal error occurred: failed to allocate a ${what}: range is full`);
    };

    if (wantsClusterIP(s)) {
      const given = typeof s.clusterIP === 'string' && s.clusterIP !== '' ? s.clusterIP : undefined;
      if (given) {
        const off = offsetInRange(this.range, given);
        const failIp = (why: string) => fe.invalid('spec.clusterIPs', goStringSlice([given]), `failed to allocate IP ${given}: ${why}`);
        if (off === undefined) fail(failIp(`provided IP is not in the valid range. The range of valid IPs is ${this.range.cidr}`));
        else if (this.ips.ownerOf(off) !== uid) {
          if (!this.ips.take(off, uid)) fail(failIp('provided IP is already allocated'));
          undo.push(() => this.ips.release(off, uid));
        }
      } else {
        // .1 is the kubernetes Service's: never hand it out at random.
        const off = this.ips.takeAny(uid, new Set([1])) ?? full('serviceIP');
        undo.push(() => this.ips.release(off, uid));
        s.clusterIP = intToIp(this.range.base + off);
      }
      s.clusterIPs = [s.clusterIP as string];
    } else if (s.clusterIP === 'None') {
      s.clusterIPs = ['None'];
    }

    if (wantsNodePorts(s)) {
      const ports = Array.isArray(s.ports) ? s.ports : [];
      const given = new Set(ports.map((p) => Number(p.nodePort)).filter((n) => n > 0));
      ports.forEach((p, i) => {
        const np = Number(p.nodePort);
        if (np > 0) {
          if (this.nodePorts.ownerOf(np) === uid) return;
          if (!this.nodePorts.take(np, uid)) fail(fe.invalid(`spec.ports[${i}].nodePort`, np, 'provided port is already allocated'));
          undo.push(() => this.nodePorts.release(np, uid));
        } else {
          const v = this.nodePorts.takeAny(uid, given) ?? full('nodePort');
          undo.push(() => this.nodePorts.release(v, uid));
          p.nodePort = v;
          given.add(v);
        }
      });
    }

    return {
      rollback,
      commit: () => {
        undo.length = 0;
        if (!old) return;
        // Release what the old version held and the new one no longer does.
        const now = this.held(svc);
        const before = this.held(old);
        for (const off of before.ips) if (!now.ips.includes(off)) this.ips.release(off, uid);
        for (const p of before.ports) if (!now.ports.includes(p)) this.nodePorts.release(p, uid);
      },
    };
  }

  private held(svc: Obj): { ips: number[]; ports: number[] } {
    const s = spec(svc);
    const ips: number[] = [];
    if (s.type !== 'ExternalName') {
      for (const ip of new Set([s.clusterIP, ...(Array.isArray(s.clusterIPs) ? s.clusterIPs : [])])) {
        if (typeof ip !== 'string' || ip === '' || ip === 'None') continue;
        const off = offsetInRange(this.range, ip);
        if (off !== undefined) ips.push(off);
      }
    }
    const ports: number[] = [];
    if (s.type === 'NodePort' || s.type === 'LoadBalancer') {
      for (const p of Array.isArray(s.ports) ? s.ports : []) if (Number(p.nodePort) > 0) ports.push(Number(p.nodePort));
    }
    return { ips, ports };
  }
}
