// The suspend.test.ts scenarios, run on a worker thread as the sandbox runs guests, reported back as
// one message.
import { parentPort, workerData } from 'node:worker_threads';
import { importKey, importSignatures, instantiateSuspending, stackSwitching } from '../suspend.js';

const bytes = workerData.bytes as Uint8Array;
const module = new WebAssembly.Module(bytes);
const sigs = importSignatures(bytes);
const block = new Map([[importKey('env', 'block'), sigs.get(importKey('env', 'block'))!]]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function interleave(): Promise<string[]> {
  const log: string[] = [];
  const guest = (name: string, delay: number) => {
    const g = instantiateSuspending(module, { env: { block: async (i: number) => (await sleep(delay), log.push(`${name}${i}`), i + 1), note: () => undefined } }, block);
    return g.call('_start').then(() => (g.instance.exports.acc as () => number)());
  };
  const sums = await Promise.all([guest('a', 2), guest('b', 3)]);
  log.push(`sums ${sums.join(' ')}`);
  return log;
}

async function main() {
  const out: Record<string, unknown> = { mode: stackSwitching() };
  out.interleave = await interleave();
  // A suspending import that returns a plain value does not suspend.
  const plain = instantiateSuspending(module, { env: { block: (i: number) => i * 2, note: () => undefined } }, block);
  await plain.call('_start');
  out.plain = (plain.instance.exports.acc as () => number)();
  // A rejected promise is thrown into the guest at its import and rejects call().
  const failing = instantiateSuspending(module, { env: { block: async () => Promise.reject(new Error('host says no')), note: () => undefined } }, block);
  out.rejected = await failing.call('_start').then(() => 'resolved', (e: Error) => e.message);
  // A trap after a suspension rejects call() with the RuntimeError.
  const trapping = instantiateSuspending(module, { env: { block: async () => 0, note: () => undefined } }, block);
  out.trap = await trapping.call('boom').then(() => 'resolved', (e: Error) => `${e.constructor.name}: ${e.message}`);
  parentPort!.postMessage(out);
}

main().catch((e: Error) => parentPort!.postMessage({ error: e.stack }));
