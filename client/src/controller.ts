// The controller machinery behind `reconcile(key)`: informers feed keys into a work queue, and
// workers call reconcile for each key, level-based and idempotent, as controller-runtime does.

import type { Informer } from './informer.js';
import { isConflict, isNamespaceTerminating } from './errors.js';
import { WorkQueue } from './workqueue.js';
import type { KubeObject } from './types.js';
import { objectKey } from './types.js';

export interface ReconcileResult {
  /** Reconcile this key again after this many milliseconds. */
  requeueAfterMs?: number;
}

export interface Reconciler {
  readonly name: string;
  reconcile(key: string): Promise<ReconcileResult | void>;
}

export interface ControllerOptions {
  workers?: number;
}

export class Controller {
  readonly queue = new WorkQueue({ baseDelayMs: 5, maxDelayMs: 30_000 });
  private readonly informers: Informer<KubeObject>[] = [];
  private running: Promise<void>[] = [];

  constructor(
    private readonly reconciler: Reconciler,
    private readonly opts: ControllerOptions = {},
  ) {}

  /** Enqueue a key for each change of this informer's objects (mapped by `toKeys`, default: the object's own key). */
  watches<T extends KubeObject>(informer: Informer<T>, toKeys: (obj: T) => string[] = (o) => [objectKey(o)]): this {
    const enqueue = (o: T) => {
      for (const k of toKeys(o)) this.queue.add(k);
    };
    informer.on({ add: enqueue, update: (o, old) => { enqueue(old); enqueue(o); }, delete: enqueue });
    this.informers.push(informer as unknown as Informer<KubeObject>);
    return this;
  }

  /** Start informers, wait for their caches, then start the workers. */
  async start(): Promise<void> {
    await Promise.all(this.informers.map((i) => i.start()));
    const workers = this.opts.workers ?? 1;
    for (let i = 0; i < workers; i++) this.running.push(this.work());
  }

  async stop(): Promise<void> {
    for (const i of this.informers) i.stop();
    this.queue.shutdown();
    await Promise.all(this.running);
    this.running = [];
  }

  private async work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      try {
        const res = await this.reconciler.reconcile(key);
        this.queue.forget(key);
        if (res && res.requeueAfterMs !== undefined) this.queue.addAfter(key, res.requeueAfterMs);
      } catch (e) {
        // A conflict only means the cache was behind a write, and a namespace being deleted refuses
        // new objects until its owner goes too: both retry quietly.
        if (!isConflict(e) && !isNamespaceTerminating(e)) console.error(`${this.reconciler.name}: reconcile ${key} failed: ${(e as Error).message}`);
        this.queue.addRateLimited(key);
      } finally {
        this.queue.done(key);
      }
    }
  }
}
