// The shared worker itself (shared-worker-main.ts): several containers' guests on ONE worker thread, each served by
// its own host side (HostIo + ChannelServer on the main thread, as the Sandbox sets them up), each
// suspended while it waits in accept/poll/recv so that the others run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { request } from 'undici';
import { Engine, TYPICAL_FUEL_PER_CORE_SECOND, hostedMemories } from './engine/index.js';
import { importSignatures, stackSwitching } from './engine/suspend.js';
import { HostIo } from './host-io.js';
import { LoopbackNetwork } from './network.js';
import { CHANNEL_BYTES, ChannelServer, USAGE, channelViews } from './rpc-channel.js';
import { supportedImports } from './sandbox.js';
import { guestBytes } from './test-guests.js';
import type { SharedRunMessage, SharedWorkerMessage } from './shared-worker-main.js';

// Node 20 has stack switching only when started with --experimental-wasm-stack-switching (scripts/test.mjs passes it).
const NO_STACK_SWITCHING = stackSwitching() ? false : 'no WebAssembly stack switching in this process';

/** A shared worker that has said `ready`, and every message it sends from then on. */
async function sharedWorker(): Promise<{ worker: Worker; messages: SharedWorkerMessage[] }> {
  const worker = new Worker(new URL('./shared-worker-main.js', import.meta.url));
  const messages: SharedWorkerMessage[] = [];
  await new Promise<void>((r) => worker.once('message', () => r()));
  worker.on('message', (m: SharedWorkerMessage) => messages.push(m));
  return { worker, messages };
}

test('guests of several containers share one worker: each serves HTTP while the others wait', { skip: NO_STACK_SWITCHING }, async () => {
  const bytes = guestBytes('httpd');
  const image = await new Engine().compile(bytes, { metered: true, hostMemories: true, supportedImports });
  const signatures = [...importSignatures(bytes)];
  const { worker, messages } = await sharedWorker();
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

test('a guest that computes without host calls takes turns with its neighbours; a CPU limit suspends it; one guest stops alone', { skip: NO_STACK_SWITCHING }, async () => {
  const engine = new Engine();
  const httpd = guestBytes('httpd');
  const cpu = guestBytes('cpu');
  const images = { httpd: await engine.compile(httpd, { metered: true, hostMemories: true, supportedImports }), cpu: await engine.compile(cpu, { metered: true, hostMemories: true, supportedImports }) };
  const { worker, messages } = await sharedWorker();
  const network = new LoopbackNetwork();
  const hosts: { io: HostIo; server: ChannelServer; sab: SharedArrayBuffer }[] = [];
  const start = async (id: number, name: 'httpd' | 'cpu', args: string[], cpuMillis?: number, listen = false) => {
    const listeners = listen ? [{ server: await network.listen('127.0.0.1', 0), name: 'http' }] : [];
    const io = new HostIo([], listeners, network, '127.0.0.1');
    const sab = new SharedArrayBuffer(CHANNEL_BYTES);
    const server = new ChannelServer(sab, io.handle);
    server.start();
    hosts.push({ io, server, sab });
    const image = images[name];
    const msg: SharedRunMessage = {
      type: 'run', id, module: image.module, sab, args: [name, ...args], env: listen ? ['LISTEN_FDS=1', 'LISTEN_FDNAMES=http', 'LISTEN_FDS_START=3'] : [],
      memories: hostedMemories(image), startExport: image.startExport, growFailedExport: image.growFailedExport,
      fuel: { fuelPerCoreSecond: TYPICAL_FUEL_PER_CORE_SECOND, cpuMillis }, signatures: [...importSignatures(name === 'httpd' ? httpd : cpu)],
    };
    worker.postMessage(msg);
    return listeners[0] ? (listeners[0].server.address() as { port: number }).port : 0;
  };
  try {
    await start(0, 'cpu', ['0']); // spins forever, unlimited
    await start(1, 'cpu', ['0'], 200); // spins forever under limits.cpu 200m
    const port = await start(2, 'httpd', [], undefined, true);
    // Were the spinners never to give the thread up, these would time out.
    for (let i = 1; i <= 5; i++) {
      const res = await request(`http://127.0.0.1:${port}/t${i}`, { headersTimeout: 5_000, bodyTimeout: 5_000 });
      assert.equal(await res.body.text(), `hello from wasm: /t${i} (#${i})\n`);
    }
    await new Promise((r) => setTimeout(r, 1_000));
    const logs = (id: number) => messages.filter((m) => m.id === id && m.type === 'log').length;
    assert.ok(logs(0) > 0 && logs(1) > 0, `both spinners progressed (${logs(0)}, ${logs(1)} log chunks)`);
    const limited = channelViews(hosts[1].sab).usage;
    const free = channelViews(hosts[0].sab).usage;
    assert.ok(limited[USAGE.THROTTLED] > 0, 'the limited spinner was throttled');
    assert.ok(limited[USAGE.FUEL] < free[USAGE.FUEL] / 2, `the limited spinner burnt less: ${limited[USAGE.FUEL]} vs ${free[USAGE.FUEL]}`);
    assert.deepEqual(messages.filter((m) => m.type === 'exit'), []);

    // Stopping one guest stops it alone: first the unlimited spinner, then the server (suspended in poll).
    const stopped = (id: number) =>
      new Promise<void>((resolve) => {
        const check = (m: SharedWorkerMessage) => m.id === id && m.type === 'stopped' && (worker.off('message', check), resolve());
        worker.on('message', check);
      });
    let gone = stopped(0);
    worker.postMessage({ type: 'stop', id: 0 });
    await gone;
    const limitedFuel = () => channelViews(hosts[1].sab).usage[USAGE.FUEL];
    const before = limitedFuel();
    const res = await request(`http://127.0.0.1:${port}/after`, { headersTimeout: 5_000, bodyTimeout: 5_000 });
    assert.equal(await res.body.text(), 'hello from wasm: /after (#6)\n');
    gone = stopped(2);
    worker.postMessage({ type: 'stop', id: 2 });
    await gone;
    // It prints about once a second under its limit: watch the fuel it burns instead.
    for (let i = 0; i < 50 && limitedFuel() <= before; i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(limitedFuel() > before, 'the limited spinner goes on');
    assert.deepEqual(messages.filter((m) => m.type === 'exit'), []);
  } finally {
    await worker.terminate();
    for (const h of hosts) {
      h.server.close();
      h.io.close();
    }
  }
});
