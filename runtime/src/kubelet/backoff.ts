// Kubernetes' container restart back-off: 10 s doubling to 5 min, per container, forgotten after
// the container ran for 10 minutes without trouble. Image pulls back off the same way.

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  resetAfterMs: number;
}

export const CRASH_BACKOFF: BackoffPolicy = { initialMs: 10_000, maxMs: 300_000, resetAfterMs: 600_000 };

export class Backoff {
  private delayMs = 0;
  private lastFailure = 0;

  constructor(private readonly policy: BackoffPolicy = CRASH_BACKOFF) {}

  /** Record a failure; returns how long to wait before the next attempt. */
  next(now = Date.now()): number {
    if (this.lastFailure && now - this.lastFailure > this.policy.resetAfterMs) this.delayMs = 0;
    this.delayMs = this.delayMs === 0 ? this.policy.initialMs : Math.min(this.delayMs * 2, this.policy.maxMs);
    this.lastFailure = now;
    return this.delayMs;
  }

  /** A container that ran longer than resetAfter starts over at the initial delay. */
  ranFor(ms: number): void {
    if (ms >= this.policy.resetAfterMs) this.delayMs = 0;
  }

  get current(): number {
    return this.delayMs;
  }
}
