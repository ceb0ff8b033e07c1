// The `kubernetes` Service in `default`, as kube-apiserver's controller keeps it: ClusterIP = the
// first address of the service range, port 443 "https" → the API server, with an Endpoints and an
// EndpointSlice pointing at the API server's own address (this server serves plain HTTP there).

import { findResource, storageKey } from '../resources.js';
import type { ObjectService } from '../objects.js';
import type { Obj } from '../metadata.js';

const SERVICES = findResource('', 'v1', 'services')!;
const ENDPOINTS = findResource('', 'v1', 'endpoints')!;
const SLICES = findResource('discovery.k8s.io', 'v1', 'endpointslices')!;
const NAME = 'kubernetes';
const NS = 'default';

/** 0.0.0.0 / :: / localhost are not addresses a client can be sent to: use loopback. */
export function advertisedAddress(host: string): string {
  return host === '0.0.0.0' || host === '::' || host === '' || host === 'localhost' || host.includes(':') ? '127.0.0.1' : host;
}

export async function ensureKubernetesService(svc: ObjectService, clusterIP: string, host: string, port: number): Promise<void> {
  const ip = advertisedAddress(host);
  const ports = [{ name: 'https', port: 443, protocol: 'TCP', targetPort: port }];
  const cur = await svc.store.get(storageKey(SERVICES, NS, NAME));
  if (!cur) {
    await svc.create(SERVICES, NS, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: NAME, namespace: NS, labels: { component: 'apiserver', provider: 'kubernetes' } },
      spec: { type: 'ClusterIP', clusterIP, ports, sessionAffinity: 'None' },
    });
  } else {
    const old = cur.value as Obj;
    const spec = old.spec as Obj;
    if (JSON.stringify(spec.ports) !== JSON.stringify(ports)) {
      await svc.update(SERVICES, NS, NAME, { ...structuredClone(old), spec: { ...spec, ports } });
    }
  }
  // The API server's port may differ from the last run (ephemeral ports): always rewrite these.
  const labels = { 'endpointslice.kubernetes.io/skip-mirror': 'true' };
  await svc.update(ENDPOINTS, NS, NAME, {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: NAME, namespace: NS, labels },
    subsets: [{ addresses: [{ ip }], ports: [{ name: 'https', port, protocol: 'TCP' }] }],
  });
  const slice = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: NAME, namespace: NS, labels: { 'kubernetes.io/service-name': NAME } },
    addressType: 'IPv4',
    endpoints: [{ addresses: [ip], conditions: { ready: true, serving: true, terminating: false } }],
    ports: [{ name: 'https', port, protocol: 'TCP' }],
  };
  if (await svc.store.get(storageKey(SLICES, NS, NAME))) await svc.update(SLICES, NS, NAME, slice);
  else await svc.create(SLICES, NS, slice);
}
