// Runs the control plane in its own process for the benchmark, so the load generator and the server do
// not share one event loop (they would not in a real cluster). Prints one JSON line {url} when listening.
// Usage: node api-control-plane-child.js <dataDir>
const SPECIFIER = '@wasmkube/control-plane';

interface ControlPlaneModule {
  startControlPlane(options: { dataDir: string; host?: string; port?: number }): Promise<{ url: string; close(): Promise<void> }>;
}

const dataDir = process.argv[2];
if (!dataDir) {
  console.error('usage: api-control-plane-child <dataDir>');
  process.exit(2);
}
const { startControlPlane } = (await import(SPECIFIER)) as ControlPlaneModule;
const cp = await startControlPlane({ dataDir, host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ url: cp.url })}\n`);
process.on('SIGTERM', () => {
  void cp.close().then(() => process.exit(0));
});
