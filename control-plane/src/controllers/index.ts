// The controller manager: every controller of the control plane, sharing one informer per type,
// talking to the API server over HTTP only (never to the store), as kube-controller-manager does.

import { InformerFactory, KubeClient } from '@wasmkube/client';
import { EndpointsController } from './endpoints/endpoints-controller.js';
import { NodeIpamController } from './node-ipam/node-ipam.js';
import { REPLICATION_CONTROLLER, REPLICA_SET, ReplicaSetController } from './replication/replica-set.js';

export interface RunningControllers {
  stop(): Promise<void>;
}

export interface ControllerOptions {
  /** The cluster's pod range, a /16 inside 127.0.0.0/8 (default 127.244.0.0/16). */
  clusterCidr?: string;
}

export async function startControllers(apiUrl: string, opts: ControllerOptions = {}): Promise<RunningControllers> {
  const client = new KubeClient(apiUrl, { userAgent: 'wasmkube-controller-manager/0.1' });
  const factory = new InformerFactory(client);
  const controllers = [
    new NodeIpamController(client, factory, opts.clusterCidr),
    new ReplicaSetController(client, factory, REPLICATION_CONTROLLER),
    new ReplicaSetController(client, factory, REPLICA_SET),
    new EndpointsController(client, factory),
  ];
  await Promise.all(controllers.map((c) => c.start()));
  return {
    async stop() {
      await Promise.all(controllers.map((c) => c.stop()));
      factory.stop();
      await client.close();
    },
  };
}
