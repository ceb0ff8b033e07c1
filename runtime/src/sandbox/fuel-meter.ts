// Worker side of the fuel ABI (fuel-abi.ts): accounts consumed fuel, enforces the total budget,
// and throttles like the CFS bandwidth controller. Each 100 ms period the guest may burn
// quota = cpuMillis/1000 × fuelPerCoreSecond × 0.1 fuel; once it is spent, out_of_fuel blocks
// (Atomics.wait with a timeout: the thread sleeps, no spinning) until the next period boundary.
// nr_periods / nr_throttled are counted as cgroup cpu.stat does: periods in which the guest ran,
// and those of them that ended with the guest throttled.
import { USAGE, MISC } from './rpc-channel.js';

export const CFS_PERIOD_MS = 100;

export class FuelExhausted extends Error {
  constructor(budget: number) {
    super(`fuel budget of ${budget} units exhausted`);
  }
}

export interface FuelOptions {
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
  private periodUsed = 0;
  private periods = 0;
  private throttled = 0;
  private throttledMs = 0;
  private readonly t0 = performance.now();
  private readonly quota: number;
  private readonly maxGrant: number;

  constructor(private readonly usage: Float64Array, private readonly misc: Int32Array, private readonly opts: FuelOptions) {
    this.quota = opts.cpuMillis === undefined ? Infinity : (opts.cpuMillis / 1000) * opts.fuelPerCoreSecond * (CFS_PERIOD_MS / 1000);
    // Refill at least every ~5 ms of CPU so usage() stays fresh and budgets are hit closely.
    this.maxGrant = Math.max(10_000, Math.floor(opts.fuelPerCoreSecond * 0.005));
  }

  attach(global: WebAssembly.Global): void {
    this.global = global;
    this.enterPeriod();
    this.refill();
  }

  /** The `wasmkube.out_of_fuel` import. */
  readonly outOfFuel = (): void => {
    this.account();
    const { budget } = this.opts;
    if (budget !== undefined && this.consumed >= budget) throw new FuelExhausted(budget);
    this.enterPeriod();
    if (this.periodUsed >= this.quota) {
      this.throttled++;
      const boundary = this.t0 + (this.periodIdx + 1) * CFS_PERIOD_MS;
      const before = performance.now();
      // Bounded: sleeps at most one period per iteration, ends at the boundary.
      for (let now = before; now < boundary; now = performance.now()) {
        Atomics.wait(this.misc, MISC.SLEEP, 0, boundary - now);
      }
      this.throttledMs += performance.now() - before;
      this.enterPeriod();
    }
    this.refill();
  };

  /** Folds what the guest burnt since the last grant into the counters (call at exit too). */
  account(): void {
    if (!this.global) return;
    const remaining = Number(this.global.value as bigint);
    const used = this.grant - remaining;
    this.grant = remaining;
    if (used > 0) {
      this.consumed += used;
      this.periodUsed += used;
    }
    this.publish();
  }

  private enterPeriod(): void {
    const idx = Math.floor((performance.now() - this.t0) / CFS_PERIOD_MS);
    if (idx !== this.periodIdx) {
      this.periodIdx = idx;
      this.periodUsed = 0;
      this.periods++;
    }
  }

  private refill(): void {
    if (!this.global) return;
    let g = Math.min(this.maxGrant, this.quota - this.periodUsed);
    if (this.opts.budget !== undefined) g = Math.min(g, this.opts.budget - this.consumed);
    this.grant = Math.max(1, Math.floor(g));
    this.global.value = BigInt(this.grant);
    this.publish();
  }

  private publish(): void {
    this.usage[USAGE.FUEL] = this.consumed;
    this.usage[USAGE.PERIODS] = this.periods;
    this.usage[USAGE.THROTTLED] = this.throttled;
    this.usage[USAGE.THROTTLED_NS] = this.throttledMs * 1e6;
  }
}
