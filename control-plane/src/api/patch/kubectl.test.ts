// The patches real kubectl 1.32 sends (client-side apply, edit, set image, label, rollout restart, cordon,
// patch --type=json, apply --server-side), applied by this module inside a stub API server
// (../openapi/stub-server.ts). Asserts the stored object after each command.
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KUBECTL, startStub, type Stub } from '../openapi/stub-server.js';

/** A Deployment manifest (JSON, which kubectl reads like YAML). */
const deploy = (image: string, env: { name: string; value: string }[], order: 'main-first' | 'sidecar-first', labels: Record<string, string> = {}) => {
  const main = { name: 'main', image, ports: [{ containerPort: 80 }], env };
  const side = { name: 'sidecar', image: 'busybox:1', args: ['sleep', '3600'] };
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web', ...labels } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: order === 'main-first' ? [main, side] : [side, main] } },
    },
  });
};

describe('kubectl 1.32 patches applied by api/patch', { skip: KUBECTL ? false : 'kubectl.1.32 not installed' }, () => {
  let stub: Stub;
  const file = (name: string, text?: string) => {
    const p = join(stub.dir, name);
    if (text !== undefined) writeFileSync(p, text);
    return p;
  };
  const dep = () => stub.objects.get('deployments/default/web')!;
  const containers = () => dep().spec.template.spec.containers as any[];
  const lastPatch = () => [...stub.seen].reverse().find((s) => s.method === 'PATCH')!;
  const run = async (...args: string[]) => {
    const r = await stub.kubectl(args);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };

  before(async () => {
    stub = await startStub();
  });
  after(() => stub?.close());

  it('apply (create), then apply of a changed manifest: image change, env removal, container reorder, new label', async () => {
    const A = { name: 'A', value: '1' };
    const B = { name: 'B', value: '2' };
    assert.match(await run('apply', '-f', file('d1.json', deploy('nginx:1', [A, B], 'main-first'))), /deployment.apps\/web created/);
    assert.match(await run('apply', '-f', file('d2.json', deploy('nginx:2', [A], 'sidecar-first', { tier: 'front' }))), /deployment.apps\/web configured/);
    const p = lastPatch();
    assert.equal(p.contentType, 'application/strategic-merge-patch+json');
    assert.match(p.body, /\$setElementOrder\/containers/);
    assert.match(p.body, /"\$patch":"delete"/);
    assert.deepEqual(containers().map((c) => c.name), ['sidecar', 'main']);
    const main = containers()[1];
    assert.equal(main.image, 'nginx:2');
    assert.deepEqual(main.env, [{ name: 'A', value: '1' }]);
    assert.deepEqual(main.ports, [{ containerPort: 80 }]);
    assert.deepEqual(dep().metadata.labels, { app: 'web', tier: 'front' });
    assert.match(dep().metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'], /nginx:2/);
  });

  it('set image, label, annotate, rollout restart', async () => {
    await run('set', 'image', 'deployment/web', 'sidecar=busybox:2');
    assert.equal(lastPatch().contentType, 'application/strategic-merge-patch+json');
    assert.deepEqual(containers().map((c) => [c.name, c.image]), [['sidecar', 'busybox:2'], ['main', 'nginx:2']]);
    assert.deepEqual(containers()[0].args, ['sleep', '3600']);

    await run('label', 'deployment', 'web', 'env=prod');
    assert.equal(lastPatch().contentType, 'application/merge-patch+json');
    assert.equal(dep().metadata.labels.env, 'prod');
    await run('label', 'deployment', 'web', 'env-');
    assert.equal(dep().metadata.labels.env, undefined);
    assert.equal(dep().metadata.labels.tier, 'front');

    await run('annotate', 'deployment', 'web', 'note=hello');
    assert.equal(dep().metadata.annotations.note, 'hello');

    await run('rollout', 'restart', 'deployment/web');
    assert.ok(dep().spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']);
    assert.equal(containers().length, 2);
  });

  it('edit (KUBE_EDITOR script) sends a strategic merge patch that changes only the edited field', async () => {
    const editor = file('editor.sh', "#!/bin/sh\nsed -i 's/nginx:2/nginx:3/' \"$1\"\n");
    chmodSync(editor, 0o755);
    const r = await stub.kubectl(['edit', 'deployment/web'], { KUBE_EDITOR: editor });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /edited/);
    assert.equal(lastPatch().contentType, 'application/strategic-merge-patch+json');
    assert.deepEqual(containers().map((c) => [c.name, c.image]), [['sidecar', 'busybox:2'], ['main', 'nginx:3']]);
  });

  it('patch --type=json: applied, and a failing test op prints the 422 message', async () => {
    await run('patch', 'deployment', 'web', '--type=json', '-p', '[{"op":"replace","path":"/spec/replicas","value":5}]');
    assert.equal(lastPatch().contentType, 'application/json-patch+json');
    assert.equal(dep().spec.replicas, 5);
    const r = await stub.kubectl(['patch', 'deployment', 'web', '--type=json', '-p', '[{"op":"test","path":"/spec/replicas","value":1}]']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /The request is invalid: testing value \/spec\/replicas failed: test failed/);
  });

  it('cordon / uncordon a node', async () => {
    await run('create', '-f', file('node.yaml', 'apiVersion: v1\nkind: Node\nmetadata: {name: n1}\nspec: {podCIDR: 10.0.0.0/24}\n'));
    assert.match(await run('cordon', 'n1'), /cordoned/);
    assert.equal(stub.objects.get('nodes//n1')!.spec.unschedulable, true);
    assert.match(await run('uncordon', 'n1'), /uncordoned/);
    assert.deepEqual(stub.objects.get('nodes//n1')!.spec, { podCIDR: '10.0.0.0/24' });
  });

  it('apply --server-side creates, then merges', async () => {
    const cm = (data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {${data}}\n`;
    assert.match(await run('apply', '--server-side', '-f', file('cm1.yaml', cm('a: "1"'))), /serverside-applied/);
    assert.equal(lastPatch().contentType, 'application/apply-patch+yaml');
    assert.deepEqual(stub.objects.get('configmaps/default/cfg')!.data, { a: '1' });
    await run('apply', '--server-side', '-f', file('cm2.yaml', cm('b: "2"')));
    // Simplified SSA: no field ownership, so `a` (no longer applied) is kept; real SSA would remove it.
    assert.deepEqual(stub.objects.get('configmaps/default/cfg')!.data, { a: '1', b: '2' });
  });
});
