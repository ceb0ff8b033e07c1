// Discovery documents built from the resource registry: legacy (/api, /apis, per group-version
// APIResourceList) and aggregated (apidiscovery.k8s.io v2 / v2beta1), which kubectl 1.32 asks for
// first and which needs its exact Content-Type (kubectl-surface §3).

import type { ResourceInfo } from './resources.js';
import { groupVersion, RESOURCES as STORED } from './resources.js';
import { METRICS_RESOURCES } from './metrics/metrics.js';

// Everything discovery lists: the stored resources plus the served-only metrics group.
const RESOURCES = [...STORED, ...METRICS_RESOURCES];

type Obj = Record<string, unknown>;

interface SubInfo {
  kind: string;
  group?: string;
  version?: string;
  verbs: string[];
}

/** What each subresource answers with (kind and verbs), for discovery. */
function subInfo(info: ResourceInfo, sub: string): SubInfo {
  switch (sub) {
    case 'status':
      return { kind: info.kind, verbs: ['get', 'patch', 'update'] };
    case 'scale':
      return { kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] };
    case 'binding':
      return { kind: 'Binding', verbs: ['create'] };
    case 'eviction':
      return { kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] };
    case 'log':
      return { kind: 'Pod', verbs: ['get'] };
    case 'exec':
      return { kind: 'PodExecOptions', verbs: ['create', 'get'] };
    case 'attach':
      return { kind: 'PodAttachOptions', verbs: ['create', 'get'] };
    case 'portforward':
      return { kind: 'PodPortForwardOptions', verbs: ['create', 'get'] };
    case 'finalize':
      return { kind: info.kind, verbs: ['update'] };
    case 'proxy':
      return { kind: `${info.kind}ProxyOptions`, verbs: ['create', 'delete', 'get', 'patch', 'update'] };
    default:
      return { kind: info.kind, verbs: ['get'] };
  }
}

export const PREFERRED_VERSIONS: { group: string; version: string }[] = [];
for (const r of RESOURCES) if (!PREFERRED_VERSIONS.some((g) => g.group === r.group)) PREFERRED_VERSIONS.push({ group: r.group, version: r.version });

export function apiVersions(serverAddress: string): Obj {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

export function apiGroupList(): Obj {
  const groups = PREFERRED_VERSIONS.filter((g) => g.group !== '').map((g) => apiGroup(g.group)!);
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

export function apiGroup(group: string): Obj | undefined {
  const versions = [...new Set(RESOURCES.filter((r) => r.group === group).map((r) => r.version))];
  if (versions.length === 0 || group === '') return undefined;
  const vs = versions.map((v) => ({ groupVersion: `${group}/${v}`, version: v }));
  return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions: vs, preferredVersion: vs[0] };
}

export function apiResourceList(group: string, version: string): Obj | undefined {
  const rs = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (rs.length === 0) return undefined;
  const resources: Obj[] = [];
  for (const r of rs) {
    const e: Obj = { name: r.plural, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs };
    if (r.shortNames.length) e.shortNames = r.shortNames;
    if (r.categories.length) e.categories = r.categories;
    resources.push(e);
    for (const sub of r.subresources) {
      const s = subInfo(r, sub);
      const se: Obj = { name: `${r.plural}/${sub}`, singularName: '', namespaced: r.namespaced, kind: s.kind, verbs: s.verbs };
      if (s.group !== undefined) {
        se.group = s.group;
        se.version = s.version;
      }
      resources.push(se);
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion({ group, version }), resources };
}

function discoveryResource(r: ResourceInfo): Obj {
  const e: Obj = {
    resource: r.plural,
    responseKind: { group: r.group, version: r.version, kind: r.kind },
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singular,
    verbs: r.verbs,
  };
  if (r.shortNames.length) e.shortNames = r.shortNames;
  if (r.categories.length) e.categories = r.categories;
  if (r.subresources.length) {
    e.subresources = r.subresources.map((sub) => {
      const s = subInfo(r, sub);
      return { subresource: sub, responseKind: { group: s.group ?? r.group, version: s.version ?? r.version, kind: s.kind }, verbs: s.verbs };
    });
  }
  return e;
}

/** Aggregated discovery for /api (legacy=true) or /apis. */
export function aggregatedDiscovery(legacy: boolean, version: 'v2' | 'v2beta1'): Obj {
  const groups = PREFERRED_VERSIONS.filter((g) => (g.group === '') === legacy).map((g) => g.group);
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: groups.map((group) => {
      const versions = [...new Set(RESOURCES.filter((r) => r.group === group).map((r) => r.version))];
      return {
        metadata: { name: group },
        versions: versions.map((v) => ({
          version: v,
          freshness: 'Current',
          resources: RESOURCES.filter((r) => r.group === group && r.version === v).map(discoveryResource),
        })),
      };
    }),
  };
}

/** Which aggregated discovery version the Accept header asks for, if any. */
export function aggregatedVersionWanted(accept: string | null | undefined): 'v2' | 'v2beta1' | undefined {
  if (!accept) return undefined;
  for (const part of accept.split(',')) {
    const params = part.split(';').map((s) => s.trim());
    if (!params.includes('g=apidiscovery.k8s.io') || !params.includes('as=APIGroupDiscoveryList')) continue;
    if (params.includes('v=v2')) return 'v2';
    if (params.includes('v=v2beta1')) return 'v2beta1';
  }
  return undefined;
}

export function aggregatedContentType(version: 'v2' | 'v2beta1'): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
}

export function versionInfo(): Obj {
  return {
    major: '1',
    minor: '32',
    gitVersion: 'v1.32.0-wasmkube',
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'tsc',
    platform: `${process.platform === 'win32' ? 'windows' : process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}
