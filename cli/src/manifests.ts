// Applying ordinary YAML manifests over the API, as `kubectl apply` would for a fresh object:
// create, and leave an existing object as it is (so `up` on an existing data dir resumes).

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { KINDS, isAlreadyExists, type KubeClient, type KubeObject } from '@wasmkube/client';

export interface AppliedObject {
  kind: string;
  namespace?: string;
  name: string;
  result: 'created' | 'unchanged';
}

export function parseManifests(text: string, source = 'manifest'): KubeObject[] {
  const out: KubeObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) throw new Error(`${source}: ${doc.errors[0].message}`);
    const obj = doc.toJS() as KubeObject | null;
    if (!obj) continue;
    if ((obj as { kind?: string }).kind === 'List') out.push(...((obj as unknown as { items: KubeObject[] }).items ?? []));
    else out.push(obj);
  }
  return out;
}

export async function applyObjects(client: KubeClient, objects: KubeObject[], defaultNamespace = 'default'): Promise<AppliedObject[]> {
  const results: AppliedObject[] = [];
  // Namespaces first, so that objects inside them can be created.
  const ordered = [...objects].sort((a, b) => Number(b.kind === 'Namespace') - Number(a.kind === 'Namespace'));
  for (const obj of ordered) {
    const kind = obj.kind as string;
    const info = KINDS[kind];
    if (!info) throw new Error(`unsupported kind "${kind}" (apiVersion ${obj.apiVersion})`);
    const ns = info.ref.namespaced ? (obj.metadata?.namespace ?? defaultNamespace) : undefined;
    try {
      await client.create(info.ref, ns, obj);
      results.push({ kind, namespace: ns, name: obj.metadata.name as string, result: 'created' });
    } catch (e) {
      if (!isAlreadyExists(e)) throw new Error(`${kind} ${obj.metadata?.name}: ${(e as Error).message}`);
      results.push({ kind, namespace: ns, name: obj.metadata.name as string, result: 'unchanged' });
    }
  }
  return results;
}

/** Every *.yaml / *.yml file under dir (recursively), sorted by path. */
export async function readManifestDir(dir: string): Promise<KubeObject[]> {
  const files: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (/\.ya?ml$/.test(e.name)) files.push(p);
    }
  };
  await walk(dir);
  files.sort();
  const objects: KubeObject[] = [];
  for (const f of files) objects.push(...parseManifests(await readFile(f, 'utf8'), f));
  return objects;
}
