import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decodeKubernetesProtobuf, UnsupportedProtobuf } from './decode.js';
import { startFixture } from '../testing/fixture.js';

// A minimal encoder, for building envelopes by hand.
function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}
const bytesField = (no: number, b: number[]) => [...varint(no * 8 + 2), ...varint(b.length), ...b];
const strField = (no: number, s: string) => bytesField(no, [...Buffer.from(s)]);
const intField = (no: number, n: number) => [...varint(no * 8), ...varint(n)];
const envelope = (apiVersion: string, kind: string, raw: number[]) =>
  Uint8Array.from([0x6b, 0x38, 0x73, 0x00, ...bytesField(1, [...strField(1, apiVersion), ...strField(2, kind)]), ...bytesField(2, raw)]);

test('decodes a ConfigMap envelope; zero-valued unknown fields are skipped; others refused', () => {
  const meta = [...strField(1, 'cm'), ...strField(2, ''), ...intField(7, 0), ...bytesField(8, []), ...bytesField(11, [...strField(1, 'app'), ...strField(2, 'x')])];
  const cm = envelope('v1', 'ConfigMap', [...bytesField(1, meta), ...bytesField(2, [...strField(1, 'k'), ...strField(2, 'v')]), ...intField(99, 0)]);
  assert.deepEqual(decodeKubernetesProtobuf(cm), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', labels: { app: 'x' } }, data: { k: 'v' } });
  assert.throws(() => decodeKubernetesProtobuf(envelope('v1', 'ConfigMap', [...intField(99, 1)])), UnsupportedProtobuf);
  assert.throws(() => decodeKubernetesProtobuf(envelope('v1', 'Pod', [])), UnsupportedProtobuf);
  assert.throws(() => decodeKubernetesProtobuf(Uint8Array.from([1, 2, 3, 4, 5])), UnsupportedProtobuf);
  assert.throws(() => decodeKubernetesProtobuf(Uint8Array.from([0x6b, 0x38, 0x73, 0x00, 0x0a, 0x50])), UnsupportedProtobuf, 'truncated');
});

const KUBECTL = '/usr/lib/google-cloud-sdk/bin/kubectl.1.32';

test('kubectl create namespace/configmap/secret/deployment (protobuf bodies) work; other generators get 415 with advice', { skip: !existsSync(KUBECTL), timeout: 60_000 }, async (t) => {
  const f = await startFixture(t);
  const home = mkdtempSync(join(tmpdir(), 'wasmkube-kubectl-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const kubeconfig = join(home, 'config');
  writeFileSync(
    kubeconfig,
    `apiVersion: v1\nkind: Config\nclusters:\n- cluster: {server: ${f.url}}\n  name: c\ncontexts:\n- context: {cluster: c, user: u, namespace: default}\n  name: c\ncurrent-context: c\nusers:\n- name: u\n  user: {}\n`,
  );
  const kubectl = async (...args: string[]) => {
    try {
      const r = await promisify(execFile)(KUBECTL, args, { env: { ...process.env, HOME: home, KUBECONFIG: kubeconfig } });
      return { code: 0, out: r.stdout, err: r.stderr };
    } catch (e) {
      const x = e as { code: number; stdout: string; stderr: string };
      return { code: x.code, out: x.stdout, err: x.stderr };
    }
  };
  assert.equal((await kubectl('create', 'namespace', 'pb')).code, 0);
  const ns = await f.call('GET', '/api/v1/namespaces/pb');
  assert.equal(ns.body.status.phase, 'Active');
  assert.equal((await kubectl('-n', 'pb', 'create', 'configmap', 'cm', '--from-literal=a=b')).code, 0);
  assert.deepEqual((await f.call('GET', '/api/v1/namespaces/pb/configmaps/cm')).body.data, { a: 'b' });
  assert.equal((await kubectl('-n', 'pb', 'create', 'secret', 'generic', 's', '--from-literal=pw=x')).code, 0);
  assert.equal((await f.call('GET', '/api/v1/namespaces/pb/secrets/s')).body.data.pw, Buffer.from('x').toString('base64'));
  assert.equal((await kubectl('-n', 'pb', 'create', 'deployment', 'web', '--image=nginx', '--port=80', '--replicas=0')).code, 0);
  const d = (await f.call('GET', '/apis/apps/v1/namespaces/pb/deployments/web')).body;
  assert.equal(d.spec.replicas, 0);
  assert.deepEqual(d.spec.selector, { matchLabels: { app: 'web' } });
  assert.equal(d.spec.template.spec.containers[0].image, 'nginx');
  assert.equal(d.spec.template.spec.containers[0].ports[0].containerPort, 80);
  const svc = await kubectl('-n', 'pb', 'create', 'service', 'clusterip', 'web', '--tcp=80:8080');
  assert.equal(svc.code, 1);
  assert.match(svc.err, /kubectl create -f/);
});
