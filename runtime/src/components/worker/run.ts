// Runs a component container on its worker (the sandbox's warm worker: worker-main.ts hands a
// `run-component` message here). A wasi:cli command runs `run` once and exits; a wasi:http
// incoming-handler serves the requests the agent forwards (http-frontend.ts), one at a time, each
// on a fresh instance (StarlingMonkey serves one request per instance) taken from a small pool that
// is refilled while the worker is idle.
import { parentPort } from 'node:worker_threads';
import { ChannelClient, USAGE } from '../../sandbox/rpc-channel.js';
import { FuelMeter, FuelExhausted } from '../../sandbox/fuel-meter.js';
import { FUEL_GLOBAL_EXPORT, FUEL_IMPORT_MODULE, FUEL_IMPORT_NAME } from '../../sandbox/fuel-abi.js';
import type { WorkerMessage } from '../../sandbox/worker-protocol.js';
import type { AgentToWorker, RunComponentMessage, WorkerToAgent } from '../protocol.js';
import { ioImports, setWake, type OutputSink } from '../wasi/io.js';
import { cliImports, ComponentExit } from '../wasi/cli.js';
import { clockImports } from '../wasi/clocks.js';
import { IncomingRequest, ResponseOutparam, type ResponseSink } from '../wasi/http-types.js';
import { httpImports } from '../wasi/http.js';
import { filesystemImports } from '../wasi/filesystem.js';
import { socketImports } from '../wasi/sockets.js';
import { FuelGlobals } from './fuel-globals.js';
import { StateSnapshot } from '../snapshot.js';

const port = parentPort!;
const send = (m: WorkerMessage | WorkerToAgent) => port.postMessage(m);

interface Live {
  exports: Record<string, Record<string, (...a: unknown[]) => unknown>>;
  globals: WebAssembly.Global[];
  memories: WebAssembly.Memory[];
  growFlags: WebAssembly.Global[];
  snapshot?: StateSnapshot;
  instances: WebAssembly.Instance[];
}

type Instantiate = (
  getCoreModule: (name: string) => WebAssembly.Module,
  imports: Record<string, unknown>,
  instantiateCore: (m: WebAssembly.Module, imports?: WebAssembly.Imports) => WebAssembly.Instance,
) => Live['exports'];

/** Headroom under the cap within which a failed allocation is taken as out-of-memory (as worker-main). */
function nearCap(bytes: number, cap: number): boolean {
  return bytes + Math.max(1 << 20, Math.min(cap / 8, 16 << 20)) >= cap;
}

