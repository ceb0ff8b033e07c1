// The sandbox: starts WASI containers in warm workers. In the spirit of wasmtime's
// Engine/Module/Store/Linker: an image is compiled once (engine/), each start() instantiates it in a
// fresh worker with its own args, env, mounts, sockets, limits and log (the "store").
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import type net from 'node:net';
import { WorkerPool } from './worker-pool.js';
import { ChannelServer, CHANNEL_BYTES } from './rpc-channel.js';
import { HostIo, type Mount } from './host-io.js';
import type { Readable, Writable } from 'node:stream';
import { LogWriter } from './log-writer.js';
import { StreamSink } from './stdio-sink.js';
import { Container } from './container.js';
import { LoopbackNetwork, type PodNetwork } from './network.js';
import { FUEL_IMPORT_MODULE, FUEL_IMPORT_NAME } from './fuel-abi.js';
import type { RunMessage } from './worker-protocol.js';
import { Engine, TYPICAL_FUEL_PER_CORE_SECOND, calibrateFuelInWorker, hostedMemories, type CompiledImage } from './engine/index.js';
import { WASI_FUNCTIONS } from './wasi-guest.js';
import { SharedWorkers, type SharedGuest } from './shared-workers.js';
import { stackSwitching } from './engine/suspend.js';

/** What this host provides to guests: our preview1 functions and the WasmEdge socket extension. */
export function supportedImports(module: string, name: string, kind: string): boolean {
  return module === 'wasi_snapshot_preview1' && kind === 'function' && WASI_FUNCTIONS.has(name);
}

export interface ListenPort {
  /** Container port name (LISTEN_FDNAMES); defaults to "port-<n>". */
  name?: string;
  port: number;
  /** Pod IP to bind. */
  ip: string;
}

export interface ContainerLimits {
  /** limits.cpu in millicores: a CFS-like rate (needs a fuel-metered module). */
  cpuMillis?: number;
  /**
   * limits.memory: every linear memory's maximum (default: the limit the image was compiled for).
   * An image from sandbox.compile() takes any limit; one compiled with the cap inside must match it.
   */
  memoryBytes?: number;
  /** Total fuel before the guest is trapped with reason FuelExhausted. */
  fuelBudget?: number;
}

export interface StartOptions {
  id: string;
  /** From sandbox.compile() (engine: fuel-metered, memory-capped), or a bare module (no limits). */
  image: CompiledImage | WebAssembly.Module;
  /** argv, including argv[0]. */
  args?: string[];
  env?: Record<string, string> | string[];
  mounts?: Mount[];
  listenPorts?: ListenPort[];
  limits?: ContainerLimits;
  /** Defaults to <logDir>/<id>.log. */
  logPath?: string;
  stdin?: string | Uint8Array;
  /**
   * For exec and exec probes: streams instead of the log file. stdin (if given) is read as the
   * guest reads fd 0 (blocking until data or end); stdout/stderr receive the output as it is written.
   */
  stdio?: { stdin?: Readable; stdout?: Writable; stderr?: Writable };
  /** The pod's IP (outbound source address, `localhost`); defaults to the first listen port's IP or 127.0.0.1. */
  podIp?: string;
}

export interface SandboxOptions {
  /** Pre-spawned workers kept ready (default 2). */
  poolSize?: number;
  logDir?: string;
  network?: PodNetwork;
  /**
   * Fuel units per core-second. If not given, measured (calibrateFuelInWorker, ~150 ms on a worker
   * thread, once per process) calibrationDelayMs (default 2 s) after the sandbox starts, with a
   * typical value meanwhile.
   */
  fuelPerCoreSecond?: number;
  calibrationDelayMs?: number;
  /** Shares a compile cache with other users; a new Engine otherwise. */
  engine?: Engine;
  /**
   * Metered guests share worker threads (shared-workers.ts). Default: when this process can suspend
   * guests — Node 24, or Node 20 started with --experimental-wasm-stack-switching.
   */
  sharedWorkers?: boolean;
}

