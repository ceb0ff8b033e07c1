import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FUEL_GLOBAL_EXPORT, FUEL_IMPORT_MODULE, FUEL_IMPORT_NAME, GROW_FAILED_EXPORT, START_EXPORT } from '../fuel-abi.js';
import { ImageError } from './errors.js';
import { instrument } from './instrument.js';
import { FuelExhausted, runGuest } from './mini-wasi.js';
import { testdata, wat } from './testing/wat.js';
import { useOptimizingTier } from './tier.js';
import { trapUncatchably } from './trap.js';

useOptimizingTier();

/** Instantiates a metered module with a fuel host: `grant` per refill, optional budget. */
function metered(bytes: Uint8Array, opts: { grant?: bigint; budget?: bigint; imports?: WebAssembly.Imports } = {}) {
  const out = instrument(bytes, { metered: true });
  assert.ok(WebAssembly.validate(out.bytes), 'instrumented module validates');
  const grant = opts.grant ?? 1n << 40n;
  const state = { consumed: 0n, calls: 0 };
  let fuel: WebAssembly.Global;
  const instance = new WebAssembly.Instance(new WebAssembly.Module(out.bytes), {
    ...opts.imports,
    [FUEL_IMPORT_MODULE]: {
      [FUEL_IMPORT_NAME]: () => {
        state.calls++;
        state.consumed += grant - (fuel.value as bigint);
        if (opts.budget !== undefined && state.consumed >= opts.budget) throw new FuelExhausted('budget');
        fuel.value = grant;
      },
    },
  });
  fuel = instance.exports[FUEL_GLOBAL_EXPORT] as WebAssembly.Global;
  fuel.value = grant;
  /** Fuel used since the last call to used(). */
  const used = (): bigint => {
    const total = state.consumed + grant - (fuel.value as bigint);
    state.consumed = 0n;
    fuel.value = grant;
    return total;
  };
  return { instance, exports: instance.exports as Record<string, any>, state, used, result: out };
}

function plain(bytes: Uint8Array, imports: WebAssembly.Imports = {}) {
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), imports).exports as Record<string, any>;
}

test('C programs compute the same output instrumented as not, with args, env and exit code', () => {
  for (const [file, args] of [['hash.wasm', ['2']], ['sieve.wasm', ['100000', '2']], ['mix.wasm', ['first', '7']]] as const) {
    const bytes = testdata(file);
    const out = instrument(bytes, { metered: true, memoryLimitBytes: 64 << 20 });
    const want = runGuest(new WebAssembly.Module(bytes), { args: [...args], env: { WHO: 'tester' } });
    const got = runGuest(new WebAssembly.Module(out.bytes), { args: [...args], env: { WHO: 'tester' } });
    assert.equal(got.stdout, want.stdout, file);
    assert.equal(got.exitCode, want.exitCode, file);
    assert.ok(got.consumed > 0n, `${file} consumed fuel`);
    assert.equal(want.consumed, 0n);
  }
  const mix = runGuest(new WebAssembly.Module(instrument(testdata('mix.wasm'), { metered: true }).bytes), {
    args: ['first', '7'],
    env: { WHO: 'tester' },
  });
  assert.equal(mix.stdout, 'args=3 first=first who=tester sorted=0..30 acc=3189 fib=6765\n');
  assert.equal(mix.exitCode, 7);
});

test('a Rust std program computes the same output instrumented', () => {
  const bytes = testdata('rust-map.wasm');
  const opts = { args: ['5'], env: { WHO: 'rust' } };
  const want = runGuest(new WebAssembly.Module(bytes), opts);
  const got = runGuest(new WebAssembly.Module(instrument(bytes, { metered: true, memoryLimitBytes: 64 << 20 }).bytes), opts);
  assert.equal(want.stdout, 'rust n=5 first=[(269, 3), (412, 0), (419, 1)] env=Some("rust")\n');
  assert.equal(got.stdout, want.stdout);
  assert.equal(got.exitCode, 5);
  assert.ok(got.consumed > 0n);
});

