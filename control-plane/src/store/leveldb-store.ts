// The Store on LevelDB (`level` 10 / classic-level) with etcd semantics and group commit.
//
// Two views of the data:
// - committed: `index` + `ring` + `committedRev`. Only durable writes. Every read, list and watch
//   sees this, so nothing a client ever saw can be lost by a crash.
// - pending: `overlay` (key → latest not-yet-durable write) + `nextRev`. Writes are checked
//   (AlreadyExists / NotFound / Conflict) against pending-over-committed state and get their
//   revision at call time, in arrival order.
// Pending writes wait in `queue`. While one synced batch is in flight, new writes gather in the
// queue; when it lands, the whole queue becomes the next single synced batch. A write's promise
// resolves after its batch is durable and applied to the committed view.

import { Level } from 'level';
import {
  StoreError,
  takeHandedOver,
  type JsonObject,
  type KeyValue,
  type ListResult,
  type Store,
  type Watch,
  type WatchEvent,
  type WatchEventType,
  type WatchOptions,
} from './store.js';
import { KeyIndex } from './key-index.js';
import { EventRing } from './event-ring.js';
import { WatchHub } from './watch-hub.js';
import {
  DATA_END,
  DATA_PREFIX,
  EVENT_END,
  EVENT_PREFIX,
  META_COMPACTED,
  META_REVISION,
  dataKey,
  decodeData,
  decodeEvent,
  encodeData,
  encodeEvent,
  eventKey,
  freezeIfPlainJson,
  frozenValue,
  kv,
  revisionOfEventKey,
} from './records.js';

export interface LevelStoreOptions {
  /** How many events the watch history retains (default 10,000). Older ones are compacted. */
  historyLimit?: number;
}

export const DEFAULT_HISTORY_LIMIT = 10_000;
/** guaranteedUpdate gives up (Conflict) after this many lost races. */
const MAX_UPDATE_ATTEMPTS = 1000;

type Db = Level<string, string>;
type ChainedBatch = ReturnType<Db['batch']>;

interface PendingWrite {
  type: WatchEventType;
  /** Resulting key-value; for DELETED the last value stamped with the deleting revision. */
  kv: KeyValue;
  prev?: KeyValue;
  /** JSON of kv.value as it goes to disk. */
  json: string;
  promise: Promise<KeyValue>;
  resolve: (kv: KeyValue) => void;
  reject: (err: unknown) => void;
}

export async function openLevelStore(path: string, opts: LevelStoreOptions = {}): Promise<Store> {
  const historyLimit = opts.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  if (!Number.isInteger(historyLimit) || historyLimit < 1) {
    throw new RangeError(`historyLimit must be a positive integer, got ${historyLimit}`);
  }
  const db: Db = new Level<string, string>(path, { valueEncoding: 'utf8' });
  await db.open();
  try {
    return await load(db, historyLimit);
  } catch (err) {
    await db.close();
    throw err;
  }
}

async function load(db: Db, historyLimit: number): Promise<LevelStore> {
  const revision = Number((await db.get(META_REVISION)) ?? 0);
  let compacted = Number((await db.get(META_COMPACTED)) ?? 0);

  const index = new KeyIndex();
  for await (const [k, v] of db.iterator({ gt: DATA_PREFIX, lt: DATA_END })) {
    index.set(decodeData(k.slice(DATA_PREFIX.length), v));
  }

  // Apply the history limit, which may be smaller than last time: only the window is loaded.
  const keepAfter = Math.max(compacted, revision - historyLimit);
  const ring = new EventRing(keepAfter);
  for await (const [k, v] of db.iterator({ gt: eventKey(keepAfter), lt: EVENT_END })) {
    const ev = decodeEvent(v);
    const rev = revisionOfEventKey(k);
    if (rev !== ring.last + 1 || ev.kv.modRevision !== rev) {
      throw new Error(`store ${db.location} is corrupt: event history jumps from ${ring.last} to ${rev}`);
    }
    // Share the value object with the index when the event wrote the current value.
    const cur = index.get(ev.kv.key);
    ring.push(cur && cur.modRevision === rev ? { ...ev, kv: cur } : ev);
  }
  if (ring.last !== revision) {
    throw new Error(`store ${db.location} is corrupt: revision ${revision} but history ends at ${ring.last}`);
  }
  // The new mark is written before the old events are cleared: if we crash in between, the stale
  // events lie below the mark and are ignored (and cleared on the next open), never mistaken for
  // history.
  if (keepAfter > compacted) {
    compacted = keepAfter;
    await db.put(META_COMPACTED, String(compacted), { sync: true });
  }
  await db.clear({ gte: EVENT_PREFIX, lte: eventKey(compacted) });

  return new LevelStore(db, historyLimit, index, ring, revision);
}

