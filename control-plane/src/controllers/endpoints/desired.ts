// What the Endpoints and EndpointSlices of a Service should hold, computed from the Service and its
// pods as Kubernetes' endpoints and endpointslice controllers do: a pod joins once it has an IP and
// has not finished; each service port's targetPort is resolved per pod (a name is looked up in the
// pod's container ports, and a pod without that name is left out of that port); pods are grouped by
// the ports they resolve to.

import { createHash } from 'node:crypto';
import type { KubeObject } from '@wasmkube/client';
import { isReady, type PodLike } from '../shared/pods.js';

export interface ServicePort {
  name?: string;
  port: number;
  protocol?: string;
  targetPort?: number | string;
  appProtocol?: string;
}

export interface ServiceLike extends KubeObject {
  spec?: {
    type?: string;
    selector?: Record<string, string>;
    clusterIP?: string;
    ports?: ServicePort[];
    publishNotReadyAddresses?: boolean;
  };
}

export interface PodWithPorts extends PodLike {
  spec?: PodLike['spec'] & { containers?: { ports?: { name?: string; containerPort: number; protocol?: string }[] }[]; hostname?: string };
  status?: PodLike['status'] & { podIP?: string };
}

export interface EndpointPort {
  name: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}

export interface PodEndpoint {
  pod: PodWithPorts;
  ip: string;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  ports: EndpointPort[];
}

export const MANAGED_BY = 'endpointslice-controller.k8s.io';
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';

/** The container port a service port reaches on this pod, or undefined when a named port is missing. */
export function resolveTargetPort(sp: ServicePort, pod: PodWithPorts): number | undefined {
  const target = sp.targetPort ?? sp.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = sp.protocol ?? 'TCP';
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
  }
  return undefined;
}

/** Pods that belong in the Service's endpoints; terminating ones only when asked (EndpointSlices list them). */
export function podEndpoints(svc: ServiceLike, pods: PodWithPorts[], includeTerminating: boolean): PodEndpoint[] {
  const publish = svc.spec?.publishNotReadyAddresses === true;
  const out: PodEndpoint[] = [];
  for (const pod of pods) {
    const ip = pod.status?.podIP;
    const phase = pod.status?.phase;
    if (!ip || phase === 'Succeeded' || phase === 'Failed') continue;
    const terminating = !!pod.metadata.deletionTimestamp;
    if (terminating && !includeTerminating) continue;
    const podReady = isReady(pod);
    const ports: EndpointPort[] = [];
    for (const sp of svc.spec?.ports ?? []) {
      const port = resolveTargetPort(sp, pod);
      if (port === undefined) continue;
      ports.push({ name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) });
    }
    // A pod that resolves none of several ports serves nothing; a Service without ports (headless) lists it bare.
    if (ports.length === 0 && (svc.spec?.ports ?? []).length > 0) continue;
    out.push({
      pod,
      ip,
      ready: publish || (podReady && !terminating),
      serving: publish || podReady,
      terminating,
      ports: ports.sort((a, b) => a.name.localeCompare(b.name) || a.port - b.port),
    });
  }
  return out.sort((a, b) => ipOrder(a.ip, b.ip));
}

function ipOrder(a: string, b: string): number {
  const n = (ip: string) => ip.split('.').reduce((x, o) => x * 256 + Number(o), 0);
  return n(a) - n(b);
}

function groupByPorts(eps: PodEndpoint[]): Map<string, { ports: EndpointPort[]; eps: PodEndpoint[] }> {
  const groups = new Map<string, { ports: EndpointPort[]; eps: PodEndpoint[] }>();
  for (const e of eps) {
    const key = JSON.stringify(e.ports);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ports: e.ports, eps: [] }));
    g.eps.push(e);
  }
  return groups;
}

const targetRef = (p: PodWithPorts) => ({ kind: 'Pod', namespace: p.metadata.namespace, name: p.metadata.name, uid: p.metadata.uid });

/** core/v1 Endpoints subsets (terminating pods are left out, not-ready ones listed as such). */
export function desiredSubsets(svc: ServiceLike, pods: PodWithPorts[]): Record<string, unknown>[] {
  const subsets: Record<string, unknown>[] = [];
  for (const g of groupByPorts(podEndpoints(svc, pods, false)).values()) {
    const addr = (e: PodEndpoint) => ({ ip: e.ip, ...(e.pod.spec?.nodeName ? { nodeName: e.pod.spec.nodeName } : {}), targetRef: targetRef(e.pod) });
    const ready = g.eps.filter((e) => e.ready).map(addr);
    const notReady = g.eps.filter((e) => !e.ready).map(addr);
    subsets.push({
      ...(ready.length ? { addresses: ready } : {}),
      ...(notReady.length ? { notReadyAddresses: notReady } : {}),
      ...(g.ports.length ? { ports: g.ports.map(({ name, port, protocol, appProtocol }) => ({ ...(name ? { name } : {}), port, protocol, ...(appProtocol ? { appProtocol } : {}) })) } : {}),
    });
  }
  return subsets;
}

/** A name of at most 63 characters, stable for a Service and a port set. */
export function sliceName(service: string, portsKey: string): string {
  const hash = createHash('sha256').update(portsKey).digest('hex').slice(0, 5);
  return `${service.slice(0, 57)}-${hash}`;
}

/** kube-controller-manager's --max-endpoints-per-slice default. */
export const MAX_ENDPOINTS_PER_SLICE = 100;

/**
 * discovery.k8s.io/v1 EndpointSlices: per port set, chunks of at most 100 endpoints (a placeholder
 * with no endpoints when there are none).
 */
export function desiredSlices(svc: ServiceLike, pods: PodWithPorts[]): KubeObject[] {
  const name = svc.metadata.name as string;
  const ns = svc.metadata.namespace as string;
  const groups: { ports: EndpointPort[]; eps: PodEndpoint[]; key: string }[] = [];
  for (const g of groupByPorts(podEndpoints(svc, pods, true)).values()) {
    for (let i = 0; i < g.eps.length; i += MAX_ENDPOINTS_PER_SLICE) {
      const chunk = i / MAX_ENDPOINTS_PER_SLICE;
      groups.push({ ports: g.ports, eps: g.eps.slice(i, i + MAX_ENDPOINTS_PER_SLICE), key: JSON.stringify(g.ports) + (chunk ? `#${chunk}` : '') });
    }
  }
  if (groups.length === 0) groups.push({ ports: [], eps: [], key: '[]' });
  return groups.map((g) => ({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: sliceName(name, g.key),
      namespace: ns,
      labels: { ...(svc.metadata.labels ?? {}), [SERVICE_NAME_LABEL]: name, [MANAGED_BY_LABEL]: MANAGED_BY },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name, uid: svc.metadata.uid as string, controller: true, blockOwnerDeletion: true }],
    },
    addressType: 'IPv4',
    endpoints: g.eps.map((e) => ({
      addresses: [e.ip],
      conditions: { ready: e.ready, serving: e.serving, terminating: e.terminating },
      ...(e.pod.spec?.nodeName ? { nodeName: e.pod.spec.nodeName } : {}),
      targetRef: targetRef(e.pod),
    })),
    ports: g.ports,
  }));
}