export interface SandboxCompileOptions {
  /**
   * limits.memory in bytes: checked against the module's initial memory (MemoryLimitTooLow) and
   * the default for start(); the cap itself is applied per container, so the same bytes compile once
   * whatever the limit.
   */
  memoryLimitBytes?: number;
  /** Fuel instrumentation (default true): needed for cpu limits, fuel budgets and CPU usage. */
  metered?: boolean;
}

export function isFuelMetered(module: WebAssembly.Module): boolean {
  return WebAssembly.Module.imports(module).some((i) => i.module === FUEL_IMPORT_MODULE && i.name === FUEL_IMPORT_NAME);
}

export class Sandbox {
  readonly pool: WorkerPool;
  private readonly shared?: SharedWorkers;
  readonly network: PodNetwork;
  readonly engine: Engine;
  fuelPerCoreSecond: number;
  private readonly logDir: string;
  private readonly containers = new Set<Container>();
  private closed = false;
  private calibration?: NodeJS.Timeout;

  constructor(opts: SandboxOptions = {}) {
    this.shared = opts.sharedWorkers ?? stackSwitching() !== undefined ? new SharedWorkers() : undefined;
    // With shared workers, a worker of its own is for the odd bare or unmetered module: none waits warm.
    this.pool = new WorkerPool(this.shared ? 0 : (opts.poolSize ?? 2));
    this.network = opts.network ?? new LoopbackNetwork();
    this.logDir = opts.logDir ?? path.resolve('logs');
    this.engine = opts.engine ?? new Engine();
    this.fuelPerCoreSecond = opts.fuelPerCoreSecond ?? TYPICAL_FUEL_PER_CORE_SECOND;
    if (opts.fuelPerCoreSecond === undefined) {
      // Not during start-up: the measurement burns ~150 ms of a core that a starting node and its
      // first pods need (measured: `up` → first pod Ready ~80 ms sooner on 2 cores).
      this.calibration = setTimeout(() => {
        calibrateFuelInWorker().then(
          (c) => (this.fuelPerCoreSecond = c.fuelPerCoreSecond),
          (e: Error) => process.emitWarning(`fuel calibration failed, using ${TYPICAL_FUEL_PER_CORE_SECOND} fuel per core-second: ${e.message}`),
        );
      }, opts.calibrationDelayMs ?? 2_000).unref();
    }
  }

  /** Validates, instruments and compiles an image once (cached by digest and metering). Throws ImageError. */
  compile(bytes: Uint8Array, opts: SandboxCompileOptions = {}): Promise<CompiledImage> {
    return this.engine.compile(bytes, { ...opts, hostMemories: true, supportedImports });
  }

  /**
   * Compiles an image ahead of its first container (a node's first image), metered as the kubelet
   * starts them, so that the container starts without compiling. A container that needs the image
   * meanwhile shares the same compile; errors are left for its start to report.
   */
  prepare(bytes: Uint8Array): Promise<void> {
    return this.compile(bytes, { metered: true }).then(
      () => undefined,
      () => undefined,
    );
  }

