// Resource coordinates the components use (the control plane's registry is the authority;
// these are the client's copies, as client-go carries its own).

import type { ResourceRef } from './types.js';

const core = (plural: string, namespaced = true): ResourceRef => ({ group: '', version: 'v1', plural, namespaced });
const apps = (plural: string): ResourceRef => ({ group: 'apps', version: 'v1', plural, namespaced: true });

export const R = {
  namespaces: core('namespaces', false),
  nodes: core('nodes', false),
  pods: core('pods'),
  services: core('services'),
  endpoints: core('endpoints'),
  events: core('events'),
  replicationcontrollers: core('replicationcontrollers'),
  configmaps: core('configmaps'),
  secrets: core('secrets'),
  replicasets: apps('replicasets'),
  deployments: apps('deployments'),
  daemonsets: apps('daemonsets'),
  controllerrevisions: apps('controllerrevisions'),
  jobs: { group: 'batch', version: 'v1', plural: 'jobs', namespaced: true } as ResourceRef,
  leases: { group: 'coordination.k8s.io', version: 'v1', plural: 'leases', namespaced: true } as ResourceRef,
  endpointslices: { group: 'discovery.k8s.io', version: 'v1', plural: 'endpointslices', namespaced: true } as ResourceRef,
} as const;

/** kind → where it lives, for manifests (apiVersion + kind) applied by the CLI and the fixture. */
export const KINDS: Record<string, { apiVersion: string; ref: ResourceRef }> = {
  Namespace: { apiVersion: 'v1', ref: R.namespaces },
  Node: { apiVersion: 'v1', ref: R.nodes },
  Pod: { apiVersion: 'v1', ref: R.pods },
  Service: { apiVersion: 'v1', ref: R.services },
  Endpoints: { apiVersion: 'v1', ref: R.endpoints },
  Event: { apiVersion: 'v1', ref: R.events },
  ReplicationController: { apiVersion: 'v1', ref: R.replicationcontrollers },
  ConfigMap: { apiVersion: 'v1', ref: R.configmaps },
  Secret: { apiVersion: 'v1', ref: R.secrets },
  ReplicaSet: { apiVersion: 'apps/v1', ref: R.replicasets },
  Deployment: { apiVersion: 'apps/v1', ref: R.deployments },
  DaemonSet: { apiVersion: 'apps/v1', ref: R.daemonsets },
  Job: { apiVersion: 'batch/v1', ref: R.jobs },
  Lease: { apiVersion: 'coordination.k8s.io/v1', ref: R.leases },
  EndpointSlice: { apiVersion: 'discovery.k8s.io/v1', ref: R.endpointslices },
};