export async function runComponent(msg: RunComponentMessage): Promise<void> {
  const ch = new ChannelClient(msg.sab);
  setWake({ slot: new Int32Array(msg.wake), index: 0 });
  const output = (fd: 1 | 2): OutputSink => ({
    write: (data) => send({ type: 'log', fd, data }),
    capacity: () => 1 << 20,
  });
  const imports: Record<string, unknown> = {
    ...ioImports(),
    ...clockImports(),
    ...cliImports({ args: msg.args, env: msg.env, stdin: msg.stdin, stdout: output(1), stderr: output(2), cwd: msg.preopens[0]?.guestPath }),
    ...filesystemImports(ch, msg.preopens),
    ...socketImports(ch),
    ...httpImports(ch),
  };

  let meter: FuelMeter | undefined;
  const fuel = new FuelGlobals();
  if (msg.fuel) {
    meter = new FuelMeter(ch.v.usage, ch.v.misc, ch.clock, msg.fuel);
    meter.attach(fuel as unknown as WebAssembly.Global);
  }
  const nameOf = new Map<WebAssembly.Module, string>(Object.entries(msg.coreModules).map(([n, m]) => [m, n]));

  let mod: { instantiate: Instantiate };
  try {
    mod = (await import(`data:text/javascript;base64,${Buffer.from(msg.js).toString('base64')}`)) as { instantiate: Instantiate };
  } catch (e) {
    send({ type: 'exit', at: Date.now(), startError: `cannot load the transpiled component: ${(e as Error).message}`, memoryBytes: 0 });
    return;
  }

  const lives = new Set<Live>();
  const instantiate = (): Live => {
    const live: Live = { exports: {}, globals: [], memories: [], growFlags: [], instances: [] };
    const instantiateCore = (module: WebAssembly.Module, coreImports: WebAssembly.Imports = {}): WebAssembly.Instance => {
      const info = msg.coreInfo[nameOf.get(module) ?? ''] ?? {};
      const all = meter ? { ...coreImports, [FUEL_IMPORT_MODULE]: { [FUEL_IMPORT_NAME]: meter.outOfFuel } } : coreImports;
      const inst = new WebAssembly.Instance(module, all);
      const g = inst.exports[FUEL_GLOBAL_EXPORT];
      if (g instanceof WebAssembly.Global) {
        fuel.add(g);
        live.globals.push(g);
      }
      for (const v of Object.values(inst.exports)) if (v instanceof WebAssembly.Memory) live.memories.push(v);
      const grow = info.growFailedExport ? inst.exports[info.growFailedExport] : undefined;
      if (grow instanceof WebAssembly.Global) live.growFlags.push(grow);
      if (info.startExport) (inst.exports[info.startExport] as () => void)();
      live.instances.push(inst);
      return inst;
    };
    lives.add(live);
    live.exports = mod.instantiate((name) => msg.coreModules[name], imports, instantiateCore);
    if (msg.restore) live.snapshot = new StateSnapshot(live.instances);
    publishMemory();
    return live;
  };
  const drop = (live: Live) => {
    for (const g of live.globals) fuel.drop(g);
    lives.delete(live);
  };
  const memoryBytes = () => {
    let n = 0;
    for (const l of lives) for (const m of l.memories) n += m.buffer.byteLength;
    return n;
  };
  const publishMemory = () => {
    ch.v.usage[USAGE.MEMORY] = memoryBytes();
  };

  /** The exit message for how `err` ended the guest (undefined code = ran to the end). */
  const ending = (err: unknown, live?: Live): WorkerMessage & { type: 'exit' } => {
    let r: WorkerMessage & { type: 'exit' };
    if (err === undefined) r = { type: 'exit', at: 0, code: 0, memoryBytes: 0 };
    else if (err instanceof ComponentExit) r = { type: 'exit', at: 0, code: err.code, memoryBytes: 0 };
    else if (err instanceof FuelExhausted) r = { type: 'exit', at: 0, fuelExhausted: true, trap: err.message, memoryBytes: 0 };
    else if (err instanceof WebAssembly.RuntimeError) r = { type: 'exit', at: 0, trap: err.message, memoryBytes: 0 };
    else if (err instanceof RangeError && /call stack/i.test(err.message)) r = { type: 'exit', at: 0, trap: 'call stack exhausted', memoryBytes: 0 };
    else if (err && typeof err === 'object' && 'payload' in err) r = { type: 'exit', at: 0, code: 1, memoryBytes: 0 }; // run returned err
    else r = { type: 'exit', at: 0, trap: `host error: ${err instanceof Error ? err.message : String(err)}`, memoryBytes: 0 };
    meter?.account();
    const bytes = memoryBytes();
    ch.v.usage[USAGE.MEMORY] = bytes;
    ch.v.usage[USAGE.CPU_NS] = ch.clock.runningMs() * 1e6;
    r.memoryBytes = bytes;
    r.at = Date.now();
    if (msg.memoryBytes !== undefined) r.nearMemoryCap = (live?.memories ?? []).some((m) => nearCap(m.buffer.byteLength, msg.memoryBytes!));
    r.growFailed = (live?.growFlags ?? []).some((g) => Number(g.value) !== 0);
    return r;
  };

  let first: Live;
  try {
    first = instantiate();
  } catch (e) {
    const r = ending(e);
    if (r.trap?.startsWith('host error')) r.startError = `cannot instantiate the component: ${(e as Error).message}`;
    send(r);
    return;
  }
  ch.v.usage[USAGE.RUNNING] = 1;
  send({ type: 'started', at: Date.now() });

  if (msg.kind === 'command') {
    const run = Object.entries(first.exports).find(([k]) => k.startsWith('wasi:cli/run'))?.[1]?.run;
    let err: unknown;
    try {
      run!();
    } catch (e) {
      err = e;
    }
    ch.v.usage[USAGE.RUNNING] = 0;
    send(ending(err, first));
    return;
  }
  // With restore, the one instance is reset after each request: no pool needed.
  serveHttp(first, instantiate, drop, ending, msg.restore ? 1 : Math.max(1, msg.instancePool ?? 1));
}