class LevelStore implements Store {
  private readonly hub: WatchHub;
  private committedRev: number;
  private nextRev: number;
  private readonly overlay = new Map<string, PendingWrite>();
  private queue: PendingWrite[] = [];
  private flushing: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  /** Set when a batch failed: memory and disk may disagree, so the store takes no more writes. */
  private broken: unknown;

  constructor(
    private readonly db: Db,
    private readonly historyLimit: number,
    private readonly index: KeyIndex,
    private readonly ring: EventRing,
    revision: number,
  ) {
    this.hub = new WatchHub(ring);
    this.committedRev = revision;
    this.nextRev = revision;
  }

  currentRevision(): number {
    return this.committedRev;
  }

  compactedRevision(): number {
    return this.ring.compacted;
  }

  async get(key: string): Promise<KeyValue | undefined> {
    this.checkOpen();
    return this.index.get(key);
  }

  async list(prefix: string): Promise<ListResult> {
    this.checkOpen();
    return { items: this.index.list(prefix), revision: this.committedRev };
  }

  async create(key: string, value: JsonObject): Promise<KeyValue> {
    this.checkWritable();
    if (this.latest(key)) throw new StoreError('AlreadyExists', `key already exists: ${key}`, key);
    const json = toJson(value);
    const rev = ++this.nextRev;
    return this.enqueue('ADDED', kv(key, storedValue(value, json), rev, rev), json, undefined);
  }

  async update(key: string, value: JsonObject, expectedModRevision?: number): Promise<KeyValue> {
    this.checkWritable();
    const cur = this.current(key, expectedModRevision);
    const json = toJson(value);
    const rev = ++this.nextRev;
    return this.enqueue('MODIFIED', kv(key, storedValue(value, json), cur.createRevision, rev), json, cur);
  }

