// metrics.k8s.io/v1beta1 served by the API server itself (the role metrics-server plays): PodMetrics
// and NodeMetrics gathered from each node agent's /stats/summary, so `kubectl top pods` and
// `kubectl top nodes` work. Usage comes from the sandbox: CPU from fuel burnt per second,
// memory from the guests' linear memories.

import type { Store } from '../../store/store.js';
import { findResource, storagePrefix, type ResourceInfo } from '../resources.js';
import { errors } from '../status.js';
import { loadUndici } from '@wasmkube/client';


type Obj = Record<string, any>;

export const METRICS_GROUP = 'metrics.k8s.io';
export const METRICS_VERSION = 'v1beta1';

/** Discovery entries for the metrics group (served, never stored). */
export const METRICS_RESOURCES: ResourceInfo[] = [
  { group: METRICS_GROUP, version: METRICS_VERSION, kind: 'PodMetrics', listKind: 'PodMetricsList', plural: 'pods', singular: '', namespaced: true, shortNames: [], categories: [], subresources: [], verbs: ['get', 'list'] },
  { group: METRICS_GROUP, version: METRICS_VERSION, kind: 'NodeMetrics', listKind: 'NodeMetricsList', plural: 'nodes', singular: '', namespaced: false, shortNames: [], categories: [], subresources: [], verbs: ['get', 'list'] },
];

interface Summary {
  timestamp: string;
  window: string;
  node: { cpuCores: number; memoryBytes: number };
  pods: { namespace: string; name: string; containers: { name: string; cpuCores: number; memoryBytes: number }[] }[];
}

const NODE = findResource('', 'v1', 'nodes')!;

const cpu = (cores: number) => `${Math.max(0, Math.round(cores * 1e9))}n`;
const mem = (bytes: number) => `${Math.max(0, Math.round(bytes / 1024))}Ki`;

async function summaries(store: Store): Promise<{ node: string; s: Summary }[]> {
  const nodes = (await store.list(storagePrefix(NODE))).items.map((kv) => kv.value as Obj);
  const out = await Promise.all(
    nodes.map(async (n) => {
      const endpoint = n.metadata?.annotations?.['wasmkube.dev/agent-endpoint'] as string | undefined;
      if (!endpoint) return undefined;
      try {
        const res = await (await loadUndici()).request(new URL('/stats/summary', endpoint), { headersTimeout: 2000, bodyTimeout: 2000 });
        if (res.statusCode !== 200) {
          await res.body.dump();
          return undefined;
        }
        return { node: n.metadata.name as string, s: (await res.body.json()) as Summary };
      } catch {
        return undefined; // an unreachable node simply has no metrics, as with metrics-server
      }
    }),
  );
  return out.filter((x): x is { node: string; s: Summary } => !!x);
}

function json(body: unknown, code = 200): Response {
  return new Response(JSON.stringify(body), { status: code, headers: { 'Content-Type': 'application/json' } });
}

/** GET /apis/metrics.k8s.io/v1beta1/{[namespaces/{ns}/]pods[/{name}] | nodes[/{name}]} */
export async function metricsRoute(store: Store, method: string, rest: string[]): Promise<Response> {
  if (method !== 'GET') throw errors.methodNotAllowed(method, `metrics.k8s.io/${rest.join('/')}`);
  let namespace: string | undefined;
  let r = rest;
  if (r[0] === 'namespaces' && r.length >= 3) {
    namespace = r[1];
    r = r.slice(2);
  }
  const [plural, name] = r;
  const all = await summaries(store);
  const apiVersion = `${METRICS_GROUP}/${METRICS_VERSION}`;
  if (plural === 'nodes' && namespace === undefined) {
    const items = all.map(({ node, s }) => ({
      metadata: { name: node, creationTimestamp: s.timestamp, labels: {} },
      timestamp: s.timestamp,
      window: s.window,
      usage: { cpu: cpu(s.node.cpuCores), memory: mem(s.node.memoryBytes) },
    }));
    if (name) {
      const one = items.find((i) => i.metadata.name === name);
      if (!one) throw errors.notFound('nodemetrics.metrics.k8s.io', name);
      return json({ kind: 'NodeMetrics', apiVersion, ...one });
    }
    return json({ kind: 'NodeMetricsList', apiVersion, metadata: {}, items });
  }
  if (plural === 'pods') {
    const items = all.flatMap(({ s }) =>
      s.pods
        .filter((p) => namespace === undefined || p.namespace === namespace)
        .map((p) => ({
          metadata: { name: p.name, namespace: p.namespace, creationTimestamp: s.timestamp, labels: {} },
          timestamp: s.timestamp,
          window: s.window,
          containers: p.containers.map((c) => ({ name: c.name, usage: { cpu: cpu(c.cpuCores), memory: mem(c.memoryBytes) } })),
        })),
    );
    if (name) {
      const one = items.find((i) => i.metadata.name === name);
      if (!one) throw errors.notFound('podmetrics.metrics.k8s.io', name);
      return json({ kind: 'PodMetrics', apiVersion, ...one });
    }
    return json({ kind: 'PodMetricsList', apiVersion, metadata: {}, items });
  }
  throw errors.notFoundPath(`GET /apis/${METRICS_GROUP}/${METRICS_VERSION}/${rest.join('/')}`);
}
