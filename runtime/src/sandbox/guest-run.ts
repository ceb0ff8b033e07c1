// One guest's run inside a worker, from linking to its exit report: shared by the dedicated worker
// (worker-main.ts, one guest, blocking host calls) and the shared one (shared-worker-main.ts, many
// guests, suspending host calls), which differ only in how they instantiate and call the guest.
import fs from 'node:fs';
import type { ChannelClient } from './rpc-channel.js';
import { USAGE } from './rpc-channel.js';
import { WasiGuest, ProcExit } from './wasi-guest.js';
import { FuelMeter, FuelExhausted } from './fuel-meter.js';
import { FUEL_GLOBAL_EXPORT, FUEL_IMPORT_MODULE, FUEL_IMPORT_NAME } from './fuel-abi.js';
import type { RunMessage, WorkerMessage } from './worker-protocol.js';
import { E } from './wasi-abi.js';

export type ExitMessage = WorkerMessage & { type: 'exit' };
export type Send = (m: WorkerMessage, transfer?: ArrayBuffer[]) => void;

/** Headroom under the cap within which a failed allocation is taken as out-of-memory. */
function nearCap(bytes: number, cap: number): boolean {
  return bytes + Math.max(1 << 20, Math.min(cap / 8, 16 << 20)) >= cap;
}

/** The exit message for what _start threw (undefined: it returned). */
export function exitOf(err: unknown): ExitMessage {
  if (err === undefined) return { type: 'exit', at: 0, code: 0, memoryBytes: 0 };
  if (err instanceof ProcExit) return { type: 'exit', at: 0, code: err.code, memoryBytes: 0 };
  if (err instanceof FuelExhausted) return { type: 'exit', at: 0, fuelExhausted: true, trap: err.message, memoryBytes: 0 };
  if (err instanceof WebAssembly.RuntimeError) return { type: 'exit', at: 0, trap: err.message, memoryBytes: 0 };
  if (err instanceof RangeError && /call stack/i.test(err.message)) return { type: 'exit', at: 0, trap: 'call stack exhausted', memoryBytes: 0 };
  return { type: 'exit', at: 0, trap: `host error: ${err instanceof Error ? err.message : String(err)}`, memoryBytes: 0 };
}

export class GuestRun {
  readonly guest: WasiGuest;
  readonly meter?: FuelMeter;
  /** Everything the module imports that we provide: wasi_snapshot_preview1 (unimplemented functions
   *  answer ENOSYS instead of failing to link), wasmkube.out_of_fuel, and the guest's capped memories. */
  readonly imports: WebAssembly.Imports = { wasi_snapshot_preview1: {} };
  /** The wasi_snapshot_preview1 functions of the module that this host implements. */
  readonly implemented: string[] = [];
  private memory!: WebAssembly.Memory;

  constructor(
    private readonly msg: RunMessage,
    readonly ch: ChannelClient,
    private readonly send: Send,
  ) {
    this.guest = new WasiGuest(
      {
        args: msg.args,
        env: msg.env,
        stdin: msg.stdin,
        stdinStream: msg.stdinStream,
        output: (fd, bytes) => send({ type: 'log', fd, data: bytes }, [bytes.buffer as ArrayBuffer]),
      },
      ch,
    );
    const wasi = this.guest.imports();
    if (process.env.WASMKUBE_WASI_TRACE) {
      // Debugging aid: every host call with its arguments and result, on the agent's stderr.
      for (const [k, f] of Object.entries(wasi)) {
        wasi[k] = (...a: unknown[]) => {
          const r = f(...a);
          fs.writeSync(2, `[wasi] ${k}(${a.map(String).join(', ')}) = ${r}\n`);
          return r;
        };
      }
    }
    for (const imp of WebAssembly.Module.imports(msg.module)) {
      if (imp.module !== 'wasi_snapshot_preview1' || imp.kind !== 'function') continue;
      (this.imports.wasi_snapshot_preview1 as Record<string, unknown>)[imp.name] = wasi[imp.name] ?? (() => E.NOSYS);
      if (wasi[imp.name]) this.implemented.push(imp.name);
    }
    const host: WebAssembly.ModuleImports = {};
    if (msg.fuel) {
      this.meter = new FuelMeter(ch.v.usage, ch.v.misc, ch.clock, msg.fuel);
      host[FUEL_IMPORT_NAME] = this.meter.outOfFuel;
    }
    this.imports[FUEL_IMPORT_MODULE] = host;
  }

  /**
   * Creates the guest's memories (with the container's memory limit as their maximum), instantiates it
   * with `instantiate`, and reports `started` — or reports why it could not start and returns undefined.
   */
  start<T extends { instance: WebAssembly.Instance }>(instantiate: (imports: WebAssembly.Imports) => T): T | undefined {
    let linked: T;
    try {
      const host = this.imports[FUEL_IMPORT_MODULE] as WebAssembly.ModuleImports;
      for (const m of this.msg.memories ?? []) host[m.name] = new WebAssembly.Memory(m);
      linked = instantiate(this.imports);
    } catch (err) {
      this.send({ type: 'exit', at: Date.now(), startError: (err as Error).message, memoryBytes: 0 });
      return undefined;
    }
    const { exports } = linked.instance;
    const memory = exports.memory as WebAssembly.Memory | undefined;
    if (!memory || typeof exports._start !== 'function') {
      this.send({ type: 'exit', at: Date.now(), startError: `module exports no ${memory ? '_start' : 'memory'}: not a WASI command`, memoryBytes: 0 });
      return undefined;
    }
    this.memory = this.guest.memory = memory;
    const fuelGlobal = exports[FUEL_GLOBAL_EXPORT];
    if (this.meter && fuelGlobal instanceof WebAssembly.Global) this.meter.attach(fuelGlobal);
    this.ch.v.usage[USAGE.MEMORY] = memory.buffer.byteLength;
    this.ch.v.usage[USAGE.RUNNING] = 1;
    this.send({ type: 'started', at: Date.now() });
    return linked;
  }

  /** Publishes the final usage and reports the exit, with the memory it ended with and whether that was against its cap. */
  end(result: ExitMessage, exports: WebAssembly.Exports): void {
    this.meter?.account();
    const bytes = this.memory.buffer.byteLength;
    this.ch.v.usage[USAGE.MEMORY] = bytes;
    this.ch.v.usage[USAGE.CPU_NS] = this.ch.clock.runningMs() * 1e6;
    this.ch.v.usage[USAGE.RUNNING] = 0;
    result.memoryBytes = bytes;
    result.at = Date.now();
    if (this.msg.memoryBytes !== undefined) result.nearMemoryCap = nearCap(bytes, this.msg.memoryBytes);
    const grow = this.msg.growFailedExport ? exports[this.msg.growFailedExport] : undefined;
    if (grow instanceof WebAssembly.Global) result.growFailed = Number(grow.value) !== 0;
    this.send(result);
  }
}
