// The fixture API, as a CI suite would use it: two clusters side by side in one process, each
// with its own data dir, port and 127.x address ranges; apply, assert, stop.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { startCluster, type Cluster } from 'wasmkube';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const HTTPD = join(REPO, 'runtime/src/sandbox/testdata/httpd.wasm');

const POD = `apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers: [{name: web, image: "httpd:1", ports: [{containerPort: 8080}]}]
`;

async function runningIp(c: Cluster): Promise<string> {
  return c.waitFor(async () => {
    const p = (await c.pod('default', 'web')) as { status?: { phase?: string; podIP?: string } } | undefined;
    return p?.status?.phase === 'Running' && p.status.podIP;
  }, { timeoutMs: 20_000, what: 'pod web running' });
}

test('two clusters run side by side without sharing anything, and clean up after themselves', async () => {
  const [a, b] = await Promise.all([startCluster({ images: { 'httpd:1': HTTPD } }), startCluster({ images: { 'httpd:1': HTTPD } })]);
  try {
    assert.notEqual(a.url, b.url);
    assert.notEqual(a.dataDir, b.dataDir);
    assert.notEqual(a.podCidr, b.podCidr);
    assert.notEqual(a.serviceCidr, b.serviceCidr);
    for (const cidr of [a.podCidr, a.serviceCidr, b.podCidr, b.serviceCidr]) assert.match(cidr, /^127\.\d+\.0\.0\/16$/);

    // The same manifest in both: each pod gets an address from its own cluster's range.
    await Promise.all([a.apply(POD), b.apply(POD)]);
    const [ipA, ipB] = await Promise.all([runningIp(a), runningIp(b)]);
    assert.ok(ipA.startsWith(a.podCidr.split('.').slice(0, 2).join('.') + '.'), `${ipA} in ${a.podCidr}`);
    assert.ok(ipB.startsWith(b.podCidr.split('.').slice(0, 2).join('.') + '.'), `${ipB} in ${b.podCidr}`);
    for (const ip of [ipA, ipB]) {
      const res = await request(`http://${ip}:8080/`);
      assert.equal(res.statusCode, 200);
      assert.match(await res.body.text(), /hello from wasm/);
    }
    // A second apply of the same objects leaves them be.
    assert.deepEqual((await a.apply(POD)).map((r) => r.result), ['unchanged']);
    assert.ok(existsSync(a.kubeconfig) && existsSync(b.kubeconfig));
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
  assert.ok(!existsSync(a.dataDir) && !existsSync(b.dataDir), 'temporary data dirs removed');
  const left = (process as unknown as { _getActiveHandles(): { constructor: { name: string } }[] })._getActiveHandles().map((h) => h.constructor.name);
  assert.ok(!left.includes('Server'), `no listening sockets left: ${left.join(', ')}`);
});
