// A warm pool of pre-spawned workers: spawning one costs ~45 ms (FACTS.md), taken off the pod start.
// A worker runs one container and is then discarded; the pool refills in the background.
import { Worker } from 'node:worker_threads';
import { useOptimizingTier } from './engine/tier.js';

const REFILL_DELAY_MS = 100;
const WORKER_URL = new URL('./worker-main.js', import.meta.url);

/**
 * wasm on the optimising tier only, compiled eagerly (engine/tier.ts): V8 flags are process-wide,
 * so setting them on the main thread covers the workers and the modules posted to them.
 */
export const setWasmFlags = useOptimizingTier;

export class WorkerPool {
  private ready: Worker[] = [];
  private spawning = 0;
  private waiters: { resolve: (w: Worker) => void; reject: (e: Error) => void }[] = [];
  private closed = false;

  constructor(readonly size: number) {
    setWasmFlags();
    this.fill();
  }

  /** A worker that has loaded the guest runner; spawns one if the pool is empty. */
  take(): Promise<Worker> {
    const w = this.ready.shift();
    if (w) {
      // Refill a little later: spawning a worker costs ~45 ms of CPU (and several ms of this
      // thread), which would otherwise compete with the container that is starting right now.
      setTimeout(() => this.fill(), REFILL_DELAY_MS).unref();
      return Promise.resolve(w);
    }
    if (this.closed) return Promise.reject(new Error('the worker pool is closed'));
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.fill();
    });
  }

  get idle(): number {
    return this.ready.length;
  }

  /** Resolves once `size` workers are ready (for benchmarks and start-up). */
  async warm(): Promise<void> {
    for (let i = 0; i < 500 && this.ready.length < this.size && !this.closed; i++) await new Promise((r) => setTimeout(r, 10));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiters.splice(0)) w.reject(new Error('the worker pool is closed'));
    const ws = this.ready;
    this.ready = [];
    await Promise.all(ws.map((w) => w.terminate()));
  }

  private fill(): void {
    if (this.closed) return;
    while (this.ready.length + this.spawning < this.size + this.waiters.length) this.spawn();
  }

  private spawn(): void {
    this.spawning++;
    // Wasm memories are not covered by resourceLimits (FACTS.md); the engine caps them instead.
    const w = new Worker(WORKER_URL, { stdout: false, stderr: false });
    const onError = () => {
      this.spawning--;
    };
    w.once('error', onError);
    w.once('message', (m: { type: string }) => {
      w.off('error', onError);
      this.spawning--;
      if (m.type !== 'ready' || this.closed) {
        void w.terminate();
        return;
      }
      w.unref(); // idle pool workers must not keep the agent alive
      const waiter = this.waiters.shift();
      if (waiter) waiter.resolve(w);
      else this.ready.push(w);
      this.fill();
    });
  }
}
