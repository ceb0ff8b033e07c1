// The sandbox with real guests: C (clang-14 + wasi-libc), Rust std, and WAT fault guests.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { request } from 'undici';
import { Sandbox } from './sandbox.js';
import { stackSwitching } from './engine/suspend.js';
import { assembleWat, guest, guestBytes, watGuest } from './test-guests.js';
import { parseRecord } from './log-reader.js';

let sb: Sandbox;
let tmp: string;

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-test-'));
  sb = new Sandbox({ poolSize: 2, logDir: path.join(tmp, 'logs') });
});
after(async () => {
  await sb.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function logLines(id: string) {
  return fs.readFileSync(path.join(tmp, 'logs', `${id}.log`), 'utf8').trimEnd().split('\n').map((l) => parseRecord(l)!);
}

/** Loopback addresses outside the default pod range, one per test, so tests never collide. */
let ipN = 10;
const nextIp = () => `127.250.${Math.floor(ipN / 250)}.${(ipN++ % 250) + 1}`;

test('hello: argv, env, stdin, stdout/stderr in the CRI log, exit code', async () => {
  const c = await sb.start({ id: 'hello', image: await guest('hello'), args: ['hello', 'big', 'world'], env: { GREETING: 'hi there', EXIT_CODE: '7' }, stdin: 'from stdin' });
  const st = await c.exited;
  assert.equal(st.exitCode, 7);
  assert.equal(st.reason, 'Error');
  assert.ok(st.finishedAt >= st.startedAt);
  const lines = logLines('hello');
  assert.deepEqual(lines.map((l) => [l.stream, l.tag, l.content]), [
    ['stdout', 'F', 'hello big world'],
    ['stdout', 'F', 'GREETING=hi there'],
    ['stderr', 'F', 'to stderr'],
    ['stdout', 'F', 'stdin=from stdin'],
    ['stdout', 'F', 'no newline at end'],
  ]);
  for (const l of lines) assert.match(l.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);

  const ok = await sb.start({ id: 'hello0', image: await guest('hello'), args: ['hello'] });
  assert.deepEqual([(await ok.exited).exitCode, (await ok.exited).reason], [0, 'Completed']);
});

test('files: read/write inside mounts, read-only mount refuses writes, no escape', async () => {
  const data = path.join(tmp, 'data');
  const conf = path.join(tmp, 'conf');
  const outside = path.join(tmp, 'outside');
  fs.mkdirSync(data);
  fs.mkdirSync(conf);
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(conf, 'app.conf'), 'mode=prod');
  fs.writeFileSync(path.join(outside, 'secret'), 'TOP SECRET');
  fs.symlinkSync(path.join(outside, 'secret'), path.join(data, 'abs-link'));
  fs.symlinkSync('../outside/secret', path.join(data, 'rel-link'));
  fs.symlinkSync('..', path.join(data, 'up'));
  fs.symlinkSync('sub/../inner.txt', path.join(data, 'ok-link'));
  fs.mkdirSync(path.join(data, 'sub'));
  fs.writeFileSync(path.join(data, 'inner.txt'), 'inner');
  const ops = [
    'cat', '/config/app.conf',
    'write', '/data/out.txt', 'written by wasm',
    'append', '/data/out.txt', '+more',
    'cat', '/data/out.txt',
    'seek', '/data/out.txt',
    'mkdir', '/data/d1',
    'write', '/data/d1/f', 'x',
    'mv', '/data/d1/f', '/data/d1/g',
    'ls', '/data/d1',
    'rm', '/data/d1/g',
    'rmdir', '/data/d1',
    'stat', '/data/sub',
    'cat', '/data/ok-link',
    // read-only mount
    'write', '/config/app.conf', 'hacked',
    'write', '/config/new', 'x',
    'mkdir', '/config/d',
    'rm', '/config/app.conf',
    // escapes
    'cat', '/data/../outside/secret',
    'cat', '/data/sub/../../outside/secret',
    'cat', '/data/abs-link',
    'cat', '/data/rel-link',
    'cat', '/data/up/outside/secret',
    'ls', '/data/up',
    'write', '/data/rel-link', 'overwrite',
    'cat', '/etc/passwd',
    'cat', '/outside/secret',
    'ln', '../outside/secret', '/data/made-link',
    'cat', '/data/made-link',
  ];
  const c = await sb.start({
    id: 'files', image: await guest('files'), args: ['files', ...ops],
    mounts: [{ guestPath: '/data', hostPath: data }, { guestPath: '/config', hostPath: conf, readOnly: true }],
  });
  assert.equal((await c.exited).exitCode, 0);
  const out = logLines('files').map((l) => l.content);
  const expect = [
    'OK cat /config/app.conf: mode=prod',
    'OK write /data/out.txt',
    'OK append /data/out.txt',
    'OK cat /data/out.txt: written by wasm+more',
    'OK seek /data/out.txt: at=17 tail=ore pos=20',
    'OK mkdir /data/d1',
    'OK write /data/d1/f',
    'OK mv /data/d1/f /data/d1/g',
    'OK ls /data/d1: g',
    'OK rm /data/d1/g',
    'OK rmdir /data/d1',
    'OK stat /data/sub: size=4096 dir=1',
    'OK cat /data/ok-link: inner',
  ];
  assert.deepEqual(out.slice(0, expect.length), expect);
  const rest = out.slice(expect.length);
  // Read-only mount: every write is refused, nothing changed on the host.
  for (const l of rest.slice(0, 4)) assert.match(l, /^ERR .*: (EROFS|EPERM|EACCES)$/, l);
  assert.equal(fs.readFileSync(path.join(conf, 'app.conf'), 'utf8'), 'mode=prod');
  assert.deepEqual(fs.readdirSync(conf), ['app.conf']);
  // Every escape attempt fails and nothing outside was read or written.
  const escapes = rest.slice(4);
  assert.equal(escapes.length, 11);
  for (const l of escapes.filter((x) => !x.startsWith('OK ln'))) {
    assert.match(l, /^ERR /, l);
    assert.doesNotMatch(l, /SECRET/);
  }
  assert.equal(fs.readFileSync(path.join(outside, 'secret'), 'utf8'), 'TOP SECRET');
  assert.equal(fs.readFileSync(path.join(data, 'out.txt'), 'utf8'), 'written by wasm+more');
});

test('C HTTP server on a pre-opened port answers real requests (poll + non-blocking accept)', async () => {
  const ip = nextIp();
  const c = await sb.start({ id: 'httpd', image: await guest('httpd'), listenPorts: [{ name: 'http', port: 0, ip }], mounts: [] });
  const { port } = c.listening[0];
  assert.ok(port > 0);
  for (let i = 1; i <= 3; i++) {
    const res = await request(`http://${ip}:${port}/path/${i}`);
    assert.equal(res.statusCode, 200);
    assert.equal(await res.body.text(), `hello from wasm: /path/${i} (#${i})\n`);
  }
  // Concurrent clients are queued by the kernel and served one by one.
  const bodies = await Promise.all([1, 2, 3, 4].map((i) => request(`http://${ip}:${port}/c${i}`).then((r) => r.body.text())));
  for (let i = 1; i <= 4; i++) assert.ok(bodies.some((b) => b.startsWith(`hello from wasm: /c${i} `)));
  const u = c.usage();
  assert.ok(u.memoryBytes >= 65536);
  const st = await c.stop(0);
  assert.equal(st.reason, 'Killed');
  assert.equal(st.exitCode, 137);
  const lines = logLines('httpd').map((l) => l.content);
  assert.equal(lines[0], `httpd: serving on fd 3 (http)`);
  assert.ok(lines.includes('served /path/2'));
  // The port is released with the container.
  await assert.rejects(request(`http://${ip}:${port}/`));
});

test('Rust std server (TcpListener::from_raw_fd) answers after a preopened mount', async () => {
  const ip = nextIp();
  const dir = fs.mkdtempSync(path.join(tmp, 'rs-'));
  const c = await sb.start({ id: 'rust', image: await guest('rust_server'), mounts: [{ guestPath: '/tmp', hostPath: dir }], listenPorts: [{ port: 0, ip }] });
  const { port } = c.listening[0];
  for (let i = 1; i <= 2; i++) {
    const res = await request(`http://${ip}:${port}/`);
    assert.equal(await res.body.text(), `hello from rust #${i}\n`);
  }
  await c.stop(0);
  assert.equal(logLines('rust')[0].content, 'rust server listening on fd 4');
});

test('outbound client through the WasmEdge socket extension, seen with the pod IP', async () => {
  const serverIp = nextIp();
  const podIp = nextIp();
  let peer = '';
  const srv = http.createServer((req, res) => {
    peer = req.socket.remoteAddress ?? '';
    res.end(`hi ${req.url}`);
  });
  await new Promise<void>((r) => srv.listen(0, serverIp, r));
  const port = (srv.address() as { port: number }).port;
  try {
    const c = await sb.start({ id: 'client', image: await guest('client'), args: ['client', serverIp, String(port), '/x'], podIp });
    const st = await c.exited;
    const out = logLines('client').map((l) => l.content);
    assert.equal(st.exitCode, 0, out.join('\n'));
    assert.equal(peer, podIp);
    assert.equal(out[0], `resolved ${serverIp} -> ${serverIp}:${port}`);
    assert.equal(out[1], `local ${podIp}`);
    assert.ok(out.includes('hi /x'), out.join('\n'));

    // `localhost` inside a pod is the pod's own IP.
    const srv2 = http.createServer((_req, res) => res.end('local ok'));
    await new Promise<void>((r) => srv2.listen(0, podIp, r));
    const c2 = await sb.start({ id: 'client2', image: await guest('client'), args: ['client', 'localhost', String((srv2.address() as { port: number }).port), '/'], podIp });
    assert.equal((await c2.exited).exitCode, 0);
    srv2.close();
    assert.ok(logLines('client2').some((l) => l.content === 'local ok'));

    // A refused connection is an error the guest sees, not a crash.
    const c3 = await sb.start({ id: 'client3', image: await guest('client'), args: ['client', serverIp, '1', '/'], podIp });
    assert.equal((await c3.exited).exitCode, 1);
    assert.ok(logLines('client3').some((l) => l.content === 'connect: errno 14'));
  } finally {
    srv.close();
  }
});

test('traps are reported with their message and a signal-like exit code', async () => {
  const a = await (await sb.start({ id: 'trap1', image: await watGuest('trap-unreachable') })).exited;
  assert.deepEqual([a.reason, a.exitCode, a.message], ['Error', 134, 'unreachable']);
  assert.equal(logLines('trap1')[0].content, 'about to trap');
  const b = await (await sb.start({ id: 'trap2', image: await watGuest('trap-oob') })).exited;
  assert.deepEqual([b.reason, b.exitCode, b.message], ['Error', 139, 'out of bounds memory access']);
});

test('stop() ends a guest spinning without host calls', async () => {
  const c = await sb.start({ id: 'spin', image: await watGuest('spin') });
  await c.running;
  const st = await c.stop(50);
  assert.deepEqual([st.reason, st.exitCode], ['Killed', 137]);
});

test('memory bomb at its cap is OOMKilled while a neighbour keeps serving', async () => {
  const ip = nextIp();
  const web = await sb.start({ id: 'neighbour', image: await guest('httpd'), listenPorts: [{ port: 0, ip }] });
  const url = `http://${ip}:${web.listening[0].port}/`;
  const bomb = await sb.start({ id: 'bomb', image: await watGuest('grow-bomb'), limits: { memoryBytes: 64 * 65536 } });
  const st = await bomb.exited;
  assert.deepEqual([st.reason, st.exitCode], ['OOMKilled', 137]);
  assert.match(st.message ?? '', /memory limit reached/);
  assert.equal((await request(url)).statusCode, 200);
  assert.equal(web.finished, false);
  await web.stop(0);
});

test('fuel: a budget traps with FuelExhausted; a CPU limit throttles by CFS periods', async () => {
  const fuelPerCoreSecond = 2e9;
  const local = new Sandbox({ poolSize: 1, logDir: path.join(tmp, 'logs'), fuelPerCoreSecond });
  try {
    const spin = await watGuest('metered-spin', { ITERATIONS: '0' });
    const a = await local.start({ id: 'budget', image: spin, limits: { fuelBudget: 5e6 } });
    const st = await a.exited;
    assert.deepEqual([st.reason, st.exitCode], ['FuelExhausted', 152]);
    const used = a.usage().fuelConsumed;
    assert.ok(used >= 5e6 && used < 5e6 + 1000, `consumed ${used}`);

    // 100m: 10 ms of CPU per 100 ms period. A spinning guest is throttled in every period it runs in.
    const b = await local.start({ id: 'throttled', image: spin, limits: { cpuMillis: 100 } });
    await b.running;
    let u = b.usage();
    // On a busy machine the guest may not even get its 10 ms in a period (then it is not throttled
    // there, as with CFS): wait for a few throttled periods, bounded.
    for (let i = 0; i < 500 && u.throttledPeriods < 3; i++) {
      await new Promise((r) => setTimeout(r, 20));
      u = b.usage();
    }
    await b.stop(0);
    u = b.usage();
    assert.ok(u.throttledPeriods >= 3, `throttled ${u.throttledPeriods} of ${u.periods}`);
    assert.ok(u.periods >= u.throttledPeriods);
    assert.ok(u.throttledNs > 0 && u.fuelConsumed > 0);
    // Its CPU time stays near its quota: at most 10 ms per period plus slack for check-in granularity.
    assert.ok(u.cpuNs / 1e6 <= (u.periods + 1) * 15, `cpu ${u.cpuNs / 1e6} ms in ${u.periods} periods`);
  } finally {
    await local.close();
  }
});

test('a start with a port already in use fails before any guest code runs', async () => {
  const ip = nextIp();
  const c = await sb.start({ id: 'p1', image: await guest('httpd'), listenPorts: [{ port: 0, ip }] });
  await assert.rejects(sb.start({ id: 'p2', image: await guest('httpd'), listenPorts: [{ port: c.listening[0].port, ip }] }), /cannot listen/);
  await c.stop(0);
});

test('engine images: C memory bomb OOMKilled at limits.memory, C loop stopped by its fuel budget', async () => {
  const bomb = await sb.compile(guestBytes('membomb'), { memoryLimitBytes: 8 << 20 });
  const a = await sb.start({ id: 'cbomb', image: bomb });
  const st = await a.exited;
  assert.deepEqual([st.reason, st.exitCode], ['OOMKilled', 137], st.message);
  assert.ok(a.usage().memoryBytes <= 8 << 20);
  assert.match(logLines('cbomb')[0].content, /^malloc failed after \d MiB$/);

  const cpu = await sb.compile(guestBytes('cpu'));
  const b = await sb.start({ id: 'cbudget', image: cpu, args: ['cpu', '0'], limits: { fuelBudget: 2e8 } });
  const sb2 = await b.exited;
  assert.deepEqual([sb2.reason, sb2.exitCode], ['FuelExhausted', 152]);
  assert.ok(b.usage().fuelConsumed >= 2e8);

});

test('metered containers share a worker thread: a spinner does not starve a server, and each stops alone', { skip: stackSwitching() ? false : 'no WebAssembly stack switching in this process' }, async () => {
  const local = new Sandbox({ logDir: path.join(tmp, 'logs'), fuelPerCoreSecond: 1e10, sharedWorkers: true });
  try {
    const threads = () => fs.readdirSync('/proc/self/task').length;
    const ip = nextIp();
    const images = { httpd: await local.compile(guestBytes('httpd')), cpu: await local.compile(guestBytes('cpu')) };
    const web = await local.start({ id: 'shared-web', image: images.httpd, listenPorts: [{ name: 'http', port: 0, ip }] });
    await web.running;
    const before = threads();
    const spin = await local.start({ id: 'shared-spin', image: images.cpu, args: ['cpu', '0'] });
    await spin.running;
    // The second guest got no thread of its own: it runs on the first one's worker.
    assert.equal(threads(), before);
    const get = async (p: string) => (await request(`http://${ip}:${web.listening[0].port}${p}`, { headersTimeout: 5_000 })).body.text();
    assert.equal(await get('/a'), 'hello from wasm: /a (#1)\n');
    const st = await spin.stop(0);
    assert.deepEqual([st.reason, st.exitCode], ['Killed', 137]);
    assert.equal(await get('/b'), 'hello from wasm: /b (#2)\n');
    assert.equal(web.finished, false);
    assert.deepEqual([(await web.stop(0)).reason], ['Killed']);
  } finally {
    await local.close();
  }
});

test('prepare compiles an image ahead (what a node does with its first image) and never rejects', async () => {
  const before = sb.engine.cachedImages;
  await sb.prepare(guestBytes('cpu'));
  const cached = sb.engine.cachedImages;
  assert.ok(cached >= before, 'compiled or already there');
  await sb.compile(guestBytes('cpu'), { memoryLimitBytes: 64 << 20 });
  assert.equal(sb.engine.cachedImages, cached, 'a container start finds it compiled, whatever its memory limit');
  await sb.prepare(new TextEncoder().encode('not wasm')); // left for the start to report
  await assert.rejects(sb.compile(new TextEncoder().encode('not wasm')), /not a WebAssembly module/);
});

test('one compile serves every memory limit: each container gets its own cap, made at its start', async () => {
  const compiled = sb.engine.cachedImages;
  const small = await sb.compile(guestBytes('membomb'), { memoryLimitBytes: 8 << 20 });
  const big = await sb.compile(guestBytes('membomb'), { memoryLimitBytes: 24 << 20 });
  assert.equal(big.module, small.module, 'the same compiled module');
  assert.ok(sb.engine.cachedImages <= compiled + 1);
  const a = await sb.start({ id: 'cap24', image: small, limits: { memoryBytes: 24 << 20 } });
  const st = await a.exited;
  assert.deepEqual([st.reason, st.exitCode], ['OOMKilled', 137], st.message);
  const mib = Number(/^malloc failed after (\d+) MiB$/.exec(logLines('cap24')[0].content)?.[1]);
  assert.ok(mib >= 16 && mib < 24, `malloc failed after ${mib} MiB under a 24 MiB limit`);
  // A limit below the module's initial memory fails the start, with the engine's reason.
  const tiny = await sb.compile(await assembleWat('(module (memory (export "memory") 32) (func (export "_start")))'));
  await assert.rejects(sb.start({ id: 'tiny', image: tiny, limits: { memoryBytes: 1 << 20 } }), {
    name: 'ImageError', reason: 'MemoryLimitTooLow', message: "memory limit 1Mi is below the module's initial memory of 2 MiB",
  });
  await assert.rejects(sb.compile(await assembleWat('(module (memory (export "memory") 32) (func (export "_start")))'), { memoryLimitBytes: 1 << 20 }), /memory limit 1Mi is below/);
});

test('images: garbage bytes and unsupported imports are refused with a clear message', async () => {
  await assert.rejects(sb.compile(new TextEncoder().encode('#!/bin/sh\necho hi\n')), /not a WebAssembly module/);
  const wasm = await assembleWat('(module (import "wasi_snapshot_preview1" "thread_spawn" (func (param i32) (result i32))) (memory (export "memory") 1) (func (export "_start")))');
  await assert.rejects(sb.compile(wasm), /unsupported import "thread_spawn" from module "wasi_snapshot_preview1"/);
});

test('stdio streams (exec): stdin read as it arrives, stdout/stderr to the caller', async () => {
  const { PassThrough } = await import('node:stream');
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const c = await sb.start({ id: 'exec-cat', image: await guest('cat'), stdio: { stdin, stdout, stderr } });
  stdin.write('first ');
  // The guest blocks in read(0) until more input comes: the first chunk is echoed before the end.
  for (let i = 0; i < 100 && out !== 'first '; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(out, 'first ');
  stdin.end('second');
  const st = await c.exited;
  assert.equal(st.exitCode, 0);
  assert.equal(out, 'first second');
  assert.equal(err, '12 bytes\n');
  assert.equal(fs.existsSync(path.join(tmp, 'logs', 'exec-cat.log')), false);
});

test('non-blocking connection: recv EAGAIN, poll for input, recv/send, peer close', async () => {
  const net = await import('node:net');
  const ip = nextIp();
  const c = await sb.start({ id: 'echo', image: await guest('echo'), listenPorts: [{ port: 0, ip }] });
  const sock = net.connect({ host: ip, port: c.listening[0].port });
  let got = '';
  sock.on('data', (d) => (got += d));
  const logged = (s: string) => fs.existsSync(path.join(tmp, 'logs', 'echo.log')) && fs.readFileSync(path.join(tmp, 'logs', 'echo.log'), 'utf8').includes(s);
  for (let i = 0; i < 250 && !logged('first recv'); i++) await new Promise((r) => setTimeout(r, 20));
  sock.write('hello ');
  for (let i = 0; i < 250 && got.length < 6; i++) await new Promise((r) => setTimeout(r, 20));
  const closed = new Promise((r) => sock.once('close', r));
  sock.end('world');
  const st = await c.exited;
  await closed; // the guest's last send arrives before its close
  assert.equal(st.exitCode, 0);
  assert.equal(got, 'HELLO WORLD');
  assert.deepEqual(logLines('echo').map((l) => l.content), ['first recv: EAGAIN', 'peer closed']);
  sock.destroy();
});

test('a start that waits for a worker while the sandbox closes fails, and leaves no worker, socket or log open', async () => {
  const local = new Sandbox({ poolSize: 0, logDir: path.join(tmp, 'logs'), fuelPerCoreSecond: 1e10, sharedWorkers: false });
  const ip = nextIp();
  const starting = local.start({ id: 'late', image: await guest('httpd'), listenPorts: [{ port: 18080, ip }] });
  const failed = assert.rejects(starting, /container late: the worker pool is closed/);
  await new Promise((r) => setImmediate(r)); // the start now waits for a worker to spawn
  await local.close();
  await failed;
  assert.equal(local.pool.idle, 0);
  // The pod's port is free again: nothing of the start outlived the sandbox.
  const s = http.createServer();
  await new Promise<void>((resolve, reject) => s.once('error', reject).listen(18080, ip, resolve));
  await new Promise((r) => s.close(r));
});
