// The namespaces every cluster has, and the clean-up of a Terminating namespace.
//
// The clean-up lives in the API server for now; it will move to the namespace controller
// (control-plane/src/controllers) once that exists, as in Kubernetes. It deletes everything in the
// namespace (immediately, grace period 0), waits while finalizers hold objects, then drops the
// `kubernetes` finalizer and deletes the namespace.

import { RESOURCES, storageKey, storagePrefix } from './resources.js';
import type { ObjectService } from './objects.js';
import { NAMESPACES } from './objects.js';
import { ApiError } from './status.js';
import { StoreError } from '../store/store.js';
import type { Obj } from './metadata.js';
import { meta } from './metadata.js';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export async function ensureSystemNamespaces(svc: ObjectService): Promise<void> {
  for (const name of SYSTEM_NAMESPACES) {
    if (await svc.store.get(storageKey(NAMESPACES, undefined, name))) continue;
    try {
      await svc.create(NAMESPACES, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, { fieldValidation: 'Ignore' });
    } catch (e) {
      if (!(e instanceof ApiError && e.reason === 'AlreadyExists')) throw e;
    }
  }
}

const RETRY_MS = 1000;

export class NamespaceCleaner {
  private running = new Set<string>();
  private timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly svc: ObjectService) {}

  /** Resume clean-ups that were in progress when the server last stopped. */
  async resume(): Promise<void> {
    const { items } = await this.svc.list(NAMESPACES, undefined);
    for (const ns of items) if (meta(ns).deletionTimestamp) this.start(String(meta(ns).name));
  }

  start(name: string): void {
    if (this.stopped || this.running.has(name)) return;
    this.running.add(name);
    void this.run(name);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private async run(name: string): Promise<void> {
    let done = false;
    try {
      done = await this.pass(name);
    } catch (e) {
      if (!(e instanceof StoreError && e.code === 'Closed')) console.error(`wasmkube api: namespace ${name} clean-up: ${(e as Error).message}`);
    }
    if (done || this.stopped) {
      this.running.delete(name);
      return;
    }
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.running.delete(name);
      this.start(name);
    }, RETRY_MS);
    t.unref();
    this.timers.add(t);
  }

  /** One sweep; true when the namespace is gone. */
  private async pass(name: string): Promise<boolean> {
    let remaining = 0;
    for (const info of RESOURCES) {
      if (!info.namespaced || !info.verbs.includes('delete')) continue;
      const { items } = await this.svc.store.list(storagePrefix(info, name));
      for (const kv of items) {
        remaining++;
        const objName = String(meta(kv.value as Obj).name);
        try {
          await this.svc.delete(info, name, objName, { gracePeriodSeconds: 0, propagationPolicy: 'Background' });
        } catch (e) {
          if (!(e instanceof ApiError && e.code === 404)) throw e;
        }
      }
    }
    if (remaining > 0) {
      // Anything still there is held by finalizers: look again next pass.
      for (const info of RESOURCES) {
        if (!info.namespaced || !info.verbs.includes('delete')) continue;
        if ((await this.svc.store.list(storagePrefix(info, name))).items.length > 0) return false;
      }
    }
    // Empty: remove the `kubernetes` finalizer; the update deletes the namespace when nothing else holds it.
    const key = storageKey(NAMESPACES, undefined, name);
    const cur = await this.svc.store.get(key);
    if (!cur) return true;
    const obj = structuredClone(cur.value) as Obj;
    const spec = (obj.spec ?? {}) as Obj;
    spec.finalizers = ((spec.finalizers as string[] | undefined) ?? []).filter((f) => f !== 'kubernetes');
    obj.spec = spec;
    try {
      await this.svc.applyUpdate(NAMESPACES, undefined, name, cur, obj, { fieldValidation: 'Ignore' }, 'finalize');
    } catch (e) {
      if (e instanceof StoreError && e.code === 'Conflict') return false;
      throw e;
    }
    return (await this.svc.store.get(key)) === undefined;
  }
}
