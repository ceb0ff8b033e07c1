// The store contract: etcd semantics over any key-value backend.
//
// Keys are strings such as "/registry/pods/default/web-1"; values are JSON objects (the Kubernetes
// objects themselves, without metadata.resourceVersion: the API layer stamps that on every read
// from `modRevision`, as kube-apiserver does with etcd's mod_revision).
//
// One global revision counts every write. Each successful create, update or delete bumps it by
// one and the change is recorded in the event history that watches replay from.
//
// Values the store hands out (get, list, watch events, write results) are deeply frozen and shared
// between all readers: copy them (structuredClone) before changing them. Values passed in are
// copied, so a caller may keep changing its own object, unless the caller hands the value over
// (handOver): then the store may freeze and keep that very object. Reads, lists and watches see
// only durable (acknowledged) writes.

export type JsonObject = Record<string, unknown>;

export interface KeyValue {
  key: string;
  value: JsonObject;
  /** Revision of the write that created this key (etcd create_revision). */
  createRevision: number;
  /** Revision of the last write to this key (etcd mod_revision); becomes metadata.resourceVersion. */
  modRevision: number;
}

export interface ListResult {
  items: KeyValue[];
  /** The store revision this list reflects (the list's metadata.resourceVersion). */
  revision: number;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent {
  type: WatchEventType;
  /** For DELETED, the last value before deletion with modRevision = the deleting revision. */
  kv: KeyValue;
  /** For MODIFIED and DELETED, the value before this write. */
  prev?: KeyValue;
}

export interface Watch {
  /** Stop delivering events and release resources. Idempotent. */
  close(): void;
}

export interface WatchOptions {
  /**
   * Deliver every change with revision > fromRevision, in revision order, asynchronously and only
   * once durable. 0 = only changes after now (after currentRevision() at the time of the call).
   */
  fromRevision: number;
  onEvent: (event: WatchEvent) => void;
  /** Called once when the watch ends abnormally (store closed, consumer too slow). */
  onError?: (err: StoreError) => void;
}

export type StoreErrorCode = 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Gone' | 'Closed';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    readonly key?: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

export interface Store {
  /** Revision of the latest acknowledged write (0 for an empty store). */
  currentRevision(): number;
  /** Oldest revision a watch may still start from; older → StoreError('Gone'). */
  compactedRevision(): number;

  get(key: string): Promise<KeyValue | undefined>;
  /** Every key starting with prefix, sorted by key, plus the revision the answer reflects. */
  list(prefix: string): Promise<ListResult>;

  /** Fails with AlreadyExists when the key exists. Resolves once durable. */
  create(key: string, value: JsonObject): Promise<KeyValue>;
  /**
   * Replace the value. With expectedModRevision, fails with Conflict unless the current
   * modRevision matches; fails with NotFound when the key is absent. Resolves once durable.
   */
  update(key: string, value: JsonObject, expectedModRevision?: number): Promise<KeyValue>;
  /**
   * Read-modify-write with optimistic concurrency, retried on Conflict internally.
   * `fn` gets the current value (undefined if absent) and returns the new value, or
   * `undefined` to leave the key alone. Returns the resulting KeyValue (or current one).
   */
  guaranteedUpdate(
    key: string,
    fn: (current: KeyValue | undefined) => JsonObject | undefined | Promise<JsonObject | undefined>,
  ): Promise<KeyValue | undefined>;
  /** Fails with NotFound / Conflict like update. Returns the deleted value with the deleting revision. */
  delete(key: string, expectedModRevision?: number): Promise<KeyValue>;

  /** Watch every key starting with prefix. Throws StoreError('Gone') if fromRevision is compacted. */
  watch(prefix: string, options: WatchOptions): Watch;

  close(): Promise<void>;
}

const handedOver = new WeakSet<object>();

/**
 * Marks `value` as given away: the caller will never read or change it (or anything inside it)
 * again, so the next create/update of it may keep this very object, deeply frozen, instead of a
 * copy. (A create of a freshly decoded request body saves a JSON parse and a whole object tree.)
 * Backends that cannot keep it simply copy as usual.
 */
export function handOver<T extends JsonObject>(value: T): T {
  handedOver.add(value);
  return value;
}

/** For backends: true (once) when `value` was handed over. */
export function takeHandedOver(value: object): boolean {
  return handedOver.delete(value);
}
