// Entry point of a container's worker_thread. Spawned ahead of time (warm pool): it loads this
// code, says `ready`, and waits for one `run` message carrying the compiled module. It runs the
// guest's _start to completion on this thread, reports how it ended, and is then discarded.
import fs from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { ChannelClient, USAGE } from './rpc-channel.js';
import { WasiGuest, ProcExit } from './wasi-guest.js';
import { FuelMeter, FuelExhausted } from './fuel-meter.js';
import { FUEL_GLOBAL_EXPORT, FUEL_IMPORT_MODULE, FUEL_IMPORT_NAME } from './fuel-abi.js';
import type { RunMessage, WorkerMessage } from './worker-protocol.js';
import { E } from './wasi-abi.js';

const port = parentPort!;
const send = (m: WorkerMessage, transfer?: ArrayBuffer[]) => port.postMessage(m, transfer ?? []);

/** Headroom under the cap within which a failed allocation is taken as out-of-memory. */
function nearCap(bytes: number, cap: number): boolean {
  return bytes + Math.max(1 << 20, Math.min(cap / 8, 16 << 20)) >= cap;
}

function run(msg: RunMessage): void {
  const ch = new ChannelClient(msg.sab);
  const guest = new WasiGuest(
    {
      args: msg.args,
      env: msg.env,
      stdin: msg.stdin,
      stdinStream: msg.stdinStream,
      output: (fd, bytes) => send({ type: 'log', fd, data: bytes }, [bytes.buffer as ArrayBuffer]),
    },
    ch,
  );
  const wasi = guest.imports();
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
  const imports: WebAssembly.Imports = { wasi_snapshot_preview1: {} };
  // Functions of wasi_snapshot_preview1 we do not implement answer ENOSYS instead of failing to link.
  for (const imp of WebAssembly.Module.imports(msg.module)) {
    if (imp.module === 'wasi_snapshot_preview1' && imp.kind === 'function') {
      (imports.wasi_snapshot_preview1 as Record<string, unknown>)[imp.name] = wasi[imp.name] ?? (() => E.NOSYS);
    }
  }
  let meter: FuelMeter | undefined;
  const host: WebAssembly.ModuleImports = {};
  if (msg.fuel) {
    meter = new FuelMeter(ch.v.usage, ch.v.misc, ch.clock, msg.fuel);
    host[FUEL_IMPORT_NAME] = meter.outOfFuel;
  }
  imports[FUEL_IMPORT_MODULE] = host;
  let instance: WebAssembly.Instance;
  try {
    // The guest's memories, with the container's memory limit as their maximum.
    for (const m of msg.memories ?? []) host[m.name] = new WebAssembly.Memory(m);
    instance = new WebAssembly.Instance(msg.module, imports);
  } catch (err) {
    send({ type: 'exit', at: Date.now(), startError: (err as Error).message, memoryBytes: 0 });
    return;
  }
  const memory = instance.exports.memory as WebAssembly.Memory | undefined;
  const start = instance.exports._start as (() => void) | undefined;
  if (!memory || !start) {
    send({ type: 'exit', at: Date.now(), startError: `module exports no ${memory ? '_start' : 'memory'}: not a WASI command`, memoryBytes: 0 });
    return;
  }
  guest.memory = memory;
  const fuelGlobal = instance.exports[FUEL_GLOBAL_EXPORT];
  if (meter && fuelGlobal instanceof WebAssembly.Global) meter.attach(fuelGlobal);
  ch.v.usage[USAGE.MEMORY] = memory.buffer.byteLength;
  ch.v.usage[USAGE.RUNNING] = 1;
  send({ type: 'started', at: Date.now() });

  let result: WorkerMessage & { type: 'exit' };
  try {
    if (msg.startExport) (instance.exports[msg.startExport] as () => void)();
    start();
    result = { type: 'exit', at: 0, code: 0, memoryBytes: 0 };
  } catch (err) {
    if (err instanceof ProcExit) result = { type: 'exit', at: 0, code: err.code, memoryBytes: 0 };
    else if (err instanceof FuelExhausted) result = { type: 'exit', at: 0, fuelExhausted: true, trap: err.message, memoryBytes: 0 };
    else if (err instanceof WebAssembly.RuntimeError) result = { type: 'exit', at: 0, trap: err.message, memoryBytes: 0 };
    else if (err instanceof RangeError && /call stack/i.test(err.message)) result = { type: 'exit', at: 0, trap: 'call stack exhausted', memoryBytes: 0 };
    else result = { type: 'exit', at: 0, trap: `host error: ${err instanceof Error ? err.message : String(err)}`, memoryBytes: 0 };
  }
  meter?.account();
  const bytes = memory.buffer.byteLength;
  ch.v.usage[USAGE.MEMORY] = bytes;
  ch.v.usage[USAGE.CPU_NS] = ch.clock.runningMs() * 1e6;
  ch.v.usage[USAGE.RUNNING] = 0;
  result.memoryBytes = bytes;
  result.at = Date.now();
  if (msg.memoryBytes !== undefined) result.nearMemoryCap = nearCap(bytes, msg.memoryBytes);
  const grow = msg.growFailedExport ? instance.exports[msg.growFailedExport] : undefined;
  if (grow instanceof WebAssembly.Global) result.growFailed = Number(grow.value) !== 0;
  send(result);
}

port.once('message', (msg: RunMessage | { type: 'run-component' }) => {
  // WASI 0.2 components (runtime/src/components/) run on the same warm workers.
  if (msg.type === 'run-component') void import('../components/worker/run.js').then((m) => m.runComponent(msg as never));
  else run(msg as RunMessage);
});
send({ type: 'ready' });
