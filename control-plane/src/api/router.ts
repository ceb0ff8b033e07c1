// The HTTP surface: discovery, OpenAPI, health, and the REST paths of every resource in the
// registry. Paths are parsed here (as kube-apiserver's RequestInfo does) and the
// work is handed to ObjectService, the watch streams and the subresource handlers.

import { Reply } from './api-request.js';
import type { ApiRequest, RouteResult } from './api-request.js';
import type { Modules } from './modules.js';
import type { ResourceInfo } from './resources.js';
import { findResource, groupVersion } from './resources.js';
import { ApiError, errors } from './status.js';
import type { FieldValidation, ObjectService, WriteOptions, WriteResult } from './objects.js';
import type { Obj } from './metadata.js';
import { presentJson } from './metadata.js';
import {
  decodeObjectBody, includeObjectParam, mediaType, parseJson, protobufRefused, queryBool, queryInt, readBodyBytes, wantsTable,
} from './request.js';
import type { IncludeObject } from './request.js';
import { parseFieldSelector, parseSelectors } from './selectors.js';
import type { Selector } from './selectors.js';
import {
  aggregatedContentType, aggregatedDiscovery, aggregatedVersionWanted, apiGroup, apiGroupList, apiResourceList, apiVersions, versionInfo,
} from './discovery.js';
import { openWatch } from './watch.js';
import type { WatchRegistry } from './watch.js';
import { parseDeleteOptions } from './deletion.js';
import { getScale, patchScale, putScale } from './subresources/scale.js';
import { bindPod } from './subresources/binding.js';
import { evictPod } from './subresources/eviction.js';
import type { NodeProxy } from './node-proxy.js';
import { decodeKubernetesProtobuf, UnsupportedProtobuf } from './protobuf/decode.js';
import { METRICS_GROUP, metricsRoute } from './metrics/metrics.js';

export interface RouterDeps {
  svc: ObjectService;
  modules: Modules;
  watches: WatchRegistry;
  nodeProxy: NodeProxy;
  bookmarkIntervalMs: number;
  /** host:port clients reach this server at (for /api's serverAddressByClientCIDRs). */
  serverAddress(): string;
}

const NODE_SUBRESOURCES = new Set(['log', 'exec', 'attach', 'portforward', 'proxy']);

function json(body: unknown, code = 200, headers?: Record<string, string>): Reply {
  return new Reply(code, JSON.stringify(body), headers ? { 'Content-Type': 'application/json', ...headers } : JSON_HEADERS);
}

const JSON_HEADERS: Record<string, string> = Object.freeze({ 'Content-Type': 'application/json' }) as Record<string, string>;

export function errorResponse(err: unknown): Reply {
  if (err instanceof ApiError) return json(err.toStatus(), err.code);
  // Never a stack trace to the client; the log keeps it.
  console.error('wasmkube api: internal error:', err);
  return json(errors.internal(err instanceof Error ? err.message : String(err)).toStatus(), 500);
}

/** Answers one request; never throws (errors become Status replies). */
export async function dispatch(deps: RouterDeps, req: ApiRequest): Promise<RouteResult> {
  let res: RouteResult;
  try {
    res = await route(deps, req);
  } catch (e) {
    res = errorResponse(e);
  }
  // A body left unread (an error answered before reading it) would make node drop the keep-alive
  // connection under the client's next request: read it to the end first.
  await discardBody(req);
  return res;
}

/** True for paths only the hono path can serve: node-agent subresources need a web Request. */
export function needsWebRequest(pathname: string): boolean {
  return NODE_SUBRESOURCE_PATH.test(pathname);
}

const NODE_SUBRESOURCE_PATH = /\/(log|exec|attach|portforward|proxy)(\/|$)/;