test('fuel consumption is deterministic and proportional to the work', () => {
  const module = new WebAssembly.Module(instrument(testdata('hash.wasm'), { metered: true }).bytes);
  const run = (rounds: number) => runGuest(module, { args: [String(rounds)], grant: 1_000_000n });
  const a = run(1);
  const b = run(1);
  const c = run(4);
  assert.equal(a.consumed, b.consumed);
  assert.equal(a.outOfFuelCalls, b.outOfFuelCalls);
  assert.ok(a.outOfFuelCalls > 0, 'small grants are refilled through out_of_fuel');
  const ratio = Number(c.consumed) / Number(a.consumed);
  assert.ok(ratio > 3.9 && ratio < 4.1, `4x the work costs ${ratio}x the fuel`);
});

test('the cost of a loop is exactly its instructions per iteration', async () => {
  // Per iteration 9 instructions (the merged br_if segment); the block end is a join (+1 for local.get).
  const { exports, used } = metered(
    await wat(`(module (func (export "count") (param $n i32) (result i32) (local $i i32)
      (block (loop
        local.get $i local.get $n i32.ge_u br_if 1
        local.get $i i32.const 1 i32.add local.set $i
        br 0))
      local.get $i))`),
  );
  used();
  for (const n of [0, 1, 10, 1000]) {
    assert.equal(exports.count(n), n);
    assert.equal(used(), BigInt(9 * (n + 1) + 1), `n=${n}`);
  }
});

test('every way out of a function flushes the counter: return, br_table, br_if to the function label, fallthrough', async () => {
  const { exports, used } = metered(
    await wat(`(module (func (export "f") (param i32) (result i32)
      (block $b2
        (block $b1
          (block $b0 (br_table $b0 $b1 $b2 (local.get 0)))
          (return (i32.const 10)))
        (br_if 1 (i32.const 20) (i32.const 1))
        unreachable)
      i32.const 30))`),
  );
  used();
  // Entry segment: local.get, br_table = 2 (block markers cost nothing). Then per path:
  assert.equal(exports.f(0), 10); // i32.const, return
  assert.equal(used(), 2n + 2n);
  assert.equal(exports.f(1), 20); // i32.const, i32.const, br_if and, merged after it, unreachable
  assert.equal(used(), 2n + 4n);
  assert.equal(exports.f(2), 30); // i32.const
  assert.equal(used(), 2n + 1n);
  assert.equal(exports.f(7), 30); // br_table default
  assert.equal(used(), 2n + 1n);
});

test('out_of_fuel stops an infinite loop by throwing, and refilling lets it run on', async () => {
  const bytes = await wat('(module (func (export "spin") (loop br 0)) (func (export "spin_call") (loop call 2 br 0)) (func))');
  const m = metered(bytes, { grant: 10_000n, budget: 1_000_000n });
  assert.throws(() => m.exports.spin(), FuelExhausted);
  assert.ok(m.state.calls >= 100, `refilled ${m.state.calls} times before the budget ran out`);
  assert.ok(m.state.consumed >= 1_000_000n && m.state.consumed < 1_020_000n, `consumed ${m.state.consumed}`);
  const m2 = metered(bytes, { grant: 10_000n, budget: 500_000n });
  assert.throws(() => m2.exports.spin_call(), FuelExhausted);
  assert.ok(m2.state.consumed >= 500_000n && m2.state.consumed < 520_000n, `consumed ${m2.state.consumed}`);
});

test("a guest's catch_all catches a JS exception from out_of_fuel, but not trapUncatchably()", async () => {
  const bytes = await wat(`(module (func (export "spin") (local i32)
    (loop $outer
      (try (do (loop $inner (br $inner))) (catch_all (local.set 0 (i32.add (local.get 0) (i32.const 1)))))
      (br_if $outer (i32.lt_u (local.get 0) (i32.const 3))))))`);
  const module = new WebAssembly.Module(instrument(bytes, { metered: true }).bytes);
  /** Runs the guest with a host that refills, then calls `stop` from the 2nd out_of_fuel on. */
  const run = (stop: () => never) => {
    let calls = 0;
    const inst: WebAssembly.Instance = new WebAssembly.Instance(module, {
      [FUEL_IMPORT_MODULE]: {
        [FUEL_IMPORT_NAME]: () => {
          (inst.exports[FUEL_GLOBAL_EXPORT] as WebAssembly.Global).value = 1000n;
          if (++calls >= 2) stop();
        },
      },
    });
    (inst.exports[FUEL_GLOBAL_EXPORT] as WebAssembly.Global).value = 1000n;
    try {
      (inst.exports.spin as () => void)();
      return { caught: true, calls };
    } catch (e) {
      return { caught: false, calls, error: e };
    }
  };
  const thrown = run(() => {
    throw new FuelExhausted('budget');
  });
  assert.equal(thrown.caught, true, 'the guest swallowed the JS exception');
  const trapped = run(trapUncatchably);
  assert.equal(trapped.caught, false);
  assert.equal(trapped.calls, 2);
  assert.ok(trapped.error instanceof WebAssembly.RuntimeError);
});

