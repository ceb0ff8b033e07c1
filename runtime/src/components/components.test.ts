// Real components on the real sandbox: a wasi:cli command (C, adapted with jco new) and the
// componentize-js HTTP sample answering real HTTP requests on a loopback port.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Sandbox } from '../sandbox/sandbox.js';
import { ImageError } from '../sandbox/engine/errors.js';
import { SandboxRuntime } from '../kubelet/sandbox-runtime.js';
import { CreateContainerError } from '../kubelet/runtime.js';
import { ComponentSandbox } from './component-sandbox.js';
import { isComponent } from './detect.js';

const here = (p: string) => fileURLToPath(new URL(`../../src/components/${p}`, import.meta.url));
const HELLO = fs.readFileSync(here('testdata/hello.wasm'));
const WEB = fs.readFileSync(here('../../../sample-pods/components/web/web.wasm'));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'components-test-'));
const sandbox = new Sandbox({ poolSize: 1, logDir: tmp });
const cs = new ComponentSandbox(sandbox, { cacheDir: path.join(tmp, 'cache') });
after(async () => {
  await cs.close();
  await sandbox.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const logLines = (file: string) => fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => l.split(' ').slice(1).join(' '));

async function unsupportedComponent(): Promise<Uint8Array> {
  const { parse } = await import('@bytecodealliance/jco');
  return (await parse(fs.readFileSync(here('testdata/nope.wat'), 'utf8'))) as unknown as Uint8Array;
}

test('a component is told from a core module by its header', async () => {
  assert.equal(isComponent(HELLO), true);
  assert.equal(isComponent(WEB), true);
  assert.equal(isComponent(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])), false);
});

test('a wasi:cli component prints to the container log and exits with its status', async () => {
  const image = await cs.compile(HELLO);
  assert.equal(image.kind, 'command');
  const ok = await cs.start({ id: 'hello-ok', image, args: ['hello', '0', 'x'], env: { GREETING: 'hi there' }, logPath: path.join(tmp, 'ok.log') });
  const s = await ok.exited;
  assert.equal(s.exitCode, 0);
  assert.equal(s.reason, 'Completed');
  const lines = logLines(path.join(tmp, 'ok.log'));
  assert.ok(lines.includes('stdout F hello from a component, argc=3'), lines.join('\n'));
  assert.ok(lines.includes('stdout F arg 2: x'));
  assert.ok(lines.includes('stderr F greeting=hi there'));
  // wasi:cli/exit carries ok/err only: the adapter maps any non-zero exit to err → 1.
  const bad = await cs.start({ id: 'hello-bad', image, args: ['hello', '7'], logPath: path.join(tmp, 'bad.log') });
  const b = await bad.exited;
  assert.equal(b.exitCode, 1);
  assert.equal(b.reason, 'Error');
});

