// What a node agent is told at start.

export interface KubeletConfig {
  /** API server URL, e.g. http://127.0.0.1:6443. */
  apiUrl: string;
  token?: string;
  nodeName: string;
  /** Node-local state: images, pod volumes, container logs. */
  dataDir: string;
  /** Capacity advertised on the Node (defaults: the machine's cores and memory, 110 pods). */
  capacity?: { cpu?: string; memory?: string; pods?: string };
  labels?: Record<string, string>;
  taints?: { key: string; value?: string; effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' }[];
  /** Address the agent's own HTTP server (logs, exec, port-forward, stats) binds and advertises. */
  address?: string;
  /** Port of that server (0 = ephemeral). */
  port?: number;
  /** Lease duration written on the node's Lease; renewed every quarter of it (as kubelet: 40 s / 10 s). */
  leaseDurationSeconds?: number;
  /** How often the Node status is re-posted even without change. */
  nodeStatusUpdateSeconds?: number;
  /**
   * A pod range the control plane's node IPAM reserved for this node (an in-process cluster): the
   * Node is created with it, so the agent does not wait for IPAM to assign one. A Node that exists
   * keeps its own.
   */
  podCIDR?: string;
  /** Warm workers kept for fast container starts. */
  poolSize?: number;
}

export const DEFAULTS = {
  leaseDurationSeconds: 40,
  nodeStatusUpdateSeconds: 10,
  maxPods: 110,
} as const;
