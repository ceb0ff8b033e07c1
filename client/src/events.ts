// Records core/v1 Events the way client-go's EventRecorder does: the same (object, reason, message)
// within a short window bumps `count` and `lastTimestamp` on one Event instead of creating another.

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

export class EventRecorder {
  private readonly seen = new Map<string, Recorded>();
  /** Events are written one after another, so they appear in the order they happened. */
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: KubeClient,
    private readonly component: string,
    private readonly host?: string,
  ) {}

  /** Fire and forget: an event that cannot be written must not fail the caller's work. */
  event(obj: KubeObject, type: EventType, reason: string, message: string, fieldPath?: string): void {
    this.tail = this.tail.then(() => this.record(obj, type, reason, message, fieldPath)).catch(() => undefined);
  }

  /** fieldPath names the part of the object, e.g. "spec.containers{web}" for a container's events. */
  async record(obj: KubeObject, type: EventType, reason: string, message: string, fieldPath?: string): Promise<void> {
    const md = obj.metadata;
    const namespace = md.namespace ?? 'default';
    const key = `${md.uid ?? md.name}\u0000${fieldPath ?? ''}\u0000${type}\u0000${reason}\u0000${message}`;
    const now = new Date().toISOString();
    const prev = this.seen.get(key);
    if (prev) {
      prev.count++;
      try {
        await this.client.patch(R.events, prev.namespace, prev.name, 'merge', { count: prev.count, lastTimestamp: now });
        return;
      } catch {
        this.seen.delete(key); // expired or deleted: write a new one
      }
    }
    const name = `${md.name}.${Date.now().toString(16)}${Math.floor(Math.random() * 0xfff).toString(16)}`;
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
      count: 1,
      firstTimestamp: now,
      lastTimestamp: now,
      source: { component: this.component, ...(this.host ? { host: this.host } : {}) },
      reportingComponent: this.component,
      reportingInstance: this.host ?? '',
    };
    await this.client.create(R.events, namespace, ev as unknown as KubeObject);
    if (this.seen.size > 4096) this.seen.clear();
    this.seen.set(key, { name, namespace, count: 1, firstTimestamp: now });
  }
}
