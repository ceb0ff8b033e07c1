// The controller manager: every controller of the control plane, sharing one informer per type,
// talking to the API server over HTTP only (never to the store), as kube-controller-manager does.

import { InformerFactory, KubeClient } from '@wasmkube/client';
import { DaemonSetController } from './daemonset/daemonset.js';
import { DeploymentController } from './deployment/deployment.js';
import { GarbageCollector } from './garbage-collector/garbage-collector.js';
import { JobController } from './job/job.js';
import { NamespaceController } from './namespace/namespace.js';
import { NodeLifecycleController } from './node-lifecycle/node-lifecycle.js';
import { EndpointsController } from './endpoints/endpoints-controller.js';
import { NodeIpamController } from './node-ipam/node-ipam.js';
import { REPLICATION_CONTROLLER, REPLICA_SET, ReplicaSetController } from './replication/replica-set.js';

export interface RunningControllers {
  /** Settles once every controller runs (startControllers resolves before when others are deferred). */
  running: Promise<void>;
  /** A pod range for a node agent of this process to register with (NodeIpamController.reserve). */
  reservePodCidr(nodeName: string): string;
  stop(): Promise<void>;
}

export interface ControllerOptions {
  /** The cluster's pod range, a /16 inside 127.0.0.0/8 (default 127.244.0.0/16). */
  clusterCidr?: string;
  /** A node whose Lease is not renewed for this long becomes Ready=Unknown and unreachable (default 40). */
  nodeMonitorGracePeriodSeconds?: number;
  /** Caps pods' tolerationSeconds for NoExecute taints, to evict sooner than their 300 s (tests). */
  podEvictionTimeoutSeconds?: number;
  /**
   * Start every controller but node IPAM once this settles, and resolve as soon as node IPAM runs:
   * `wasmkube up` gives its nodes and their first pods the CPU first (the workload controllers act
   * on what was created meanwhile when they start: they are level-based).
   */
  deferOthersUntil?: Promise<unknown>;
}

export async function startControllers(apiUrl: string, opts: ControllerOptions = {}): Promise<RunningControllers> {
  const client = new KubeClient(apiUrl, { userAgent: 'wasmkube-controller-manager/0.1' });
  const factory = new InformerFactory(client);
  const nodeIpam = new NodeIpamController(client, factory, opts.clusterCidr);
  const controllers = [
    nodeIpam,
    new ReplicaSetController(client, factory, REPLICATION_CONTROLLER),
    new ReplicaSetController(client, factory, REPLICA_SET),
    new EndpointsController(client, factory),
    new DaemonSetController(client, factory),
    new DeploymentController(client, factory),
    new JobController(client, factory),
    new GarbageCollector(client, factory),
    new NamespaceController(client, factory),
    new NodeLifecycleController(client, factory, { gracePeriodSeconds: opts.nodeMonitorGracePeriodSeconds, podEvictionTimeoutSeconds: opts.podEvictionTimeoutSeconds }),
  ];
  const [ipam, ...others] = controllers;
  const startOthers = () => Promise.all(others.map((c) => c.start())).then(() => undefined);
  let running: Promise<void>;
  let stopped = false;
  let othersStarting: Promise<void> | undefined;
  if (opts.deferOthersUntil) {
    await ipam.start();
    const later = () => (stopped ? undefined : (othersStarting = startOthers()));
    running = opts.deferOthersUntil.then(later, later);
    running.catch(() => undefined); // the caller awaits `running`; stop() must not throw for it
  } else {
    running = othersStarting = Promise.all([ipam.start(), startOthers()]).then(() => undefined);
    await running;
  }
  return {
    running,
    reservePodCidr: (nodeName) => nodeIpam.reserve(nodeName),
    async stop() {
      stopped = true; // deferred controllers that have not started never will
      await othersStarting?.catch(() => undefined);
      await Promise.all(controllers.map((c) => c.stop()));
      factory.stop();
      await client.close();
    },
  };
}
