// The retained event history in memory. Every revision produces exactly one event, so the
// events are contiguous: the event of revision r sits at position r - compacted - 1.

import type { WatchEvent } from './store.js';

export class EventRing {
  private events: WatchEvent[] = [];
  private head = 0;

  /** @param compacted events with revision <= compacted are gone. */
  constructor(private compactedRev: number) {}

  get compacted(): number {
    return this.compactedRev;
  }

  /** Revision of the newest event (== compacted when empty). */
  get last(): number {
    return this.compactedRev + this.events.length - this.head;
  }

  at(revision: number): WatchEvent | undefined {
    if (revision <= this.compactedRev || revision > this.last) return undefined;
    return this.events[this.head + revision - this.compactedRev - 1];
  }

  push(event: WatchEvent): void {
    if (event.kv.modRevision !== this.last + 1) {
      throw new Error(`event history gap: got revision ${event.kv.modRevision}, expected ${this.last + 1}`);
    }
    this.events.push(event);
  }

  /** Forget events with revision <= revision. */
  compactTo(revision: number): void {
    if (revision <= this.compactedRev) return;
    const drop = Math.min(revision, this.last) - this.compactedRev;
    this.head += drop;
    this.compactedRev = revision;
    if (this.head === this.events.length) {
      this.events = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.events.length) {
      this.events = this.events.slice(this.head);
      this.head = 0;
    }
  }
}
