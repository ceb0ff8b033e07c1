// The node agent (kubelet role): registers its Node, waits for the control plane to give it a
// podCIDR, then runs the pods bound to it. It talks to the API server only over HTTP.

import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { KubeClient, R, type KubeObject } from '@wasmkube/client';
import { ImagePuller, ImageStore, sha256 } from '../images/index.js';
import type { BackoffPolicy } from './backoff.js';
import type { KubeletConfig } from './config.js';
import { PodIpAllocator } from './pod-ips.js';
import { PodManager } from './pod-manager.js';
import { NodeRegistration } from './registration.js';
import type { ContainerRuntime } from './runtime.js';
import { startAgentServer, type AgentServer } from './server.js';
import { KUBELET_VERSION } from './version.js';

export interface NodeAgentOptions extends KubeletConfig {
  runtime: ContainerRuntime;
  /** Restart back-off (tests shorten it). */
  crashBackoff?: BackoffPolicy;
  /** How long to wait for the control plane to assign a podCIDR. */
  podCidrTimeoutMs?: number;
  /**
   * The node's pod network when it needs to know the cluster (ClusterNetwork: Services, DNS,
   * tunnel): the same object the runtime's Sandbox was given. Attached once the podCIDR is known.
   */
  network?: AttachableNetwork;
  /**
   * Images to put in the node's store before pods run (name:tag → bytes). The first is compiled
   * while the node starts, so list the first pod's image first; the others compile when a pod
   * needs them (compiling them all ahead took the CPU the node's own start-up needed, measured).
   */
  images?: [name: string, bytes: Uint8Array][];
}

export interface AttachableNetwork {
  attach(ctx: { apiUrl: string; token?: string; nodeName: string; podCIDR: string }): Promise<void>;
  /** Told which pod an IP belongs to before the pod's containers start. */
  registerPod?(ip: string, podUid: string): void;
  close(): Promise<void>;
}

export interface NodeAgent {
  nodeName: string;
  podCIDR: string;
  agentUrl: string;
  pods: PodManager;
  images: ImageStore;
  /** Stop the agent; running containers get graceMs to stop (their pods stay bound and resume on restart). */
  stop(graceMs?: number): Promise<void>;
}

export async function startNodeAgent(opts: NodeAgentOptions): Promise<NodeAgent> {
  const client = new KubeClient(opts.apiUrl, { token: opts.token, userAgent: `kubelet/${KUBELET_VERSION} (wasmkube) ${opts.nodeName}` });
  await mkdir(opts.dataDir, { recursive: true });
  const images = new ImageStore(join(opts.dataDir, 'images'));
  let pods: PodManager | undefined;
  const host = opts.address ?? '127.0.0.1';
  let server: AgentServer | undefined;
  let networkAttached: AttachableNetwork | undefined;
  const stored = images.loadMany(opts.images ?? []);
  stored.catch(() => undefined); // awaited below, or the start failed anyway
  try {
    server = await startAgentServer(() => pods, host, opts.port ?? 0);
    const registration = new NodeRegistration(client, opts, server.port);
    const node = await registration.register();
    registration.start();
    // The first image compiles (on V8's threads; instrumenting holds this one for a few ms) while the
    // node gets its podCIDR, attaches its network and starts watching its pods.
    const [first] = opts.images ?? [];
    if (first) setImmediate(() => void opts.runtime.prepare?.({ name: first[0], digest: sha256(first[1]), bytes: first[1] }));
    const podCIDR = await waitForPodCidr(client, node, opts.podCidrTimeoutMs ?? 30_000);
    const ips = new PodIpAllocator(podCIDR);
    const network = opts.network;
    networkAttached = network;
    await network?.attach({ apiUrl: opts.apiUrl, token: opts.token, nodeName: opts.nodeName, podCIDR });
    const runtime: ContainerRuntime = network?.registerPod
      ? {
          start: (l) => {
            network.registerPod!(l.podIp, l.podUid);
            return opts.runtime.start(l);
          },
          close: () => opts.runtime.close(),
        }
      : opts.runtime;
    await stored;
    pods = new PodManager({
      client,
      runtime,
      images: new ImagePuller(images),
      nodeName: opts.nodeName,
      hostIp: host,
      dataDir: opts.dataDir,
      ips,
      crashBackoff: opts.crashBackoff,
    });
    await pods.start();
    const running = pods;
    const srv = server;
    return {
      nodeName: opts.nodeName,
      podCIDR,
      agentUrl: `http://${host}:${server.port}`,
      pods: running,
      images,
      async stop(graceMs = 5_000) {
        running.stopWatching();
        registration.stop();
        await running.stopAll(graceMs);
        await network?.close();
        await srv.close();
        await opts.runtime.close();
        await client.close();
      },
    };
  } catch (e) {
    await networkAttached?.close().catch(() => undefined);
    await server?.close();
    await client.close();
    throw e;
  }
}

/** The podCIDR the node IPAM controller gives this Node: watched, so the agent goes on the moment it is set. */
async function waitForPodCidr(client: KubeClient, node: KubeObject, timeoutMs: number): Promise<string> {
  type NodeView = KubeObject & { spec?: { podCIDR?: string } };
  const name = node.metadata.name as string;
  let cidr = (node as NodeView).spec?.podCIDR;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    while (!cidr && !abort.signal.aborted) {
      await client
        .watch<NodeView>(R.nodes, undefined, { fieldSelector: `metadata.name=${name}`, resourceVersion: node.metadata.resourceVersion as string, signal: abort.signal }, (ev) => {
          cidr ??= ev.object.spec?.podCIDR;
          if (cidr) abort.abort();
        })
        .catch((e) => {
          if (!abort.signal.aborted) throw e;
        });
      // The watch ended (a server time-out, a restart): read the Node again and watch from there.
      if (!cidr && !abort.signal.aborted) {
        node = await client.get(R.nodes, undefined, name);
        cidr = (node as NodeView).spec?.podCIDR;
      }
    }
  } finally {
    clearTimeout(timer);
  }
  if (!cidr) throw new Error(`node ${name}: no podCIDR assigned by the control plane within ${timeoutMs / 1000}s (is the node IPAM controller running?)`);
  return cidr;
}
