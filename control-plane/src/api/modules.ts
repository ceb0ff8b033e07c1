// The one place that binds the API server to the pure modules other parts of the project provide
// (patch, openapi, tables, validation). Each is loaded at start-up; while one is missing a small
// fallback keeps the server working, so the server never depends on their arrival order.

import fastJsonPatch from 'fast-json-patch';
import type { ResourceInfo } from './resources.js';
import { groupVersion, RESOURCES } from './resources.js';
import type { StatusCause } from './status.js';
import { ApiError, errors } from './status.js';
import type { IncludeObject } from './request.js';

type Obj = Record<string, unknown>;

export interface Modules {
  applyPatch(contentType: string, current: object, body: string, info: ResourceInfo): object;
  isSupportedPatchType(ct: string): boolean;
  openapiV3Index(): object;
  openapiV3Document(gvPath: string): object | undefined;
  unknownFields(info: ResourceInfo, obj: object): string[];
  toTable(info: ResourceInfo, objects: object[], opts: { includeObject: IncludeObject; now?: Date; wide?: boolean }): object;
  defaultObject(info: ResourceInfo, obj: object): void;
  validateObject(info: ResourceInfo, obj: object, old?: object): StatusCause[];
  /** Which modules are the real ones (for logs and tests). */
  loaded: string[];
}

async function tryImport(rel: string): Promise<Record<string, unknown> | undefined> {
  try {
    return (await import(new URL(rel, import.meta.url).href)) as Record<string, unknown>;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code !== 'ERR_MODULE_NOT_FOUND') console.error(`wasmkube api: module ${rel} failed to load: ${(e as Error).message}`);
    return undefined;
  }
}

let cached: Promise<Modules> | undefined;

export function loadModules(): Promise<Modules> {
  cached ??= build();
  return cached;
}

async function build(): Promise<Modules> {
  const [patch, openapi, tables, validation] = await Promise.all([
    tryImport('./patch/index.js'),
    tryImport('./openapi/index.js'),
    tryImport('./tables/index.js'),
    tryImport('./validation/index.js'),
  ]);
  const loaded: string[] = [];
  const pick = <T>(mod: Record<string, unknown> | undefined, name: string, fallback: T, label: string): T => {
    if (mod && typeof mod[name] === 'function') {
      if (!loaded.includes(label)) loaded.push(label);
      return mod[name] as T;
    }
    return fallback;
  };
  return {
    applyPatch: pick(patch, 'applyPatch', fallbackApplyPatch, 'patch'),
    isSupportedPatchType: pick(patch, 'isSupportedPatchType', fallbackIsSupportedPatchType, 'patch'),
    openapiV3Index: pick(openapi, 'openapiV3Index', fallbackOpenapiIndex, 'openapi'),
    openapiV3Document: pick(openapi, 'openapiV3Document', fallbackOpenapiDocument, 'openapi'),
    unknownFields: pick(openapi, 'unknownFields', () => [], 'openapi'),
    toTable: pick(tables, 'toTable', fallbackToTable, 'tables'),
    defaultObject: pick(validation, 'defaultObject', () => undefined, 'validation'),
    validateObject: pick(validation, 'validateObject', fallbackValidate, 'validation'),
    loaded,
  };
}

// ---- fallbacks: deliberately small; the real modules replace them ----

const PATCH_TYPES = ['application/merge-patch+json', 'application/json-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];

function fallbackIsSupportedPatchType(ct: string): boolean {
  return PATCH_TYPES.includes(ct.split(';')[0].trim().toLowerCase());
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Obj = target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Obj) } : {};
  for (const [k, v] of Object.entries(patch as Obj)) {
    if (k.startsWith('$')) continue;
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function fallbackApplyPatch(contentType: string, current: object, body: string, _info: ResourceInfo): object {
  const ct = contentType.split(';')[0].trim().toLowerCase();
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (e) {
    throw errors.badRequest(`error decoding patch: ${(e as Error).message}`);
  }
  if (ct === 'application/json-patch+json') {
    if (!Array.isArray(parsed)) throw errors.badRequest('json patch must be an array of operations');
    try {
      return fastJsonPatch.applyPatch(structuredClone(current), parsed as fastJsonPatch.Operation[], true, false).newDocument as object;
    } catch (e) {
      throw new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: ${(e as Error).message}`);
    }
  }
  return mergePatch(current, parsed) as object;
}

function fallbackOpenapiIndex(): object {
  const paths: Obj = {};
  for (const gv of new Set(RESOURCES.map((r) => (r.group === '' ? 'api/v1' : `apis/${groupVersion(r)}`)))) {
    paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=FALLBACK0001` };
  }
  return { paths };
}

function fallbackOpenapiDocument(gvPath: string): object | undefined {
  const rs = RESOURCES.filter((r) => (r.group === '' ? 'api/v1' : `apis/${groupVersion(r)}`) === gvPath);
  if (rs.length === 0) return undefined;
  const paths: Obj = {};
  for (const r of rs) {
    const base = `/${gvPath}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.plural}/{name}`;
    paths[base] = {
      patch: {
        'x-kubernetes-group-version-kind': { group: r.group, version: r.version, kind: r.kind },
        parameters: [{ name: 'fieldValidation', in: 'query', schema: { type: 'string' } }],
      },
    };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths, components: { schemas: {} } };
}

function age(ts: unknown, now: Date): string {
  if (typeof ts !== 'string') return '<unknown>';
  const s = Math.max(0, Math.floor((now.getTime() - Date.parse(ts)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

function fallbackToTable(info: ResourceInfo, objects: object[], opts: { includeObject: IncludeObject; now?: Date }): object {
  const now = opts.now ?? new Date();
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: {},
    columnDefinitions: [
      { name: 'Name', type: 'string', format: 'name', description: 'Name', priority: 0 },
      { name: 'Age', type: 'string', format: '', description: 'Age', priority: 0 },
    ],
    rows: objects.map((o) => {
      const md = ((o as Obj).metadata ?? {}) as Obj;
      const row: Obj = { cells: [md.name, age(md.creationTimestamp, now)] };
      if (opts.includeObject === 'Object') row.object = o;
      else if (opts.includeObject === 'Metadata')
        row.object = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: md };
      return row;
    }),
  };
}

function fallbackValidate(info: ResourceInfo, obj: object): StatusCause[] {
  const causes: StatusCause[] = [];
  const md = ((obj as Obj).metadata ?? {}) as Obj;
  if (typeof md.name !== 'string' || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(md.name))
    causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: "${String(md.name)}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`, field: 'metadata.name' });
  if (info.kind === 'Pod') {
    const containers = ((obj as Obj).spec as Obj | undefined)?.containers;
    if (!Array.isArray(containers) || containers.length === 0) causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers' });
  }
  return causes;
}
