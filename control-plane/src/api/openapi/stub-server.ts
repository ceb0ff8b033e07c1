// TEST SUPPORT ONLY (used by the kubectl tests of api/openapi and api/patch): a tiny node:http API server with
// legacy discovery, these OpenAPI v3 documents, an in-memory object map, POST/GET/PUT/PATCH (via api/patch) and
// fieldValidation=Strict via unknownFields. It is not the wasmkube API server; it exists so that these two pure
// modules can be checked against the real kubectl binary without waiting for the real server.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RESOURCES, type ResourceInfo } from '../resources.js';
import { ApiError, errors } from '../status.js';
import { applyPatch, isSupportedPatchType } from '../patch/index.js';
import { openapiV3DocumentJSON, openapiV3IndexJSON, unknownFields } from './index.js';

export const KUBECTL = ['/usr/lib/google-cloud-sdk/bin/kubectl.1.32', '/usr/bin/kubectl.1.32'].find((p) => existsSync(p));

export interface Seen {
  method: string;
  url: string;
  contentType?: string;
  body: string;
}

export interface Stub {
  seen: Seen[];
  objects: Map<string, Record<string, any>>;
  dir: string;
  kubectl(args: string[], env?: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }>;
  close(): void;
}

const key = (info: ResourceInfo, ns: string | undefined, name: string) => `${info.plural}/${ns ?? ''}/${name}`;

function strict(info: ResourceInfo, obj: object, fv: string | null): void {
  if (fv !== 'Strict') return;
  const unknown = unknownFields(info, obj);
  if (unknown.length) throw errors.badRequest(`strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(', ')}`);
}

export async function startStub(): Promise<Stub> {
  const seen: Seen[] = [];
  const objects = new Map<string, Record<string, any>>();
  let rv = 1;
  const groups = [...new Set(RESOURCES.filter((r) => r.group !== '').map((r) => `${r.group}/${r.version}`))];

  const handle = (req: http.IncomingMessage, body: string): [number, unknown] => {
    const u = new URL(req.url!, 'http://x');
    const p = u.pathname;
    if (p === '/version') return [200, { major: '1', minor: '32', gitVersion: 'v1.32.0' }];
    if (p === '/api') return [200, { kind: 'APIVersions', versions: ['v1'] }];
    if (p === '/apis') {
      return [200, {
        kind: 'APIGroupList', apiVersion: 'v1',
        groups: groups.map((gv) => ({ name: gv.split('/')[0], versions: [{ groupVersion: gv, version: 'v1' }], preferredVersion: { groupVersion: gv, version: 'v1' } })),
      }];
    }
    const disc = /^\/(?:api\/v1|apis\/([^/]+)\/v1)$/.exec(p);
    if (disc) {
      const g = disc[1] ?? '';
      return [200, {
        kind: 'APIResourceList', apiVersion: 'v1', groupVersion: g ? `${g}/v1` : 'v1',
        resources: RESOURCES.filter((r) => r.group === g).map((r) => ({ name: r.plural, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs, shortNames: r.shortNames, categories: r.categories })),
      }];
    }
    if (p === '/openapi/v3') return [200, openapiV3IndexJSON()];
    if (p.startsWith('/openapi/v3/')) {
      const d = openapiV3DocumentJSON(p.slice('/openapi/v3/'.length));
      if (d) return [200, d.json];
    }
    const m = /^\/(?:api\/v1|apis\/([^/]+)\/v1)(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?$/.exec(p);
    const info = m && RESOURCES.find((r) => r.group === (m[1] ?? '') && r.plural === m[3]);
    if (!m || !info) throw errors.notFoundPath(`${req.method} ${p}`);
    const ns = m[2];
    const name = m[4];
    const fv = u.searchParams.get('fieldValidation');
    const stamp = (o: Record<string, any>, existing?: Record<string, any>) => {
      o.apiVersion = info.group ? `${info.group}/${info.version}` : info.version;
      o.kind = info.kind;
      o.metadata = { ...o.metadata, ...(ns ? { namespace: ns } : {}), uid: existing?.metadata?.uid ?? `uid-${rv}`, resourceVersion: String(++rv) };
      return o;
    };
    if (req.method === 'POST' && !name) {
      const obj = JSON.parse(body);
      strict(info, obj, fv);
      const k = key(info, ns, obj.metadata.name);
      if (objects.has(k)) throw errors.alreadyExists(info.plural, obj.metadata.name);
      objects.set(k, stamp(obj));
      return [201, objects.get(k)];
    }
    if (!name) return [200, { kind: info.listKind, apiVersion: 'v1', metadata: { resourceVersion: String(rv) }, items: [...objects.entries()].filter(([k]) => k.startsWith(`${info.plural}/${ns ?? ''}/`)).map(([, v]) => v) }];
    const k = key(info, ns, name);
    const cur = objects.get(k);
    if (req.method === 'GET') {
      if (!cur) throw errors.notFound(info.plural, name);
      return [200, cur];
    }
    if (req.method === 'PATCH') {
      const ct = req.headers['content-type'] ?? '';
      if (!isSupportedPatchType(ct)) throw errors.unsupportedMediaType(`unsupported patch type ${ct}`);
      if (!cur && !ct.startsWith('application/apply-patch')) throw errors.notFound(info.plural, name);
      const next = applyPatch(ct, cur ?? {}, body, info);
      strict(info, next, fv);
      objects.set(k, stamp(next, cur));
      return [cur ? 200 : 201, objects.get(k)];
    }
    if (req.method === 'PUT') {
      const obj = JSON.parse(body);
      strict(info, obj, fv);
      objects.set(k, stamp(obj, cur));
      return [200, objects.get(k)];
    }
    if (req.method === 'DELETE') {
      if (!cur) throw errors.notFound(info.plural, name);
      objects.delete(k);
      return [200, cur];
    }
    throw errors.methodNotAllowed(req.method!, p);
  };

  const srv = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      seen.push({ method: req.method!, url: req.url!, contentType: req.headers['content-type'], body });
      let code: number;
      let out: unknown;
      try {
        [code, out] = handle(req, body);
      } catch (e) {
        const err = e instanceof ApiError ? e : errors.internal(String(e));
        [code, out] = [err.code, err.toStatus()];
      }
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(typeof out === 'string' ? out : JSON.stringify(out));
    });
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const dir = mkdtempSync(join(tmpdir(), 'wk-kubectl-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "http://127.0.0.1:${(srv.address() as AddressInfo).port}"}}]
users: [{name: u, user: {}}]
contexts: [{name: c, context: {cluster: c, user: u, namespace: default}}]
current-context: c
`);
  return {
    seen,
    objects,
    dir,
    kubectl: (args, env = {}) =>
      new Promise((resolve) => {
        execFile(KUBECTL!, ['--kubeconfig', kubeconfig, ...args], { env: { HOME: dir, PATH: '/usr/bin:/bin', ...env }, timeout: 30_000 }, (err, stdout, stderr) => {
          resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
        });
      }),
    close: () => srv.close(),
  };
}