test('limits.memory caps every core module of a component', async () => {
  await assert.rejects(cs.compile(HELLO, { memoryLimitBytes: 64 << 10 }), (e: unknown) => {
    assert.ok(e instanceof ImageError);
    assert.equal(e.reason, 'MemoryLimitTooLow');
    assert.match(e.message, /core module component\.core\.wasm of the component: memory limit 64Ki is below the module's initial memory of 128 KiB/);
    return true;
  });
  const image = await cs.compile(HELLO, { memoryLimitBytes: 4 << 20 });
  const c = await cs.start({ id: 'hello-capped', image, args: ['hello', '0'], logPath: path.join(tmp, 'capped.log') });
  assert.equal((await c.exited).exitCode, 0);
  // The cap is part of the image: starting it with another limit is refused.
  await assert.rejects(cs.start({ id: 'x', image, limits: { memoryBytes: 8 << 20 }, logPath: path.join(tmp, 'x.log') }), /needs the component compiled with memoryLimitBytes/);
});

test('wasi:filesystem: the pod\'s mounts are the preopens, confined like the preview1 host', async () => {
  const data = fs.mkdtempSync(path.join(tmp, 'data-'));
  const ro = fs.mkdtempSync(path.join(tmp, 'ro-'));
  fs.writeFileSync(path.join(data, 'in.txt'), 'hello file\n');
  const image = await cs.compile(fs.readFileSync(here('testdata/files.wasm')));
  const c = await cs.start({
    id: 'files', image, logPath: path.join(tmp, 'files.log'),
    mounts: [{ guestPath: '/data', hostPath: data }, { guestPath: '/ro', hostPath: ro, readOnly: true }],
  });
  const s = await c.exited;
  const lines = logLines(path.join(tmp, 'files.log'));
  assert.equal(s.exitCode, 0, lines.join('\n'));
  assert.ok(lines.includes('stdout F entry in.txt'), lines.join('\n'));
  assert.ok(lines.includes('stdout F read hello file'));
  assert.equal(fs.readFileSync(path.join(data, 'out.txt'), 'utf8'), 'written by a component\n');
  assert.ok(lines.some((l) => /^stdout F read-only mount: (Read-only file system|Permission denied|Operation not permitted)/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => /^stdout F escape: (No such file or directory|Permission denied|Operation not permitted)/.test(l)), lines.join('\n'));
  assert.deepEqual(fs.readdirSync(ro), []);
});

test('a component with an unsupported import is refused with a clear message', async () => {
  const bytes = await unsupportedComponent();
  await assert.rejects(cs.compile(bytes), (e: unknown) => {
    assert.ok(e instanceof ImageError);
    assert.equal(e.reason, 'UnsupportedImport');
    assert.match(e.message, /imports "example:nope\/thing", which this runtime does not provide/);
    return true;
  });
  // Through the kubelet's runtime: a CreateContainerError naming the image and the import.
  const rt = new SandboxRuntime({ sandbox, componentCacheDir: path.join(tmp, 'cache') });
  await assert.rejects(
    rt.start({
      id: 'nope', podUid: 'u', podIp: '127.0.0.1', image: { name: 'nope:1', digest: 'x', bytes }, args: [], env: {}, mounts: [],
      ports: [], limits: {}, logPath: path.join(tmp, 'nope.log'),
    }),
    (e: unknown) => e instanceof CreateContainerError && /image "nope:1": the component imports "example:nope\/thing"/.test(e.message),
  );
});

test('the JS HTTP component answers real requests on its port, logs, and is throttled by its CPU limit', async () => {
  const image = await cs.compile(WEB);
  assert.equal(image.kind, 'http');
  const log = path.join(tmp, 'web.log');
  const c = await cs.start({ id: 'web', image, listenPorts: [{ ip: '127.0.0.1', port: 0, name: 'http' }], logPath: log, limits: { cpuMillis: 100 } });
  await c.running;
  const base = `http://127.0.0.1:${c.listening[0].port}`;
  for (let i = 0; i < 3; i++) {
    const r = await fetch(`${base}/hello/${i}`);
    assert.equal(r.status, 200);
    assert.equal(await r.text(), `hello from a JS component: /hello/${i}\n`);
  }
  const post = await fetch(`${base}/echo`, { method: 'POST', body: 'ping' });
  assert.equal(await post.text(), 'echo 4 bytes: ping\n');
  assert.equal((await fetch(`${base}/healthz`)).status, 200);
  // Outgoing: the component's fetch() goes out through wasi:http/outgoing-handler and the pod network.
  const upstream = http.createServer((req, res) => res.end(`upstream saw ${req.method} ${req.url} from ${req.socket.remoteAddress}\n`));
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  const up = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/data?x=1`;
  const fetched = await fetch(`${base}/fetch?url=${encodeURIComponent(up)}`);
  assert.equal(await fetched.text(), 'fetched 200: upstream saw GET /data?x=1 from 127.0.0.1\n');
  // A refused connection reaches the guest as an error (its fetch rejects: the request fails with 500).
  upstream.close();
  const refused = await fetch(`${base}/fetch?url=${encodeURIComponent(up)}`);
  assert.equal(refused.status, 500);
  // CPU: at 100m the guest runs 10 ms per 100 ms period, so this request spans throttled periods.
  const work = await fetch(`${base}/work?n=3000000`);
  assert.match(await work.text(), /^work 3000000: \d+\n$/);
  const u = c.usage();
  assert.ok(u.throttledPeriods > 0, `throttled periods: ${u.throttledPeriods}`);
  assert.ok(u.fuelConsumed > 0);
  await c.stop(0);
  const lines = logLines(log);
  assert.ok(lines.includes('stdout F GET /hello/2'), lines.join('\n'));
  assert.ok(lines.includes('stdout F POST /echo'));
  // The port is released with the container.
  await assert.rejects(fetch(`${base}/`));
});
