// List+watch cache, as client-go's reflector + informer: list once, then watch from the list's
// resourceVersion; re-watch from the last seen version when a stream ends; re-list on 410 Gone.
// Handlers see every change; the cache always reflects the latest state.

import { isGone } from './errors.js';
import type { KubeClient } from './rest.js';
import { objectKey, type KubeObject, type ResourceRef } from './types.js';

export interface InformerOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Server-side watch timeout; the informer re-watches after it. */
  watchTimeoutSeconds?: number;
}

export interface InformerHandlers<T> {
  add?: (obj: T) => void;
  update?: (obj: T, old: T) => void;
  delete?: (obj: T) => void;
}

export class Informer<T extends KubeObject = KubeObject> {
  private readonly cache = new Map<string, T>();
  private readonly handlers: InformerHandlers<T>[] = [];
  private abort = new AbortController();
  private stopped = false;
  private lastResourceVersion = '';
  private synced?: Promise<void>;

  constructor(
    private readonly client: KubeClient,
    readonly ref: ResourceRef,
    private readonly opts: InformerOptions = {},
  ) {}

  on(handlers: InformerHandlers<T>): this {
    this.handlers.push(handlers);
    return this;
  }

  /** Starts the loop (once; later calls share it); resolves once the first list is in the cache. */
  start(): Promise<void> {
    if (this.synced) return this.synced;
    let resolveSynced!: () => void;
    let rejectSynced!: (e: unknown) => void;
    this.synced = new Promise<void>((res, rej) => {
      resolveSynced = res;
      rejectSynced = rej;
    });
    const synced = this.synced;
    void this.run(resolveSynced, rejectSynced);
    return synced;
  }

  stop(): void {
    this.stopped = true;
    this.abort.abort();
  }

  get(key: string): T | undefined {
    return this.cache.get(key);
  }

  list(): T[] {
    return [...this.cache.values()];
  }

  get resourceVersion(): string {
    return this.lastResourceVersion;
  }

  private async run(onSynced: () => void, onFirstError: (e: unknown) => void): Promise<void> {
    let first = true;
    let backoffMs = 100;
    while (!this.stopped) {
      try {
        await this.relist();
        if (first) {
          first = false;
          onSynced();
        }
        backoffMs = 100;
        // Watch until the server says our version is too old, then re-list.
        for (;;) {
          if (this.stopped) return;
          const gone = await this.watchOnce();
          if (gone) break;
        }
      } catch (e) {
        if (this.stopped) return;
        if (first && !isTransient(e)) {
          onFirstError(e);
          return;
        }
        await sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, 5_000);
      }
    }
  }

  private async relist(): Promise<void> {
    const list = await this.client.list<T>(this.ref, this.opts.namespace, {
      labelSelector: this.opts.labelSelector,
      fieldSelector: this.opts.fieldSelector,
    });
    const seen = new Set<string>();
    for (const item of list.items) {
      const key = objectKey(item);
      seen.add(key);
      const old = this.cache.get(key);
      this.cache.set(key, item);
      if (!old) this.emit('add', item);
      else if (old.metadata.resourceVersion !== item.metadata.resourceVersion) this.emit('update', item, old);
    }
    for (const [key, old] of this.cache) {
      if (!seen.has(key)) {
        this.cache.delete(key);
        this.emit('delete', old);
      }
    }
    this.lastResourceVersion = list.metadata.resourceVersion ?? '';
  }

  /** One watch stream; returns true when the version expired (re-list needed). */
  private async watchOnce(): Promise<boolean> {
    let gone = false;
    try {
      await this.client.watch<T>(
        this.ref,
        this.opts.namespace,
        {
          resourceVersion: this.lastResourceVersion,
          labelSelector: this.opts.labelSelector,
          fieldSelector: this.opts.fieldSelector,
          allowWatchBookmarks: true,
          timeoutSeconds: this.opts.watchTimeoutSeconds ?? 300,
          signal: this.abort.signal,
        },
        (ev) => {
          if (ev.type === 'ERROR') {
            const code = (ev.object as unknown as { code?: number }).code;
            if (code === 410) gone = true;
            return;
          }
          const rv = ev.object.metadata?.resourceVersion;
          if (rv) this.lastResourceVersion = rv;
          if (ev.type === 'BOOKMARK') return;
          const key = objectKey(ev.object);
          const old = this.cache.get(key);
          if (ev.type === 'DELETED') {
            this.cache.delete(key);
            this.emit('delete', ev.object);
          } else {
            this.cache.set(key, ev.object);
            if (old) this.emit('update', ev.object, old);
            else this.emit('add', ev.object);
          }
        },
      );
    } catch (e) {
      if (isGone(e)) return true;
      throw e;
    }
    return gone;
  }

  private emit(kind: 'add' | 'update' | 'delete', obj: T, old?: T): void {
    for (const h of this.handlers) {
      try {
        if (kind === 'add') h.add?.(obj);
        else if (kind === 'update') h.update?.(obj, old as T);
        else h.delete?.(obj);
      } catch (e) {
        // A handler bug must not kill the informer loop; surface it.
        console.error(`informer ${this.ref.plural}: handler failed:`, e);
      }
    }
  }
}

function isTransient(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' || (typeof code === 'number' && code >= 500);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref?.());
