// Applying ordinary YAML manifests over the API, as `kubectl apply` would for a fresh object:
// create, and leave an existing object as it is (so `up` on an existing data dir resumes).

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CORE_SCHEMA, YAMLException, loadAll } from 'js-yaml';
import { KINDS, isAlreadyExists, type KubeClient, type KubeObject } from '@wasmkube/client';

export interface AppliedObject {
  kind: string;
  namespace?: string;
  name: string;
  result: 'created' | 'unchanged';
}

/**
 * The objects of a YAML stream (one or more documents; a List's items). The core schema, as
 * Kubernetes reads YAML: `2024-01-01` or `yes` stay strings. js-yaml rather than the `yaml` package the
 * API server uses: it parses the sample manifests in a third of the time, on `up`'s path to the first pod.
 */
export function parseManifests(text: string, source = 'manifest'): KubeObject[] {
  const out: KubeObject[] = [];
  let docs: unknown[];
  try {
    docs = loadAll(text, null, { filename: source, schema: CORE_SCHEMA });
  } catch (e) {
    if (!(e instanceof YAMLException)) throw e;
    throw new Error(`${source}:${e.mark ? `${e.mark.line + 1}:${e.mark.column + 1}:` : ''} ${e.reason}`);
  }
  for (const obj of docs as (KubeObject | null)[]) {
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

/** The container images the objects use (pods and pod templates, init containers first), in order of first use. */
export function imagesInUse(objects: KubeObject[]): string[] {
  const seen = new Set<string>();
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    for (const key of ['initContainers', 'containers']) {
      for (const c of Array.isArray(o[key]) ? (o[key] as { image?: unknown }[]) : []) if (typeof c?.image === 'string') seen.add(c.image);
    }
    for (const [k, child] of Object.entries(o)) if (k !== 'initContainers' && k !== 'containers' && k !== 'status') visit(child);
  };
  visit(objects);
  return [...seen];
}

/** The images map reordered so that the images the objects use come first, in order of first use. */
export function inOrderOfUse<T>(images: Record<string, T>, objects: KubeObject[]): Record<string, T> {
  const rank = new Map(imagesInUse(objects).map((name, i) => [name, i]));
  const order = (name: string) => rank.get(name) ?? Number.MAX_SAFE_INTEGER;
  return Object.fromEntries(Object.entries(images).sort(([a], [b]) => order(a) - order(b)));
}
