#!/usr/bin/env -S node --experimental-wasm-stack-switching
// The `wasmkube` command. The V8 flag lets Node 20 run several containers' guests on one worker
// thread (runtime/src/sandbox/shared-workers.ts); it only works from the command line, and Node 24
// (which has the final API on by default) accepts it.

// Commands are imported when used: `wasmkube version` or `--help` need not load the control plane.
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

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  up: async (argv) => (await import('./commands/up.js')).up(argv),
  'control-plane': async (argv) => (await import('./commands/control-plane.js')).controlPlane(argv),
  node: async (argv) => (await import('./commands/node.js')).node(argv),
  image: async (argv) => (await import('./commands/image.js')).image(argv),
  version: async () => {
    console.log(`wasmkube ${WASMKUBE_VERSION} (Kubernetes API ${KUBERNETES_VERSION}, Node.js ${process.version})`);
    return 0;
  },
};

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    console.log(HELP);
    return cmd ? 0 : 2;
  }
  const run = COMMANDS[cmd];
  if (!run) throw new UsageError(`unknown command "${cmd}" (run wasmkube --help)`);
  return run(rest);
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