test('recursion without loops is checked at function entry', async () => {
  const bytes = await wat(`(module (func $fib (export "fib") (param i32) (result i32)
    local.get 0 i32.const 2 i32.lt_u
    if (result i32) local.get 0
    else local.get 0 i32.const 1 i32.sub call $fib local.get 0 i32.const 2 i32.sub call $fib i32.add end))`);
  const m = metered(bytes, { grant: 1000n, budget: 100_000n });
  assert.throws(() => m.exports.fib(40), FuelExhausted);
  const ok = metered(bytes);
  assert.equal(ok.exports.fib(20), 6765);
  assert.equal(ok.state.calls, 0);
  assert.ok(ok.used() > 21891n * 4n, 'every call charged');
});

test('the counter is flushed before host calls and reloaded after', async () => {
  const seen: bigint[] = [];
  let fuel: WebAssembly.Global | undefined;
  const bytes = await wat(`(module (import "env" "probe" (func $probe))
    (func (export "f") i32.const 1 drop call $probe i32.const 2 drop i32.const 3 drop call $probe))`);
  const m = metered(bytes, {
    imports: {
      env: {
        probe: () => {
          seen.push(fuel!.value as bigint);
          fuel!.value = 1_000_000n; // the host may refill: the guest must reload
        },
      },
    },
  });
  fuel = m.instance.exports[FUEL_GLOBAL_EXPORT] as WebAssembly.Global;
  fuel.value = 100n;
  m.exports.f();
  // The whole entry segment (i32.const, drop, call, i32.const, drop, i32.const, drop, call = 8) is
  // charged at entry; after the first call the guest continues from the host's value.
  assert.deepEqual(seen, [92n, 1_000_000n]);
  assert.equal(fuel.value, 1_000_000n);
});

test('renumbering: imports, element segments, ref.func, funcref globals, call_indirect, tail calls, start', async () => {
  const src = `(module
    (import "env" "add" (func $add (param i32 i32) (result i32)))
    (type $un (func (param i32) (result i32)))
    (table $t 4 funcref)
    (global $g (mut i32) (i32.const 0))
    (global $fr funcref (ref.func $triple))
    (elem (table $t) (i32.const 0) func $double $triple)
    (elem declare func $inc)
    (func $double (type $un) local.get 0 i32.const 2 i32.mul)
    (func $triple (type $un) local.get 0 i32.const 3 i32.mul)
    (func $inc (type $un) local.get 0 i32.const 1 call $add)
    (func $tail (param i32) (result i32) local.get 0 return_call $double)
    (func $init i32.const 42 global.set $g)
    (start $init)
    (func (export "run") (param i32) (result i32)
      (i32.const 2) (ref.func $inc) (table.set $t)
      (call_indirect $t (type $un) (local.get 0) (i32.const 0))
      (call_indirect $t (type $un) (i32.const 1))
      (call_indirect $t (type $un) (i32.const 2))
      (call $tail)
      (table.set $t (i32.const 3) (global.get $fr))
      (call_indirect $t (type $un) (i32.const 3))
      (global.get $g) (call $add))
    (export "double" (func $double)))`;
  const bytes = await wat(src);
  const env = { env: { add: (a: number, b: number) => a + b } };
  const want = plain(bytes, env);
  const m = metered(bytes, { imports: env });
  assert.equal(m.result.startExport, START_EXPORT);
  // The start function moved to an export: nothing ran at instantiation ($g is still 0).
  assert.equal(m.exports.run(5), ((5 * 2 * 3 + 1) * 2) * 3);
  m.exports[START_EXPORT]();
  assert.equal(want.run(5), ((5 * 2 * 3 + 1) * 2) * 3 + 42);
  assert.equal(m.exports.run(5), want.run(5));
  assert.equal(m.exports.double(21), 42);
});

