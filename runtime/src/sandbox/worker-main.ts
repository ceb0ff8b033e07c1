// Entry point of a container's worker_thread. Spawned ahead of time (warm pool): it loads this
// code, says `ready`, and waits for one `run` message carrying the compiled module. It runs the
// guest's _start to completion on this thread, reports how it ended, and is then discarded.
import fs from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { ChannelClient, USAGE } from './rpc-channel.js';
import { WasiGuest } from './wasi-guest.js';
import { exitOf, withMemory, type ExitMessage } from './guest-exit.js';
import { FuelMeter } from './fuel-meter.js';
import { FUEL_GLOBAL_EXPORT, FUEL_IMPORT_MODULE, FUEL_IMPORT_NAME } from './fuel-abi.js';
import type { RunMessage, WorkerMessage } from './worker-protocol.js';
import { E } from './wasi-abi.js';

const port = parentPort!;
const send = (m: WorkerMessage, transfer?: ArrayBuffer[]) => port.postMessage(m, transfer ?? []);

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

  let result: ExitMessage;
  try {
    if (msg.startExport) (instance.exports[msg.startExport] as () => void)();
    start();
    result = exitOf(undefined);
  } catch (err) {
    result = exitOf(err);
  }
  meter?.account();
  ch.v.usage[USAGE.MEMORY] = memory.buffer.byteLength;
  ch.v.usage[USAGE.CPU_NS] = ch.clock.runningMs() * 1e6;
  ch.v.usage[USAGE.RUNNING] = 0;
  withMemory(result, msg, memory, instance.exports);
  send(result);
}

port.once('message', (msg: RunMessage | { type: 'run-component' }) => {
  // WASI 0.2 components (runtime/src/components/) run on the same warm workers.
  if (msg.type === 'run-component') void import('../components/worker/run.js').then((m) => m.runComponent(msg as never));
  else run(msg as RunMessage);
});
send({ type: 'ready' });