function serveHttp(
  first: Live,
  instantiate: () => Live,
  drop: (l: Live) => void,
  ending: (err: unknown, live?: Live) => WorkerMessage & { type: 'exit' },
  poolSize: number,
): void {
  const pool: Live[] = [first];
  const queue: (AgentToWorker & { type: 'http-request' })[] = [];
  let busy = false;
  let over = false;
  let refill: NodeJS.Immediate | undefined;

  const handlerOf = (l: Live) => Object.entries(l.exports).find(([k]) => k.startsWith('wasi:http/incoming-handler'))![1].handle;

  const fill = () => {
    refill = undefined;
    // Only while idle: a request waiting in the queue goes first.
    if (over || queue.length > 0 || pool.length >= poolSize) return;
    try {
      pool.push(instantiate());
    } catch (e) {
      finish(e);
      return;
    }
    refill = setImmediate(fill);
  };

  const finish = (err: unknown, live?: Live) => {
    if (over) return;
    over = true;
    send(ending(err, live));
    port.close();
  };

  const next = () => {
    if (busy || over) return;
    const m = queue.shift();
    if (!m) return;
    busy = true;
    let live: Live | undefined = pool.shift();
    if (!live) {
      try {
        live = instantiate();
      } catch (e) {
        queue.unshift(m);
        finish(e);
        return;
      }
    }
    let ended = false;
    const sink: ResponseSink = {
      head: (status, headers) => send({ type: 'http-head', id: m.id, status, headers }),
      body: (data) => send({ type: 'http-body', id: m.id, data }),
      end: (error) => {
        if (ended) return;
        ended = true;
        send({ type: 'http-end', id: m.id, error });
      },
    };
    const out = new ResponseOutparam(sink);
    try {
      handlerOf(live)(new IncomingRequest(m.req), out);
      if (!out.used) {
        sink.head(500, [['content-type', 'text/plain']]);
        sink.body(new TextEncoder().encode('the component returned without a response\n'));
      }
      sink.end();
    } catch (e) {
      if (e instanceof ComponentExit || e instanceof FuelExhausted) {
        sink.end('the container exited');
        finish(e, live);
        return;
      }
      // A trap ends this request and its instance; the container serves on with fresh instances.
      const text = e instanceof Error ? e.message : String(e);
      if (!out.used) {
        sink.head(500, [['content-type', 'text/plain']]);
        sink.body(new TextEncoder().encode(`the component failed: ${text}\n`));
      }
      sink.end(text);
      send({ type: 'log', fd: 2, data: new TextEncoder().encode(`request ${m.req.method} ${m.req.pathWithQuery} failed: ${text}\n`) });
      drop(live);
      live = undefined;
    } finally {
      busy = false;
    }
    if (live?.snapshot) {
      live.snapshot.restore();
      pool.unshift(live);
    } else if (live) drop(live);
    if (queue.length > 0) setImmediate(next);
    else refill ??= setImmediate(fill);
  };

  port.on('message', (m: AgentToWorker) => {
    if (m.type !== 'http-request') return;
    queue.push(m);
    next();
  });
  refill = setImmediate(fill);
}
