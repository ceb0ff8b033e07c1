// Worker side of the fuel ABI (fuel-abi.ts): accounts consumed fuel, enforces the total budget,
// and enforces limits.cpu like the CFS bandwidth controller: each 100 ms period the guest may run
// cpuMillis/1000 × 100 ms; once that is spent, out_of_fuel blocks (Atomics.wait with a timeout:
// the thread sleeps, no spinning) until the next period boundary. nr_periods / nr_throttled are
// counted as cgroup cpu.stat does: periods in which the guest ran, and those that throttled it.
//
// Why the quota is run time, checked at fuel check-ins, and not a fixed amount of fuel: fuel per
// CPU-second depends on the code. Measured here: a tight C hash loop burns ≈5.6 G fuel/s where
// the calibration loop burns 18–29 G/s, so a quota of "0.25 × calibrated fuel" never throttled it
// (throughput ratio 1.0 instead of 0.25). So fuel is what makes the guest check in (grants sized from
// the guest's own measured fuel rate, so it checks in close to its quota's end), and the guest's
// CPU time (CpuClock: the worker thread's own CPU clock on Linux) is what is rationed.
import { USAGE, MISC, CpuClock, type StopSignal } from './rpc-channel.js';

export const CFS_PERIOD_MS = 100;
/** Longest stretch between check-ins when there is no quota to hit (keeps usage() fresh). */
const MAX_SLICE_MS = 5;
/** With a quota, check in at least this often (bounds the overshoot of a period's quota). */
const QUOTA_SLICE_MS = 2;
/** Guests sharing a thread: the longest turn before a guest that makes no waiting host call yields. */
const TURN_MS = 5;

export class FuelExhausted extends Error {
  constructor(budget: number) {
    super(`fuel budget of ${budget} units exhausted`);
  }
}

export interface FuelOptions {
  /** Calibrated fuel per core-second: the first estimate of the guest's own rate. */
  fuelPerCoreSecond: number;
  /** CPU limit in millicores (undefined = unlimited). */
  cpuMillis?: number;
  /** Total fuel the guest may burn before it is trapped. */
  budget?: number;
}

export class FuelMeter {
  private global?: WebAssembly.Global;
  private grant = 0;
  private consumed = 0;
  private periodIdx = -1;
  private periodRunMs = 0;
  /** Run time at the previous check-in (for this period's share). */
  private prevRunMs = 0;
  /** Last run time read (published to usage without another clock read). */
  private lastRunMs = 0;
  private periods = 0;
  private throttled = 0;
  private throttledMs = 0;
  /** The guest's own fuel per ms of running, smoothed. */
  private rate: number;
  private readonly quotaMs: number;

  constructor(
    private readonly usage: Float64Array,
    private readonly misc: Int32Array,
    private readonly clock: CpuClock,
    private readonly opts: FuelOptions,
  ) {
    this.quotaMs = opts.cpuMillis === undefined ? Infinity : (opts.cpuMillis / 1000) * CFS_PERIOD_MS;
    this.rate = opts.fuelPerCoreSecond / 1000;
  }

  attach(global: WebAssembly.Global): void {
    this.global = global;
    this.prevRunMs = this.lastRunMs = this.clock.runningMs();
    this.enterPeriod(performance.now());
    this.refill();
  }

  /**
   * Several guests share this thread (shared-worker-main, a suspending out_of_fuel): throttling and
   * the end of a turn return a promise the guest is suspended on, instead of sleeping the thread.
   */
  suspending = false;
  /** With suspending: the guest's stop signal (its turn ends and throttling waits race it). */
  stop?: StopSignal;

  private waitFor(p: Promise<void>): Promise<void> {
    return this.stop ? this.stop.race(p) : p;
  }