test('function names survive renumbering, so traps name the right function', async () => {
  const bytes = await wat(`(module (import "env" "f" (func $imported))
    (func $first nop) (func $boom (export "boom") unreachable))`);
  const m = metered(bytes, { imports: { env: { f: () => {} } } });
  assert.throws(() => m.exports.boom(), (e: unknown) => e instanceof WebAssembly.RuntimeError && /unreachable/.test(e.message) && /at boom \(/.test(String(e.stack)));
});

test('SIMD, bulk memory, multi-value blocks, sign extension and saturating conversions decode and run', async () => {
  const src = `(module (memory 4)
    (func $pair (result i32 i32) i32.const 3 i32.const 4)
    (func (export "simd") (result i32)
      (v128.store (i32.const 16) (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15
        (v128.const i32x4 1 2 3 4) (v128.const i32x4 5 6 7 8)))
      (v128.load32_lane 1 (i32.const 16) (v128.const i64x2 0 0))
      (i32x4.extract_lane 1)
      (i32x4.extract_lane 2 (i32x4.add (v128.load (i32.const 16)) (i32x4.splat (i32.const 10))))
      i32.add)
    (func (export "bulk") (param i32) (result i32)
      (memory.fill (i32.const 0) (i32.const 7) (local.get 0))
      (memory.copy (i32.const 100000) (i32.const 0) (local.get 0))
      (i32.load8_u (i32.const 100000)))
    (func (export "multi") (param i32) (result i32)
      (call $pair)
      (loop (param i32 i32) (result i32)
        i32.add local.get 0 i32.const -1 i32.add local.tee 0 i32.eqz
        if (param i32) (result i32) return end
        i32.const 1 br 0))
    (func (export "conv") (result i32)
      (i32.extend8_s (i32.const 0xff)) (i32.trunc_sat_f32_s (f32.const 1e20)) i32.add))`;
  const bytes = await wat(src);
  const want = plain(bytes);
  const m = metered(bytes);
  for (const [name, arg] of [['simd', 0], ['bulk', 64], ['multi', 5], ['conv', 0]] as const) {
    assert.equal(m.exports[name](arg), want[name](arg), name);
  }
  // memory.fill/copy are charged by length: 1 MiB costs at least 2 * 2^20 >> 3 more than 64 bytes.
  m.used();
  m.exports.bulk(64);
  const small = m.used();
  m.exports.bulk(1 << 16);
  const big = m.used();
  assert.ok(big - small >= BigInt((2 * ((1 << 16) - 64)) >> 3), `bulk ops charged by length: ${small} → ${big}`);
});

test('exceptions: a catch handler reloads the counter the thrower flushed', async () => {
  const src = `(module (tag $e (param i32))
    (func $thrower (param i32) local.get 0 throw $e)
    (func (export "f") (param i32) (result i32)
      (try (result i32) (do (call $thrower (local.get 0)) (i32.const 0))
        (catch $e i32.const 1 i32.add)))
    (func (export "loop") (param i32) (result i32) (local $n i32)
      (loop $l
        (try (do (call $thrower (local.get $n))) (catch $e drop))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $n) (local.get 0))))
      local.get $n))`;
  const bytes = await wat(src);
  const m = metered(bytes);
  assert.equal(m.exports.f(41), 42);
  m.used();
  assert.equal(m.exports.loop(10), 10);
  const ten = m.used();
  assert.equal(m.exports.loop(20), 20);
  const twenty = m.used();
  assert.equal(m.exports.loop(30), 30);
  const thirty = m.used();
  // Each iteration (throw and catch included) costs the same: the handler neither lost nor regained fuel.
  assert.equal(thirty - twenty, twenty - ten);
  assert.ok((twenty - ten) / 10n > 5n, `an iteration costs ${(twenty - ten) / 10n}`);
});

test('exnref: try_table catch labels reload the counter (Node 24; V8 11.3 has no exnref)', async (t) => {
  const bytes = await wat(`(module (tag $e (param i32))
    (func $thrower (param i32) local.get 0 throw $e)
    (func (export "f") (param i32) (result i32)
      (block $h (result i32)
        (try_table (catch $e $h) (call $thrower (local.get 0)))
        (i32.const 0))
      i32.const 1 i32.add))`);
  if (!WebAssembly.validate(bytes)) {
    t.skip('this V8 does not support try_table');
    return;
  }
  const want = plain(bytes);
  const { exports, used } = metered(bytes);
  used();
  assert.equal(exports.f(41), want.f(41));
  // f's entry segment (local.get, call, i32.const 0) is prepaid, the thrower (local.get, throw) flushed
  // before throwing, and the catch label's segment (i32.const 1, i32.add) is charged after the reload.
  assert.equal(used(), 3n + 2n + 2n);
});

test('memory cap: memory.grow returns -1 beyond it and the failure is flagged', async () => {
  const bytes = await wat(`(module (memory (export "memory") 1)
    (func (export "grow") (param i32) (result i32) local.get 0 memory.grow))`);
  for (const isMetered of [false, true]) {
    const out = instrument(bytes, { metered: isMetered, memoryLimitBytes: 3 * 65536 + 100 });
    assert.deepEqual(out.memories, [{ importedFrom: undefined, initialPages: 1, maximumPages: 3, shared: false, memory64: false }]);
    assert.equal(out.growFailedExport, GROW_FAILED_EXPORT);
    const inst = new WebAssembly.Instance(new WebAssembly.Module(out.bytes), {
      [FUEL_IMPORT_MODULE]: { [FUEL_IMPORT_NAME]: () => {} },
    });
    const e = inst.exports as Record<string, any>;
    if (isMetered) e[FUEL_GLOBAL_EXPORT].value = 1n << 40n;
    assert.equal(e.grow(1), 1);
    assert.equal(e[GROW_FAILED_EXPORT].value, 0);
    assert.equal(e.grow(2), -1);
    assert.equal(e[GROW_FAILED_EXPORT].value, 1);
    assert.equal(e.grow(1), 2);
    assert.equal(e.memory.buffer.byteLength, 3 * 65536);
  }
  // An existing smaller maximum stays.
  const small = instrument(await wat('(module (memory 1 2))'), { metered: false, memoryLimitBytes: 1 << 30 });
  assert.equal(small.memories[0].maximumPages, 2);
});

test('hosted memories: the module imports its memories, the host makes them with the cap, grow failures are flagged', async () => {
  const bytes = await wat(`(module (memory (export "memory") 1 100) (data (i32.const 8) "hi")
    (func (export "grow") (param i32) (result i32) local.get 0 memory.grow)
    (func (export "peek") (result i32) i32.const 8 i32.load8_u))`);
  for (const isMetered of [false, true]) {
    const out = instrument(bytes, { metered: isMetered, hostMemories: true });
    assert.deepEqual(out.memories, [{ importedFrom: { module: FUEL_IMPORT_MODULE, name: 'memory0' }, initialPages: 1, maximumPages: 100, shared: false, memory64: false }]);
    const module = new WebAssembly.Module(out.bytes);
    assert.deepEqual(WebAssembly.Module.imports(module).filter((i) => i.kind === 'memory').map(({ module, name, kind }) => ({ module, name, kind })), [{ module: FUEL_IMPORT_MODULE, name: 'memory0', kind: 'memory' }]);
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 3 });
    const inst = new WebAssembly.Instance(module, { [FUEL_IMPORT_MODULE]: { [FUEL_IMPORT_NAME]: () => {}, memory0: memory } });
    const e = inst.exports as Record<string, any>;
    if (isMetered) e[FUEL_GLOBAL_EXPORT].value = 1n << 40n;
    assert.equal(e.memory, memory, 'the exported memory is the host memory');
    assert.equal(e.peek(), 'h'.charCodeAt(0), 'data segments land in the host memory');
    assert.equal(e.grow(2), 1);
    assert.equal(e[GROW_FAILED_EXPORT].value, 0);
    assert.equal(e.grow(1), -1);
    assert.equal(e[GROW_FAILED_EXPORT].value, 1);
    // The module's own maximum still binds: a bigger host memory does not link.
    assert.throws(() => new WebAssembly.Instance(module, { [FUEL_IMPORT_MODULE]: { [FUEL_IMPORT_NAME]: () => {}, memory0: new WebAssembly.Memory({ initial: 1, maximum: 200 }) } }), WebAssembly.LinkError);
  }
  assert.throws(() => instrument(bytes, { metered: true, hostMemories: true, memoryLimitBytes: 1 << 20 }), /exclude each other/);
});

