// A pod from a controller's template, owned by the controller (controller=true,
// blockOwnerDeletion=true), as Kubernetes' pod control creates them.

import type { KubeObject } from '@wasmkube/client';

export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
}

export function podFromTemplate(owner: KubeObject, template: PodTemplate, generateName: string, extraLabels: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName,
      namespace: owner.metadata.namespace,
      labels: { ...(template.metadata?.labels ?? {}), ...extraLabels },
      ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
      ownerReferences: [
        { apiVersion: owner.apiVersion as string, kind: owner.kind as string, name: owner.metadata.name as string, uid: owner.metadata.uid as string, controller: true, blockOwnerDeletion: true },
      ],
    },
    spec: structuredClone(template.spec ?? {}),
  };
}
