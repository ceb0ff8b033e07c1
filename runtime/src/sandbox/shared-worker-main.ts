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
import { ChannelClient, Stopped } from './rpc-channel.js';
import { GuestRun, exitOf, type ExitMessage, type Send } from './guest-run.js';
import { FUEL_IMPORT_MODULE, FUEL_IMPORT_NAME } from './fuel-abi.js';
import { importKey, instantiateSuspending, type ImportSignature } from './engine/suspend.js';
import type { RunMessage, WorkerMessage } from './worker-protocol.js';

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
  const send: Send = (m, transfer) => port.postMessage({ ...m, id: msg.id }, transfer ?? []);
  const ch = new ChannelClient(msg.sab);
  ch.suspending = true;
  ch.clock.shared(msg.fuel?.cpuMillis !== undefined);
  guests.set(msg.id, ch);
  try {
    const r = new GuestRun(msg, ch, send);
    // Every host function may wait (each channel call does), and so may out_of_fuel (turns, throttling).
    const signatures = new Map(msg.signatures);
    const suspending = new Map<string, ImportSignature>();
    for (const name of r.implemented) {
      const key = importKey('wasi_snapshot_preview1', name);
      const sig = signatures.get(key);
      if (sig) suspending.set(key, sig);
    }
    if (r.meter) {
      r.meter.suspending = true;
      r.meter.stop = ch.stop;
      suspending.set(importKey(FUEL_IMPORT_MODULE, FUEL_IMPORT_NAME), { params: [], results: [] });
    }
    const g = r.start((imports) => instantiateSuspending(msg.module, imports, suspending));
    if (!g) return;
    let result: ExitMessage;
    try {
      if (msg.startExport) await g.call(msg.startExport);
      await g.call('_start');
      result = exitOf(undefined);
    } catch (err) {
      if (err instanceof Stopped || ch.stop.stopped) {
        port.postMessage({ type: 'stopped', id: msg.id });
        return;
      }
      result = exitOf(err);
    }
    r.end(result, g.instance.exports);
  } finally {
    guests.delete(msg.id);
  }
}

port.on('message', (msg: SharedWorkerRequest) => {
  if (msg.type === 'stop') guests.get(msg.id)?.stop.stop();
  else void run(msg);
});
port.postMessage({ type: 'ready' });
