// Runs every compiled test file of the workspace in one `node --test` run, with the node binary that
// runs this script (so `node24 scripts/test.mjs` tests on Node 24). `npm test` builds first.
//
// Usage: node scripts/test.mjs [filter ...] [--exclude=substr ...]
//   filter      keep only files whose path contains one of the substrings (e.g. `runtime/` or `kubelet`)
//   --exclude=  drop files whose path contains the substring (repeatable)
// Environment:
//   TEST_REPORT_JSON=<path>   also write per-file durations and failures as JSON
//   TEST_WALL_LIMIT_S=<s>     kill the whole run after this many seconds (default 1200): a file that
//                             never exits must fail CI, not hang it
//
// Output: node's spec reporter, then a summary from scripts/summary-reporter.mjs whose last line is
// `N passed, M failed, K skipped`. Exits non-zero when any test fails or the run is killed.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawn } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const packages = ['client', 'control-plane', 'runtime', 'cli', 'sample-pods', 'tests', 'bench'];
const args = process.argv.slice(2);
const excludes = args.filter((a) => a.startsWith('--exclude=')).map((a) => a.slice('--exclude='.length));
const filters = args.filter((a) => !a.startsWith('--'));
const wallLimitS = Number(process.env.TEST_WALL_LIMIT_S ?? 1200);

function walk(dir, out) {
  let entries;
  try { entries = readdirSync(dir); } catch { return out; }
  for (const e of entries) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (e.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const files = packages
  .flatMap((p) => walk(join(root, p, 'dist'), []))
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .filter((f) => !excludes.some((s) => f.includes(s)))
  .sort();

if (files.length === 0) {
  console.error(`no test files found${filters.length ? ` for ${filters.join(' ')}` : ''}: did the build run?`);
  process.exit(1);
}
console.log(`node ${process.version} (${process.execPath}): ${files.length} test files`);

const child = spawn(
  process.execPath,
  [
    // Node 20 runs guests on shared workers only with this V8 flag, and only from the command line.
    ...(Number(process.versions.node.split('.')[0]) < 22 ? ['--experimental-wasm-stack-switching'] : []),
    '--test',
    '--test-concurrency=2',
    '--test-timeout=300000',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    `--test-reporter=${join(root, 'scripts/summary-reporter.mjs')}`, '--test-reporter-destination=stdout',
    ...files,
  ],
  // detached: a process group of its own, so the watchdog can kill the test files' processes too.
  { cwd: root, stdio: 'inherit', detached: true },
);

const watchdog = setTimeout(() => {
  console.error(`\ntest.mjs: the run exceeded ${wallLimitS} s; killing it`);
  try { process.kill(-child.pid, 'SIGKILL'); } catch { child.kill('SIGKILL'); }
}, wallLimitS * 1000);
watchdog.unref();

// Ctrl-C in a terminal reaches our group only: pass it on to the detached one.
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => { try { process.kill(-child.pid, sig); } catch {} });
}

child.on('exit', (code, signal) => {
  clearTimeout(watchdog);
  if (signal) console.error(`test.mjs: node --test ended by ${signal}`);
  process.exit(code ?? 1);
});