test('hosted memories: a C program runs unchanged in a memory the host made', () => {
  const module = new WebAssembly.Module(instrument(testdata('membomb.wasm'), { metered: true, hostMemories: true }).bytes);
  const c = runGuest(module, { args: ['3'], memories: { memory0: new WebAssembly.Memory({ initial: 6, maximum: 16 << 4 }) } });
  assert.match(c.stdout, /allocated 3 MiB/);
  const capped = runGuest(module, { args: ['64'], memories: { memory0: new WebAssembly.Memory({ initial: 6, maximum: 16 << 4 }) } });
  const n = Number(/allocated (\d+) MiB/.exec(capped.stdout)?.[1]);
  assert.ok(n >= 12 && n < 16, `allocated ${n} MiB in a 16 MiB memory`);
  assert.equal(capped.growFailed, 1);
});

test('memory cap below the initial memory is a clear error', async () => {
  const bytes = await wat('(module (memory 32))');
  assert.throws(
    () => instrument(bytes, { metered: true, memoryLimitBytes: 1 << 20 }),
    (e: unknown) => e instanceof ImageError && e.reason === 'MemoryLimitTooLow' &&
      e.message === "memory limit 1Mi is below the module's initial memory of 2 MiB",
  );
  assert.throws(() => instrument(bytes, { metered: false, memoryLimitBytes: 1_500_000 }), /memory limit 1500k is below/);
});

