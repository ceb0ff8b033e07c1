// A kubeconfig pointing at a plain-HTTP control plane. `insecure-skip-tls-verify: true` is required by
// @kubernetes/client-node 1.4 for http:// servers (kubectl-surface §11.15) and is accepted by kubectl.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export function kubeconfigYaml(server: string, namespace = 'default'): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: wasmkube',
    '  cluster:',
    `    server: ${server}`,
    '    insecure-skip-tls-verify: true',
    'users:',
    '- name: wasmkube',
    '  user: {}',
    'contexts:',
    '- name: wasmkube',
    '  context:',
    '    cluster: wasmkube',
    '    user: wasmkube',
    `    namespace: ${namespace}`,
    'current-context: wasmkube',
    '',
  ].join('\n');
}

export async function writeKubeconfig(dir: string, server: string): Promise<string> {
  const path = join(dir, 'kubeconfig');
  await writeFile(path, kubeconfigYaml(server));
  return path;
}
