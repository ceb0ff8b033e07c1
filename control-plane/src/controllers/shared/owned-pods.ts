// Pods owned by a workload controller: which owner a pod change concerns, and keeping the
// controller's expectations current as its pods appear and go.

import { objectKey, type Informer } from '@wasmkube/client';
import type { Expectations } from './expectations.js';
import { controllerRef, type PodLike } from './pods.js';

/** "namespace/name" of the controller of this kind that owns the pod, if one does. */
export function controllerKey(pod: PodLike, kind: string): string | undefined {
  const ref = controllerRef(pod);
  return ref?.kind === kind ? `${pod.metadata.namespace}/${ref.name}` : undefined;
}

/** Feed the expectations of `kind`'s controller from the pod informer (creations and deletions observed). */
export function trackOwnedPods(pods: Informer<PodLike>, kind: string, expectations: Expectations): void {
  pods.on({
    add: (p) => {
      const owner = controllerKey(p, kind);
      if (owner) expectations.observedAdd(owner);
    },
    delete: (p) => {
      const owner = controllerKey(p, kind);
      if (owner) expectations.observedDelete(owner, objectKey(p));
    },
  });
}
