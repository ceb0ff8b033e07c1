// `wasmkube control-plane`: the API server on the embedded LevelDB, the scheduler and the
// controllers, without nodes; node agents join with `wasmkube node --server URL`.

import { resolve, join } from 'node:path';
import { parseArgs } from 'node:util';
import { KubeClient } from '@wasmkube/client';
import { Scheduler, startControlPlane, startControllers } from '@wasmkube/control-plane';
import { writeKubeconfig } from '../kubeconfig.js';
import { intOption } from '../usage.js';

export const CONTROL_PLANE_HELP = `Usage: wasmkube control-plane [--data-dir DIR] [--host ADDR] [--port PORT] [--pod-cidr CIDR]

Runs the API server (state in DIR/control-plane, a LevelDB), the scheduler and the controllers.

Options:
  --data-dir DIR    state directory (default ./.data)
  --host ADDR       address to listen on (default 127.0.0.1)
  --port PORT       API port (default 6443)
  --pod-cidr CIDR   the cluster's pod range, a /16 in 127.0.0.0/8 (default 127.244.0.0/16)
  -h, --help        this help`;

export async function controlPlane(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { 'data-dir': { type: 'string' }, host: { type: 'string' }, port: { type: 'string' }, 'pod-cidr': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) {
    console.log(CONTROL_PLANE_HELP);
    return 0;
  }
  const dataDir = resolve(values['data-dir'] ?? '.data');
  const cp = await startControlPlane({ dataDir: join(dataDir, 'control-plane'), host: values.host ?? '127.0.0.1', port: intOption(values.port, 'port', 0, 65535) ?? 6443, namespaceCleanup: 'controller' });
  const controllers = await startControllers(cp.url, { clusterCidr: values['pod-cidr'] });
  const scheduler = new Scheduler(new KubeClient(cp.url, { userAgent: 'default-scheduler/wasmkube' }));
  await scheduler.start();
  const kubeconfig = join(dataDir, 'kubeconfig');
  await writeKubeconfig(kubeconfig, cp.url);
  console.log(`control plane listening on ${cp.url}\n\n  export KUBECONFIG=${kubeconfig}\n  wasmkube node --server ${cp.url} --name node-1\n`);
  const stop = async () => {
    await scheduler.stop();
    await controllers.stop();
    await cp.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  return new Promise<number>(() => undefined);
}
