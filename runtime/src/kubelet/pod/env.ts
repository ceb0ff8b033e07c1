// A container's environment as Kubernetes builds it: envFrom first, then env in order
// (later wins), $(VAR) references expanded against what came before, field refs from the pod.

import { R, isNotFound, type KubeClient, type KubeObject } from '@wasmkube/client';
import type { ContainerSpec, Pod } from './types.js';

export class EnvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CreateContainerConfigError';
  }
}

export async function buildEnv(client: KubeClient, pod: Pod, c: ContainerSpec, podIp: string, nodeName: string): Promise<Record<string, string>> {
  const ns = pod.metadata.namespace as string;
  const cache = new Map<string, Record<string, string> | undefined>();
  const load = async (kind: 'configmaps' | 'secrets', name: string): Promise<Record<string, string> | undefined> => {
    const k = `${kind}/${name}`;
    if (!cache.has(k)) {
      try {
        const o = (await client.get(R[kind], ns, name)) as KubeObject & { data?: Record<string, string> };
        const data = o.data ?? {};
        cache.set(k, kind === 'secrets' ? Object.fromEntries(Object.entries(data).map(([a, b]) => [a, Buffer.from(b, 'base64').toString('utf8')])) : data);
      } catch (e) {
        if (!isNotFound(e)) throw e;
        cache.set(k, undefined);
      }
    }
    return cache.get(k);
  };

  const env: Record<string, string> = { HOSTNAME: pod.spec.hostname ?? (pod.metadata.name as string) };
  for (const src of c.envFrom ?? []) {
    const ref = src.configMapRef ?? src.secretRef;
    if (!ref) continue;
    const kind = src.configMapRef ? 'configmaps' : 'secrets';
    const data = await load(kind, ref.name);
    if (!data) {
      if (ref.optional) continue;
      throw new EnvError(`${kind === 'configmaps' ? 'configmap' : 'secret'} "${ref.name}" not found`);
    }
    for (const [k, v] of Object.entries(data)) env[(src.prefix ?? '') + k] = v;
  }
  for (const e of c.env ?? []) {
    if (e.value !== undefined) {
      env[e.name] = expand(e.value, env);
      continue;
    }
    const vf = e.valueFrom;
    if (!vf) {
      env[e.name] = '';
    } else if (vf.fieldRef) {
      env[e.name] = fieldValue(pod, vf.fieldRef.fieldPath, podIp, nodeName);
    } else if (vf.configMapKeyRef || vf.secretKeyRef) {
      const ref = (vf.configMapKeyRef ?? vf.secretKeyRef) as { name: string; key: string; optional?: boolean };
      const kind = vf.configMapKeyRef ? 'configmaps' : 'secrets';
      const v = (await load(kind, ref.name))?.[ref.key];
      if (v === undefined) {
        if (ref.optional) continue;
        throw new EnvError(`couldn't find key ${ref.key} in ${kind === 'configmaps' ? 'ConfigMap' : 'Secret'} ${ns}/${ref.name}`);
      }
      env[e.name] = v;
    } else if (vf.resourceFieldRef) {
      const val = c.resources?.limits?.[vf.resourceFieldRef.resource.replace(/^limits\./, '')] ?? c.resources?.requests?.[vf.resourceFieldRef.resource.replace(/^requests\./, '')];
      env[e.name] = val ?? '';
    }
  }
  return env;
}

function fieldValue(pod: Pod, path: string, podIp: string, nodeName: string): string {
  switch (path) {
    case 'metadata.name': return pod.metadata.name ?? '';
    case 'metadata.namespace': return pod.metadata.namespace ?? '';
    case 'metadata.uid': return pod.metadata.uid ?? '';
    case 'spec.nodeName': return nodeName;
    case 'spec.serviceAccountName': return pod.spec.serviceAccountName ?? 'default';
    case 'status.podIP': return podIp;
    case 'status.hostIP': return '127.0.0.1';
    default: {
      const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
      if (m) return (m[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations)?.[m[2]] ?? '';
      return '';
    }
  }
}

/** $(VAR) → value when VAR is defined before; $$ escapes; unknown references stay as written. */
export function expand(s: string, env: Record<string, string>): string {
  return s.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name: string | undefined) => (m === '$$' ? '$' : name !== undefined && name in env ? env[name] : m));
}

/** WASI argv: command replaces the entrypoint, args follow; argv[0] defaults to the container name. */
export function argvOf(c: ContainerSpec, env: Record<string, string>): string[] {
  const cmd = (c.command ?? []).map((a) => expand(a, env));
  const args = (c.args ?? []).map((a) => expand(a, env));
  return cmd.length ? [...cmd, ...args] : [c.name, ...args];
}