  async delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    this.checkWritable();
    const cur = this.current(key, expectedModRevision);
    const rev = ++this.nextRev;
    return this.enqueue('DELETED', kv(key, cur.value, cur.createRevision, rev), JSON.stringify(cur.value), cur);
  }

  async guaranteedUpdate(
    key: string,
    fn: (current: KeyValue | undefined) => JsonObject | undefined | Promise<JsonObject | undefined>,
  ): Promise<KeyValue | undefined> {
    for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
      this.checkWritable();
      // The latest state, even if not durable yet: a write based on it is queued behind it, so it
      // can only be acknowledged once that state is durable too.
      const cur = this.latest(key);
      const next = await fn(cur);
      if (next === undefined) {
        // Nothing to write; still only answer with durable state.
        const pending = this.overlay.get(key);
        if (pending) await pending.promise;
        return cur;
      }
      try {
        return cur ? await this.update(key, next, cur.modRevision) : await this.create(key, next);
      } catch (err) {
        const lostRace =
          err instanceof StoreError && (err.code === 'Conflict' || err.code === 'AlreadyExists' || err.code === 'NotFound');
        if (!lostRace) throw err;
      }
    }
    throw new StoreError('Conflict', `guaranteedUpdate of ${key} lost ${MAX_UPDATE_ATTEMPTS} races in a row`, key);
  }

  watch(prefix: string, options: WatchOptions): Watch {
    this.checkOpen();
    const from = options.fromRevision === 0 ? this.committedRev : options.fromRevision;
    if (!Number.isInteger(from) || from < 0) {
      throw new RangeError(`fromRevision must be a non-negative integer, got ${options.fromRevision}`);
    }
    if (from < this.ring.compacted) {
      throw new StoreError('Gone', `too old resource version: ${from} (${this.ring.compacted})`);
    }
    return this.hub.add(prefix, from, options);
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      while (this.flushing) await this.flushing;
      // Watchers get every acknowledged event before they hear that the store closed. Each turn
      // moves every watcher forward (or ends it), so this loop ends.
      while (this.hub.behind()) await new Promise<void>((r) => setImmediate(r));
      this.hub.failAll(new StoreError('Closed', 'store closed'));
      await this.db.close();
    })();
    return this.closing;
  }

  // --- writes ---------------------------------------------------------------------------------

  /** Latest state of key including pending writes. */
  private latest(key: string): KeyValue | undefined {
    const p = this.overlay.get(key);
    if (p) return p.type === 'DELETED' ? undefined : p.kv;
    return this.index.get(key);
  }

  /** Latest state of key for update/delete: NotFound if absent, Conflict if the revision is stale. */
  private current(key: string, expectedModRevision: number | undefined): KeyValue {
    const cur = this.latest(key);
    if (!cur) throw new StoreError('NotFound', `key not found: ${key}`, key);
    if (expectedModRevision !== undefined && cur.modRevision !== expectedModRevision) {
      throw new StoreError(
        'Conflict',
        `the object has been modified; please apply your changes to the latest version and try again (${key}: have revision ${cur.modRevision}, expected ${expectedModRevision})`,
        key,
      );
    }
    return cur;
  }

  private enqueue(type: WatchEventType, result: KeyValue, json: string, prev: KeyValue | undefined): Promise<KeyValue> {
    let resolve!: (kv: KeyValue) => void;
    let reject!: (err: unknown) => void;
    const promise = new Promise<KeyValue>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const w: PendingWrite = { type, kv: result, prev, json, promise, resolve, reject };
    this.overlay.set(result.key, w);
    this.queue.push(w);
    this.flushing ??= this.flushLoop();
    return promise;
  }

  private async flushLoop(): Promise<void> {
    try {
      for (;;) {
        // Let callers whose previous write just resolved (and everyone else in this turn) join.
        await new Promise<void>((r) => setImmediate(r));
        if (this.queue.length === 0) return;
        const batch = this.queue;
        this.queue = [];
        const last = batch[batch.length - 1].kv.modRevision;
        const compacted = Math.max(this.ring.compacted, last - this.historyLimit);
        try {
          await this.writeBatch(batch, last, compacted);
        } catch (err) {
          this.breakStore(batch, err);
          return;
        }
        this.commit(batch, last, compacted);
      }
    } finally {
      this.flushing = undefined;
    }
  }

  /** One synced LevelDB batch: data, events and the revision (plus compaction) together. */
  private async writeBatch(batch: PendingWrite[], last: number, compacted: number): Promise<void> {
    // A chained batch costs the main thread about half of what an array batch does (no per-op
    // option cloning in abstract-level).
    const b: ChainedBatch = this.db.batch();
    try {
      for (const w of batch) {
        const { key, createRevision: c, modRevision: m } = w.kv;
        if (w.type === 'DELETED') {
          b.del(dataKey(key));
          b.put(eventKey(m), encodeEvent('DELETED', key, c, m, w.json, w.prev?.modRevision));
        } else {
          b.put(dataKey(key), encodeData(c, m, w.json));
          const prevJson = w.prev ? JSON.stringify(w.prev.value) : undefined;
          b.put(eventKey(m), encodeEvent(w.type, key, c, m, w.json, w.prev?.modRevision, prevJson));
        }
      }
      b.put(META_REVISION, String(last));
      if (compacted > this.ring.compacted) {
        // After the puts: when the history limit is smaller than the batch, events of this very
        // batch are compacted at once.
        for (let r = this.ring.compacted + 1; r <= compacted; r++) b.del(eventKey(r));
        b.put(META_COMPACTED, String(compacted));
      }
    } catch (err) {
      await b.close();
      throw err;
    }
    await b.write({ sync: true });
  }

  private commit(batch: PendingWrite[], last: number, compacted: number): void {
    for (const w of batch) {
      if (w.type === 'DELETED') this.index.delete(w.kv.key);
      else this.index.set(w.kv);
      if (this.overlay.get(w.kv.key) === w) this.overlay.delete(w.kv.key);
      const ev: WatchEvent = w.prev ? { type: w.type, kv: w.kv, prev: w.prev } : { type: w.type, kv: w.kv };
      this.ring.push(ev);
    }
    this.committedRev = last;
    this.ring.compactTo(compacted);
    for (const w of batch) w.resolve(w.kv);
    this.hub.notify();
  }

  private breakStore(batch: PendingWrite[], err: unknown): void {
    this.broken = err;
    for (const w of batch) w.reject(err);
    for (const w of this.queue) w.reject(err);
    this.queue = [];
    this.overlay.clear();
    this.nextRev = this.committedRev;
  }

  private checkOpen(): void {
    if (this.closing) throw new StoreError('Closed', 'store closed');
  }

  private checkWritable(): void {
    this.checkOpen();
    if (this.broken !== undefined) {
      throw new StoreError('Closed', `store refuses writes after a failed disk write: ${(this.broken as Error)?.message ?? this.broken}`);
    }
  }
}

function toJson(value: JsonObject): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError('store values must be JSON objects');
  }
  return JSON.stringify(value);
}

/** The object the store keeps and serves: the caller's own when handed over (and plain JSON), else a frozen copy. */
function storedValue(value: JsonObject, json: string): JsonObject {
  return takeHandedOver(value) && freezeIfPlainJson(value) ? value : frozenValue(json);
}
