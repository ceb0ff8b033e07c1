// Containers whose guests share worker threads (shared-worker-main.ts): one Node worker costs ~8.5 MB
// resident on Node 20 (~11.7 MB on 24) before it runs anything, a guest suspended in a host call next
// to nothing. A metered guest takes turns at its fuel check-ins, so none can hold the thread; each is
// stopped alone. Needs stack switching (engine/suspend.ts): Node 24, or Node 20 started with
// --experimental-wasm-stack-switching.
import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { RunMessage } from './worker-protocol.js';
import type { SharedRunMessage, SharedWorkerMessage, SharedWorkerRequest } from './shared-worker-main.js';
import type { ImportSignature } from './engine/suspend.js';

const WORKER_URL = new URL('./shared-worker-main.js', import.meta.url);
/** Guests per worker: past this a new worker starts (a spinning guest gets 1/n of its thread). */
const GUESTS_PER_WORKER = 32;
/** A guest that has not stopped this long after being asked (it cannot: a bug) takes its worker down. */
const STOP_BACKSTOP_MS = 5_000;

/** What a Container needs of the thread its guest runs on: a Worker, or a SharedGuest. */
export interface GuestThread {
  /** 'message' (WorkerMessage), 'error' (Error), 'exit' (the guest is gone without an exit message). */
  on(event: 'message' | 'error' | 'exit', fn: (...args: any[]) => void): unknown;
  /** Ends the guest now (a dedicated worker: terminated). */
  terminate(): Promise<unknown>;
}

class Host {
  readonly guests = new Map<number, SharedGuest>();
  constructor(readonly worker: Worker) {
    worker.unref(); // an idle shared worker must not keep the agent alive
    worker.on('message', (m: SharedWorkerMessage | { type: 'ready' }) => {
      if (!('id' in m)) return;
      const g = this.guests.get(m.id);
      if (!g) return;
      if (m.type === 'stopped') g.ended();
      else {
        // Done before the Container hears of the exit: its terminate() then has nothing left to stop.
        if (m.type === 'exit') g.finished();
        g.emit('message', m);
      }
    });
    const lost = (err?: Error) => {
      for (const g of [...this.guests.values()]) {
        if (err) g.emit('error', err);
        g.ended();
      }
    };
    worker.on('error', lost);
    worker.on('exit', () => lost());
  }

  add(g: SharedGuest): void {
    this.guests.set(g.id, g);
    this.worker.ref();
  }

  release(g: SharedGuest): void {
    this.guests.delete(g.id);
    if (this.guests.size === 0) this.worker.unref();
  }
}

/** One guest on a shared worker, seen as the thread a Container drives. */
export class SharedGuest extends EventEmitter implements GuestThread {
  private done = false;
  private backstop?: NodeJS.Timeout;

  constructor(
    readonly id: number,
    private readonly host: Host,
  ) {
    super();
  }

  run(msg: RunMessage, signatures: [string, ImportSignature][]): void {
    const m: SharedRunMessage = { ...msg, id: this.id, signatures };
    this.host.worker.postMessage(m);
  }

  /** Stops the guest at its current wait; 'exit' once it has stopped (or had already ended). */
  terminate(): Promise<void> {
    if (this.done) return Promise.resolve();
    const stop: SharedWorkerRequest = { type: 'stop', id: this.id };
    this.host.worker.postMessage(stop);
    this.backstop ??= setTimeout(() => void this.host.worker.terminate(), STOP_BACKSTOP_MS);
    return new Promise((resolve) => this.once('exit', () => resolve()));
  }

  /** The guest is gone (stopped, or its worker died): the Container sees its thread exit. */
  ended(): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.backstop);
    this.host.release(this);
    this.emit('exit');
  }

  /** The guest reported its exit: later terminate() calls have nothing to stop. */
  finished(): void {
    this.done = true;
    clearTimeout(this.backstop);
    this.host.release(this);
  }
}

export class SharedWorkers {
  private readonly hosts: Host[] = [];
  private nextId = 1;
  private closed = false;

  /** Starts the first worker now, so that the first guest does not wait for it. */
  constructor() {
    this.spawn();
  }

  place(): SharedGuest {
    if (this.closed) throw new Error('the sandbox is closed');
    const host = this.hosts.find((h) => h.guests.size < GUESTS_PER_WORKER) ?? this.spawn();
    const g = new SharedGuest(this.nextId++, host);
    host.add(g);
    return g;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.hosts.splice(0).map((h) => h.worker.terminate()));
  }

  private spawn(): Host {
    const host = new Host(new Worker(WORKER_URL, { stdout: false, stderr: false }));
    host.worker.on('exit', () => {
      const i = this.hosts.indexOf(host);
      if (i >= 0) this.hosts.splice(i, 1);
    });
    this.hosts.push(host);
    return host;
  }
}