  /** The `wasmkube.out_of_fuel` import. */
  readonly outOfFuel = (): void | Promise<void> => {
    const used = this.take();
    const now = performance.now();
    const run = this.clock.runningMs(now);
    this.lastRunMs = run;
    const dRun = run - this.prevRunMs;
    this.prevRunMs = run;
    if (dRun > 0.05 && used > 0) this.rate = 0.7 * this.rate + 0.3 * (used / dRun);
    const { budget } = this.opts;
    if (budget !== undefined && this.consumed >= budget) throw new FuelExhausted(budget);
    if (this.enterPeriod(now)) {
      // Only the part of this stretch after the boundary belongs to the new period.
      this.periodRunMs = Math.min(dRun, now - (this.clock.t0 + this.periodIdx * CFS_PERIOD_MS));
    } else {
      this.periodRunMs += dRun;
    }
    if (this.periodRunMs >= this.quotaMs) {
      this.throttled++;
      const boundary = this.clock.t0 + (this.periodIdx + 1) * CFS_PERIOD_MS;
      if (this.suspending) {
        const before = this.clock.suspended();
        return this.waitFor(new Promise<void>((r) => setTimeout(r, Math.max(0, boundary - before)))).then(() => {
          this.throttledMs += performance.now() - before;
          this.clock.resumed(before);
          this.prevRunMs = this.lastRunMs = this.clock.runningMs();
          this.enterPeriod(performance.now());
          this.periodRunMs = 0;
          this.refill();
        });
      }
      const before = performance.now();
      // Bounded: ends at the boundary (Atomics.wait may wake early; then wait the rest).
      for (let t = before; t < boundary; t = performance.now()) Atomics.wait(this.misc, MISC.SLEEP, 0, boundary - t);
      const slept = performance.now() - before;
      this.throttledMs += slept;
      this.clock.blockedMs += slept;
      this.prevRunMs = this.lastRunMs = this.clock.runningMs();
      this.enterPeriod(performance.now());
      this.periodRunMs = 0;
    }
    this.refill();
    if (this.suspending && now - this.clock.resumedAt >= TURN_MS) {
      // The turn is over: the other guests of the thread run, then this one goes on.
      const since = this.clock.suspended();
      return this.waitFor(new Promise<void>((r) => setImmediate(r))).then(() => this.clock.resumed(since));
    }
  };

  /** Folds what the guest burnt since the last grant into the counters (call at exit). */
  account(): void {
    this.take();
    this.lastRunMs = this.clock.runningMs();
    this.publish();
  }

  /** Fuel burnt since the last grant, added to the total. */
  private take(): number {
    if (!this.global) return 0;
    const remaining = Number(this.global.value as bigint);
    const used = this.grant - remaining;
    this.grant = remaining;
    if (used > 0) this.consumed += used;
    return Math.max(0, used);
  }

  /** True when a new period began. */
  private enterPeriod(now: number): boolean {
    const idx = Math.floor((now - this.clock.t0) / CFS_PERIOD_MS);
    if (idx === this.periodIdx) return false;
    this.periodIdx = idx;
    this.periods++;
    return true;
  }

  private refill(): void {
    if (!this.global) return;
    const sliceMs = this.quotaMs === Infinity ? MAX_SLICE_MS : Math.min(QUOTA_SLICE_MS, Math.max(0.05, this.quotaMs - this.periodRunMs));
    let g = this.rate * sliceMs;
    if (this.opts.budget !== undefined) g = Math.min(g, this.opts.budget - this.consumed);
    this.grant = Math.max(1000, Math.floor(g));
    if (this.opts.budget !== undefined) this.grant = Math.max(1, Math.min(this.grant, this.opts.budget - this.consumed));
    this.global.value = BigInt(this.grant);
    this.publish();
  }

  private publish(): void {
    this.usage[USAGE.FUEL] = this.consumed;
    this.usage[USAGE.PERIODS] = this.periods;
    this.usage[USAGE.THROTTLED] = this.throttled;
    this.usage[USAGE.THROTTLED_NS] = this.throttledMs * 1e6;
    this.usage[USAGE.CPU_NS] = this.lastRunMs * 1e6;
  }
}
