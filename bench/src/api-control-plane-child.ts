// Runs the control plane in its own process for the benchmark, so the load generator and the server do
// not share one event loop (they would not in a real cluster). Prints one JSON line {url} when listening.
// Usage: node api-control-plane-child.js <dataDir>
import { startControlPlane } from '@wasmkube/control-plane';

const dataDir = process.argv[2];
if (!dataDir) {
  console.error('usage: api-control-plane-child <dataDir>');
  process.exit(2);
}
const cp = await startControlPlane({ dataDir, host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ url: cp.url })}\n`);
process.on('SIGTERM', () => {
  void cp.close().then(() => process.exit(0));
});
