// Defaulting and validation for every kind the API server stores. The server calls, per write:
//   create: defaultObject(info, obj)               then validateObject(info, obj)
//   update: prepareForUpdate(info, obj, old); defaultObject(info, obj); validateObject(info, obj, old)
// validateObject returns StatusCauses exactly as kube-apiserver reports them (empty = valid).

import type { ResourceInfo } from '../resources.js';
import type { StatusCause } from '../status.js';
import type { Causes } from './errors.js';
import { validateObjectMeta } from './meta.js';
import { defaultEndpoints, defaultNamespace, defaultSecret, validateConfigMap, validateEndpointSlice, validateNamespaceFinalizers, validateSecret } from './misc.js';
import { nameIsDNS1035Label, nameIsDNSLabel, nameIsDNSSubdomain } from './names.js';
import type { NameFn } from './names.js';
import { defaultPod } from './pod-defaults.js';
import { validatePod, validatePodSpec } from './pod.js';
import { defaultService, prepareServiceUpdate, validateService } from './service.js';
import { isObj, obj } from './util.js';
import type { Obj } from './util.js';
import {
  defaultDaemonSet,
  defaultDeployment,
  defaultJob,
  defaultReplicaSet,
  defaultReplicationController,
  validateDaemonSet,
  validateDeployment,
  validateJob,
  validateReplicaSet,
  validateReplicationController,
} from './workloads.js';

export { canonicalQuantity, formatQuantity, isQuantity, parseQuantity, parseQuantityExact } from './quantity.js';
export { defaultPullPolicy, podQOSClass } from './pod-defaults.js';
export { selectorMatches } from './selectors.js';

export function defaultObject(info: ResourceInfo, o: Record<string, unknown>): void {
  switch (info.kind) {
    case 'Pod':
      return defaultPod(o);
    case 'Service':
      return defaultService(o);
    case 'ReplicationController':
      return defaultReplicationController(o);
    case 'ReplicaSet':
      return defaultReplicaSet(o);
    case 'Deployment':
      return defaultDeployment(o);
    case 'DaemonSet':
      return defaultDaemonSet(o);
    case 'Job':
      return defaultJob(o);
    case 'Namespace':
      return defaultNamespace(o);
    case 'Secret':
      return defaultSecret(o);
    case 'Endpoints':
      return defaultEndpoints(o);
  }
}

function nameFnFor(kind: string): NameFn {
  if (kind === 'Namespace') return nameIsDNSLabel;
  if (kind === 'Service') return nameIsDNS1035Label;
  return nameIsDNSSubdomain;
}

export interface ValidateOptions {
  /** 'status' (and other subresources) only validate metadata: the spec rules belong to the main resource. */
  subresource?: string;
}

export function validateObject(info: ResourceInfo, o: Record<string, unknown>, old?: Record<string, unknown>, opts: ValidateOptions = {}): StatusCause[] {
  const out: Causes = [];
  validateObjectMeta(o, nameFnFor(info.kind), info.namespaced, out);
  if (opts.subresource) return out;
  const prev = isObj(old) ? (old as Obj) : undefined;
  switch (info.kind) {
    case 'Pod':
      validatePod(o, prev, out);
      break;
    case 'Service':
      validateService(o, prev, out);
      break;
    case 'ReplicationController':
      validateReplicationController(o, out);
      break;
    case 'ReplicaSet':
      validateReplicaSet(o, prev, out);
      break;
    case 'Deployment':
      validateDeployment(o, prev, out);
      break;
    case 'DaemonSet':
      validateDaemonSet(o, prev, out);
      break;
    case 'Job':
      validateJob(o, prev, out);
      break;
    case 'Namespace':
      validateNamespaceFinalizers(o, out);
      break;
    case 'ConfigMap':
      validateConfigMap(o, prev, out);
      break;
    case 'Secret':
      validateSecret(o, prev, out);
      break;
    case 'EndpointSlice':
      validateEndpointSlice(o, prev, out);
      break;
  }
  return out;
}

/** Update-only adjustments the real registries make before validation (Service: keep allocated IPs/ports). */
export function prepareForUpdate(info: ResourceInfo, o: Record<string, unknown>, old: Record<string, unknown>): void {
  if (info.kind === 'Service') prepareServiceUpdate(o, old);
}

/** Validate just a pod spec (for callers building pods from templates). */
export function validatePodSpecAt(spec: Record<string, unknown>, path: string): StatusCause[] {
  const out: Causes = [];
  validatePodSpec(obj(spec), path, out);
  return out;
}
