// What a pod asks of a node: the sum of its containers' requests (a limit counts as the request
// when only the limit is set, as Kubernetes defaults it), at least the largest init container's.

import { parseQuantity } from '@wasmkube/client';
import type { ContainerSpec, Pod } from './types.js';

export interface Resources {
  cpu: number; // cores
  memory: number; // bytes
}

function containerRequest(c: ContainerSpec, name: 'cpu' | 'memory'): number {
  const r = c.resources?.requests?.[name] ?? c.resources?.limits?.[name];
  return parseQuantity(r) ?? 0;
}

export function podRequests(pod: Pod): Resources {
  const sum: Resources = { cpu: 0, memory: 0 };
  for (const c of pod.spec.containers ?? []) {
    sum.cpu += containerRequest(c, 'cpu');
    sum.memory += containerRequest(c, 'memory');
  }
  for (const c of pod.spec.initContainers ?? []) {
    sum.cpu = Math.max(sum.cpu, containerRequest(c, 'cpu'));
    sum.memory = Math.max(sum.memory, containerRequest(c, 'memory'));
  }
  return sum;
}

/** A pod that no longer holds resources on its node. */
export function isTerminal(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}
