// Entry point of a worker that runs many containers' guests at once (shared-workers.ts places them).
// A guest's host call that must wait suspends only that guest (engine/suspend.ts,
// ChannelClient.suspending); the thread runs the others meanwhile. Messages carry the guest's id.
//
// Turns: a metered guest yields at its out_of_fuel check-in once it has run TURN_MS (fuel-meter.ts);
// a CPU-limited one is suspended while throttled; its run time is wall time minus its suspensions.
// Stopping one guest: it is suspended whenever this thread reads messages, and the wait it is
// suspended on rejects with Stopped (StopSignal). Unmetered modules could never be made to yield:
// they are never placed here.
import { parentPort } from 'node:worker_threads';
import { ChannelClient, Stopped, USAGE } from './rpc-channel.js';
import { WasiGuest } from './wasi-guest.js';
import { exitOf, withMemory, type ExitMessage } from './guest-exit.js';
import { FuelMeter } from './fuel-meter.js';
import { FUEL_GLOBAL_EXPORT, FUEL_IMPORT_MODULE, FUEL_IMPORT_NAME } from './fuel-abi.js';
import { instantiateSuspending, type ImportSignature } from './engine/suspend.js';
import type { RunMessage, WorkerMessage } from './worker-protocol.js';
import { E } from './wasi-abi.js';

export interface SharedRunMessage extends RunMessage {
  id: number;
  /** Signatures of the module's function imports (engine importSignatures), keyed module\0name. */
  signatures: [string, ImportSignature][];
}

/** To the worker: run a guest, or stop one (it ends at its current wait; answered with `stopped`). */
export type SharedWorkerRequest = SharedRunMessage | { type: 'stop'; id: number };

export type SharedWorkerMessage = (WorkerMessage | { type: 'stopped' }) & { id: number };

const guests = new Map<number, ChannelClient>();

const port = parentPort!;

async function run(msg: SharedRunMessage): Promise<void> {
  const send = (m: WorkerMessage, transfer?: ArrayBuffer[]) => port.postMessage({ ...m, id: msg.id }, transfer ?? []);
  const ch = new ChannelClient(msg.sab);
  ch.suspending = true;
  ch.clock.shared(msg.fuel?.cpuMillis !== undefined);
  guests.set(msg.id, ch);
  const guest = new WasiGuest(
    { args: msg.args, env: msg.env, stdin: msg.stdin, output: (fd, bytes) => send({ type: 'log', fd, data: bytes }, [bytes.buffer as ArrayBuffer]) },
    ch,
  );
  const wasi = guest.imports();
  const imports: WebAssembly.Imports = { wasi_snapshot_preview1: {} };
  const suspending = new Map<string, ImportSignature>();
  const signatures = new Map(msg.signatures);
  for (const imp of WebAssembly.Module.imports(msg.module)) {
    if (imp.module === 'wasi_snapshot_preview1' && imp.kind === 'function') {
      (imports.wasi_snapshot_preview1 as Record<string, unknown>)[imp.name] = wasi[imp.name] ?? (() => E.NOSYS);
      const key = `${imp.module}\0${imp.name}`;
      const sig = signatures.get(key);
      if (wasi[imp.name] && sig) suspending.set(key, sig);
    }
  }
  let meter: FuelMeter | undefined;
  const host: WebAssembly.ModuleImports = {};
  if (msg.fuel) {
    meter = new FuelMeter(ch.v.usage, ch.v.misc, ch.clock, msg.fuel);
    meter.suspending = true;
    meter.stop = ch.stop;
    host[FUEL_IMPORT_NAME] = meter.outOfFuel;
    suspending.set(`${FUEL_IMPORT_MODULE}\0${FUEL_IMPORT_NAME}`, { params: [], results: [] });
  }
  imports[FUEL_IMPORT_MODULE] = host;
  for (const m of msg.memories ?? []) host[m.name] = new WebAssembly.Memory(m);
  let g: ReturnType<typeof instantiateSuspending>;
  try {
    g = instantiateSuspending(msg.module, imports, suspending);
  } catch (err) {
    guests.delete(msg.id);
    send({ type: 'exit', at: Date.now(), startError: (err as Error).message, memoryBytes: 0 });
    return;
  }
  const memory = g.instance.exports.memory as WebAssembly.Memory | undefined;
  if (!memory || typeof g.instance.exports._start !== 'function') {
    guests.delete(msg.id);
    send({ type: 'exit', at: Date.now(), startError: `module exports no ${memory ? '_start' : 'memory'}: not a WASI command`, memoryBytes: 0 });
    return;
  }
  guest.memory = memory;
  const fuelGlobal = g.instance.exports[FUEL_GLOBAL_EXPORT];
  if (meter && fuelGlobal instanceof WebAssembly.Global) meter.attach(fuelGlobal);
  ch.v.usage[USAGE.RUNNING] = 1;
  send({ type: 'started', at: Date.now() });
  let result: ExitMessage;
  try {
    if (msg.startExport) await g.call(msg.startExport);
    await g.call('_start');
    result = exitOf(undefined);
  } catch (err) {
    guests.delete(msg.id);
    if (err instanceof Stopped || ch.stop.stopped) {
      port.postMessage({ type: 'stopped', id: msg.id });
      return;
    }
    result = exitOf(err);
  }
  guests.delete(msg.id);
  meter?.account();
  ch.v.usage[USAGE.MEMORY] = memory.buffer.byteLength;
  ch.v.usage[USAGE.CPU_NS] = ch.clock.runningMs() * 1e6;
  ch.v.usage[USAGE.RUNNING] = 0;
  withMemory(result, msg, memory, g.instance.exports);
  send(result);
}

port.on('message', (msg: SharedWorkerRequest) => {
  if (msg.type === 'stop') guests.get(msg.id)?.stop.stop();
  else void run(msg);
});
port.postMessage({ type: 'ready' });
