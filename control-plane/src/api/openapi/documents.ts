// OpenAPI v3 documents, as kubectl 1.32 fetches them for client-side validation and `kubectl explain`:
// GET /openapi/v3 (the index) and GET /openapi/v3/<api/v1|apis/<group>/<version>>. Built once at load.
//
// What kubectl reads from them (shared/kubectl-surface.md §6): for each kind, some path whose `patch` operation
// carries `x-kubernetes-group-version-kind` and a `fieldValidation` query parameter. If found, kubectl leaves
// validation to the server (sends fieldValidation=Strict). `kubectl explain` finds the kind's schema in
// `components.schemas` by `x-kubernetes-group-version-kind` and follows `$ref`s.
import { createHash } from 'node:crypto';
import { groupVersion, RESOURCES, type ResourceInfo } from '../resources.js';
import { PATCH_META } from '../patch/merge-keys.js';
import { K8S_TYPES, kindDefinition, schemaName } from './catalog.js';
import type { FieldType } from './types.js';

type Json = Record<string, unknown>;

const ref = (id: string): Json => ({ $ref: `#/components/schemas/${schemaName(id)}` });

function typeSchema(t: FieldType, deps: Set<string>): Json {
  if (typeof t !== 'string') {
    const inner = typeSchema(t[1], deps);
    return t[0] === 'a' ? { type: 'array', items: inner } : { type: 'object', additionalProperties: inner };
  }
  switch (t) {
    case 'string': return { type: 'string' };
    case 'int32': case 'int64': return { type: 'integer', format: t };
    case 'number': return { type: 'number', format: 'double' };
    case 'boolean': return { type: 'boolean' };
    case 'byte': return { type: 'string', format: 'byte' };
    case 'date-time': case 'int-or-string':
      deps.add(t);
      return { allOf: [{ $ref: `#/components/schemas/${NAMED_SCALARS[t][0]}` }] };
    case 'any': return { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  }
  deps.add(t);
  // Kubernetes wraps references in allOf so the field can carry its own description and default.
  return { allOf: [ref(t)], default: {} };
}

// Scalars Kubernetes publishes as named schemas; `kubectl explain` shows the name (`<IntOrString>`, `<Time>`).
const NAMED_SCALARS: Record<string, [string, Json]> = {
  'int-or-string': ['io.k8s.apimachinery.pkg.util.intstr.IntOrString', {
    description: 'IntOrString is a type that can hold an int32 or a string.', format: 'int-or-string', 'x-kubernetes-int-or-string': true,
  }],
  'date-time': ['io.k8s.apimachinery.pkg.apis.meta.v1.Time', {
    description: 'Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON.', type: 'string', format: 'date-time',
  }],
};

function definitionSchema(id: string, deps: Set<string>): Json {
  if (NAMED_SCALARS[id]) return NAMED_SCALARS[id][1];
  const def = K8S_TYPES[id];
  const properties: Json = {};
  for (const [name, [t, description]] of Object.entries(def.f)) {
    const s = typeSchema(t, deps);
    // The generated models carry no description on fields typed by a definition; use the type's own.
    const desc = description ?? (typeof t === 'string' ? K8S_TYPES[t]?.d : undefined);
    if (desc) s.description = desc;
    const pm = PATCH_META[`${id}.${name}`];
    if (pm) {
      s['x-kubernetes-patch-strategy'] = pm.strategy;
      if (pm.mergeKey) s['x-kubernetes-patch-merge-key'] = pm.mergeKey;
    }
    properties[name] = s;
  }
  const schema: Json = { type: 'object', properties };
  if (def.d) schema.description = def.d;
  if (def.gvk) schema['x-kubernetes-group-version-kind'] = [{ group: def.gvk[0], version: def.gvk[1], kind: def.gvk[2] }];
  return schema;
}

function param(name: string, inn: 'query' | 'path', description: string, required = false): Json {
  return { name, in: inn, description, ...(required ? { required: true } : {}), schema: { type: 'string', uniqueItems: true } };
}

const FIELD_VALIDATION = param('fieldValidation', 'query',
  'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: Ignore, Warn, Strict.');
const FIELD_MANAGER = param('fieldManager', 'query', 'fieldManager is a name associated with the actor or entity that is making these changes.');
const DRY_RUN = param('dryRun', 'query', 'When present, indicates that modifications should not be persisted. Valid values are: All.');
const PATCH_TYPES = ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'];

function paths(info: ResourceInfo): Json {
  const defId = kindDefinition(info);
  const gvk = { group: info.group, version: info.version, kind: info.kind };
  const body = (ct: string[]) => ({ content: Object.fromEntries(ct.map((c) => [c, { schema: defId ? ref(defId) : { type: 'object' } }])), required: true });
  const ok = (code: string) => ({ [code]: { description: 'OK', content: { 'application/json': { schema: defId ? ref(defId) : { type: 'object' } } } } });
  const op = (action: string, verb: string, extra: Json): Json => ({
    description: `${verb} the specified ${info.kind}`,
    operationId: `${action}${info.kind}`,
    tags: [groupVersion(info).replace(/[./]/g, '_')],
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
    ...extra,
  });
  const prefix = info.group === '' ? `/api/${info.version}` : `/apis/${info.group}/${info.version}`;
  const ns = info.namespaced ? '/namespaces/{namespace}' : '';
  const nsParam = info.namespaced ? [param('namespace', 'path', 'object name and auth scope, such as for teams and projects', true)] : [];
  const collection = `${prefix}${ns}/${info.plural}`;
  const out: Json = {};
  const v = new Set(info.verbs);
  const col: Json = { parameters: nsParam };
  if (v.has('list')) col.get = op('list', 'list or watch objects of kind', { responses: ok('200') });
  if (v.has('create')) col.post = op('post', 'create a', { parameters: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION], requestBody: body(['*/*']), responses: ok('201') });
  out[collection] = col;
  if (info.verbs.some((x) => x !== 'create' && x !== 'list' && x !== 'watch' && x !== 'deletecollection')) {
    const item: Json = { parameters: [param('name', 'path', `name of the ${info.kind}`, true), ...nsParam] };
    if (v.has('get')) item.get = op('get', 'read', { responses: ok('200') });
    if (v.has('update')) item.put = op('put', 'replace', { parameters: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION], requestBody: body(['*/*']), responses: ok('200') });
    if (v.has('patch')) {
      item.patch = op('patch', 'partially update', {
        parameters: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION, { name: 'force', in: 'query', schema: { type: 'boolean', uniqueItems: true } }],
        requestBody: { content: Object.fromEntries(PATCH_TYPES.map((c) => [c, { schema: { type: 'object' } }])), required: true },
        responses: ok('200'),
      });
    }
    if (v.has('delete')) item.delete = op('delete', 'delete a', { responses: ok('200') });
    out[`${collection}/{name}`] = item;
  }
  return out;
}

