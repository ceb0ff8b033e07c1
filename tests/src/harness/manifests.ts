// Manifests shared by the e2e files. Pods are never bound (no scheduler runs), so they stay Pending,
// and deleting them is immediate, as in Kubernetes for a pod without spec.nodeName.

export function podYaml(name: string, opts: { labels?: Record<string, string>; image?: string; namespace?: string } = {}): string {
  const labels = opts.labels ?? { app: name };
  return [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    `  name: ${name}`,
    ...(opts.namespace ? [`  namespace: ${opts.namespace}`] : []),
    '  labels:',
    ...Object.entries(labels).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`),
    'spec:',
    '  containers:',
    '  - name: main',
    `    image: ${opts.image ?? 'registry.local/hello:1'}`,
    '    ports:',
    '    - containerPort: 8080',
    '',
  ].join('\n');
}

export function configMapYaml(name: string, data: Record<string, string> = { key: 'value' }): string {
  return [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    `  name: ${name}`,
    'data:',
    ...Object.entries(data).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`),
    '',
  ].join('\n');
}

function podTemplate(app: string, indent: string): string[] {
  return [
    'template:',
    '  metadata:',
    '    labels:',
    `      app: ${app}`,
    '  spec:',
    '    containers:',
    '    - name: main',
    '      image: registry.local/hello:1',
  ].map((l) => indent + l);
}

export function rcYaml(name: string, replicas = 1): string {
  return [
    'apiVersion: v1',
    'kind: ReplicationController',
    'metadata:',
    `  name: ${name}`,
    'spec:',
    `  replicas: ${replicas}`,
    '  selector:',
    `    app: ${name}`,
    ...podTemplate(name, '  '),
    '',
  ].join('\n');
}

/** A ReplicaSet or Deployment (both apps/v1 with a matchLabels selector). */
export function appsYaml(kind: 'ReplicaSet' | 'Deployment', name: string, replicas = 1): string {
  return [
    'apiVersion: apps/v1',
    `kind: ${kind}`,
    'metadata:',
    `  name: ${name}`,
    'spec:',
    `  replicas: ${replicas}`,
    '  selector:',
    '    matchLabels:',
    `      app: ${name}`,
    ...podTemplate(name, '  '),
    '',
  ].join('\n');
}

export function namespaceYaml(name: string): string {
  return ['apiVersion: v1', 'kind: Namespace', 'metadata:', `  name: ${name}`, ''].join('\n');
}
