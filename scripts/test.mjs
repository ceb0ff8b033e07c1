// Runs every compiled test file of the workspace in one `node --test` run, so that one
// summary (pass/fail counts) closes the output. `npm test` builds first.
// Usage: node scripts/test.mjs [substring-filter ...]
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawn } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const packages = ['client', 'control-plane', 'runtime', 'cli', 'sample-pods', 'tests', 'bench'];
const filters = process.argv.slice(2);

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
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .map((f) => relative(root, f));

if (files.length === 0) {
  console.error('no test files found: did the build run?');
  process.exit(1);
}
const child = spawn(
  process.execPath,
  ['--test', '--test-concurrency=2', '--test-timeout=300000', '--test-reporter=spec', ...files],
  { cwd: root, stdio: 'inherit' },
);
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
