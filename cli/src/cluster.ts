// A whole cluster in this process: the control plane on the embedded LevelDB (API server,
// scheduler, controllers — which still talk to each other only over HTTP) and N node agents.
// `wasmkube up` runs one for the user; test suites use it as a fixture:
//
//   const cluster = await startCluster({ nodes: 2 });
//   await cluster.apply(yaml);
//   await cluster.waitFor(async () => (await cluster.pod('default', 'web'))?.status?.phase === 'Running');
//   await cluster.stop();
//
// Fixtures get a temporary data dir, an ephemeral port and their own 127.x address ranges, so
// any number can run side by side, in one process or many.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeClient, R, type KubeObject } from '@wasmkube/client';
import { Scheduler, startControlPlane, startControllers, type RunningControlPlane, type RunningControllers } from '@wasmkube/control-plane';
// The runtime is imported once the API answers (see below): `up` serves kubectl sooner.
import type { BackoffPolicy, ClusterNetworkOptions, NodeAgent } from '@wasmkube/runtime';
import { claimRanges, type ClusterRanges } from './address-ranges.js';
import { writeKubeconfig } from './kubeconfig.js';
import { applyObjects, parseManifests, type AppliedObject } from './manifests.js';

export interface ClusterOptions {
  /** Node agents to start (default 1). */
  nodes?: number;
  /** Where state lives; default a temporary dir removed by stop(). */
  dataDir?: string;
  /** API port (default 0 = ephemeral). */
  port?: number;
  host?: string;
  /**
   * Images loaded into every node's store before pods run: name:tag → .wasm path or bytes. A node
   * compiles the first one while it starts: put the first pod's image first.
   */
  images?: Record<string, string | Uint8Array>;
  /** Use the documented default ranges (127.244/16 pods, 127.96/16 services) when free. */
  defaultRanges?: boolean;
  /** Restart back-off for containers (tests shorten it); default Kubernetes' 10 s → 5 min. */
  crashBackoff?: BackoffPolicy;
  /**
   * Warm workers per node when every container runs on a worker of its own (default 1: each idle one
   * holds ~8.5 MB and costs ~30 ms of CPU to spawn). Where guests share workers (Sandbox
   * sharedWorkers), the node starts one shared worker instead.
   */
  poolSize?: number;
  /** Pod network options for every node (egress allowed beyond the cluster, tunnel mode). */
  network?: Pick<ClusterNetworkOptions, 'allowEgress' | 'tunnel' | 'hostProxy'>;
  /**
   * The workload controllers (all but node IPAM; the scheduler runs at once) start when the nodes
   * are up and this settles: `up` passes the applying of its manifests, so that the first pods do
   * not wait behind the controllers' start-up on a small machine. Default: the nodes are up.
   */
  startControllersAfter?: Promise<unknown>;
  /** Progress lines (the CLI prints them). */
  log?: (line: string) => void;
}

export interface Cluster {
  url: string;
  kubeconfig: string;
  dataDir: string;
  podCidr: string;
  serviceCidr: string;
  client: KubeClient;
  nodes: NodeAgent[];
  /** Create the objects of a YAML string (one or more documents) or of parsed objects. */
  apply(manifests: string | KubeObject[]): Promise<AppliedObject[]>;
  /** Poll until fn returns something truthy; rejects with `what` after timeoutMs. */
  waitFor<T>(fn: () => Promise<T | undefined | null | false>, opts?: { timeoutMs?: number; what?: string }): Promise<T>;
  pod(namespace: string, name: string): Promise<(KubeObject & { status?: { phase?: string } }) | undefined>;
  /** Stop a node agent (its containers stop; its pods stay bound) and start it again on the same data. */
  restartNode(name: string): Promise<NodeAgent>;
  stop(): Promise<void>;
}

