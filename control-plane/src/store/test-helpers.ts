// Shared by the store's tests: temp directories and a watch collector.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store, StoreError, Watch, WatchEvent } from './store.js';

export function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'wasmkube-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface Collector {
  events: WatchEvent[];
  errors: StoreError[];
  watch: Watch;
  /** Resolves once at least n events arrived (the test's own timeout bounds the wait). */
  waitFor(n: number): Promise<WatchEvent[]>;
  /** Resolves once onError was called. */
  waitForError(): Promise<StoreError>;
}

export function collect(store: Store, prefix: string, fromRevision: number): Collector {
  const events: WatchEvent[] = [];
  const errors: StoreError[] = [];
  let wake: () => void = () => {};
  const changed = () => wake();
  const watch = store.watch(prefix, {
    fromRevision,
    onEvent: (e) => {
      events.push(e);
      changed();
    },
    onError: (e) => {
      errors.push(e);
      changed();
    },
  });
  const until = async (cond: () => boolean) => {
    while (!cond()) await new Promise<void>((r) => (wake = r));
  };
  return {
    events,
    errors,
    watch,
    waitFor: async (n) => {
      await until(() => events.length >= n || errors.length > 0);
      if (events.length < n) throw errors[0];
      return events;
    },
    waitForError: async () => {
      await until(() => errors.length > 0);
      return errors[0];
    },
  };
}

export function revisions(events: WatchEvent[]): number[] {
  return events.map((e) => e.kv.modRevision);
}
