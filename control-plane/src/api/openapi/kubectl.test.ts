// Real kubectl 1.32 against stub-server.ts (discovery + these OpenAPI documents + fieldValidation=Strict via
// unknownFields). Measured behaviour, asserted here:
// * `create -f` fetches /openapi/v3 and the group-version document, finds the fieldValidation parameter on the
//   kind's PATCH operation and then does NO client-side schema check: a typo'd field is sent to the server
//   with `fieldValidation=Strict`; the server's 400 `strict decoding error: unknown field "…"` is printed as
//   `Error from server (BadRequest): error when creating "typo.yaml": strict decoding error: …`.
// * `--validate=false` sends `fieldValidation=Ignore`.
// * `kubectl explain` reads the kind's schema from the v3 document (descriptions, types, nested fields).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KUBECTL, startStub, type Stub } from './stub-server.js';

describe('kubectl 1.32 with these OpenAPI documents', { skip: KUBECTL ? false : 'kubectl.1.32 not installed' }, () => {
  let stub: Stub;
  const file = (name: string) => join(stub.dir, name);

  before(async () => {
    stub = await startStub();
    writeFileSync(file('typo.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: main\n    imagee: nginx\n');
    writeFileSync(file('good.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  selector: {matchLabels: {app: d}}\n  template:\n    metadata: {labels: {app: d}}\n    spec:\n      containers:\n      - name: main\n        image: nginx\n        ports: [{containerPort: 80}]\n');
  });
  after(() => stub?.close());

  it('create -f with a typo: kubectl fetches OpenAPI v3, sends fieldValidation=Strict, prints the server strict-decoding error', async () => {
    stub.seen.length = 0;
    const r = await stub.kubectl(['create', '-f', file('typo.yaml')]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /Error from server \(BadRequest\): error when creating ".*typo\.yaml": strict decoding error: unknown field "spec\.containers\[0\]\.imagee"/);
    const urls = stub.seen.map((s) => `${s.method} ${s.url}`);
    assert.ok(urls.some((u) => u.startsWith('GET /openapi/v3?')), urls.join('\n'));
    assert.ok(urls.some((u) => /^GET \/openapi\/v3\/api\/v1\?hash=[0-9A-F]{128}/.test(u)), urls.join('\n'));
    assert.ok(urls.some((u) => u.startsWith('POST /api/v1/namespaces/default/pods?') && u.includes('fieldValidation=Strict')), urls.join('\n'));
  });

  it('create -f of a valid Deployment succeeds; --validate=false sends fieldValidation=Ignore', async () => {
    stub.seen.length = 0;
    const ok = await stub.kubectl(['create', '-f', file('good.yaml')]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /deployment\.apps\/d created/);
    assert.ok(stub.seen.some((s) => s.method === 'POST' && s.url.startsWith('/apis/apps/v1/namespaces/default/deployments?') && s.url.includes('fieldValidation=Strict')));
    stub.seen.length = 0;
    const lax = await stub.kubectl(['create', '--validate=false', '-f', file('typo.yaml')]);
    assert.equal(lax.code, 0, lax.stderr);
    assert.ok(stub.seen.some((s) => s.method === 'POST' && s.url.includes('fieldValidation=Ignore')), JSON.stringify(stub.seen));
  });

  it('kubectl explain reads the schemas', async () => {
    const r = await stub.kubectl(['explain', 'pods.spec.containers.ports']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /FIELD: ports <\[\]ContainerPort>/);
    assert.match(r.stdout, /containerPort\s+<integer>/);
    const d = await stub.kubectl(['explain', 'deployments.spec.strategy.rollingUpdate']);
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stdout, /GROUP:\s+apps/);
    assert.match(d.stdout, /maxSurge\s+<IntOrString>/);
  });
});
