// A minimal WASI host for tests and benchmarks (not the sandbox's host): runs a (possibly
// instrumented) WASI command in this thread with args, environ, fd_write to stdout/stderr,
// proc_exit, clocks and random (everything else ENOSYS), and a fuel host that refills a grant and
// can enforce a budget.

import { randomFillSync } from 'node:crypto';
import { FUEL_GLOBAL_EXPORT, FUEL_IMPORT_MODULE, FUEL_IMPORT_NAME, GROW_FAILED_EXPORT, START_EXPORT } from '../fuel-abi.js';

export interface GuestOptions {
  args?: string[];
  env?: Record<string, string>;
  /** Fuel put in the global per grant. Default 10^9. */
  grant?: bigint;
  /** Total fuel after which out_of_fuel throws FuelExhausted. */
  budget?: bigint;
  /** Entry point. Default _start. */
  entry?: string;
  /** Hosted memories (instrument's hostMemories): wasmkube.<name> → memory. */
  memories?: Record<string, WebAssembly.Memory>;
}

export interface GuestResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Fuel consumed (0 for an unmetered module). */
  consumed: bigint;
  outOfFuelCalls: number;
  /** wasmkube_grow_failed at the end, if exported. */
  growFailed?: number;
  /** The trap or exception that ended the guest, if any. */
  error?: Error;
}

export class FuelExhausted extends Error {}
class Exit {
  constructor(readonly code: number) {}
}

const ENOSYS = 52;

export function runGuest(module: WebAssembly.Module, opts: GuestOptions = {}): GuestResult {
  const args = ['guest', ...(opts.args ?? [])];
  const env = Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${v}`);
  const grant = opts.grant ?? 1_000_000_000n;
  const enc = new TextEncoder();
  const out: Record<number, string> = { 1: '', 2: '' };
  let memory: WebAssembly.Memory | undefined;
  let fuel: WebAssembly.Global | undefined;
  let consumed = 0n;
  let outOfFuelCalls = 0;
  const view = () => new DataView(memory!.buffer);
  const bytes = () => new Uint8Array(memory!.buffer);

  const writeStrings = (list: string[], ptrs: number, buf: number): number => {
    for (const s of list) {
      view().setUint32(ptrs, buf, true);
      ptrs += 4;
      const b = enc.encode(s + '\0');
      bytes().set(b, buf);
      buf += b.length;
    }
    return 0;
  };
  const sizes = (list: string[], countPtr: number, sizePtr: number): number => {
    view().setUint32(countPtr, list.length, true);
    view().setUint32(sizePtr, list.reduce((n, s) => n + enc.encode(s).length + 1, 0), true);
    return 0;
  };
  const wasi: Record<string, (...a: any[]) => number> = {
    args_get: (p: number, b: number) => writeStrings(args, p, b),
    args_sizes_get: (c: number, s: number) => sizes(args, c, s),
    environ_get: (p: number, b: number) => writeStrings(env, p, b),
    environ_sizes_get: (c: number, s: number) => sizes(env, c, s),
    fd_write: (fd: number, iovs: number, n: number, written: number) => {
      if (fd !== 1 && fd !== 2) return 8; // EBADF
      let total = 0;
      for (let i = 0; i < n; i++) {
        const ptr = view().getUint32(iovs + 8 * i, true);
        const len = view().getUint32(iovs + 8 * i + 4, true);
        out[fd] += Buffer.from(bytes().subarray(ptr, ptr + len)).toString('utf8');
        total += len;
      }
      view().setUint32(written, total, true);
      return 0;
    },
    fd_fdstat_get: (fd: number, ptr: number) => {
      if (fd > 2) return 8;
      bytes().fill(0, ptr, ptr + 24);
      view().setUint8(ptr, 2); // character device
      view().setBigUint64(ptr + 8, 0xffffffffn, true);
      return 0;
    },
    fd_close: () => 0,
    fd_seek: () => 70, // ESPIPE
    proc_exit: (code: number) => {
      throw new Exit(code);
    },
    clock_time_get: (_id: number, _precision: bigint, ptr: number) => {
      view().setBigUint64(ptr, process.hrtime.bigint(), true);
      return 0;
    },
    random_get: (ptr: number, len: number) => {
      randomFillSync(bytes(), ptr, len);
      return 0;
    },
  };
  const preview1: Record<string, (...a: any[]) => number> = {};
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.module === 'wasi_snapshot_preview1') preview1[imp.name] = wasi[imp.name] ?? (() => ENOSYS);
  }
  const outOfFuel = () => {
    outOfFuelCalls++;
    consumed += grant - (fuel!.value as bigint);
    if (opts.budget !== undefined && consumed >= opts.budget) throw new FuelExhausted(`fuel budget of ${opts.budget} exhausted`);
    fuel!.value = grant;
  };
  const instance = new WebAssembly.Instance(module, {
    wasi_snapshot_preview1: preview1,
    [FUEL_IMPORT_MODULE]: { [FUEL_IMPORT_NAME]: outOfFuel, ...opts.memories },
  });
  memory = instance.exports.memory as WebAssembly.Memory;
  fuel = instance.exports[FUEL_GLOBAL_EXPORT] as WebAssembly.Global | undefined;
  if (fuel) fuel.value = grant;

  let exitCode = 0;
  let error: Error | undefined;
  try {
    const start = instance.exports[START_EXPORT] as (() => void) | undefined;
    start?.();
    (instance.exports[opts.entry ?? '_start'] as () => void)();
  } catch (e) {
    if (e instanceof Exit) exitCode = e.code;
    else {
      exitCode = -1;
      error = e as Error;
    }
  }
  if (fuel) consumed += grant - (fuel.value as bigint);
  const gf = instance.exports[GROW_FAILED_EXPORT] as WebAssembly.Global | undefined;
  return { exitCode, stdout: out[1], stderr: out[2], consumed, outOfFuelCalls, growFailed: gf?.value as number | undefined, error };
}