export async function startCluster(opts: ClusterOptions = {}): Promise<Cluster> {
  const log = opts.log ?? (() => undefined);
  const temporary = !opts.dataDir;
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'wasmkube-')));
  const ranges: ClusterRanges = claimRanges(opts.defaultRanges ?? false, dataDir);
  let cp: RunningControlPlane | undefined;
  let controllers: RunningControllers | undefined;
  let scheduler: Scheduler | undefined;
  let controlLoops: Promise<void> | undefined;
  // The workload controllers start once the nodes are up (or failed): see startControllers.
  let nodesSettled: () => void = () => undefined;
  const nodesUp = new Promise<void>((resolve) => (nodesSettled = resolve));
  const nodes: NodeAgent[] = [];
  let client: KubeClient | undefined;
  let restart: (name: string) => Promise<NodeAgent> = async () => {
    throw new Error('cluster not started');
  };

  let stopping = false;
  const stop = async () => {
    stopping = true;
    nodesSettled();
    for (const n of nodes.splice(0)) await n.stop(2_000).catch(() => undefined);
    await controlLoops?.catch(() => undefined);
    await scheduler?.stop().catch(() => undefined);
    await controllers?.stop().catch(() => undefined);
    await client?.close().catch(() => undefined);
    await cp?.close().catch(() => undefined);
    ranges.release();
    if (temporary) await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
  };

  try {
    const t0 = performance.now();
    cp = await startControlPlane({ dataDir: join(dataDir, 'control-plane'), host: opts.host ?? '127.0.0.1', port: opts.port ?? 0, serviceCidr: ranges.serviceCidr, namespaceCleanup: 'controller' });
    log(`API server listening on ${cp.url} (${Math.round(performance.now() - t0)} ms)`);
    const kubeconfig = join(dataDir, 'kubeconfig');
    await writeKubeconfig(kubeconfig, cp.url);
    client = new KubeClient(cp.url, { userAgent: 'wasmkube-cli/0.1' });
    const apiUrl = cp.url;
    // Node IPAM and the scheduler start while the runtime loads (a node registers with a range IPAM
    // reserves for it); the other controllers once the nodes are up, so that on a small machine the
    // first pods do not wait behind their start-up.
    const after = opts.startControllersAfter;
    const deferOthersUntil = after ? nodesUp.then(() => after.catch(() => undefined)) : nodesUp;
    const ipamRunning = startControllers(apiUrl, { clusterCidr: ranges.podCidr, deferOthersUntil });
    controlLoops = (async () => {
      controllers = await ipamRunning;
      scheduler = new Scheduler(new KubeClient(apiUrl, { userAgent: 'default-scheduler/wasmkube' }));
      await scheduler.start();
      log(`scheduler and node IPAM running (pod range ${ranges.podCidr}, service range ${ranges.serviceCidr})`);
      void controllers.running.then(() => stopping || log('controllers running'));
    })();
    // Settled before anything else can throw, so that a failure of either half is never unhandled.
    controlLoops.catch(() => undefined);

    const images: [string, Uint8Array][] = [];
    for (const [name, src] of Object.entries(opts.images ?? {})) images.push([name, typeof src === 'string' ? await readFile(src) : src]);

    const { ClusterNetwork, Sandbox, SandboxRuntime, startNodeAgent } = await import('@wasmkube/runtime');
    const startNode = async (name: string): Promise<NodeAgent> => {
      const nodeDir = join(dataDir, 'nodes', name);
      // Each node's pod network: ClusterIP translation, cluster DNS, egress, host proxy, tunnel.
      const network = new ClusterNetwork({ ...opts.network, podCidr: ranges.podCidr, serviceCidr: ranges.serviceCidr });
      const sandbox = new Sandbox({ poolSize: opts.poolSize ?? 1, logDir: join(nodeDir, 'logs'), network });
      // Registered with a range node IPAM reserved for it: no wait for IPAM to assign one (~50 ms of a
      // busy start-up), and the range is as much the node's as one IPAM assigned.
      const podCIDR = (await ipamRunning).reservePodCidr(name);
      const agent = await startNodeAgent({
        podCIDR,
        network,
        images,
        apiUrl,
        nodeName: name,
        dataDir: nodeDir,
        runtime: new SandboxRuntime({ sandbox, componentCacheDir: join(nodeDir, 'components') }),
        crashBackoff: opts.crashBackoff,
      });
      log(`node ${name} ready (pods ${agent.podCIDR}, agent ${agent.agentUrl})`);
      return agent;
    };
    restart = async (name: string) => {
      const i = nodes.findIndex((n) => n.nodeName === name);
      if (i < 0) throw new Error(`no node ${name}`);
      await nodes[i].stop(2_000);
      nodes[i] = await startNode(name);
      return nodes[i];
    };

    const count = opts.nodes ?? 1;
    const agents = await Promise.allSettled(Array.from({ length: count }, (_, i) => startNode(`node-${i + 1}`)));
    nodesSettled();
    for (const r of agents) if (r.status === 'fulfilled') nodes.push(r.value);
    const failed = agents.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    await controlLoops;

    const c = client;
    return {
      url: cp.url,
      kubeconfig,
      dataDir,
      podCidr: ranges.podCidr,
      serviceCidr: ranges.serviceCidr,
      client: c,
      nodes,
      apply: (m) => applyObjects(c, typeof m === 'string' ? parseManifests(m) : m),
      waitFor: (fn, o) => waitFor(fn, o),
      restartNode: (name) => restart(name),
      pod: async (ns, name) => {
        try {
          return await c.get(R.pods, ns, name);
        } catch {
          return undefined;
        }
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

export async function waitFor<T>(fn: () => Promise<T | undefined | null | false>, opts: { timeoutMs?: number; what?: string } = {}): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  let delay = 10;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${opts.timeoutMs ?? 30_000} ms waiting for ${opts.what ?? 'condition'}`);
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 250);
  }
}
