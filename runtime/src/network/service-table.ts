// The node's view of Services and their endpoints, kept by informers on Services and EndpointSlices
// (list+watch over the API, so changes land within milliseconds). Answers the questions the
// connect-time load balancer, the host proxy and DNS ask.

import { Informer, R, type KubeClient, type KubeObject } from '@wasmkube/client';

export interface ServicePortInfo {
  name: string;
  port: number;
  protocol: string;
  nodePort?: number;
}

export interface ServiceObject extends KubeObject {
  spec?: {
    type?: string;
    clusterIP?: string;
    ports?: ServicePortInfo[];
    sessionAffinity?: string;
    sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } };
    externalName?: string;
  };
}

interface SliceObject extends KubeObject {
  endpoints?: { addresses?: string[]; conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean }; nodeName?: string }[];
  ports?: { name?: string; port?: number; protocol?: string }[];
}

export interface Endpoint {
  ip: string;
  port: number;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  nodeName?: string;
}

/** One service port as the proxy sees it. */
export interface ServicePortRef {
  /** "ns/name". */
  service: string;
  port: ServicePortInfo;
  /** ClientIP affinity timeout in ms, or 0 for none. */
  affinityMs: number;
}

const SERVICE_NAME = 'kubernetes.io/service-name';

export class ServiceTable {
  readonly services: Informer<ServiceObject>;
  readonly slices: Informer<SliceObject>;
  /** clusterIP → service key. */
  private byIp = new Map<string, string>();
  /** service key → its EndpointSlices (by slice key). */
  private slicesOf = new Map<string, Map<string, SliceObject>>();
  private listeners: (() => void)[] = [];
  /** Bumped on every change: caches keyed on it (endpoint lists, the balancer's candidates) stay valid until then. */
  version = 0;
  private endpointCache = new Map<string, { version: number; list: Endpoint[] }>();

  constructor(client: KubeClient) {
    this.services = new Informer<ServiceObject>(client, R.services);
    this.slices = new Informer<SliceObject>(client, R.endpointslices);
    this.services.on({
      add: (s) => this.indexService(s),
      update: (s, old) => {
        this.unindexService(old);
        this.indexService(s);
      },
      delete: (s) => this.unindexService(s),
    });
    this.slices.on({
      add: (s) => this.indexSlice(s, true),
      update: (s, old) => {
        this.indexSlice(old, false);
        this.indexSlice(s, true);
      },
      delete: (s) => this.indexSlice(s, false),
    });
  }

  async start(): Promise<void> {
    await Promise.all([this.services.start(), this.slices.start()]);
  }

  stop(): void {
    this.services.stop();
    this.slices.stop();
  }

  /** Called after every change (the host proxy re-syncs its listeners). */
  onChange(fn: () => void): void {
    this.listeners.push(fn);
  }

  service(key: string): ServiceObject | undefined {
    return this.services.get(key);
  }

  isClusterIP(ip: string): boolean {
    return this.byIp.has(ip);
  }

  /** The service port behind ClusterIP:port, if any. */
  byClusterIP(ip: string, port: number, protocol = 'TCP'): ServicePortRef | undefined {
    const key = this.byIp.get(ip);
    const svc = key ? this.services.get(key) : undefined;
    if (!key || !svc) return undefined;
    const p = (svc.spec?.ports ?? []).find((x) => x.port === port && (x.protocol ?? 'TCP') === protocol);
    return p ? this.ref(key, svc, p) : undefined;
  }

  ref(key: string, svc: ServiceObject, port: ServicePortInfo): ServicePortRef {
    const affinity = svc.spec?.sessionAffinity === 'ClientIP';
    const timeout = svc.spec?.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800;
    return { service: key, port: { ...port, name: port.name ?? '', protocol: port.protocol ?? 'TCP' }, affinityMs: affinity ? timeout * 1000 : 0 };
  }

  /** Endpoints of one service port (all conditions; the balancer chooses). Do not modify the answer. */
  endpoints(ref: ServicePortRef): readonly Endpoint[] {
    const key = `${ref.service}:${ref.port.name}/${ref.port.protocol}`;
    const hit = this.endpointCache.get(key);
    if (hit && hit.version === this.version) return hit.list;
    const list = this.computeEndpoints(ref);
    this.endpointCache.set(key, { version: this.version, list });
    return list;
  }

  private computeEndpoints(ref: ServicePortRef): Endpoint[] {
    const out: Endpoint[] = [];
    for (const s of this.slicesOf.get(ref.service)?.values() ?? []) {
      const sp = (s.ports ?? []).find((p) => (p.name ?? '') === ref.port.name && (p.protocol ?? 'TCP') === ref.port.protocol);
      if (!sp || sp.port === undefined) continue;
      for (const e of s.endpoints ?? []) {
        const ip = e.addresses?.[0];
        if (!ip) continue;
        // A nil condition means "ready" / "serving" per the EndpointSlice API.
        const ready = e.conditions?.ready !== false;
        out.push({ ip, port: sp.port, ready, serving: e.conditions?.serving ?? ready, terminating: e.conditions?.terminating === true, nodeName: e.nodeName });
      }
    }
    return out;
  }

  /** Ready addresses of a Service regardless of port (headless DNS). */
  readyAddresses(key: string): string[] {
    const ips = new Set<string>();
    for (const s of this.slicesOf.get(key)?.values() ?? []) {
      for (const e of s.endpoints ?? []) if (e.conditions?.ready !== false && e.addresses?.[0]) ips.add(e.addresses[0]);
    }
    return [...ips];
  }

  /** Every service port with a ClusterIP or NodePort (the host proxy's listeners). */
  allPorts(): { clusterIP?: string; ref: ServicePortRef }[] {
    const out: { clusterIP?: string; ref: ServicePortRef }[] = [];
    for (const svc of this.services.list()) {
      const key = `${svc.metadata.namespace}/${svc.metadata.name}`;
      const ip = svc.spec?.clusterIP;
      for (const p of svc.spec?.ports ?? []) {
        if ((p.protocol ?? 'TCP') !== 'TCP') continue;
        out.push({ clusterIP: ip && ip !== 'None' ? ip : undefined, ref: this.ref(key, svc, p) });
      }
    }
    return out;
  }

  private indexService(s: ServiceObject): void {
    const ip = s.spec?.clusterIP;
    if (ip && ip !== 'None' && s.spec?.type !== 'ExternalName') this.byIp.set(ip, `${s.metadata.namespace}/${s.metadata.name}`);
    this.changed();
  }

  private unindexService(s: ServiceObject): void {
    const ip = s.spec?.clusterIP;
    if (ip && this.byIp.get(ip) === `${s.metadata.namespace}/${s.metadata.name}`) this.byIp.delete(ip);
    this.changed();
  }

  private indexSlice(s: SliceObject, add: boolean): void {
    const svc = s.metadata.labels?.[SERVICE_NAME];
    if (!svc) return;
    const key = `${s.metadata.namespace}/${svc}`;
    const sliceKey = `${s.metadata.namespace}/${s.metadata.name}`;
    let m = this.slicesOf.get(key);
    if (add) {
      if (!m) this.slicesOf.set(key, (m = new Map()));
      m.set(sliceKey, s);
    } else if (m) {
      m.delete(sliceKey);
      if (m.size === 0) this.slicesOf.delete(key);
    }
    this.changed();
  }

  private changed(): void {
    this.version++;
    if (this.endpointCache.size > 10_000) this.endpointCache.clear();
    for (const fn of this.listeners) fn();
  }
}
