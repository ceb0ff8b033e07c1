// An in-memory Store with the same etcd semantics as the LevelDB one (global revision, history
// for watch replay, compaction → Gone). Used only by the API server's tests while they need a
// store that can be made to compact on demand; the LevelDB store is the real backend.

import { StoreError } from '../../store/store.js';
import type { JsonObject, KeyValue, ListResult, Store, Watch, WatchEvent, WatchOptions } from '../../store/store.js';

interface Watcher {
  prefix: string;
  opts: WatchOptions;
  closed: boolean;
}

export class MemoryStore implements Store {
  private data = new Map<string, KeyValue>();
  private history: WatchEvent[] = [];
  private rev = 0;
  private compacted = 0;
  private watchers = new Set<Watcher>();
  private closed = false;

  currentRevision(): number {
    return this.rev;
  }
  compactedRevision(): number {
    return this.compacted;
  }

  /** Forget history up to and including revision `rev` (watches from older revisions get Gone). */
  compact(rev: number): void {
    this.compacted = Math.max(this.compacted, rev);
    this.history = this.history.filter((e) => e.kv.modRevision > this.compacted);
  }

  async get(key: string): Promise<KeyValue | undefined> {
    const kv = this.data.get(key);
    return kv && clone(kv);
  }

  async list(prefix: string): Promise<ListResult> {
    const items = [...this.data.values()].filter((kv) => kv.key.startsWith(prefix)).sort((a, b) => (a.key < b.key ? -1 : 1));
    return { items: items.map(clone), revision: this.rev };
  }

  async create(key: string, value: JsonObject): Promise<KeyValue> {
    this.check();
    if (this.data.has(key)) throw new StoreError('AlreadyExists', `key ${key} exists`, key);
    const kv: KeyValue = { key, value: structuredClone(value), createRevision: ++this.rev, modRevision: this.rev };
    this.data.set(key, kv);
    this.emit({ type: 'ADDED', kv: clone(kv) });
    return clone(kv);
  }

  async update(key: string, value: JsonObject, expectedModRevision?: number): Promise<KeyValue> {
    this.check();
    const prev = this.data.get(key);
    if (!prev) throw new StoreError('NotFound', `key ${key} not found`, key);
    if (expectedModRevision !== undefined && prev.modRevision !== expectedModRevision) throw new StoreError('Conflict', `key ${key} modified`, key);
    const kv: KeyValue = { key, value: structuredClone(value), createRevision: prev.createRevision, modRevision: ++this.rev };
    this.data.set(key, kv);
    this.emit({ type: 'MODIFIED', kv: clone(kv), prev: clone(prev) });
    return clone(kv);
  }

  async guaranteedUpdate(
    key: string,
    fn: (current: KeyValue | undefined) => JsonObject | undefined | Promise<JsonObject | undefined>,
  ): Promise<KeyValue | undefined> {
    for (let i = 0; i < 100; i++) {
      const cur = await this.get(key);
      const next = await fn(cur);
      if (next === undefined) return cur;
      try {
        return cur ? await this.update(key, next, cur.modRevision) : await this.create(key, next);
      } catch (e) {
        if (e instanceof StoreError && (e.code === 'Conflict' || e.code === 'AlreadyExists')) continue;
        throw e;
      }
    }
    throw new StoreError('Conflict', `too many retries on ${key}`, key);
  }

  async delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    this.check();
    const prev = this.data.get(key);
    if (!prev) throw new StoreError('NotFound', `key ${key} not found`, key);
    if (expectedModRevision !== undefined && prev.modRevision !== expectedModRevision) throw new StoreError('Conflict', `key ${key} modified`, key);
    this.data.delete(key);
    const kv: KeyValue = { ...clone(prev), modRevision: ++this.rev };
    this.emit({ type: 'DELETED', kv, prev: clone(prev) });
    return clone(kv);
  }

  watch(prefix: string, opts: WatchOptions): Watch {
    if (opts.fromRevision > 0 && opts.fromRevision < this.compacted) throw new StoreError('Gone', `revision ${opts.fromRevision} compacted`);
    const w: Watcher = { prefix, opts, closed: false };
    const replay = opts.fromRevision > 0 ? this.history.filter((e) => e.kv.modRevision > opts.fromRevision && e.kv.key.startsWith(prefix)) : [];
    this.watchers.add(w);
    queueMicrotask(() => {
      for (const e of replay) if (!w.closed) w.opts.onEvent(structuredClone(e));
    });
    return {
      close: () => {
        w.closed = true;
        this.watchers.delete(w);
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.watchers) {
      w.closed = true;
      w.opts.onError?.(new StoreError('Closed', 'store closed'));
    }
    this.watchers.clear();
  }

  private check(): void {
    if (this.closed) throw new StoreError('Closed', 'store closed');
  }

  private emit(e: WatchEvent): void {
    this.history.push(e);
    for (const w of this.watchers) {
      if (!e.kv.key.startsWith(w.prefix)) continue;
      const copy = structuredClone(e);
      queueMicrotask(() => {
        if (!w.closed) w.opts.onEvent(copy);
      });
    }
  }
}

function clone(kv: KeyValue): KeyValue {
  return structuredClone(kv);
}
