// Records core/v1 Events the way client-go's EventRecorder does: the same (object, reason, message)
// within a short window bumps `count` and `lastTimestamp` on one Event instead of creating another.
// Events are written a moment after they happen, those that gathered meanwhile all at once (so
// the API server commits them in one batch); their names carry the time they happened, so a list
// shows them in that order whatever order the writes landed in.

import type { KubeClient } from './rest.js';
import { R } from './resources.js';
import type { KubeObject } from './types.js';

export type EventType = 'Normal' | 'Warning';

interface Recorded {
  name: string;
  namespace: string;
  count: number;
  firstTimestamp: string;
}

/**
 * How long an event waits before it is written. Events are never on anyone's critical path (client-go
 * hands them to a background broadcaster too): writing them a moment later keeps their API writes
 * out of the way of the writes that do matter — a binding, a pod's Running status.
 */
const WRITE_DELAY_MS = 15;

interface Pending {
  obj: KubeObject;
  type: EventType;
  reason: string;
  message: string;
  fieldPath?: string;
  /** When it happened: the Event's timestamps, and its name (which orders a list as the events happened). */
  at: Date;
  nanos: bigint;
}

export class EventRecorder {
  private readonly seen = new Map<string, Recorded>();
  private pending: Pending[] = [];
  private timer?: NodeJS.Timeout;
  /** One gathering of events is written after the other (the count of an aggregated event only grows). */
  private tail: Promise<void> = Promise.resolve();
  private lastNanos = 0n;

  constructor(
    private readonly client: KubeClient,
    private readonly component: string,
    private readonly host?: string,
  ) {}

  /**
   * Fire and forget: an event that cannot be written must not fail the caller's work. fieldPath
   * names the part of the object, e.g. "spec.containers{web}" for a container's events.
   */
  event(obj: KubeObject, type: EventType, reason: string, message: string, fieldPath?: string): void {
    const at = new Date();
    // Kubernetes names an event <object>.<unix nanos in hex>; strictly increasing here, so that
    // events of the same millisecond still list in the order they happened.
    let nanos = BigInt(at.getTime()) * 1_000_000n;
    if (nanos <= this.lastNanos) nanos = this.lastNanos + 1n;
    this.lastNanos = nanos;
    this.pending.push({ obj, type, reason, message, fieldPath, at, nanos });
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), WRITE_DELAY_MS);
      this.timer.unref?.(); // owners flush() when they stop
    }
  }

  /** Writes what is pending now; resolves once every event recorded so far is written (or dropped). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const groups = new Map<string, Pending[]>();
    for (const e of this.pending) {
      const key = aggregationKey(e);
      const g = groups.get(key);
      if (g) g.push(e);
      else groups.set(key, [e]);
    }
    this.pending = [];
    if (groups.size) this.tail = this.tail.then(() => Promise.all([...groups].map(([key, g]) => this.write(key, g).catch(() => undefined)))).then(() => undefined);
    return this.tail;
  }

  /** Writes `same` (one or more occurrences of one event, oldest first) as one Event. */
  private async write(key: string, same: Pending[]): Promise<void> {
    const e = same[0];
    const { obj, type, reason, message, fieldPath } = e;
    const md = obj.metadata;
    const namespace = md.namespace ?? 'default';
    const now = same[same.length - 1].at.toISOString();
    const prev = this.seen.get(key);
    if (prev) {
      prev.count += same.length;
      try {
        await this.client.patch(R.events, prev.namespace, prev.name, 'merge', { count: prev.count, lastTimestamp: now });
        return;
      } catch {
        this.seen.delete(key); // expired or deleted: write a new one
      }
    }
    const first = e.at.toISOString();
    const name = `${md.name}.${e.nanos.toString(16)}`;
    const ev = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        name: md.name,
        namespace: md.namespace,
        uid: md.uid,
        resourceVersion: md.resourceVersion,
        ...(fieldPath ? { fieldPath } : {}),
      },
      reason,
      message,
      type,
      count: same.length,
      firstTimestamp: first,
      lastTimestamp: now,
      source: { component: this.component, ...(this.host ? { host: this.host } : {}) },
      reportingComponent: this.component,
      reportingInstance: this.host ?? '',
    };
    await this.client.create(R.events, namespace, ev as unknown as KubeObject);
    if (this.seen.size > 4096) this.seen.clear();
    this.seen.set(key, { name, namespace, count: same.length, firstTimestamp: first });
  }
}

function aggregationKey(e: Pending): string {
  const md = e.obj.metadata;
  return `${md.uid ?? md.name}\u0000${e.fieldPath ?? ''}\u0000${e.type}\u0000${e.reason}\u0000${e.message}`;
}
