// The control plane in one call: the LevelDB store in dataDir plus the API server on top of it.
// (The scheduler and controllers join here as they are written, talking to the API over HTTP.)

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { openLevelStore } from './store/leveldb-store.js';
import type { Store } from './store/store.js';
import { startApiServer } from './server.js';
import { AgentNodeProxy } from './api/agent-proxy.js';
import type { ApiServer, ApiServerOptions } from './server.js';

export interface ControlPlaneOptions {
  dataDir: string;
  host?: string;
  port?: number;
  /** Service ClusterIP range (default 127.96.0.0/16). */
  serviceCidr?: string;
  /** 'controller' leaves Terminating namespaces to the namespace controller (see ApiServerOptions). */
  namespaceCleanup?: 'in-process' | 'controller';
}

export interface RunningControlPlane {
  url: string;
  port: number;
  store: Store;
  api: ApiServer;
  /** Stops the API server, then closes the store. */
  close(): Promise<void>;
}

export async function startControlPlane(opts: ControlPlaneOptions): Promise<RunningControlPlane> {
  await mkdir(opts.dataDir, { recursive: true });
  const store = await openLevelStore(join(opts.dataDir, 'store'));
  let api: ApiServer;
  try {
    api = await startApiServer({ store, host: opts.host ?? '127.0.0.1', port: opts.port ?? 0, serviceCidr: opts.serviceCidr, namespaceCleanup: opts.namespaceCleanup, nodeProxy: new AgentNodeProxy(store) });
  } catch (e) {
    await store.close();
    throw e;
  }
  let closing: Promise<void> | undefined;
  return {
    url: api.url,
    port: api.port,
    store,
    api,
    close() {
      closing ??= (async () => {
        await api.close();
        await store.close();
      })();
      return closing;
    },
  };
}
