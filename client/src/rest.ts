// A small Kubernetes REST client on undici: CRUD, status, subresources, and watch streams.
// Both the controllers and the node agent talk to the API only through this, as client-go does.

import type { Dispatcher } from 'undici';
import { loadUndici } from './undici.js';
import { ApiStatusError, type StatusBody } from './errors.js';
import type { KubeList, KubeObject, ResourceRef, WatchEvent } from './types.js';

export interface ClientOptions {
  /** Bearer token (sent only if set). */
  token?: string;
  /** User-Agent, e.g. "wasmkube-kubelet/0.1 node-1". */
  userAgent?: string;
  dispatcher?: Dispatcher;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
}

export interface WatchOptions extends ListOptions {
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
  signal?: AbortSignal;
}

export type PatchType = 'merge' | 'strategic' | 'json' | 'apply';

const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
};

export function resourcePath(ref: ResourceRef, namespace?: string, name?: string, sub?: string): string {
  let p = ref.group === '' ? `/api/${ref.version}` : `/apis/${ref.group}/${ref.version}`;
  if (ref.namespaced && namespace !== undefined) p += `/namespaces/${encodeURIComponent(namespace)}`;
  p += `/${ref.plural}`;
  if (name !== undefined) p += `/${encodeURIComponent(name)}`;
  if (sub !== undefined) p += `/${sub}`;
  return p;
}

function query(params: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export class KubeClient {
  readonly baseUrl: string;
  private dispatcher?: Dispatcher | Promise<Dispatcher>;
  private readonly ownsDispatcher: boolean;
  private readonly headers: Record<string, string>;

  constructor(baseUrl: string, opts: ClientOptions = {}) {
    this.baseUrl = baseUrl.replace(/\/$/, '');
    this.ownsDispatcher = !opts.dispatcher;
    this.dispatcher = opts.dispatcher;
    this.headers = { accept: 'application/json', 'user-agent': opts.userAgent ?? 'wasmkube-client/0.1' };
    if (opts.token) this.headers.authorization = `Bearer ${opts.token}`;
  }

  /**
   * undici is loaded on the first request, not at import (undici.ts).
   */
  private agent(): Dispatcher | Promise<Dispatcher> {
    // Watches hold connections open for minutes: no body timeout, and enough connections per origin.
    this.dispatcher ??= loadUndici().then(
      ({ Agent }) => (this.dispatcher = new Agent({ connections: 64, bodyTimeout: 0, headersTimeout: 30_000, keepAliveTimeout: 30_000 })),
    );
    return this.dispatcher;
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher && this.dispatcher) await (await this.dispatcher).close();
  }

  /** Raw request returning parsed JSON; non-2xx → ApiStatusError. */
  async request<T = unknown>(method: Dispatcher.HttpMethod, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    const res = await (await this.agent()).request({
      origin: this.baseUrl,
      method,
      path,
      headers: body === undefined ? this.headers : { ...this.headers, 'content-type': contentType },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.body.text();
    if (res.statusCode >= 200 && res.statusCode < 300) return (text ? JSON.parse(text) : undefined) as T;
    throw toStatusError(res.statusCode, text, `${method} ${path}`);
  }

  get<T extends KubeObject>(ref: ResourceRef, namespace: string | undefined, name: string): Promise<T> {
    return this.request<T>('GET', resourcePath(ref, namespace, name));
  }

  list<T extends KubeObject>(ref: ResourceRef, namespace?: string, opts: ListOptions = {}): Promise<KubeList<T>> {
    return this.request<KubeList<T>>('GET', resourcePath(ref, namespace) + query({ ...opts }));
  }

  create<T extends KubeObject>(ref: ResourceRef, namespace: string | undefined, obj: KubeObject): Promise<T> {
    return this.request<T>('POST', resourcePath(ref, namespace), obj);
  }

  update<T extends KubeObject>(ref: ResourceRef, obj: T): Promise<T> {
    return this.request<T>('PUT', resourcePath(ref, obj.metadata.namespace, obj.metadata.name), obj);
  }

  updateStatus<T extends KubeObject>(ref: ResourceRef, obj: T): Promise<T> {
    return this.request<T>('PUT', resourcePath(ref, obj.metadata.namespace, obj.metadata.name, 'status'), obj);
  }

  patch<T extends KubeObject>(ref: ResourceRef, namespace: string | undefined, name: string, type: PatchType, patch: unknown, sub?: string): Promise<T> {
    const q = type === 'apply' ? query({ fieldManager: 'wasmkube', force: true }) : '';
    return this.request<T>('PATCH', resourcePath(ref, namespace, name, sub) + q, patch, PATCH_CONTENT_TYPES[type]);
  }

  delete(ref: ResourceRef, namespace: string | undefined, name: string, opts: { gracePeriodSeconds?: number; propagationPolicy?: string; preconditions?: { uid?: string; resourceVersion?: string } } = {}): Promise<unknown> {
    return this.request('DELETE', resourcePath(ref, namespace, name), { kind: 'DeleteOptions', apiVersion: 'v1', ...opts });
  }

  /** POST to a subresource (binding, eviction). */
  createSub<T = unknown>(ref: ResourceRef, namespace: string | undefined, name: string, sub: string, body: unknown): Promise<T> {
    return this.request<T>('POST', resourcePath(ref, namespace, name, sub), body);
  }

  /**
   * Stream watch events. Resolves when the server ends the stream (timeoutSeconds) or the signal
   * aborts; rejects on transport errors or a non-2xx answer.
   */
  async watch<T extends KubeObject>(ref: ResourceRef, namespace: string | undefined, opts: WatchOptions, onEvent: (e: WatchEvent<T>) => void): Promise<void> {
    const path =
      resourcePath(ref, namespace) +
      query({
        watch: true,
        resourceVersion: opts.resourceVersion,
        labelSelector: opts.labelSelector,
        fieldSelector: opts.fieldSelector,
        allowWatchBookmarks: opts.allowWatchBookmarks,
        timeoutSeconds: opts.timeoutSeconds,
      });
    const res = await (await this.agent()).request({ origin: this.baseUrl, method: 'GET', path, headers: this.headers, signal: opts.signal });
    if (res.statusCode < 200 || res.statusCode >= 300) {
      throw toStatusError(res.statusCode, await res.body.text(), `GET ${path}`);
    }
    let buf = '';
    try {
      for await (const chunk of res.body) {
        buf += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (line) onEvent(JSON.parse(line) as WatchEvent<T>);
        }
      }
    } catch (e) {
      if (opts.signal?.aborted) return;
      throw e;
    }
    const rest = buf.trim();
    if (rest) onEvent(JSON.parse(rest) as WatchEvent<T>);
  }
}

function toStatusError(code: number, text: string, what: string): ApiStatusError {
  let status: StatusBody | undefined;
  try {
    status = JSON.parse(text) as StatusBody;
  } catch {
    status = undefined;
  }
  const message = status?.message ?? (text || `${what}: HTTP ${code}`);
  return new ApiStatusError(code, status?.reason ?? String(code), message, status);
}
