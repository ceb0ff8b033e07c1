// Allocation hooked in where kube-apiserver hooks it, around the storage write of a Service (its
// REST storage's BeginCreate/BeginUpdate/AfterDelete): a Store decorator that, for keys under
// /registry/services/, reserves ClusterIPs and node ports before the write, rolls the reservation
// back if the write fails, and releases them once the delete is stored. Every other key, and every
// read and watch, passes straight through.

import type { JsonObject, KeyValue, Store, Watch, WatchOptions, ListResult } from '../../store/store.js';
import type { ServiceAllocations } from './service-allocations.js';

export const SERVICES_PREFIX = '/registry/services/';

const clone = (v: JsonObject): JsonObject => structuredClone(v) as JsonObject;

export function allocatingStore(inner: Store, alloc: ServiceAllocations): Store {
  const isService = (key: string) => key.startsWith(SERVICES_PREFIX);
  return {
    currentRevision: () => inner.currentRevision(),
    compactedRevision: () => inner.compactedRevision(),
    get: (key: string): Promise<KeyValue | undefined> => inner.get(key),
    list: (prefix: string): Promise<ListResult> => inner.list(prefix),
    watch: (prefix: string, options: WatchOptions): Watch => inner.watch(prefix, options),
    close: () => inner.close(),

    async create(key, value) {
      if (!isService(key)) return inner.create(key, value);
      const v = clone(value);
      const a = alloc.allocateForCreate(v);
      try {
        const kv = await inner.create(key, v);
        a.commit();
        return kv;
      } catch (e) {
        a.rollback();
        throw e;
      }
    },

    async update(key, value, expectedModRevision) {
      if (!isService(key)) return inner.update(key, value, expectedModRevision);
      const cur = await inner.get(key);
      if (!cur) return inner.update(key, value, expectedModRevision); // NotFound, as the store words it
      const v = clone(value);
      const a = alloc.allocateForUpdate(v, cur.value);
      try {
        const kv = await inner.update(key, v, expectedModRevision ?? cur.modRevision);
        a.commit();
        return kv;
      } catch (e) {
        a.rollback();
        throw e;
      }
    },

    async guaranteedUpdate(key, fn) {
      if (!isService(key)) return inner.guaranteedUpdate(key, fn);
      let pending: { a: ReturnType<ServiceAllocations['allocateForUpdate']> } | undefined;
      try {
        const kv = await inner.guaranteedUpdate(key, async (cur) => {
          pending?.a.rollback();
          pending = undefined;
          const next = await fn(cur);
          if (!next) return next;
          const v = clone(next);
          pending = { a: cur ? alloc.allocateForUpdate(v, cur.value) : alloc.allocateForCreate(v) };
          return v;
        });
        pending?.a.commit();
        return kv;
      } catch (e) {
        pending?.a.rollback();
        throw e;
      }
    },

    async delete(key, expectedModRevision) {
      const kv = await inner.delete(key, expectedModRevision);
      if (isService(key)) alloc.releaseAll(kv.value);
      return kv;
    },
  };
}

/** Rebuild the allocators from the stored Services (start-up). */
export async function loadAllocations(store: Store, alloc: ServiceAllocations): Promise<string[]> {
  const { items } = await store.list(SERVICES_PREFIX);
  return items.flatMap((kv) => alloc.record(kv.value));
}