async function route(deps: RouterDeps, req: ApiRequest): Promise<RouteResult> {
  const url = req.url;
  const method = req.method;
  let segs: string[];
  try {
    segs = url.pathname.split('/').filter((s) => s !== '').map(decodeURIComponent);
  } catch {
    throw errors.badRequest(`malformed path ${url.pathname}`);
  }
  const head = segs[0] ?? '';

  if (head === 'version' && segs.length === 1) return onlyGet(method, '/version', () => json(versionInfo()));
  if (head === 'healthz' || head === 'livez' || head === 'readyz') {
    return onlyGet(method, url.pathname, () => new Reply(200, 'ok', { 'Content-Type': 'text/plain; charset=utf-8' }));
  }
  if (head === 'openapi') return openapi(deps.modules, method, segs);
  if (segs.length === 0) {
    return onlyGet(method, '/', () => json({ paths: ['/api', '/api/v1', '/apis', ...apisPaths(), '/healthz', '/livez', '/openapi/v3', '/readyz', '/version'] }));
  }
  if (head === 'api' || head === 'apis') return apiRoute(deps, req, url, segs);
  throw errors.notFoundPath(`${method} ${url.pathname}`);
}

function apisPaths(): string[] {
  const list = apiGroupList().groups as { name: string; versions: { groupVersion: string }[] }[];
  return list.flatMap((g) => [`/apis/${g.name}`, ...g.versions.map((v) => `/apis/${v.groupVersion}`)]);
}

function onlyGet(method: string, what: string, fn: () => Reply): Reply {
  if (method !== 'GET' && method !== 'HEAD') throw errors.methodNotAllowed(method, what);
  return fn();
}

function openapi(modules: Modules, method: string, segs: string[]): Reply {
  if (segs[1] === 'v3') {
    if (segs.length === 2) return onlyGet(method, '/openapi/v3', () => json(modules.openapiV3Index()));
    const doc = modules.openapiV3Document(segs.slice(2).join('/'));
    if (!doc) throw errors.notFoundPath(`GET /${segs.join('/')}`);
    return onlyGet(method, '/openapi/v3', () => json(doc));
  }
  throw errors.notFoundPath(`GET /${segs.join('/')}`);
}

interface Target {
  info: ResourceInfo;
  namespace: string | undefined;
  name: string | undefined;
  sub: string | undefined;
  subPath: string;
  watch: boolean;
}

type Url = ApiRequest['url'];

