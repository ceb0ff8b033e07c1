// Fuel metering overhead: the same CPU-bound C programs, compiled by the engine metered and unmetered
// in this run (both on the optimising tier, --no-liftoff), timed alternately; prints metered ÷
// unmetered per program (goal ≤ 1.15× on the hash loop, FACTS.md) and the instrumented size growth.
//
//   node bench/dist/fuel-bench.js
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Engine, calibrateFuel, runGuest, type Calibration, type CompiledImage } from '@wasmkube/runtime/engine';

const TESTDATA = new URL('../../runtime/src/sandbox/engine/testdata/', import.meta.url);

interface Program {
  name: string;
  file: string;
  args: string[];
}

const PROGRAMS: Program[] = [
  { name: 'hash (xorshift + FNV, 48 MiB)', file: 'hash.wasm', args: ['48'] },
  { name: 'sieve (primes < 8M, x4)', file: 'sieve.wasm', args: ['8000000', '4'] },
  { name: 'calls (fib(30), qsort 300k)', file: 'calls.wasm', args: ['30', '300000'] },
];

export interface FuelBenchRow {
  program: string;
  unmeteredMs: number;
  meteredMs: number;
  ratio: number;
  fuel: bigint;
  originalBytes: number;
  instrumentedBytes: number;
}

export interface FuelBenchResult {
  rows: FuelBenchRow[];
  calibration: Calibration;
}

// The machine is shared (other processes, parallel builds): per run we take the process CPU time
// (not inflated by waiting for a core, unlike wall time) and keep the fastest of several runs.
function time(image: CompiledImage, args: string[]): { ms: number; stdout: string; fuel: bigint } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = runGuest(image.module, { args, grant: 1n << 60n });
  const cpu = process.cpuUsage(c0);
  const ms = Math.min(performance.now() - t0, (cpu.user + cpu.system) / 1000);
  if (r.exitCode !== 0) throw new Error(`guest failed: ${r.exitCode} ${r.error?.message ?? r.stderr}`);
  return { ms, stdout: r.stdout, fuel: r.consumed };
}

/** Runs and prints the benchmark (run-all.js calls it). */
export async function runFuelBench(opts: { reps?: number; print?: boolean } = {}): Promise<FuelBenchResult> {
  const reps = opts.reps ?? 7;
  const engine = new Engine();
  const supportedImports = () => true;
  const rows: FuelBenchRow[] = [];
  for (const p of PROGRAMS) {
    const bytes = readFileSync(new URL(p.file, TESTDATA));
    const plain = await engine.compile(bytes, { metered: false, supportedImports });
    const metered = await engine.compile(bytes, { metered: true, supportedImports });
    const warmU = time(plain, p.args);
    const warmM = time(metered, p.args);
    if (warmU.stdout !== warmM.stdout) throw new Error(`outputs differ: ${warmU.stdout} vs ${warmM.stdout}`);
    const u: number[] = [];
    const m: number[] = [];
    for (let i = 0; i < reps; i++) {
      u.push(time(plain, p.args).ms);
      m.push(time(metered, p.args).ms);
    }
    rows.push({
      program: p.name,
      unmeteredMs: Math.min(...u),
      meteredMs: Math.min(...m),
      ratio: Math.min(...m) / Math.min(...u),
      fuel: warmM.fuel,
      originalBytes: metered.originalSize,
      instrumentedBytes: metered.instrumentedSize,
    });
  }
  const result = { rows, calibration: calibrateFuel() };
  if (opts.print !== false) printFuelBench(result);
  return result;
}

const g = (v: number) => `${(v / 1e9).toFixed(1)} G`;

export function printFuelBench(r: FuelBenchResult): void {
  console.log('fuel metering overhead (metered ÷ unmetered, same run, --no-liftoff, fastest of 7 runs, CPU time)');
  for (const row of r.rows) {
    const growth = ((row.instrumentedBytes / row.originalBytes - 1) * 100).toFixed(0);
    console.log(
      `  ${row.program.padEnd(32)} unmetered ${row.unmeteredMs.toFixed(0).padStart(5)} ms  metered ${row.meteredMs
        .toFixed(0)
        .padStart(5)} ms  ratio ${row.ratio.toFixed(3)}×  ${g(Number(row.fuel) / (row.meteredMs / 1000))} fuel/s  size ${row.originalBytes} → ${
        row.instrumentedBytes
      } B (+${growth} %)`,
    );
  }
  const kernels = Object.entries(r.calibration.kernels).map(([k, v]) => `${k} ${g(v)}`).join(', ');
  console.log(`  calibration: ${g(r.calibration.fuelPerCoreSecond)} fuel per core-second (geometric mean of ${kernels})`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runFuelBench();
}
