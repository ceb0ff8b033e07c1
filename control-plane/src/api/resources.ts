// The resource types the API server serves: the single source for routing, discovery,
// OpenAPI, storage keys and Table printing.

export interface ResourceInfo {
  /** API group; '' for the core ("legacy") group. */
  group: string;
  version: string;
  kind: string;
  listKind: string;
  /** Plural, lower-case: the URL segment ("pods"). */
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  /** Subresources served under /{plural}/{name}/{sub}. */
  subresources: string[];
  verbs: string[];
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function r(
  group: string,
  version: string,
  kind: string,
  plural: string,
  opts: Partial<Pick<ResourceInfo, 'namespaced' | 'shortNames' | 'categories' | 'subresources' | 'verbs'>> = {},
): ResourceInfo {
  return {
    group,
    version,
    kind,
    listKind: `${kind}List`,
    plural,
    singular: kind.toLowerCase(),
    namespaced: opts.namespaced ?? true,
    shortNames: opts.shortNames ?? [],
    categories: opts.categories ?? [],
    subresources: opts.subresources ?? [],
    verbs: opts.verbs ?? ALL_VERBS,
  };
}

export const RESOURCES: readonly ResourceInfo[] = [
  r('', 'v1', 'Namespace', 'namespaces', { namespaced: false, shortNames: ['ns'], subresources: ['status', 'finalize'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] }),
  r('', 'v1', 'Node', 'nodes', { namespaced: false, shortNames: ['no'], subresources: ['status', 'proxy'] }),
  r('', 'v1', 'Pod', 'pods', { shortNames: ['po'], categories: ['all'], subresources: ['status', 'binding', 'eviction', 'log', 'exec', 'attach', 'portforward'] }),
  r('', 'v1', 'Binding', 'bindings', { verbs: ['create'] }),
  r('', 'v1', 'Service', 'services', { shortNames: ['svc'], categories: ['all'], subresources: ['status', 'proxy'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] }),
  r('', 'v1', 'Endpoints', 'endpoints', { shortNames: ['ep'] }),
  r('', 'v1', 'Event', 'events', { shortNames: ['ev'] }),
  r('', 'v1', 'ReplicationController', 'replicationcontrollers', { shortNames: ['rc'], categories: ['all'], subresources: ['status', 'scale'] }),
  r('', 'v1', 'ConfigMap', 'configmaps', { shortNames: ['cm'] }),
  r('', 'v1', 'Secret', 'secrets'),
  r('', 'v1', 'ServiceAccount', 'serviceaccounts', { shortNames: ['sa'] }),
  r('apps', 'v1', 'ReplicaSet', 'replicasets', { shortNames: ['rs'], categories: ['all'], subresources: ['status', 'scale'] }),
  r('apps', 'v1', 'Deployment', 'deployments', { shortNames: ['deploy'], categories: ['all'], subresources: ['status', 'scale'] }),
  r('apps', 'v1', 'DaemonSet', 'daemonsets', { shortNames: ['ds'], categories: ['all'], subresources: ['status'] }),
  r('apps', 'v1', 'ControllerRevision', 'controllerrevisions'),
  r('batch', 'v1', 'Job', 'jobs', { categories: ['all'], subresources: ['status'] }),
  r('coordination.k8s.io', 'v1', 'Lease', 'leases'),
  r('discovery.k8s.io', 'v1', 'EndpointSlice', 'endpointslices'),
];

export function groupVersion(info: Pick<ResourceInfo, 'group' | 'version'>): string {
  return info.group === '' ? info.version : `${info.group}/${info.version}`;
}

/** Look a resource up by its URL coordinates. */
export function findResource(group: string, version: string, plural: string): ResourceInfo | undefined {
  return RESOURCES.find((x) => x.group === group && x.version === version && x.plural === plural);
}

export function findKind(apiVersion: string, kind: string): ResourceInfo | undefined {
  return RESOURCES.find((x) => groupVersion(x) === apiVersion && x.kind === kind);
}

/** Storage key as kube-apiserver lays it out in etcd. */
export function storageKey(info: ResourceInfo, namespace: string | undefined, name: string): string {
  const base = info.group === '' ? `/registry/${info.plural}` : `/registry/${info.group}/${info.plural}`;
  return info.namespaced ? `${base}/${namespace}/${name}` : `${base}/${name}`;
}

/** Prefix for a list: one namespace, or all of them when namespace is undefined. */
export function storagePrefix(info: ResourceInfo, namespace?: string): string {
  const base = info.group === '' ? `/registry/${info.plural}` : `/registry/${info.group}/${info.plural}`;
  return info.namespaced && namespace !== undefined ? `${base}/${namespace}/` : `${base}/`;
}
