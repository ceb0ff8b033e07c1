#!/usr/bin/env node
// The `wasmkube` command.

import { controlPlane, CONTROL_PLANE_HELP } from './commands/control-plane.js';
import { image, IMAGE_HELP } from './commands/image.js';
import { node, NODE_HELP } from './commands/node.js';
import { up, UP_HELP } from './commands/up.js';
import { UsageError } from './usage.js';
import { KUBERNETES_VERSION, WASMKUBE_VERSION } from './version.js';

const HELP = `wasmkube ${WASMKUBE_VERSION}: Kubernetes where containers are WebAssembly modules.

Usage: wasmkube <command> [options]

Commands:
  up              start a local cluster (control plane + node agents) in one process
  control-plane   run the API server, scheduler and controllers
  node            run a node agent that joins a control plane
  image           load and list images in a node's image store
  version         print the version

Run \`wasmkube <command> --help\` for a command's options.`;

const COMMANDS: Record<string, { run: (argv: string[]) => Promise<number>; help: string }> = {
  up: { run: up, help: UP_HELP },
  'control-plane': { run: controlPlane, help: CONTROL_PLANE_HELP },
  node: { run: node, help: NODE_HELP },
  image: { run: image, help: IMAGE_HELP },
  version: {
    run: async () => {
      console.log(`wasmkube ${WASMKUBE_VERSION} (Kubernetes API ${KUBERNETES_VERSION}, Node.js ${process.version})`);
      return 0;
    },
    help: 'Usage: wasmkube version',
  },
};

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    console.log(HELP);
    return cmd ? 0 : 2;
  }
  const c = COMMANDS[cmd];
  if (!c) throw new UsageError(`unknown command "${cmd}" (run wasmkube --help)`);
  return c.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    const err = e as Error & { code?: unknown };
    if (e instanceof UsageError || (typeof err.code === 'string' && err.code.startsWith('ERR_PARSE_ARGS'))) {
      console.error(`wasmkube: ${err.message}`);
      process.exit(2);
    }
    console.error(`wasmkube: ${err.message}`);
    process.exit(1);
  },
);
