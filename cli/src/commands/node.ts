// `wasmkube node`: one node agent joining a control plane over HTTP.

import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ClusterNetwork, Sandbox, SandboxRuntime, startNodeAgent } from '@wasmkube/runtime';
import { UsageError, intOption } from '../usage.js';
import { join } from 'node:path';

export const NODE_HELP = `Usage: wasmkube node --server URL --name NAME [--token TOKEN] [--data-dir DIR] [--port PORT]

Runs a node agent: registers node NAME with the API server at URL and runs the pods bound to it.

Options:
  --server URL      the API server (required), e.g. http://127.0.0.1:6443
  --name NAME       the node's name (required)
  --token TOKEN     bearer token for the API server
  --data-dir DIR    node state: images, volumes, logs (default ./.data/nodes/NAME)
  --address ADDR    address the agent's own server binds and advertises (default 127.0.0.1)
  --port PORT       the agent's server port (default 0: any free port)
  --cpu N --memory Q --pods N   capacity to advertise (default: this machine's)
  -h, --help        this help`;

export async function node(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      server: { type: 'string' }, name: { type: 'string' }, token: { type: 'string' }, 'data-dir': { type: 'string' },
      address: { type: 'string' }, port: { type: 'string' }, cpu: { type: 'string' }, memory: { type: 'string' }, pods: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(NODE_HELP);
    return 0;
  }
  if (!values.server) throw new UsageError('--server URL is required (the API server, e.g. http://127.0.0.1:6443)');
  if (!values.name) throw new UsageError('--name NAME is required');
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(values.name)) throw new UsageError(`--name "${values.name}" is not a valid node name (lower-case letters, digits, '-', '.')`);
  const dataDir = resolve(values['data-dir'] ?? join('.data', 'nodes', values.name));
  // The pod network: Services, cluster DNS, egress policy, and the tunnel other machines' agents reach at --address.
  const network = new ClusterNetwork({ tunnelHost: values.address ?? '127.0.0.1' });
  const sandbox = new Sandbox({ poolSize: 2, logDir: join(dataDir, 'logs'), network });
  const agent = await startNodeAgent({
    network,
    apiUrl: values.server,
    token: values.token,
    nodeName: values.name,
    dataDir,
    address: values.address,
    port: intOption(values.port, 'port', 0, 65535) ?? 0,
    capacity: { cpu: values.cpu, memory: values.memory, pods: values.pods },
    runtime: new SandboxRuntime({ sandbox, componentCacheDir: join(dataDir, 'components') }),
  });
  console.log(`node ${agent.nodeName} registered with ${values.server}: pods in ${agent.podCIDR}, agent at ${agent.agentUrl}, data in ${dataDir}`);
  const stop = async () => {
    await agent.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  return new Promise<number>(() => undefined);
}
