// Child process of component-bench.ts: serves a wasi:http component through the runtime's
// component sandbox (runtime-owned listener → worker → instance, as a pod's container), on
// 127.0.0.1:<port>, and prints "listening <port>" once the first request can be served.
//   node component-server.js <component.wasm> <reuse: restore|reinstantiate>
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Sandbox } from '@wasmkube/runtime';
import { ComponentSandbox } from '@wasmkube/runtime/components';

const [file, reuse] = process.argv.slice(2);
const dir = mkdtempSync(path.join(tmpdir(), 'component-bench-'));
const sandbox = new Sandbox({ poolSize: 1, logDir: dir });
const cs = new ComponentSandbox(sandbox, { cacheDir: path.join(dir, 'cache') });
const image = await cs.compile(readFileSync(file));
const c = await cs.start({
  id: 'bench', image, listenPorts: [{ ip: '127.0.0.1', port: 0 }], logPath: path.join(dir, 'bench.log'),
  reuse: reuse === 'reinstantiate' ? 'reinstantiate' : 'restore',
});
await c.running;
console.log(`listening ${c.listening[0].port}`);
process.on('SIGTERM', () => void c.stop(0).then(() => sandbox.close()).then(() => process.exit(0)));
