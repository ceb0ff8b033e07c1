// Real kubectl 1.32 against a tiny node:http server that serves discovery, these OpenAPI documents and a POST
// that enforces fieldValidation=Strict with unknownFields. Measured behaviour (this test asserts it):
// * `create -f` fetches /openapi/v3 and the group-version document, finds the fieldValidation parameter on the
//   kind's PATCH operation and then does NO client-side schema check: a typo'd field is sent to the server
//   with `fieldValidation=Strict`; the server's 400 `strict decoding error: unknown field "…"` is printed as
//   `Error from server (BadRequest): error when creating "pod.yaml": strict decoding error: …`.
// * `--validate=false` sends `fieldValidation=Ignore`.
// * `kubectl explain` reads the kind's schema from the v3 document (descriptions, types, nested fields).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RESOURCES } from '../resources.js';
import { openapiV3DocumentJSON, openapiV3IndexJSON, unknownFields } from './index.js';

const KUBECTL = ['/usr/lib/google-cloud-sdk/bin/kubectl.1.32', '/usr/bin/kubectl.1.32'].find((p) => existsSync(p));

interface Seen { method: string; url: string }

function startServer(seen: Seen[]): Promise<http.Server> {
  const groups = [...new Set(RESOURCES.filter((r) => r.group !== '').map((r) => `${r.group}/${r.version}`))];
  const srv = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url! });
      const u = new URL(req.url!, 'http://x');
      const send = (code: number, body: unknown) => {
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(typeof body === 'string' ? body : JSON.stringify(body));
      };
      const p = u.pathname;
      if (p === '/version') return send(200, { major: '1', minor: '32', gitVersion: 'v1.32.0' });
      if (p === '/api') return send(200, { kind: 'APIVersions', versions: ['v1'] });
      if (p === '/apis') {
        return send(200, {
          kind: 'APIGroupList', apiVersion: 'v1',
          groups: groups.map((gv) => ({ name: gv.split('/')[0], versions: [{ groupVersion: gv, version: 'v1' }], preferredVersion: { groupVersion: gv, version: 'v1' } })),
        });
      }
      const disc = /^\/(?:api\/(v1)|apis\/([^/]+)\/(v1))$/.exec(p);
      if (disc) {
        const g = disc[2] ?? '';
        return send(200, {
          kind: 'APIResourceList', apiVersion: 'v1', groupVersion: g ? `${g}/v1` : 'v1',
          resources: RESOURCES.filter((r) => r.group === g).map((r) => ({ name: r.plural, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs, shortNames: r.shortNames })),
        });
      }
      if (p === '/openapi/v3') return send(200, openapiV3IndexJSON());
      if (p.startsWith('/openapi/v3/')) {
        const d = openapiV3DocumentJSON(p.slice('/openapi/v3/'.length));
        return d ? send(200, d.json) : send(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 });
      }
      if (req.method === 'POST') {
        const obj = JSON.parse(Buffer.concat(chunks).toString());
        const info = RESOURCES.find((r) => r.kind === obj.kind)!;
        const unknown = unknownFields(info, obj);
        if (u.searchParams.get('fieldValidation') === 'Strict' && unknown.length > 0) {
          return send(400, {
            kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'BadRequest', code: 400,
            message: `strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(', ')}`,
          });
        }
        return send(201, { ...obj, metadata: { ...obj.metadata, namespace: 'default', uid: 'u1', resourceVersion: '1' } });
      }
      send(404, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', code: 404, message: 'not found' });
    });
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve(srv)));
}

describe('kubectl 1.32 with these OpenAPI documents', { skip: KUBECTL ? false : 'kubectl.1.32 not installed' }, () => {
  const seen: Seen[] = [];
  let srv: http.Server;
  let dir: string;
  let kubeconfig: string;

  const kubectl = (...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(KUBECTL!, ['--kubeconfig', kubeconfig, ...args], { env: { HOME: dir, PATH: '/usr/bin:/bin' }, timeout: 30_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
      });
    });

  before(async () => {
    srv = await startServer(seen);
    dir = mkdtempSync(join(tmpdir(), 'wk-openapi-'));
    kubeconfig = join(dir, 'kubeconfig');
    const port = (srv.address() as AddressInfo).port;
    writeFileSync(kubeconfig, `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "http://127.0.0.1:${port}"}}]
users: [{name: u, user: {}}]
contexts: [{name: c, context: {cluster: c, user: u, namespace: default}}]
current-context: c
`);
    writeFileSync(join(dir, 'typo.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: main\n    imagee: nginx\n');
    writeFileSync(join(dir, 'good.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  selector: {matchLabels: {app: d}}\n  template:\n    metadata: {labels: {app: d}}\n    spec:\n      containers:\n      - name: main\n        image: nginx\n        ports: [{containerPort: 80}]\n');
  });
  after(() => {
    srv?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('create -f with a typo: kubectl fetches OpenAPI v3, sends fieldValidation=Strict, prints the server strict-decoding error', async () => {
    seen.length = 0;
    const r = await kubectl('create', '-f', join(dir, 'typo.yaml'));
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /Error from server \(BadRequest\): error when creating ".*typo\.yaml": strict decoding error: unknown field "spec\.containers\[0\]\.imagee"/);
    const urls = seen.map((s) => `${s.method} ${s.url}`);
    assert.ok(urls.some((u) => u.startsWith('GET /openapi/v3?')), urls.join('\n'));
    assert.ok(urls.some((u) => /^GET \/openapi\/v3\/api\/v1\?hash=[0-9A-F]{128}/.test(u)), urls.join('\n'));
    assert.ok(urls.some((u) => u.startsWith('POST /api/v1/namespaces/default/pods?') && u.includes('fieldValidation=Strict')), urls.join('\n'));
  });

  it('create -f of a valid Deployment succeeds; --validate=false sends fieldValidation=Ignore', async () => {
    seen.length = 0;
    const ok = await kubectl('create', '-f', join(dir, 'good.yaml'));
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /deployment\.apps\/d created/);
    assert.ok(seen.some((s) => s.method === 'POST' && s.url.startsWith('/apis/apps/v1/namespaces/default/deployments?') && s.url.includes('fieldValidation=Strict')));
    seen.length = 0;
    const lax = await kubectl('create', '--validate=false', '-f', join(dir, 'typo.yaml'));
    assert.equal(lax.code, 0, lax.stderr);
    assert.ok(seen.some((s) => s.method === 'POST' && s.url.includes('fieldValidation=Ignore')), JSON.stringify(seen));
  });

  it('kubectl explain reads the schemas', async () => {
    const r = await kubectl('explain', 'pods.spec.containers.ports');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /FIELD: ports <\[\]ContainerPort>/);
    assert.match(r.stdout, /containerPort\s+<integer>/);
    const d = await kubectl('explain', 'deployments.spec.strategy.rollingUpdate');
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stdout, /GROUP:\s+apps/);
    assert.match(d.stdout, /maxSurge\s+<IntOrString>/);
  });
});
