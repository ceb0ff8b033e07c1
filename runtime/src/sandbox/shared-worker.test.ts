// PROTOTYPE (branch shared-workers): several containers' guests on ONE worker thread, each served by
// its own host side (HostIo + ChannelServer on the main thread, as the Sandbox sets them up), each
// suspended while it waits in accept/poll/recv so that the others run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { request } from 'undici';
import { Engine, TYPICAL_FUEL_PER_CORE_SECOND, hostedMemories } from './engine/index.js';
import { enableStackSwitching, importSignatures } from './engine/suspend.js';
import { HostIo } from './host-io.js';
import { LoopbackNetwork } from './network.js';
import { CHANNEL_BYTES, ChannelServer } from './rpc-channel.js';
import { supportedImports } from './sandbox.js';
import { guestBytes } from './test-guests.js';
import type { SharedRunMessage, SharedWorkerMessage } from './shared-worker-main.js';

test('guests of several containers share one worker: each serves HTTP while the others wait', async () => {
  enableStackSwitching();
  const bytes = guestBytes('httpd');
  const image = await new Engine().compile(bytes, { metered: true, hostMemories: true, supportedImports });
  const signatures = [...importSignatures(bytes)];
  const worker = new Worker(new URL('./shared-worker-main.js', import.meta.url));
  const messages: SharedWorkerMessage[] = [];
  worker.on('message', (m: SharedWorkerMessage) => messages.push(m));
  await new Promise<void>((r) => worker.once('message', () => r()));
  const network = new LoopbackNetwork();
  const guests: { port: number; io: HostIo; server: ChannelServer }[] = [];
  try {
    for (let id = 0; id < 3; id++) {
      const listener = await network.listen('127.0.0.1', 0);
      const io = new HostIo([], [{ server: listener, name: 'http' }], network, '127.0.0.1');
      const sab = new SharedArrayBuffer(CHANNEL_BYTES);
      const server = new ChannelServer(sab, io.handle);
      server.start();
      guests.push({ port: (listener.address() as { port: number }).port, io, server });
      const msg: SharedRunMessage = {
        type: 'run', id, module: image.module, sab, args: ['httpd'], env: ['LISTEN_FDS=1', 'LISTEN_FDNAMES=http', 'LISTEN_FDS_START=3'],
        memories: hostedMemories(image), startExport: image.startExport, growFailedExport: image.growFailedExport,
        fuel: { fuelPerCoreSecond: TYPICAL_FUEL_PER_CORE_SECOND }, signatures,
      };
      worker.postMessage(msg);
    }
    // Every guest answers, in any order, and again: none holds the thread while it waits.
    for (let round = 1; round <= 3; round++) {
      const bodies = await Promise.all(guests.map((g, i) => request(`http://127.0.0.1:${g.port}/g${i}/r${round}`).then((r) => r.body.text())));
      bodies.forEach((b, i) => assert.equal(b, `hello from wasm: /g${i}/r${round} (#${round})\n`));
    }
    assert.deepEqual(messages.filter((m) => m.type === 'exit'), []);
    assert.equal(new Set(messages.filter((m) => m.type === 'started').map((m) => m.id)).size, 3);
  } finally {
    await worker.terminate();
    for (const g of guests) {
      g.server.close();
      g.io.close();
    }
  }
});
