// PROTOTYPE (branch shared-workers), run from the repo root after npm run build:
//   node --experimental-wasm-stack-switching bench/prototype/rss-shared.mjs shared 9   (Node 20: the flag must be on the command line)
//   node bench/prototype/rss-shared.mjs workers 9
// N httpd guests: all in one shared worker, or one worker each (the Sandbox today). Prints RSS growth.
import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
const { request } = createRequire(import.meta.url)('undici');
const R = '/work/sw/runtime/dist/sandbox/';
const { Engine, TYPICAL_FUEL_PER_CORE_SECOND, hostedMemories } = await import(R + 'engine/index.js');
const { importSignatures } = await import(R + 'engine/suspend.js');
const { HostIo } = await import(R + 'host-io.js');
const { LoopbackNetwork } = await import(R + 'network.js');
const { CHANNEL_BYTES, ChannelServer } = await import(R + 'rpc-channel.js');
const { Sandbox, supportedImports } = await import(R + 'sandbox.js');
const rss = () => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]) / 1024;
const N = Number(process.argv[3] ?? 9), mode = process.argv[2];
const bytes = fs.readFileSync('/work/sw/runtime/src/sandbox/testdata/httpd.wasm');
const network = new LoopbackNetwork();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let ports = [];
let r0;
if (mode === 'shared') {
  const image = await new Engine().compile(bytes, { metered: true, hostMemories: true, supportedImports });
  await sleep(500); r0 = rss();
  const worker = new Worker(R + 'shared-worker-main.js');
  await new Promise((r) => worker.once('message', r));
  for (let id = 0; id < N; id++) {
    const listener = await network.listen('127.0.0.1', 0);
    const io = new HostIo([], [{ server: listener, name: 'http' }], network, '127.0.0.1');
    const sab = new SharedArrayBuffer(CHANNEL_BYTES);
    new ChannelServer(sab, io.handle).start();
    ports.push(listener.address().port);
    worker.postMessage({ type: 'run', id, module: image.module, sab, args: ['httpd'], env: ['LISTEN_FDS=1', 'LISTEN_FDNAMES=http', 'LISTEN_FDS_START=3'], memories: hostedMemories(image), startExport: image.startExport, fuel: { fuelPerCoreSecond: TYPICAL_FUEL_PER_CORE_SECOND }, signatures: [...importSignatures(bytes)] });
  }
} else {
  const sb = new Sandbox({ poolSize: 1, logDir: '/tmp/rss-logs', fuelPerCoreSecond: TYPICAL_FUEL_PER_CORE_SECOND });
  const image = await sb.compile(bytes, { metered: true });
  await sb.pool.warm(); await sleep(500); r0 = rss();
  for (let id = 0; id < N; id++) {
    const c = await sb.start({ id: `g${id}`, image, listenPorts: [{ name: 'http', port: 0, ip: '127.0.0.1' }] });
    ports.push(c.listening[0].port);
  }
}
for (let round = 0; round < 3; round++) for (const p of ports) await (await request(`http://127.0.0.1:${p}/`)).body.text();
await sleep(1500);
console.log(`${process.version} ${mode}: ${N} httpd guests serving: +${(rss() - r0).toFixed(1)} MB (${((rss() - r0) / N).toFixed(2)} MB each)`);
process.exit(0);
