// One container's status as the API shows it (state, lastState, ready, started, restartCount),
// kept by its supervisor and read by the pod status builder.

import type { ExitInfo } from '../runtime.js';
import type { ContainerState, ContainerStatus } from './types.js';

export class ContainerStatusTracker {
  state: ContainerState = { waiting: { reason: 'ContainerCreating' } };
  lastState: ContainerState = {};
  restartCount = 0;
  ready = false;
  started = false;
  containerID?: string;
  imageID = '';

  constructor(
    readonly name: string,
    readonly image: string,
  ) {}

  waiting(reason: string, message?: string): void {
    this.rotate();
    this.state = { waiting: { reason, ...(message ? { message } : {}) } };
    this.ready = false;
    this.started = false;
  }

  running(id: string, startedAt: Date): void {
    this.rotate();
    this.containerID = id;
    this.state = { running: { startedAt: iso(startedAt) } };
    this.ready = false;
  }

  terminated(exit: ExitInfo): void {
    this.state = {
      terminated: {
        exitCode: exit.exitCode,
        reason: exit.reason === 'Killed' ? 'Error' : exit.reason,
        ...(exit.message ? { message: exit.message } : {}),
        startedAt: iso(exit.startedAt),
        finishedAt: iso(exit.finishedAt),
        ...(this.containerID ? { containerID: this.containerID } : {}),
      },
    };
    this.ready = false;
    this.started = false;
  }

  /** A new run starts: the terminated state moves to lastState. */
  private rotate(): void {
    if (this.state.terminated) this.lastState = { terminated: this.state.terminated };
  }

  get isTerminated(): boolean {
    return !!this.state.terminated;
  }

  get isRunning(): boolean {
    return !!this.state.running;
  }

  toStatus(): ContainerStatus {
    return {
      name: this.name,
      state: this.state,
      lastState: this.lastState,
      ready: this.ready,
      restartCount: this.restartCount,
      image: this.image,
      imageID: this.imageID,
      ...(this.containerID ? { containerID: this.containerID } : {}),
      started: this.started,
    };
  }
}

// Kubernetes timestamps have second precision.
const iso = (d: Date): string => new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
