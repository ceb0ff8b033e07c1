// Delivers committed events to watchers. Writers only append to the ring and call notify();
// each watcher has its own cursor and is pumped in its own setImmediate turn, so a watcher can
// never block a writer and always sees events in revision order. A watcher pumps at most
// MAX_PER_TURN revisions per turn so that a long replay does not starve the event loop; one that
// falls so far behind that its next event has been compacted away is ended with Gone.

import { StoreError, type Watch, type WatchOptions } from './store.js';
import type { EventRing } from './event-ring.js';

const MAX_PER_TURN = 2000;

class Watcher implements Watch {
  scheduled = false;
  closed = false;

  constructor(
    private readonly hub: WatchHub,
    readonly prefix: string,
    /** Last revision delivered or skipped. */
    public cursor: number,
    readonly options: WatchOptions,
  ) {}

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.hub.remove(this);
  }

  fail(err: StoreError): void {
    if (this.closed) return;
    this.close();
    this.options.onError?.(err);
  }
}

export class WatchHub {
  private readonly watchers = new Set<Watcher>();

  constructor(private readonly ring: EventRing) {}

  get size(): number {
    return this.watchers.size;
  }

  add(prefix: string, fromRevision: number, options: WatchOptions): Watch {
    const w = new Watcher(this, prefix, fromRevision, options);
    this.watchers.add(w);
    if (fromRevision < this.ring.last) this.schedule(w);
    return w;
  }

  remove(w: Watcher): void {
    this.watchers.delete(w);
  }

  /** New events were committed to the ring. */
  notify(): void {
    for (const w of this.watchers) this.schedule(w);
  }

  /** True while some watcher has not yet been handed every committed event. */
  behind(): boolean {
    for (const w of this.watchers) if (w.cursor < this.ring.last) return true;
    return false;
  }

  /** End every watch (store closed). */
  failAll(err: StoreError): void {
    for (const w of [...this.watchers]) w.fail(err);
  }

  private schedule(w: Watcher): void {
    if (w.scheduled || w.closed) return;
    w.scheduled = true;
    setImmediate(() => this.pump(w));
  }

  private pump(w: Watcher): void {
    w.scheduled = false;
    if (w.closed) return;
    if (w.cursor < this.ring.compacted) {
      w.fail(
        new StoreError('Gone', `too old resource version: ${w.cursor + 1} (${this.ring.compacted}): watcher fell behind`),
      );
      return;
    }
    const upto = Math.min(this.ring.last, w.cursor + MAX_PER_TURN);
    while (w.cursor < upto) {
      const rev = w.cursor + 1;
      const ev = this.ring.at(rev);
      w.cursor = rev;
      if (ev === undefined || !ev.kv.key.startsWith(w.prefix)) continue;
      try {
        w.options.onEvent(ev);
      } catch (e) {
        w.fail(new StoreError('Closed', `watch ended: its event handler threw: ${(e as Error)?.message ?? e}`));
        return;
      }
      if (w.closed) return;
    }
    if (w.cursor < this.ring.last) this.schedule(w);
  }
}