async function apiRoute(deps: RouterDeps, req: ApiRequest, url: Url, segs: string[]): Promise<RouteResult> {
  const method = req.method;
  const accept = req.header('accept');
  let group: string;
  let version: string | undefined;
  let rest: string[];
  if (segs[0] === 'api') {
    if (segs.length === 1) {
      return onlyGet(method, '/api', () => {
        const v = aggregatedVersionWanted(accept);
        if (v) return json(aggregatedDiscovery(true, v), 200, { 'Content-Type': aggregatedContentType(v) });
        return json(apiVersions(deps.serverAddress()));
      });
    }
    group = '';
    version = segs[1];
    rest = segs.slice(2);
  } else {
    if (segs.length === 1) {
      return onlyGet(method, '/apis', () => {
        const v = aggregatedVersionWanted(accept);
        if (v) return json(aggregatedDiscovery(false, v), 200, { 'Content-Type': aggregatedContentType(v) });
        return json(apiGroupList());
      });
    }
    group = segs[1];
    if (segs.length === 2) {
      const g = apiGroup(group);
      if (!g) throw errors.notFoundPath(`${method} ${url.pathname}`);
      return onlyGet(method, url.pathname, () => json(g));
    }
    version = segs[2];
    rest = segs.slice(3);
    // metrics.k8s.io is served from the node agents' usage counters, not from the store.
    if (group === METRICS_GROUP && rest.length > 0) return metricsRoute(deps.svc.store, method, rest);
  }
  if (rest.length === 0) {
    const list = apiResourceList(group, version);
    if (!list) throw errors.notFoundPath(`${method} ${url.pathname}`);
    return onlyGet(method, url.pathname, () => json(list));
  }

  let watch = false;
  if (rest[0] === 'watch') {
    watch = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3 && !(rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize'))) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const info = findResource(group, version, rest[0]);
  if (!info || rest.length === 0) throw errors.notFoundPath(`${method} ${url.pathname}`);
  if (info.namespaced === false && namespace !== undefined) throw errors.notFoundPath(`${method} ${url.pathname}`);
  if (info.namespaced && namespace === undefined && rest.length > 1) throw errors.notFoundPath(`${method} ${url.pathname}`);
  const t: Target = { info, namespace, name: rest[1], sub: rest[2], subPath: rest.slice(3).join('/'), watch };
  if (t.sub !== undefined && !info.subresources.includes(t.sub)) throw errors.notFoundPath(`${method} ${url.pathname}`);
  if (t.sub !== undefined && !NODE_SUBRESOURCES.has(t.sub) && rest.length > 3) throw errors.notFoundPath(`${method} ${url.pathname}`);
  return resourceRoute(deps, req, url, t);
}

function writeOptions(q: URLSearchParams): WriteOptions {
  const dry = q.getAll('dryRun');
  for (const d of dry) if (d !== 'All') throw errors.badRequest(`dryRun: Unsupported value: "${d}": supported values: "All"`);
  const fv = q.get('fieldValidation') ?? '';
  if (!['', 'Strict', 'Warn', 'Ignore'].includes(fv))
    throw errors.badRequest(`fieldValidation: Unsupported value: "${fv}": supported values: "Ignore", "Strict", "Warn"`);
  return { dryRun: dry.length > 0, fieldValidation: (fv || 'Warn') as FieldValidation, warnings: [] };
}

function written(info: ResourceInfo, res: WriteResult, opts: WriteOptions): Reply {
  const { body, code } = res;
  if (opts.warnings && opts.warnings.length > 0) {
    return json(body, code, { Warning: opts.warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', ') });
  }
  // The watch events of this write will send the same text.
  if (res.kv) return new Reply(code, presentJson(info, res.kv, body), JSON_HEADERS);
  return json(body, code);
}

async function objectBody(c: ApiRequest): Promise<Obj> {
  const ct = c.header('content-type') ?? null;
  if (mediaType(ct) === 'application/vnd.kubernetes.protobuf') {
    // kubectl create namespace/configmap/secret/deployment send protobuf.
    const bytes = await bodyBytes(c);
    try {
      return decodeKubernetesProtobuf(bytes);
    } catch (e) {
      if (e instanceof UnsupportedProtobuf) throw protobufRefused(e.message);
      throw e;
    }
  }
  return decodeObjectBody(ct, await bodyText(c));
}

async function patchBody(deps: RouterDeps, c: ApiRequest): Promise<{ ct: string; body: string }> {
  const ct = c.header('content-type') ?? '';
  if (!deps.modules.isSupportedPatchType(ct)) {
    throw errors.unsupportedMediaType(
      `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`,
    );
  }
  return { ct, body: await bodyText(c) };
}

function asTable(deps: RouterDeps, info: ResourceInfo, items: Obj[], resourceVersion: string, includeObject: IncludeObject): Obj {
  const t = deps.modules.toTable(info, items, { includeObject, wide: true }) as Obj;
  t.metadata = { ...((t.metadata as Obj | undefined) ?? {}), resourceVersion };
  return t;
}

async function resourceRoute(deps: RouterDeps, c: ApiRequest, url: Url, t: Target): Promise<RouteResult> {
  const { svc } = deps;
  const { info, namespace: ns, name } = t;
  const q = url.searchParams;
  const method = c.method;
  const what = `${method} ${url.pathname}`;
  const table = wantsTable(c.header('accept'));

  if (t.sub !== undefined && NODE_SUBRESOURCES.has(t.sub)) {
    return deps.nodeProxy.handle({ namespace: ns, resource: info.plural, name: name!, subresource: t.sub, rest: t.subPath, query: q, request: c.raw() });
  }

  // ---- collection
  if (name === undefined) {
    if (info.plural === 'bindings') {
      if (method !== 'POST' || ns === undefined) throw errors.methodNotAllowed(method, what);
      const opts = writeOptions(q);
      return json(await bindPod(svc, ns, undefined, await objectBody(c), !!opts.dryRun), 201);
    }
    if (method === 'GET' || method === 'HEAD') {
      const selector = parseSelectors(q, info);
      if (t.watch || queryBool(q, 'watch')) return watchResponse(deps, c, t, selector, table, q);
      const list = await svc.list(info, ns, selector);
      const rv = String(list.revision);
      if (table) return json(asTable(deps, info, list.items, rv, includeObjectParam(q)));
      return json({ kind: info.listKind, apiVersion: groupVersion(info), metadata: { resourceVersion: rv }, items: list.items });
    }
    if (method === 'POST') {
      if (!info.verbs.includes('create')) throw errors.methodNotAllowed(method, what);
      if (info.namespaced && ns === undefined) throw errors.methodNotAllowed(method, what);
      const opts = writeOptions(q);
      // The decoded body is this request's alone: the store may keep it instead of a copy.
      const res = await svc.create(info, ns, await objectBody(c), { ...opts, ownBody: true });
      return written(info, res, opts);
    }
    if (method === 'DELETE') {
      if (!info.verbs.includes('deletecollection')) throw errors.methodNotAllowed(method, what);
      const opts = writeOptions(q);
      const delOpts = parseDeleteOptions(await optionalJsonBody(c), q);
      const list = await svc.list(info, ns, parseSelectors(q, info));
      const deleted: Obj[] = [];
      for (const o of list.items) {
        const md = o.metadata as Obj;
        try {
          const r = await svc.delete(info, md.namespace as string | undefined, String(md.name), delOpts, { dryRun: opts.dryRun || !!delOpts.dryRun?.length });
          deleted.push(r.body.kind === 'Status' ? o : r.body);
        } catch (e) {
          if (!(e instanceof ApiError && e.code === 404)) throw e;
        }
      }
      return json({ kind: info.listKind, apiVersion: groupVersion(info), metadata: { resourceVersion: String(svc.store.currentRevision()) }, items: deleted });
    }
    throw errors.methodNotAllowed(method, what);
  }

  // ---- subresources of one object
  if (t.sub !== undefined) {
    const opts = writeOptions(q);
    switch (t.sub) {
      case 'status':
        if (method === 'GET') return json(await svc.get(info, ns, name));
        if (method === 'PUT') {
          const res = await svc.update(info, ns, name, await objectBody(c), opts, 'status');
          return written(info, res, opts);
        }
        if (method === 'PATCH') {
          const p = await patchBody(deps, c);
          const res = await svc.patch(info, ns, name, p.ct, p.body, opts, 'status');
          return written(info, res, opts);
        }
        break;
      case 'finalize':
        if (method === 'PUT') {
          const res = await svc.update(info, ns, name, await objectBody(c), opts, 'finalize');
          return written(info, res, opts);
        }
        break;
      case 'scale':
        if (method === 'GET') return json(await getScale(svc, info, ns!, name));
        if (method === 'PUT') return json(await putScale(svc, info, ns!, name, await objectBody(c), opts));
        if (method === 'PATCH') {
          const p = await patchBody(deps, c);
          return json(await patchScale(svc, info, ns!, name, p.ct, p.body, opts));
        }
        break;
      case 'binding':
        if (method === 'POST') return json(await bindPod(svc, ns!, name, await objectBody(c), !!opts.dryRun), 201);
        break;
      case 'eviction':
        if (method === 'POST') return json(await evictPod(svc, ns!, name, await objectBody(c), !!opts.dryRun), 201);
        break;
    }
    throw errors.methodNotAllowed(method, what);
  }

  // ---- one object
  if (method === 'GET' || method === 'HEAD') {
    if (t.watch || queryBool(q, 'watch')) {
      const byName = parseFieldSelector(`metadata.name=${name}`, info);
      const sel = parseSelectors(q, info);
      return watchResponse(deps, c, t, { empty: false, matches: (o) => byName.matches(o) && sel.matches(o) }, table, q);
    }
    const obj = await svc.get(info, ns, name);
    if (table) return json(asTable(deps, info, [obj], String((obj.metadata as Obj).resourceVersion), includeObjectParam(q)));
    return json(obj);
  }
  if (method === 'PUT') {
    if (!info.verbs.includes('update')) throw errors.methodNotAllowed(method, what);
    const opts = writeOptions(q);
    const res = await svc.update(info, ns, name, await objectBody(c), opts);
    return written(info, res, opts);
  }
  if (method === 'PATCH') {
    if (!info.verbs.includes('patch')) throw errors.methodNotAllowed(method, what);
    const opts = writeOptions(q);
    const p = await patchBody(deps, c);
    const res = await svc.patch(info, ns, name, p.ct, p.body, opts);
    return written(info, res, opts);
  }
  if (method === 'DELETE') {
    if (!info.verbs.includes('delete')) throw errors.methodNotAllowed(method, what);
    const opts = writeOptions(q);
    const delOpts = parseDeleteOptions(await optionalJsonBody(c), q);
    const res = await svc.delete(info, ns, name, delOpts, { dryRun: opts.dryRun || !!delOpts.dryRun?.length });
    return json(res.body, res.code);
  }
  throw errors.methodNotAllowed(method, what);
}

/** Bodies whose node request has been (or is being) read directly. */
const consumed = new WeakSet<object>();

/** The request body, read straight from the node request when there is one. */
function bodyBytes(c: ApiRequest): Promise<Buffer> {
  const inc = c.incoming;
  if (inc) {
    if (consumed.has(inc)) return Promise.resolve(Buffer.alloc(0));
    consumed.add(inc);
    return readBodyBytes(undefined, inc);
  }
  return readBodyBytes(c.raw(), undefined);
}

async function bodyText(c: ApiRequest): Promise<string> {
  return (await bodyBytes(c)).toString('utf8');
}

async function discardBody(c: ApiRequest): Promise<void> {
  const inc = c.incoming;
  if (inc ? consumed.has(inc) || inc.readableEnded : !c.raw().body || c.raw().bodyUsed) return;
  try {
    await bodyText(c);
  } catch {
    // too large or aborted: the connection is dropped, which is all that is left to do
  }
}

/** DELETE bodies are optional DeleteOptions JSON. */
async function optionalJsonBody(c: ApiRequest): Promise<Obj | undefined> {
  const ct = c.header('content-type') ?? null;
  if (mediaType(ct) === 'application/vnd.kubernetes.protobuf') throw protobufRefused();
  const text = await bodyText(c);
  if (text.trim() === '') return undefined;
  const v = parseJson(text);
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw errors.badRequest('the DeleteOptions body must be a JSON object');
  return v as Obj;
}

function watchResponse(deps: RouterDeps, c: ApiRequest, t: Target, selector: Selector, table: boolean, q: URLSearchParams): Promise<Response> {
  const timeout = queryInt(q, 'timeoutSeconds');
  return openWatch(deps.svc, deps.modules, deps.watches, {
    info: t.info,
    namespace: t.namespace,
    selector,
    resourceVersion: q.get('resourceVersion') ?? undefined,
    timeoutSeconds: timeout !== undefined && timeout > 0 ? timeout : undefined,
    allowBookmarks: queryBool(q, 'allowWatchBookmarks'),
    table: table ? { includeObject: includeObjectParam(q) } : undefined,
    bookmarkIntervalMs: deps.bookmarkIntervalMs,
    signal: c.signal,
  });
}
