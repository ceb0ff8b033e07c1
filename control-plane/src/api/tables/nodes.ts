// `kubectl get nodes` columns (printNode): STATUS from the Ready condition plus SchedulingDisabled,
// ROLES from node-role.kubernetes.io/<role> and kubernetes.io/role labels.

import { since } from './duration.js';
import { ageCol, arr, col, nameCol, obj, str } from './format.js';
import type { Obj, Printer } from './types.js';

export function nodeStatus(node: Obj): string {
  const status: string[] = [];
  const ready = arr(obj(node.status).conditions).filter((c) => c.type === 'Ready').pop();
  if (ready) status.push(ready.status === 'True' ? 'Ready' : 'NotReady');
  if (status.length === 0) status.push('Unknown');
  if (obj(node.spec).unschedulable === true) status.push('SchedulingDisabled');
  return status.join(',');
}

export function nodeRoles(node: Obj): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(obj(obj(node.metadata).labels))) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role.length > 0) roles.add(role);
    } else if (k === 'kubernetes.io/role' && str(v) !== '') {
      roles.add(str(v));
    }
  }
  // Go prints the set unordered; sorted output keeps ours stable.
  return roles.size === 0 ? '<none>' : [...roles].sort().join(',');
}

function address(node: Obj, type: string): string {
  return str(arr(obj(node.status).addresses).find((a) => a.type === type)?.address) || '<none>';
}

export const nodePrinter: Printer = {
  columns: [
    nameCol(),
    col('Status', 'string', 'The status of the node'),
    col('Roles', 'string', 'The roles of the node'),
    ageCol(),
    col('Version', 'string', 'Kubelet Version reported by the node.'),
    col('Internal-IP', 'string', 'List of addresses reachable to the node.', 1),
    col('External-IP', 'string', 'List of addresses reachable to the node.', 1),
    col('OS-Image', 'string', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', 1),
    col('Kernel-Version', 'string', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", 1),
    col('Container-Runtime', 'string', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).', 1),
  ],
  cells(node, now) {
    const md = obj(node.metadata);
    const info = obj(obj(node.status).nodeInfo);
    return [
      str(md.name),
      nodeStatus(node),
      nodeRoles(node),
      since(md.creationTimestamp, now),
      str(info.kubeletVersion),
      address(node, 'InternalIP'),
      address(node, 'ExternalIP'),
      str(info.osImage) || '<unknown>',
      str(info.kernelVersion) || '<unknown>',
      str(info.containerRuntimeVersion) || '<unknown>',
    ];
  },
};