  async start(o: StartOptions): Promise<Container> {
    if (this.closed) throw new Error(`container ${o.id}: the sandbox is closed`);
    const image = o.image instanceof WebAssembly.Module ? undefined : o.image;
    const module = image ? image.module : (o.image as WebAssembly.Module);
    const podIp = o.podIp ?? o.listenPorts?.[0]?.ip ?? '127.0.0.1';
    const mounts = o.mounts ?? [];
    const limits = { ...o.limits };
    limits.memoryBytes ??= image?.memoryLimitBytes;
    if (image && !image.hostMemories && limits.memoryBytes !== image.memoryLimitBytes) {
      throw new Error(`container ${o.id}: memory limit ${limits.memoryBytes} needs the image compiled with memoryLimitBytes ${limits.memoryBytes} (it has ${image.memoryLimitBytes ?? 'none'})`);
    }
    // The container's own memories, capped: MemoryLimitTooLow before any socket is opened.
    const memories = image?.hostMemories ? hostedMemories(image, limits.memoryBytes) : undefined;
    const metered = image ? image.metered : isFuelMetered(module);
    if (!metered && (limits.cpuMillis !== undefined || limits.fuelBudget !== undefined)) {
      throw new Error(`container ${o.id}: cpu limit / fuel budget need a fuel-metered image (compile it with the engine)`);
    }

    // Sockets first: a port already taken must fail the start, before any guest code runs.
    const listeners: net.Server[] = [];
    try {
      for (const p of o.listenPorts ?? []) listeners.push(await this.network.listen(p.ip, p.port));
    } catch (err) {
      for (const l of listeners) l.close();
      throw new Error(`container ${o.id}: cannot listen: ${(err as Error).message}`);
    }
    const names = (o.listenPorts ?? []).map((p, i) => p.name ?? `port-${i}`);
    let io: HostIo;
    try {
      io = new HostIo(mounts, listeners.map((server, i) => ({ server, name: names[i] })), this.network, podIp, o.stdio?.stdin);
    } catch (err) {
      for (const l of listeners) l.close();
      throw err;
    }

    const env = Array.isArray(o.env) ? [...o.env] : Object.entries(o.env ?? {}).map(([k, v]) => `${k}=${v}`);
    if (listeners.length > 0) {
      // systemd socket activation convention; our fds start after the preopened mounts.
      env.push(`LISTEN_FDS=${listeners.length}`, `LISTEN_FDNAMES=${names.join(':')}`, `LISTEN_FDS_START=${3 + mounts.length}`);
    }

    const sab = new SharedArrayBuffer(CHANNEL_BYTES);
    const server = new ChannelServer(sab, io.handle);
    const log = o.stdio && (o.stdio.stdout || o.stdio.stderr) ? new StreamSink(o.stdio) : new LogWriter(o.logPath ?? path.join(this.logDir, `${o.id}.log`));
    // A metered guest compiled by the engine shares a worker when this process can suspend guests
    // (shared-workers.ts); a bare module, or one that could never be made to yield, gets its own.
    const shared = this.shared && image?.metered ? this.shared : undefined;
    let worker: Worker | undefined;
    let guest: SharedGuest | undefined;
    try {
      if (shared) guest = shared.place();
      else {
        worker = await this.pool.take();
        // close() may have run while this start waited for a worker: nothing of the start may outlive
        // the sandbox (a running guest's worker would keep the process alive).
        if (this.closed) {
          void worker.terminate();
          throw new Error('the sandbox is closed');
        }
        worker.ref();
      }
    } catch (err) {
      io.close();
      for (const l of listeners) l.close();
      log.close();
      throw new Error(`container ${o.id}: ${(err as Error).message}`);
    }
    const c = new Container(o.id, (guest ?? worker)!, server, io, log, listeners, names, sab);
    this.containers.add(c);
    void c.exited.then(() => this.containers.delete(c));
    server.start();
    const stdin = typeof o.stdin === 'string' ? new TextEncoder().encode(o.stdin) : o.stdin;
    const msg: RunMessage = {
      type: 'run', module, sab, args: o.args ?? [o.id], env, stdin, stdinStream: !!o.stdio?.stdin,
      memoryBytes: limits.memoryBytes,
      memories,
      startExport: image?.startExport,
      growFailedExport: image?.growFailedExport,
      fuel: metered ? { fuelPerCoreSecond: this.fuelPerCoreSecond, cpuMillis: limits.cpuMillis, budget: limits.fuelBudget } : undefined,
    };
    if (guest) guest.run(msg, image!.importSignatures);
    else worker!.postMessage(msg);
    return c;
  }

  /** Kills every running container and the idle pool. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.calibration);
    await Promise.all([...this.containers].map((c) => c.stop(0)));
    await this.pool.close();
    await this.shared?.close();
  }
}
