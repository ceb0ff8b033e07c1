// Byte quantities in the words a Kubernetes user reads: limits as quantities ("1Mi", "512M"),
// sizes in binary units ("2 MiB").

const BINARY: [string, number][] = [['Ei', 2 ** 60], ['Pi', 2 ** 50], ['Ti', 2 ** 40], ['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]];
const DECIMAL: [string, number][] = [['E', 1e18], ['P', 1e15], ['T', 1e12], ['G', 1e9], ['M', 1e6], ['k', 1e3]];

/** A byte count as the shortest exact Kubernetes quantity: 1048576 → "1Mi", 5e8 → "500M". */
export function formatQuantity(bytes: number): string {
  for (const [suffix, unit] of [...BINARY, ...DECIMAL]) {
    if (bytes >= unit && bytes % unit === 0) return `${bytes / unit}${suffix}`;
  }
  return String(bytes);
}

/** A byte count in binary units, for sizes: 2097152 → "2 MiB", 1536 → "1.5 KiB". */
export function formatBytes(bytes: number): string {
  for (const [suffix, unit] of BINARY) {
    if (bytes >= unit) {
      const v = bytes / unit;
      return `${Number.isInteger(v) ? v : v.toFixed(1)} ${suffix}B`;
    }
  }
  return `${bytes} bytes`;
}
