import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { FUEL_GLOBAL_EXPORT, FUEL_IMPORT_MODULE, FUEL_IMPORT_NAME } from '../fuel-abi.js';
import { calibrateFuel, calibrateFuelPerCoreSecond } from './calibrate.js';
import { Engine, hostedMemories } from './engine.js';
import { ImageError } from './errors.js';
import { runGuest } from './mini-wasi.js';
import { testdata, wat } from './testing/wat.js';
import type { SupportedImports } from './validate.js';

const wasi: SupportedImports = (module) => module === 'wasi_snapshot_preview1';

test('compile: digest of the original bytes, guest imports and exports, sizes, memories', async () => {
  const engine = new Engine();
  const bytes = testdata('mix.wasm');
  const image = await engine.compile(bytes, { supportedImports: wasi, memoryLimitBytes: 32 << 20 });
  assert.equal(image.digest, createHash('sha256').update(bytes).digest('hex'));
  assert.equal(image.metered, true);
  assert.equal(image.memoryLimitBytes, 32 << 20);
  assert.ok(image.imports.every((i) => i.module === 'wasi_snapshot_preview1'), 'the fuel import is not listed as a guest import');
  assert.deepEqual(image.exports.map((e) => e.name).sort(), ['_start', 'memory']);
  assert.equal(image.originalSize, bytes.length);
  assert.ok(image.instrumentedSize > bytes.length);
  assert.equal(image.memories[0].maximumPages, 512);
  const moduleImports = WebAssembly.Module.imports(image.module);
  assert.ok(moduleImports.some((i) => i.module === FUEL_IMPORT_MODULE && i.name === FUEL_IMPORT_NAME));
  assert.ok(WebAssembly.Module.exports(image.module).some((e) => e.name === FUEL_GLOBAL_EXPORT && e.kind === 'global'));
  const r = runGuest(image.module, { args: ['x', '3'], env: { WHO: 'engine' } });
  assert.equal(r.stdout, 'args=3 first=x who=engine sorted=0..30 acc=3189 fib=6765\n');
  assert.equal(r.exitCode, 3);
});

test('compile is cached by digest, memory limit and metering; concurrent compiles share one', async () => {
  const engine = new Engine();
  const bytes = testdata('hash.wasm');
  const [a, b] = await Promise.all([
    engine.compile(bytes, { supportedImports: wasi }),
    engine.compile(Uint8Array.from(bytes), { supportedImports: wasi }),
  ]);
  assert.equal(a, b);
  assert.equal(engine.cachedImages, 1);
  const capped = await engine.compile(bytes, { supportedImports: wasi, memoryLimitBytes: 8 << 20 });
  const plain = await engine.compile(bytes, { supportedImports: wasi, metered: false });
  assert.notEqual(capped, a);
  assert.notEqual(plain, a);
  assert.equal(engine.cachedImages, 3);
  assert.equal(plain.metered, false);
  assert.ok(!WebAssembly.Module.imports(plain.module).some((i) => i.module === FUEL_IMPORT_MODULE));
  // Imports are checked against each caller's host, also on a cache hit.
  await assert.rejects(
    engine.compile(bytes, { supportedImports: (m, n) => m === 'wasi_snapshot_preview1' && n !== 'fd_write' }),
    (e: unknown) => e instanceof ImageError && e.reason === 'UnsupportedImport' && e.message === 'unsupported import "fd_write" from module "wasi_snapshot_preview1"',
  );
  assert.equal(engine.cachedImages, 3);
});

test('hostMemories: one compile for every memory limit, the limit checked and carried per call', async () => {
  const engine = new Engine();
  const bytes = testdata('membomb.wasm');
  const a = await engine.compile(bytes, { supportedImports: wasi, hostMemories: true, memoryLimitBytes: 8 << 20 });
  const b = await engine.compile(bytes, { supportedImports: wasi, hostMemories: true, memoryLimitBytes: 64 << 20 });
  const none = await engine.compile(bytes, { supportedImports: wasi, hostMemories: true });
  assert.equal(engine.cachedImages, 1);
  assert.equal(a.module, b.module);
  assert.deepEqual([a.memoryLimitBytes, b.memoryLimitBytes, none.memoryLimitBytes], [8 << 20, 64 << 20, undefined]);
  assert.equal(a.hostMemories, true);
  const [mem] = hostedMemories(a);
  assert.deepEqual(mem, { name: 'memory0', initial: a.memories[0].initialPages, maximum: 128, shared: false });
  assert.equal(hostedMemories(a, 16 << 20)[0].maximum, 256);
  assert.equal(hostedMemories(none)[0].maximum, none.memories[0].maximumPages);
  const run = (limitBytes: number) =>
    runGuest(a.module, { args: ['64'], memories: Object.fromEntries(hostedMemories(a, limitBytes).map((d) => [d.name, new WebAssembly.Memory(d)])) });
  const small = run(8 << 20);
  const big = run(32 << 20);
  const held = (r: { stdout: string }) => Number(/allocated (\d+) MiB/.exec(r.stdout)?.[1]);
  assert.ok(held(small) < 8 && held(big) >= 24 && held(big) < 32, `held ${held(small)} MiB under 8 MiB, ${held(big)} MiB under 32 MiB`);
  assert.equal(small.growFailed, 1);
  await assert.rejects(engine.compile(bytes, { supportedImports: wasi, hostMemories: true, memoryLimitBytes: 64 << 10 }), { reason: 'MemoryLimitTooLow' });
  assert.throws(() => hostedMemories(a, 64 << 10), { reason: 'MemoryLimitTooLow' });
  assert.equal(engine.cachedImages, 1);
});

