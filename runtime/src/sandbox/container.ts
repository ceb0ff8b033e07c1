// One running container: its worker, its main-thread I/O host, its log. Created by Sandbox.start().
import type net from 'node:net';
import { ChannelServer, USAGE, channelViews } from './rpc-channel.js';
import type { HostIo } from './host-io.js';
import type { OutputSink } from './stdio-sink.js';
import type { WorkerMessage } from './worker-protocol.js';
import { exitStatusOf, type ExitStatus } from './exit-status.js';
import type { GuestThread } from './shared-workers.js';

export interface ContainerUsage {
  /** CPU used over the recent window (≈10 s), in nanocores as metrics-server reports. */
  cpuNanoCores: number;
  /** Total CPU time of the guest so far (ns; run time of its worker, see CpuClock). */
  cpuNs: number;
  /** Total fuel burnt so far (0 for a module without fuel metering). */
  fuelConsumed: number;
  /** Linear memory size (bytes) last seen. */
  memoryBytes: number;
  /** cgroup cpu.stat style: CFS periods the guest ran in, and those it was throttled in. */
  periods: number;
  throttledPeriods: number;
  throttledNs: number;
}

const WINDOW_MS = 10_000;

export class Container {
  readonly exited: Promise<ExitStatus>;
  /** The pre-opened listening sockets as bound (port 0 in listenPorts becomes the real port here). */
  readonly listening: { name: string; ip: string; port: number }[];
  /** Resolves when the guest's _start begins (or the container ended before that). */
  readonly running: Promise<void>;
  private resolveExit!: (s: ExitStatus) => void;
  private resolveRunning!: () => void;
  private startedAt = new Date();
  private done = false;
  private killed = false;
  private stopTimer?: NodeJS.Timeout;
  private stopDeadline = Infinity;
  private samples: { t: number; cpuNs: number }[] = [];
  private sampler: NodeJS.Timeout;
  private readonly usageView: Float64Array;

  constructor(
    readonly id: string,
    private readonly worker: GuestThread,
    private readonly server: ChannelServer,
    private readonly io: HostIo,
    private readonly log: OutputSink,
    private readonly listeners: net.Server[],
    names: string[],
    sab: SharedArrayBuffer,
  ) {
    this.usageView = channelViews(sab).usage;
    this.listening = listeners.map((l, i) => {
      const a = l.address();
      return typeof a === 'object' && a ? { name: names[i], ip: a.address, port: a.port } : { name: names[i], ip: '', port: 0 };
    });
    this.exited = new Promise((r) => (this.resolveExit = r));
    this.running = new Promise((r) => (this.resolveRunning = r));
    this.sampler = setInterval(() => this.sample(), 1000);
    this.sampler.unref();
    worker.on('message', (m: WorkerMessage) => this.onMessage(m));
    worker.on('error', (err: Error) => this.finish({ exitCode: 128, reason: 'Error', message: `sandbox worker failed: ${err.message}`, startedAt: this.startedAt, finishedAt: new Date() }));
    worker.on('exit', () => {
      // Only reached without an exit message when terminated by stop() or if the worker crashed.
      this.finish(this.killed
        ? { exitCode: 137, reason: 'Killed', message: 'stopped', startedAt: this.startedAt, finishedAt: new Date() }
        : { exitCode: 128, reason: 'Error', message: 'sandbox worker exited unexpectedly', startedAt: this.startedAt, finishedAt: new Date() });
    });
  }

  private onMessage(m: WorkerMessage): void {
    switch (m.type) {
      case 'started':
        this.startedAt = new Date(m.at);
        this.sample();
        this.resolveRunning();
        break;
      case 'log':
        if (!this.done) this.log.write(m.fd === 1 ? 'stdout' : 'stderr', m.data);
        break;
      case 'exit':
        this.finish(exitStatusOf(m, this.startedAt));
        break;
    }
  }

  private finish(status: ExitStatus): void {
    if (this.done) return;
    this.done = true;
    clearInterval(this.sampler);
    if (this.stopTimer) clearTimeout(this.stopTimer);
    this.server.close();
    this.io.close();
    for (const l of this.listeners) l.close();
    this.log.close();
    // A dedicated worker ran a guest: it is never reused (a shared one just lets the guest go).
    void this.worker.terminate();
    this.resolveRunning();
    this.resolveExit(status);
  }

  /**
   * Stops the container. A WASI guest has no signals to catch, so there is nothing to deliver:
   * the guest gets `graceMs` to finish on its own, then its worker is terminated (which also
   * ends a guest spinning in a loop that never calls the host).
   */
  stop(graceMs = 0): Promise<ExitStatus> {
    if (this.done) return this.exited;
    const kill = () => {
      this.killed = true;
      void this.worker.terminate();
    };
    // A second stop with a shorter grace period (a delete during a liveness kill) shortens the wait.
    const deadline = performance.now() + Math.max(0, graceMs);
    if (this.stopTimer && deadline >= this.stopDeadline) return this.exited;
    if (this.stopTimer) clearTimeout(this.stopTimer);
    if (graceMs <= 0) kill();
    else {
      // The guest's SIGTERM: its listeners close, so a server drains and exits on its own.
      this.io.shutdownListeners();
      this.stopDeadline = deadline;
      this.stopTimer = setTimeout(kill, graceMs);
    }
    return this.exited;
  }

  get finished(): boolean {
    return this.done;
  }

  private sample(): void {
    const now = performance.now();
    this.samples.push({ t: now, cpuNs: this.usageView[USAGE.CPU_NS] });
    while (this.samples.length > 2 && now - this.samples[1].t >= WINDOW_MS) this.samples.shift();
  }

  usage(): ContainerUsage {
    const u = this.usageView;
    const now = performance.now();
    const cpuNs = u[USAGE.CPU_NS];
    let cpuNanoCores = 0;
    const first = this.samples[0];
    if (first && now - first.t > 50) {
      // ns of CPU per s of wall time = nanocores. A worker parked in a host call publishes no new
      // value meanwhile: never report more than one core for a single-threaded guest.
      cpuNanoCores = Math.round(Math.min(1e9, Math.max(0, (cpuNs - first.cpuNs) / ((now - first.t) / 1000))));
    }
    return {
      cpuNanoCores,
      cpuNs,
      fuelConsumed: u[USAGE.FUEL],
      memoryBytes: u[USAGE.MEMORY],
      periods: u[USAGE.PERIODS],
      throttledPeriods: u[USAGE.THROTTLED],
      throttledNs: u[USAGE.THROTTLED_NS],
    };
  }
}
