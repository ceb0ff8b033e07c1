// Bundles the `wasmkube` command (cli/dist/main.js, as tsc built it, with the workspace packages and
// undici) into cli/dist/bundle/, so that starting it reads a few files instead of ~400 modules: the
// ESM loader's per-module resolve/read/link is most of a cold start (`up` → API ready).
//
// Layout rules the code relies on:
// - The sandbox spawns its workers from `new URL('./worker-main.js', import.meta.url)` (and
//   './shared-worker-main.js', './calibrate-worker.js'): those are entry points here with the same names, and every chunk sits
//   beside them (no chunk subfolder), so the URL resolves wherever the code ended up.
// - Dynamic imports (the commands, the runtime, hono) stay lazy: code splitting makes them chunks.
// - classic-level is native and jco is large and lazy: both are loaded from node_modules.
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const outdir = here('./dist/bundle');

await rm(outdir, { recursive: true, force: true });
await build({
  entryPoints: {
    main: here('./dist/main.js'),
    'worker-main': here('../runtime/dist/sandbox/worker-main.js'),
    'shared-worker-main': here('../runtime/dist/sandbox/shared-worker-main.js'),
    'calibrate-worker': here('../runtime/dist/sandbox/engine/calibrate-worker.js'),
  },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.18',
  chunkNames: '[name]-[hash]',
  external: ['classic-level', '@bytecodealliance/jco', 'wabt'],
  // Bundled CommonJS (undici, yaml's users) may call require() for node: builtins.
  banner: { js: "import { createRequire as __wasmkubeRequire } from 'node:module'; const require = __wasmkubeRequire(import.meta.url);" },
  // Less source for V8 to scan at every start (~15 ms of `up --help`); names stay, for stack traces.
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  logLevel: 'warning',
});
