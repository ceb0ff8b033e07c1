// Small statistics and formatting helpers for the API benchmark.

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function fmtRate(n: number): string {
  return `${Math.round(n).toLocaleString('en-US')}/s`;
}

export function fmtMs(n: number): string {
  return `${n.toFixed(n < 10 ? 2 : 1)} ms`;
}

export function fmtPct(n: number): string {
  return `${(n * 100).toFixed(0)}%`;
}

/** A pod about the size kubectl sends for a one-container manifest (~600 bytes of JSON). */
export function benchPod(name: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: 'bench', tier: 'api' }, annotations: { 'bench/run': 'api' } },
    spec: {
      restartPolicy: 'Always',
      containers: [
        {
          name: 'main',
          image: 'registry.local/hello:1',
          ports: [{ containerPort: 8080, protocol: 'TCP' }],
          env: [{ name: 'MODE', value: 'bench' }],
          resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '32Mi' } },
        },
      ],
    },
  };
}
