// Runs a control plane in its own process, so a test can SIGKILL it mid-write.
// Usage: node control-plane-child.js <dataDir> [port]. Prints one JSON line {url, port} once listening.
import { startControlPlane } from './control-plane.js';

const [dataDir, port] = process.argv.slice(2);
if (!dataDir) {
  console.error('usage: control-plane-child <dataDir> [port]');
  process.exit(2);
}
const cp = await startControlPlane(dataDir, Number(port ?? 0));
process.stdout.write(`${JSON.stringify({ url: cp.url, port: cp.port })}\n`);
process.on('SIGTERM', () => {
  void cp.close().then(() => process.exit(0));
});
