// The node:http listener: request targets read as @hono/node-server read them, a malformed one is a
// 400 Status (never an exception out of the listener), and the server keeps serving after it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startFixture } from './testing/fixture.js';

/** One raw HTTP/1.1 request (so odd request targets reach the server unchanged). */
function raw(port: number, target: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
    let out = '';
    s.setEncoding('utf8').on('data', (d: string) => (out += d));
    s.on('error', reject);
    s.on('close', () => resolve({ status: Number(out.split(' ')[1]), body: out.slice(out.indexOf('\r\n\r\n') + 4) }));
  });
}

test('request targets: double slashes, absolute form, malformed', async (t) => {
  const f = await startFixture(t);
  const list = await raw(f.api.port, '//api/v1/namespaces');
  assert.equal(list.status, 200);
  assert.match(list.body, /"kind":"NamespaceList"/);
  assert.equal((await raw(f.api.port, `http://127.0.0.1:${f.api.port}/version`)).status, 200);
  const bad = await raw(f.api.port, 'http://[bad/x');
  assert.equal(bad.status, 400);
  assert.match(bad.body, /"kind":"Status"/);
  assert.equal((await f.call('GET', '/api/v1/namespaces/default')).status, 200);
});

test('a create answers with the object the watch then delivers, byte for byte', async (t) => {
  const f = await startFixture(t);
  const rv = (await f.call('GET', '/api/v1/namespaces/default/configmaps')).body.metadata.resourceVersion;
  const res = await fetch(`${f.url}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}`);
  const reader = res.body!.getReader();
  const created = await Promise.all(
    [1, 2, 3].map((i) => f.call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: `c${i}` }, data: { i: String(i) } })),
  );
  let text = '';
  const decoder = new TextDecoder();
  while (text.split('\n').length < 4) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  await reader.cancel();
  const lines = text.trim().split('\n');
  assert.equal(lines.length, 3);
  for (const c of created) {
    assert.equal(c.status, 201);
    assert.ok(lines.includes(`{"type":"ADDED","object":${c.text}}`), `event for ${c.body.metadata.name}`);
  }
});
