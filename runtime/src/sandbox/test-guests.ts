// Test (and bench) helper: the sandbox's test guests from testdata/ — committed .wasm built from
// C and Rust by testdata/build.sh, and WAT fault guests assembled here with wabt.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { setWasmFlags } from './worker-pool.js';

/** runtime/src/sandbox/testdata, found from src/ or dist/. */
export const TESTDATA = fileURLToPath(new URL('../../src/sandbox/testdata/', import.meta.url));

const cache = new Map<string, Promise<WebAssembly.Module>>();

export function guestBytes(name: string): Uint8Array {
  return fs.readFileSync(path.join(TESTDATA, `${name}.wasm`));
}

/** A committed guest (hello, files, httpd, client, membomb, cpu, rust_server), compiled once. */
export function guest(name: string): Promise<WebAssembly.Module> {
  setWasmFlags();
  let m = cache.get(name);
  if (!m) {
    m = WebAssembly.compile(guestBytes(name));
    cache.set(name, m);
  }
  return m;
}

type Wabt = Awaited<ReturnType<typeof import('wabt')>>;
let wabtReady: Promise<Wabt> | undefined;

/** Assembles testdata/<name>.wat (with text substitutions) into a binary. */
export async function watBytes(name: string, subst: Record<string, string> = {}): Promise<Uint8Array> {
  let text = fs.readFileSync(path.join(TESTDATA, `${name}.wat`), 'utf8');
  for (const [k, v] of Object.entries(subst)) text = text.replaceAll(k, v);
  return assembleWat(text, `${name}.wat`);
}

/** Assembles WAT source text with wabt. */
export async function assembleWat(text: string, file = 'inline.wat'): Promise<Uint8Array> {
  wabtReady ??= import('wabt').then((m) => m.default());
  const wabt = await wabtReady;
  const mod = wabt.parseWat(file, text, { bulk_memory: true });
  try {
    return mod.toBinary({}).buffer;
  } finally {
    mod.destroy();
  }
}

export async function watGuest(name: string, subst: Record<string, string> = {}): Promise<WebAssembly.Module> {
  setWasmFlags();
  return WebAssembly.compile(await watBytes(name, subst));
}
