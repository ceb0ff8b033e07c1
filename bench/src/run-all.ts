// Runs every benchmark module present in this folder, one after the other:
//   node bench/dist/run-all.js [name-filter ...]
// A module is run through its exported run…Bench() function when it has one, else as a script in a
// child process (modules run themselves when executed directly).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The known benchmarks first, in this order, then any other *-bench.js that appears in the folder.
const KNOWN = ['api-bench', 'store-bench', 'fuel-bench', 'sandbox-bench', 'network-bench', 'pod-start-bench', 'up-bench', 'scheduler-bench', 'component-bench'];
const present = readdirSync(fileURLToPath(new URL('.', import.meta.url)))
  .filter((f) => f.endsWith('-bench.js'))
  .map((f) => f.slice(0, -'.js'.length));
const MODULES = [...KNOWN, ...present.filter((m) => !KNOWN.includes(m)).sort()];

const filters = process.argv.slice(2);
let failed = 0;
for (const name of MODULES) {
  if (filters.length && !filters.some((f) => name.includes(f))) continue;
  const url = new URL(`./${name}.js`, import.meta.url);
  if (!existsSync(fileURLToPath(url))) {
    console.log(`\n### ${name}: not present, skipped`);
    continue;
  }
  console.log(`\n### ${name}`);
  try {
    const mod = (await import(url.href)) as Record<string, unknown>;
    const run = Object.entries(mod).find(([k, v]) => /^run\w*Bench$/.test(k) && typeof v === 'function')?.[1] as
      | (() => Promise<unknown>)
      | undefined;
    if (run) await run();
    else {
      const res = spawnSync(process.execPath, [fileURLToPath(url)], { stdio: 'inherit' });
      if (res.status !== 0) throw new Error(`exited ${res.status}`);
    }
  } catch (err) {
    failed++;
    console.error(`${name} failed:`, err);
  }
}
process.exit(failed ? 1 : 0);
