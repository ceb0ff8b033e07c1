// A pod's volumes on the node: emptyDir folders shared by its containers, configMap and secret
// keys written as files (secrets 0600), hostPath as given. Each container's volumeMounts become
// the sandbox's preopened directories.

import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import { R, isNotFound, type KubeClient, type KubeObject } from '@wasmkube/client';
import type { Mount } from '../runtime.js';
import type { ContainerSpec, Pod, Volume } from './types.js';

export class VolumeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VolumeError';
  }
}

/** Materialise every volume of the pod under podDir/volumes; returns name → host path. */
export async function setUpVolumes(client: KubeClient, pod: Pod, podDir: string): Promise<Map<string, string>> {
  const paths = new Map<string, string>();
  const ns = pod.metadata.namespace as string;
  for (const v of pod.spec.volumes ?? []) {
    const dir = join(podDir, 'volumes', v.name);
    if (v.hostPath) {
      paths.set(v.name, v.hostPath.path);
      continue;
    }
    await mkdir(dir, { recursive: true });
    paths.set(v.name, dir);
    if (v.configMap) await writeKeys(dir, await getData(client, ns, 'configmaps', v.configMap.name, v.configMap.optional), v.configMap.items, false);
    else if (v.secret) await writeKeys(dir, await getData(client, ns, 'secrets', v.secret.secretName, v.secret.optional), v.secret.items, true);
    else if (!v.emptyDir) throw new VolumeError(`volume "${v.name}": unsupported volume type (supported: emptyDir, configMap, secret, hostPath)`);
  }
  return paths;
}

export function mountsFor(c: ContainerSpec, volumes: Map<string, string>): Mount[] {
  return (c.volumeMounts ?? []).map((m) => {
    const base = volumes.get(m.name);
    if (!base) throw new VolumeError(`volumeMount "${m.name}" refers to no volume of the pod`);
    const hostPath = m.subPath ? join(base, normalize(m.subPath).replace(/^(\.\.(\/|$))+/, '')) : base;
    return { guestPath: m.mountPath, hostPath, readOnly: !!m.readOnly };
  });
}

export async function tearDownVolumes(podDir: string): Promise<void> {
  await rm(join(podDir, 'volumes'), { recursive: true, force: true });
}

async function getData(client: KubeClient, ns: string, kind: 'configmaps' | 'secrets', name: string, optional?: boolean): Promise<Record<string, Buffer>> {
  try {
    const obj = (await client.get(R[kind], ns, name)) as KubeObject & { data?: Record<string, string>; binaryData?: Record<string, string> };
    const out: Record<string, Buffer> = {};
    const isSecret = kind === 'secrets';
    for (const [k, v] of Object.entries(obj.data ?? {})) out[k] = isSecret ? Buffer.from(v, 'base64') : Buffer.from(v, 'utf8');
    for (const [k, v] of Object.entries(obj.binaryData ?? {})) out[k] = Buffer.from(v, 'base64');
    return out;
  } catch (e) {
    if (isNotFound(e)) {
      if (optional) return {};
      throw new VolumeError(`${kind === 'secrets' ? 'secret' : 'configmap'} "${name}" not found`);
    }
    throw e;
  }
}

type KeyToPath = NonNullable<NonNullable<Volume['configMap']>['items']>;

async function writeKeys(dir: string, data: Record<string, Buffer>, items: KeyToPath | undefined, secret: boolean): Promise<void> {
  const entries = items?.length ? items.map((i) => [i.path, data[i.key], i.key] as const) : Object.entries(data).map(([k, v]) => [k, v, k] as const);
  for (const [path, value, key] of entries) {
    if (value === undefined) throw new VolumeError(`key "${key}" not found`);
    const file = join(dir, normalize(path).replace(/^(\.\.(\/|$))+/, ''));
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(file, value);
    if (secret) await chmod(file, 0o600);
  }
}
