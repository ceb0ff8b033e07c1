// A node:test reporter that prints nothing while tests run and, at the end, a closing summary:
// the slowest test files, every failing test (file, name, first line of the error), and one last
// line `N passed, M failed, K skipped` that CI logs and people can grep.
// Used by scripts/test.mjs beside the spec reporter. Set TEST_REPORT_JSON=<path> to also write the
// per-file durations and failures as JSON (for .notes/ci-findings.md and comparisons across Node).
//
// Why counts of our own: node's `ℹ pass`/`ℹ fail` count differently on Node 20 and 24 (20 reports
// each file as a test of its own), so the line we print counts real tests the same way on both.
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const rel = (f) => (f ? relative(root, f.startsWith('file://') ? new URL(f).pathname : f) : '?');

/** True for the event node 20 emits for a whole test file (its name is the file's path). */
function isFileWrapper(data) {
  return data.nesting === 0 && data.file && (data.name === data.file || rel(data.name) === rel(data.file));
}

/** One line saying what went wrong: the message's first two lines, or expected/actual of an assertion. */
function firstLine(err) {
  if (!err) return '';
  const cause = err.cause ?? err;
  const msg = String(cause?.message ?? cause);
  if (cause?.code === 'ERR_ASSERTION' && msg.startsWith('Expected values')) {
    const show = (v) => { try { return JSON.stringify(v)?.slice(0, 120); } catch { return String(v); } };
    return `expected ${show(cause.expected)}, got ${show(cause.actual)}`;
  }
  return msg.split('\n').map((l) => l.trim()).filter((l) => l !== '').slice(0, 2).join(' | ').slice(0, 300);
}

export default async function* summaryReporter(source) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const failures = [];
  /** file → { ms from the file wrapper (node 20), ms summed over top-level tests (node 24) } */
  const files = new Map();
  const fileOf = (f) => {
    const k = rel(f);
    if (!files.has(k)) files.set(k, { wrapperMs: undefined, topMs: 0, tests: 0, failed: 0 });
    return files.get(k);
  };
  const started = Date.now();

  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const data = event.data;
    const details = data.details ?? {};
    const f = fileOf(data.file);
    if (isFileWrapper(data)) {
      f.wrapperMs = details.duration_ms;
      // A file that failed outside any test (load error, uncaught exception, non-zero exit).
      if (event.type === 'test:fail' && details.error?.failureType !== 'subtestsFailed') {
        failed++;
        f.failed++;
        failures.push({ file: rel(data.file), name: '(file)', error: firstLine(details.error) });
      }
      continue;
    }
    if (data.nesting === 0) f.topMs += details.duration_ms ?? 0;
    if (details.type === 'suite') {
      // A suite fails on its own only through a hook or its body throwing.
      if (event.type === 'test:fail' && details.error?.failureType !== 'subtestsFailed') {
        failed++;
        f.failed++;
        failures.push({ file: rel(data.file), name: data.name, error: firstLine(details.error) });
      }
      continue;
    }
    if (event.type === 'test:fail') {
      if (details.error?.failureType === 'subtestsFailed') continue; // counted in its subtests
      failed++;
      f.failed++;
      f.tests++;
      failures.push({ file: rel(data.file), name: data.name, error: firstLine(details.error) });
    } else if (data.skip !== undefined || data.todo !== undefined) {
      skipped++;
    } else {
      passed++;
      f.tests++;
    }
  }

  const perFile = [...files.entries()]
    .map(([file, v]) => ({ file, ms: Math.round(v.wrapperMs ?? v.topMs), tests: v.tests, failed: v.failed }))
    .sort((a, b) => b.ms - a.ms);
  const wallMs = Date.now() - started;

  let out = '\n── slowest test files ──\n';
  for (const f of perFile.slice(0, 12)) out += `${(f.ms / 1000).toFixed(1).padStart(7)} s  ${f.file} (${f.tests} tests)\n`;
  if (failures.length > 0) {
    out += '\n── failing tests ──\n';
    for (const x of failures) out += `✖ ${x.file} › ${x.name}\n    ${x.error}\n`;
  }
  out += `\nnode ${process.version}: ${perFile.length} files, ${(wallMs / 1000).toFixed(1)} s\n`;
  out += `${passed} passed, ${failed} failed, ${skipped} skipped\n`;
  yield out;

  if (process.env.TEST_REPORT_JSON) {
    writeFileSync(
      process.env.TEST_REPORT_JSON,
      JSON.stringify({ node: process.version, wallMs, passed, failed, skipped, files: perFile, failures }, null, 2),
    );
  }
}
