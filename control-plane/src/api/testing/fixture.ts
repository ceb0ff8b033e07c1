// Test fixture for the API server's tests: a real LevelDB store in a temp directory, the server on
// an ephemeral port, and a small undici client that returns status, headers and parsed JSON.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { openLevelStore } from '../../store/leveldb-store.js';
import type { LevelStoreOptions } from '../../store/leveldb-store.js';
import type { Store } from '../../store/store.js';
import { startApiServer } from '../../server.js';
import type { ApiServer, ApiServerOptions } from '../../server.js';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  body: Json;
}

export interface Fixture {
  url: string;
  store: Store;
  api: ApiServer;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
  close(): Promise<void>;
}

export async function startFixture(
  t: { after: (fn: () => Promise<void> | void) => void },
  opts: { store?: LevelStoreOptions; server?: Partial<ApiServerOptions> } = {},
): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'wasmkube-api-'));
  const store = await openLevelStore(join(dir, 'store'), opts.store);
  const api = await startApiServer({ store, port: 0, ...opts.server });
  const close = async () => {
    await api.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  };
  t.after(close);
  return {
    url: api.url,
    store,
    api,
    close,
    async call(method, path, body, headers = {}) {
      const h: Record<string, string> = { ...headers };
      let payload: string | undefined;
      if (body !== undefined) {
        payload = typeof body === 'string' ? body : JSON.stringify(body);
        if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['content-type'] = 'application/json';
      }
      const res = await request(api.url + path, { method: method as 'GET', headers: h, body: payload });
      const text = await res.body.text();
      let parsed: Json = {};
      try {
        parsed = JSON.parse(text) as Json;
      } catch {
        // not JSON (health endpoints); keep text
      }
      return { status: res.statusCode, headers: res.headers, text, body: parsed };
    },
  };
}

export function pod(name: string, extra: Json = {}): Json {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, ...(extra.metadata ?? {}) },
    spec: { containers: [{ name: 'main', image: 'hello.wasm' }], ...(extra.spec ?? {}) },
  };
}
