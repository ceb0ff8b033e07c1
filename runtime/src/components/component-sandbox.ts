// Starts component containers on the sandbox: the same warm workers, channel, main-thread I/O host,
// log writer, limits and Container (stop/terminate, usage, exit status) as core modules; what
// differs is the image (compile.ts), the worker's runner (worker/run.ts) and, for wasi:http
// components, the HTTP listener the runtime owns on the container's ports (http-frontend.ts).
import path from 'node:path';
import type net from 'node:net';
import type { Sandbox, StartOptions } from '../sandbox/sandbox.js';
import { Container } from '../sandbox/container.js';
import { ChannelServer, CHANNEL_BYTES } from '../sandbox/rpc-channel.js';
import { HostIo } from '../sandbox/host-io.js';
import { LogWriter } from '../sandbox/log-writer.js';
import { StreamSink } from '../sandbox/stdio-sink.js';
import { ComponentCompiler, type ComponentCompilerOptions, type ComponentImage } from './compile.js';
import { HttpFrontend } from './http-frontend.js';
import { HttpClientHost } from './http-client-host.js';
import type { RunComponentMessage } from './protocol.js';

export interface ComponentStartOptions extends Omit<StartOptions, 'image'> {
  image: ComponentImage;
  /** wasi:http: instances kept ready for the next requests (default 1). */
  instancePool?: number;
  /** wasi:http: after each request, 'restore' the instance's memories (default when sound) or make a new instance. */
  reuse?: 'restore' | 'reinstantiate';
}

export class ComponentSandbox {
  readonly compiler: ComponentCompiler;
  private readonly containers = new Set<Container>();

  constructor(readonly sandbox: Sandbox, opts: Omit<ComponentCompilerOptions, 'engine'> = {}) {
    this.compiler = new ComponentCompiler({ ...opts, engine: sandbox.engine });
  }

  /** Transpiles (once per digest), checks imports, instruments and compiles. Throws ImageError. */
  compile(bytes: Uint8Array, o: { memoryLimitBytes?: number; metered?: boolean } = {}): Promise<ComponentImage> {
    return this.compiler.compile(bytes, o);
  }

  async start(o: ComponentStartOptions): Promise<Container> {
    const image = o.image;
    const podIp = o.podIp ?? o.listenPorts?.[0]?.ip ?? '127.0.0.1';
    const mounts = o.mounts ?? [];
    const limits = { ...o.limits };
    limits.memoryBytes ??= image.memoryLimitBytes;
    if (limits.memoryBytes !== image.memoryLimitBytes) {
      throw new Error(`container ${o.id}: memory limit ${limits.memoryBytes} needs the component compiled with memoryLimitBytes ${limits.memoryBytes} (it has ${image.memoryLimitBytes ?? 'none'})`);
    }
    if (!image.metered && (limits.cpuMillis !== undefined || limits.fuelBudget !== undefined)) {
      throw new Error(`container ${o.id}: cpu limit / fuel budget need a fuel-metered component`);
    }
    // A wasi:http component's ports are served by the runtime; a command gets no pre-opened sockets.
    const ports = image.kind === 'http' ? (o.listenPorts ?? []) : [];
    if (image.kind === 'http' && ports.length === 0) {
      throw new Error(`container ${o.id}: the component serves wasi:http/incoming-handler but the container declares no port to serve it on`);
    }
    const listeners: net.Server[] = [];
    try {
      for (const p of ports) listeners.push(await this.sandbox.network.listen(p.ip, p.port));
    } catch (err) {
      for (const l of listeners) l.close();
      throw new Error(`container ${o.id}: cannot listen: ${(err as Error).message}`);
    }
    const names = ports.map((p, i) => p.name ?? `port-${i}`);
    let io: HostIo;
    try {
      io = new HostIo(mounts, [], this.sandbox.network, podIp, o.stdio?.stdin);
    } catch (err) {
      for (const l of listeners) l.close();
      throw err;
    }
    const sab = new SharedArrayBuffer(CHANNEL_BYTES);
    const wake = new SharedArrayBuffer(4);
    // Ops from 100 up are the component host's (outgoing HTTP); the rest the preview1 host's (files, sockets).
    const client = new HttpClientHost(this.sandbox.network, podIp, new Int32Array(wake));
    const server = new ChannelServer(sab, (req) => (req.op >= 100 ? client.handle(req) : io.handle(req)));
    const log = o.stdio && (o.stdio.stdout || o.stdio.stderr)
      ? new StreamSink(o.stdio)
      : new LogWriter(o.logPath ?? path.resolve('logs', `${o.id}.log`));
    const worker = await this.sandbox.pool.take();
    worker.ref();
    const c = new Container(o.id, worker, server, io, log, listeners, names, sab);
    this.containers.add(c);
    if (image.kind === 'http') {
      const front = new HttpFrontend(worker, new Int32Array(wake));
      for (const l of listeners) front.attach(l);
      void c.exited.then(() => front.close());
    }
    void c.exited.then(() => {
      client.close();
      this.containers.delete(c);
    });
    server.start();
    const env = Array.isArray(o.env)
      ? o.env.map((kv): [string, string] => { const i = kv.indexOf('='); return i < 0 ? [kv, ''] : [kv.slice(0, i), kv.slice(i + 1)]; })
      : Object.entries(o.env ?? {});
    const msg: RunComponentMessage = {
      type: 'run-component',
      kind: image.kind,
      js: image.js,
      coreModules: image.coreModules,
      coreInfo: image.coreInfo,
      sab,
      wake,
      args: o.args ?? [o.id],
      env,
      stdin: typeof o.stdin === 'string' ? new TextEncoder().encode(o.stdin) : o.stdin,
      preopens: mounts.map((m) => ({ guestPath: m.guestPath, readOnly: !!m.readOnly })),
      memoryBytes: limits.memoryBytes,
      fuel: image.metered ? { fuelPerCoreSecond: this.sandbox.fuelPerCoreSecond, cpuMillis: limits.cpuMillis, budget: limits.fuelBudget } : undefined,
      instancePool: o.instancePool,
      restore: (o.reuse ?? 'restore') === 'restore',
    };
    worker.postMessage(msg);
    return c;
  }

  async close(): Promise<void> {
    await Promise.all([...this.containers].map((c) => c.stop(0)));
  }
}
