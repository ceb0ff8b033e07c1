// The API server process part: the REST surface on a node:http server (hono's adapter only for the
// node-agent subresources), the system namespaces ensured at start, the namespace clean-up loop,
// and a close() that ends open watches.

import type { RequestListener, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import type { Store } from './store/store.js';
import { loadModules } from './api/modules.js';
import { ObjectService } from './api/objects.js';
import { ensureSystemNamespaces, NamespaceCleaner } from './api/namespaces.js';
import type { RouterDeps } from './api/router.js';
import { nodeListener } from './api/node-listener.js';
import { errors } from './api/status.js';
import type { WatchRegistry } from './api/watch.js';
import type { NodeProxy } from './api/node-proxy.js';
import { noNodeProxy } from './api/node-proxy.js';
import { allocatingStore, ensureKubernetesService, loadAllocations, ServiceAllocations } from './api/service-ips/index.js';

export interface ApiServerOptions {
  store: Store;
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 = an ephemeral port. */
  port?: number;
  /** How often a watch with allowWatchBookmarks=true gets a BOOKMARK (default 10 s). */
  bookmarkIntervalMs?: number;
  /** Who answers log/exec/attach/portforward/proxy; default: a 503 Status. */
  nodeProxy?: NodeProxy;
  /** ClusterIPs come from here (default 127.96.0.0/16); its first address is the `kubernetes` Service's. */
  serviceCidr?: string;
  /**
   * Who empties a Terminating namespace: 'in-process' (default; this server, for setups without a
   * controller manager) or 'controller' (the namespace controller, over the API, as in Kubernetes).
   */
  namespaceCleanup?: 'in-process' | 'controller';
}

export interface ApiServer {
  url: string;
  port: number;
  host: string;
  /** The underlying node:http server (for upgrade handlers added later). */
  server: Server;
  /** How many watch streams are open (for diagnostics and tests). */
  openWatches(): number;
  /** Stops listening and ends every open connection and watch. Does not close the store. */
  close(): Promise<void>;
}

export async function startApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  const host = opts.host ?? '127.0.0.1';
  const modules = await loadModules();
  let cleaner: NamespaceCleaner | undefined;
  // Services get their ClusterIP and node ports while being written (rebuilt from storage here).
  const allocations = new ServiceAllocations(opts.serviceCidr);
  for (const p of await loadAllocations(opts.store, allocations)) console.warn(`service allocations: ${p}`);
  const svc = new ObjectService(allocatingStore(opts.store, allocations), modules, { onNamespaceTerminating: (name) => cleaner?.start(name) });
  if (opts.namespaceCleanup !== 'controller') cleaner = new NamespaceCleaner(svc);
  await ensureSystemNamespaces(svc);
  await cleaner?.resume();

  const watches: WatchRegistry = new Set();
  const nodeProxy = opts.nodeProxy ?? noNodeProxy;
  let address = `${host}:${opts.port ?? 0}`;
  const deps: RouterDeps = {
    svc,
    modules,
    watches,
    nodeProxy,
    bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 10_000,
    serverAddress: () => address,
  };
  // Requests are served from node:http directly; hono's adapter only for what needs a web Request,
  // loaded when the first such request comes.
  let viaHono: Promise<RequestListener> | undefined;
  const lazyHono: RequestListener = (req, res) => {
    viaHono ??= import('./api/hono-app.js').then((m) => m.honoListener(deps));
    viaHono.then(
      (listener) => listener(req, res),
      (e: Error) => {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(errors.internal(`loading the node proxy: ${e.message}`).toStatus()));
      },
    );
  };
  const server = createServer(nodeListener(deps, lazyHono));
  server.on('upgrade', (req, socket, head) => {
    if (nodeProxy.upgrade) nodeProxy.upgrade(req, socket, head);
    else noNodeProxy.upgrade!(req, socket, head);
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  address = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  try {
    await ensureKubernetesService(svc, allocations.firstIp, host, port);
  } catch (e) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw e;
  }
  let closing: Promise<void> | undefined;
  return {
    url: `http://${address}`,
    port,
    host,
    server,
    openWatches: () => watches.size,
    close() {
      closing ??= (async () => {
        cleaner?.stop();
        for (const end of [...watches]) end();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return closing;
    },
  };
}
