// The pod worker's states, one file each, and the transitions that are legal between them
// (Krustlet's model): setup → init → run → completed, and from anywhere → terminating → done.

import type { PodWorker } from '../pod-worker.js';

export type PodStateName = 'setup' | 'init' | 'run' | 'completed' | 'terminating' | 'done';

export type PodState = (worker: PodWorker) => Promise<PodStateName>;

export const TRANSITIONS: Record<PodStateName, readonly PodStateName[]> = {
  setup: ['init', 'completed', 'terminating'],
  init: ['run', 'completed', 'terminating'],
  run: ['completed', 'terminating'],
  completed: ['terminating'],
  terminating: ['done'],
  done: [],
};
