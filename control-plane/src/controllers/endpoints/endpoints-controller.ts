// The endpoints controller (Kubernetes' endpoints and endpointslice controllers in one, reconciling
// per Service): keeps the Endpoints object and the EndpointSlices of every Service with a selector
// in line with the pods it selects. Services without a selector are left alone (their Endpoints are
// the user's, or the API server's for `kubernetes`).

import {
  Controller, R, isAlreadyExists, isNotFound, objectKey,
  type InformerFactory, type Informer, type KubeClient, type KubeObject, type Reconciler,
} from '@wasmkube/client';
import { desiredSlices, desiredSubsets, MANAGED_BY, MANAGED_BY_LABEL, SERVICE_NAME_LABEL, type PodWithPorts, type ServiceLike } from './desired.js';

interface EndpointsLike extends KubeObject {
  subsets?: unknown[];
}

const selectorOf = (svc: ServiceLike): Record<string, string> | undefined => {
  const sel = svc.spec?.selector;
  return sel && Object.keys(sel).length > 0 && svc.spec?.type !== 'ExternalName' ? sel : undefined;
};

const matches = (sel: Record<string, string>, labels: Record<string, string> | undefined) => Object.entries(sel).every(([k, v]) => labels?.[k] === v);

/** JSON equality that ignores key order (objects read back from the API come in the server's order). */
function same(a: unknown, b: unknown): boolean {
  const norm = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(norm) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, norm((v as Record<string, unknown>)[k])])) : v;
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}

export class EndpointsController implements Reconciler {
  readonly name = 'endpoints-controller';
  private readonly services: Informer<ServiceLike>;
  private readonly pods: Informer<PodWithPorts>;
  private readonly endpoints: Informer<EndpointsLike>;
  private readonly slices: Informer<KubeObject>;
  private readonly controller: Controller;

  constructor(
    private readonly client: KubeClient,
    factory: InformerFactory,
  ) {
    this.services = factory.get<ServiceLike>(R.services);
    this.pods = factory.get<PodWithPorts>(R.pods);
    this.endpoints = factory.get<EndpointsLike>(R.endpoints);
    this.slices = factory.get<KubeObject>(R.endpointslices);
    this.controller = new Controller(this, { workers: 2 })
      .watches(this.services)
      .watches(this.pods, (pod) => this.servicesOf(pod))
      .watches(this.endpoints)
      .watches(this.slices, (s) => {
        const svc = s.metadata.labels?.[SERVICE_NAME_LABEL];
        return svc && s.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY ? [`${s.metadata.namespace}/${svc}`] : [];
      });
  }

  start(): Promise<void> {
    return this.controller.start();
  }

  stop(): Promise<void> {
    return this.controller.stop();
  }

  private servicesOf(pod: PodWithPorts): string[] {
    return this.services
      .list()
      .filter((s) => s.metadata.namespace === pod.metadata.namespace && (() => { const sel = selectorOf(s); return !!sel && matches(sel, pod.metadata.labels); })())
      .map(objectKey);
  }

  async reconcile(key: string): Promise<void> {
    const [ns, name] = key.split('/');
    const svc = this.services.get(key);
    if (!svc) {
      await this.deleteAll(ns, name);
      return;
    }
    const sel = selectorOf(svc);
    if (!sel) return;
    const pods = this.pods.list().filter((p) => p.metadata.namespace === ns && matches(sel, p.metadata.labels));
    await this.syncEndpoints(svc, pods);
    await this.syncSlices(svc, pods);
  }

  private async syncEndpoints(svc: ServiceLike, pods: PodWithPorts[]): Promise<void> {
    const ns = svc.metadata.namespace as string;
    const name = svc.metadata.name as string;
    const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}) };
    if (svc.spec?.clusterIP === 'None') labels['service.kubernetes.io/headless'] = '';
    const subsets = desiredSubsets(svc, pods);
    const cur = this.endpoints.get(`${ns}/${name}`);
    if (cur && same(cur.subsets ?? [], subsets) && same(cur.metadata.labels ?? {}, labels)) return;
    const body: EndpointsLike = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace: ns, labels }, ...(subsets.length ? { subsets } : {}) };
    // PUT creates Endpoints when absent; no resourceVersion: the desired state replaces whatever is there.
    await this.client.update(R.endpoints, body);
  }

  private async syncSlices(svc: ServiceLike, pods: PodWithPorts[]): Promise<void> {
    const ns = svc.metadata.namespace as string;
    const name = svc.metadata.name as string;
    const want = desiredSlices(svc, pods);
    const wanted = new Set(want.map((s) => s.metadata.name));
    for (const s of want) {
      const cur = this.slices.get(`${ns}/${s.metadata.name}`);
      if (cur && same({ ...cur, metadata: pick(cur.metadata) }, { ...s, metadata: pick(s.metadata) })) continue;
      try {
        if (cur) await this.client.update(R.endpointslices, s);
        else await this.client.create(R.endpointslices, ns, s);
      } catch (e) {
        if (isAlreadyExists(e)) await this.client.update(R.endpointslices, s);
        else if (isNotFound(e)) await this.client.create(R.endpointslices, ns, s);
        else throw e;
      }
    }
    for (const s of this.ownedSlices(ns, name)) {
      if (!wanted.has(s.metadata.name)) await this.deleteQuietly(R.endpointslices, ns, s.metadata.name as string);
    }
  }

  private ownedSlices(ns: string, service: string): KubeObject[] {
    return this.slices
      .list()
      .filter((s) => s.metadata.namespace === ns && s.metadata.labels?.[SERVICE_NAME_LABEL] === service && s.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY);
  }

  private async deleteAll(ns: string, name: string): Promise<void> {
    if (this.endpoints.get(`${ns}/${name}`)) await this.deleteQuietly(R.endpoints, ns, name);
    for (const s of this.ownedSlices(ns, name)) await this.deleteQuietly(R.endpointslices, ns, s.metadata.name as string);
  }

  private async deleteQuietly(ref: typeof R.endpoints, ns: string, name: string): Promise<void> {
    try {
      await this.client.delete(ref, ns, name);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}

function pick(md: KubeObject['metadata']): Record<string, unknown> {
  return { labels: md.labels ?? {}, ownerReferences: md.ownerReferences ?? [] };
}