/** "api/v1" or "apis/<group>/<version>". */
export function gvPath(info: Pick<ResourceInfo, 'group' | 'version'>): string {
  return info.group === '' ? `api/${info.version}` : `apis/${info.group}/${info.version}`;
}

function buildDocument(gv: string, infos: ResourceInfo[]): Json {
  const deps = new Set<string>();
  const pathsObj: Json = {};
  for (const info of infos) {
    Object.assign(pathsObj, paths(info));
    const id = kindDefinition(info);
    if (id) deps.add(id);
  }
  // Close over references: every schema reachable from the kinds.
  const schemas: Json = {};
  const queue = [...deps];
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i];
    const before = deps.size;
    schemas[NAMED_SCALARS[id]?.[0] ?? schemaName(id)] = definitionSchema(id, deps);
    if (deps.size !== before) for (const d of deps) if (!queue.includes(d)) queue.push(d);
  }
  const sorted = Object.fromEntries(Object.keys(schemas).sort().map((k) => [k, schemas[k]]));
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths: pathsObj,
    components: { schemas: sorted },
  };
}

interface Built {
  doc: Json;
  json: string;
  hash: string;
}

// Built on first use (about 0.2 s for all group-versions), then served from memory: patching and unknown-field
// checks never pay for it, and a server that kubectl never asks for OpenAPI never builds it.
let built: { docs: Map<string, Built>; index: object; indexJson: string } | undefined;

function docs(): NonNullable<typeof built> {
  if (built) return built;
  const groups = new Map<string, ResourceInfo[]>();
  for (const info of RESOURCES) {
    const p = gvPath(info);
    if (!groups.has(p)) groups.set(p, []);
    groups.get(p)!.push(info);
  }
  const map = new Map<string, Built>();
  for (const [p, infos] of groups) {
    const doc = buildDocument(p, infos);
    const json = JSON.stringify(doc);
    map.set(p, { doc, json, hash: createHash('sha512').update(json).digest('hex').toUpperCase() });
  }
  const index = { paths: Object.fromEntries([...map].map(([p, b]) => [p, { serverRelativeURL: `/openapi/v3/${p}?hash=${b.hash}` }])) };
  built = { docs: map, index, indexJson: JSON.stringify(index) };
  return built;
}

/** Body of GET /openapi/v3. */
export function openapiV3Index(): object {
  return docs().index;
}

/** Same, serialised once. */
export function openapiV3IndexJSON(): string {
  return docs().indexJson;
}

/** Body of GET /openapi/v3/{gvPath} ("api/v1", "apis/apps/v1"), or undefined for an unknown group-version. */
export function openapiV3Document(path: string): object | undefined {
  return docs().docs.get(stripSlashes(path))?.doc;
}

/** Same, serialised once, with the content hash (usable as ETag; kubectl passes it back as ?hash=). */
export function openapiV3DocumentJSON(path: string): { json: string; hash: string } | undefined {
  const b = docs().docs.get(stripSlashes(path));
  return b && { json: b.json, hash: b.hash };
}

function stripSlashes(p: string): string {
  return p.replace(/^\/+|\/+$/g, '');
}