test('compiles run one at a time, in the order asked: the first asked is the first done', async () => {
  const engine = new Engine();
  // A custom section of random bytes makes each module new to V8 (it reuses a compile of the same bytes).
  const fresh = (name: string) => {
    const tag = new TextEncoder().encode(`${name} ${Math.random()}`);
    return new Uint8Array([...testdata(name), 0, tag.length + 2, 1, 0x78, ...tag]);
  };
  const done: string[] = [];
  const names = ['rust-map.wasm', 'calls.wasm', 'hash.wasm', 'sieve.wasm', 'mix.wasm'];
  const all = names.map((n) => engine.compile(fresh(n), { supportedImports: () => true }).then(() => done.push(n)));
  await all[0];
  await new Promise((r) => setImmediate(r));
  // Side by side, V8 finishes them all at once (~150 ms on 2 cores); one at a time the first is done
  // in a third of that while the others have not even started.
  assert.deepEqual(done, ['rust-map.wasm']);
  await Promise.all(all);
  assert.deepEqual(done, names);
});

test('bad images are rejected with ImageError and not cached', async () => {
  const engine = new Engine();
  await assert.rejects(
    engine.compile(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), { supportedImports: wasi }),
    { name: 'ImageError', reason: 'InvalidImage', message: 'not a WebAssembly module: bad magic number 0x7f454c46 (this looks like an ELF executable)' },
  );
  await assert.rejects(
    engine.compile(await wat('(module (memory 64))'), { supportedImports: wasi, memoryLimitBytes: 1 << 20 }),
    { reason: 'MemoryLimitTooLow', message: "memory limit 1Mi is below the module's initial memory of 4 MiB" },
  );
  assert.equal(engine.cachedImages, 0);
});

test('a compiled module posted to a worker thread instantiates and runs there, metered', async () => {
  const engine = new Engine();
  const image = await engine.compile(
    await wat(`(module (func (export "sum") (param i32) (result i32) (local i32)
      (loop (local.set 1 (i32.add (local.get 1) (local.get 0)))
        (br_if 0 (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
      local.get 1))`),
    { supportedImports: () => true },
  );
  const code = `
    const { parentPort } = require('node:worker_threads');
    parentPort.once('message', ({ module }) => {
      let calls = 0, fuel;
      const inst = new WebAssembly.Instance(module, { wasmkube: { out_of_fuel: () => { calls++; fuel.value = 1000n; } } });
      fuel = inst.exports.wasmkube_fuel;
      fuel.value = 1000n;
      const sum = inst.exports.sum(10000);
      parentPort.postMessage({ sum, calls });
    });`;
  const worker = new Worker(code, { eval: true });
  try {
    const reply = new Promise<{ sum: number; calls: number }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    worker.postMessage({ module: image.module });
    const { sum, calls } = await reply;
    assert.equal(sum, 50005000);
    assert.ok(calls > 10, `out_of_fuel called ${calls} times in the worker`);
  } finally {
    await worker.terminate();
  }
});

test('calibration measures each kernel and takes their geometric mean, once', () => {
  const c = calibrateFuel({ targetMs: 80 });
  const rates = Object.values(c.kernels);
  assert.deepEqual(Object.keys(c.kernels), ['hash', 'sieve', 'calls', 'sort']);
  assert.ok(rates.every((r) => r > 1e8), JSON.stringify(c));
  assert.ok(c.fuelPerCoreSecond >= Math.min(...rates) && c.fuelPerCoreSecond <= Math.max(...rates));
  assert.equal(calibrateFuelPerCoreSecond(), c.fuelPerCoreSecond);
  assert.equal(calibrateFuel(), c);
});