test('an imported memory declaration is capped too, so the host cannot supply a bigger one', async () => {
  const bytes = await wat('(module (import "env" "memory" (memory 1)) (func (export "size") (result i32) memory.size))');
  const out = instrument(bytes, { metered: true, memoryLimitBytes: 4 << 16 });
  assert.deepEqual(out.memories[0].importedFrom, { module: 'env', name: 'memory' });
  assert.equal(out.memories[0].maximumPages, 4);
  const module = new WebAssembly.Module(out.bytes);
  const fuelImports = { [FUEL_IMPORT_MODULE]: { [FUEL_IMPORT_NAME]: () => {} } };
  assert.throws(() => new WebAssembly.Instance(module, { env: { memory: new WebAssembly.Memory({ initial: 1, maximum: 100 }) }, ...fuelImports }), WebAssembly.LinkError);
  new WebAssembly.Instance(module, { env: { memory: new WebAssembly.Memory({ initial: 1, maximum: 4 }) }, ...fuelImports });
});

test('a C memory bomb stops at the cap: malloc returns NULL, the failure is flagged', () => {
  const bytes = testdata('membomb.wasm');
  const capped = runGuest(new WebAssembly.Module(instrument(bytes, { metered: true, memoryLimitBytes: 16 << 20 }).bytes), { args: ['64'] });
  const n = Number(/allocated (\d+) MiB/.exec(capped.stdout)?.[1]);
  assert.ok(n >= 12 && n < 16, `allocated ${n} MiB under a 16 MiB cap`);
  assert.equal(capped.growFailed, 1);
  const free = runGuest(new WebAssembly.Module(bytes), { args: ['20'] });
  assert.match(free.stdout, /allocated 20 MiB/);
});

test('reserved names and unknown opcodes are refused', async () => {
  const reservedImport = await wat('(module (import "wasmkube" "out_of_fuel" (func)))');
  assert.throws(() => instrument(reservedImport, { metered: true }), (e: unknown) => e instanceof ImageError && e.reason === 'UnsupportedImport');
  const reservedExport = await wat('(module (global (export "wasmkube_fuel") i32 (i32.const 0)))');
  assert.throws(() => instrument(reservedExport, { metered: true }), /reserved/);
  // (module (func)) whose body holds 0xc5, an opcode nobody assigned
  const bytes = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 10, 5, 1, 3, 0, 0xc5, 0x0b]);
  assert.throws(() => instrument(bytes, { metered: true }), /unknown opcode 0xc5 \(at byte offset 0x17\)/);
});
