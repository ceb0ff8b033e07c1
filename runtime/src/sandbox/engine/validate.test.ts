import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImageError } from './errors.js';
import { validateImage, type SupportedImports } from './validate.js';
import { testdata, wat } from './testing/wat.js';

const all: SupportedImports = () => true;

function rejects(bytes: Uint8Array, reason: string, message: RegExp | string, supported: SupportedImports = all): ImageError {
  try {
    validateImage(bytes, supported);
  } catch (e) {
    assert.ok(e instanceof ImageError, `not an ImageError: ${e}`);
    assert.equal(e.reason, reason, e.message);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return e;
  }
  assert.fail('accepted');
}

test('a C program compiled by clang validates and lists its imports and exports', () => {
  const v = validateImage(testdata('mix.wasm'), all);
  assert.ok(v.imports.some((i) => i.module === 'wasi_snapshot_preview1' && i.name === 'fd_write' && i.kind === 'function'));
  assert.deepEqual(v.exports.map((e) => e.name).sort(), ['_start', 'memory']);
});

test('garbage, other executable formats and text are named in the error', () => {
  rejects(new Uint8Array(), 'InvalidImage', 'not a WebAssembly module: the file is empty');
  rejects(new TextEncoder().encode('hello world'), 'InvalidImage', 'not a WebAssembly module: bad magic number 0x68656c6c');
  rejects(
    new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0]),
    'InvalidImage',
    'not a WebAssembly module: bad magic number 0x7f454c46 (this looks like an ELF executable)',
  );
  rejects(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]), 'InvalidImage', /bad magic number 0x1f8b0800 \(this looks like a gzip archive/);
  rejects(new TextEncoder().encode('(module (func))'), 'InvalidImage', /this looks like WebAssembly text format/);
  rejects(new TextEncoder().encode('{"schemaVersion":2}'), 'InvalidImage', /JSON, perhaps an OCI manifest/);
});

test('wrong version, truncated header and truncated sections', () => {
  rejects(new Uint8Array([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0]), 'InvalidImage', /version 0x02000000, expected 0x01000000/);
  rejects(new Uint8Array([0, 0x61, 0x73, 0x6d, 1]), 'InvalidImage', /truncated header \(5 bytes, need 8\)/);
  const full = testdata('hash.wasm');
  rejects(full.subarray(0, Math.floor(full.length / 2)), 'InvalidImage', /truncated: the code section declares \d+ bytes but only \d+ remain/);
});

test('a component is recognised and refused as not supported yet', () => {
  const component = new Uint8Array([0, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00]);
  rejects(component, 'UnsupportedImage', /WebAssembly component \(component-model layer 1, version 0x0d\).*components are not supported yet/);
});

test("V8's validation message is passed on", async () => {
  const bytes = await wat('(module (func (export "f") (result i32) i32.const 1))');
  const bad = Uint8Array.from(bytes);
  const at = bad.lastIndexOf(0x41); // i32.const → i64.const: the result type no longer matches
  bad[at] = 0x42;
  rejects(bad, 'InvalidImage', /^invalid WebAssembly module: Compiling function #0.*failed: type error/);
});

test('an unsupported import names the import and its module', async () => {
  const bytes = await wat('(module (import "env" "foo" (func)) (import "env" "bar" (func)) (func (export "f")))');
  const err = rejects(bytes, 'UnsupportedImport', 'unsupported import "foo" from module "env" (and 1 more: "bar" from module "env")', () => false);
  assert.deepEqual(err.unsupported, [
    { module: 'env', name: 'foo', kind: 'function' },
    { module: 'env', name: 'bar', kind: 'function' },
  ]);
  rejects(bytes, 'UnsupportedImport', 'unsupported import "foo" from module "env"', (_m, n) => n !== 'foo');
  const wasi = (m: string, n: string) => m === 'wasi_snapshot_preview1' && n !== 'fd_seek';
  rejects(testdata('mix.wasm'), 'UnsupportedImport', 'unsupported import "fd_seek" from module "wasi_snapshot_preview1"', wasi);
  const mem = await wat('(module (import "env" "memory" (memory 1)))');
  rejects(mem, 'UnsupportedImport', 'unsupported import "memory" from module "env" (a memory)', () => false);
});
