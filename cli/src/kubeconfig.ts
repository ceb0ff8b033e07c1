// A kubeconfig for the cluster. Plain HTTP on loopback: kubectl needs no credentials for it, and
// `insecure-skip-tls-verify` lets @kubernetes/client-node accept an http:// server too.

import { writeFile } from 'node:fs/promises';

export function kubeconfigYaml(server: string, name = 'wasmkube'): string {
  return `apiVersion: v1
kind: Config
clusters:
- name: ${name}
  cluster:
    server: ${server}
    insecure-skip-tls-verify: true
users:
- name: ${name}-admin
  user: {}
contexts:
- name: ${name}
  context:
    cluster: ${name}
    user: ${name}-admin
    namespace: default
current-context: ${name}
preferences: {}
`;
}

export async function writeKubeconfig(path: string, server: string, name?: string): Promise<void> {
  await writeFile(path, kubeconfigYaml(server, name), { mode: 0o600 });
}
