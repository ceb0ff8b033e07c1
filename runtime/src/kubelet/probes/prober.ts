// One probe of one container, run on its period with Kubernetes' semantics: nothing before
// initialDelaySeconds, a result only after successThreshold successes or failureThreshold
// failures in a row, each attempt bounded by timeoutSeconds.

import { runHandler, type HandlerContext } from './handlers.js';
import type { Probe } from '../pod/types.js';

export type ProbeKind = 'Liveness' | 'Readiness' | 'Startup';

export interface ProbeListener {
  /** Called when the probe's verdict changes (and on every failure past the threshold for liveness). */
  onResult(kind: ProbeKind, ok: boolean, message: string): void;
  /** Each failed attempt: kubelet emits an Unhealthy event per failure. */
  onFailedAttempt(kind: ProbeKind, message: string): void;
}

export class Prober {
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private successes = 0;
  private failures = 0;
  private verdict: boolean | undefined;

  constructor(
    readonly kind: ProbeKind,
    private readonly probe: Probe,
    private readonly ctx: HandlerContext,
    private readonly listener: ProbeListener,
  ) {}

  start(): void {
    const delay = (this.probe.initialDelaySeconds ?? 0) * 1000;
    this.timer = setTimeout(() => void this.tick(), delay);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const timeoutMs = (this.probe.timeoutSeconds ?? 1) * 1000;
    const res = await runHandler(this.probe, this.ctx, timeoutMs);
    if (this.stopped) return;
    if (res.ok) {
      this.failures = 0;
      this.successes++;
      const needed = this.kind === 'Readiness' ? (this.probe.successThreshold ?? 1) : 1;
      if (this.successes >= needed && this.verdict !== true) {
        this.verdict = true;
        this.listener.onResult(this.kind, true, res.message);
      }
    } else {
      this.successes = 0;
      this.failures++;
      this.listener.onFailedAttempt(this.kind, res.message);
      if (this.failures >= (this.probe.failureThreshold ?? 3) && (this.verdict !== false || this.kind !== 'Readiness')) {
        this.verdict = false;
        this.failures = 0;
        this.listener.onResult(this.kind, false, res.message);
      }
    }
    if (!this.stopped) this.timer = setTimeout(() => void this.tick(), (this.probe.periodSeconds ?? 10) * 1000);
  }
}
