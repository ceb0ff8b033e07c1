// run: every container is supervised by its own runner (start, probes, restarts) in parallel.
// The state ends when no container will run again, or when the pod starts terminating.

import type { PodState } from './state.js';

export const run: PodState = async (w) => {
  const ctx = w.ctx;
  const all = Promise.all(w.runners.map((r) => r.run()));
  await Promise.race([all, ctx.terminating]);
  return ctx.isTerminating ? 'terminating' : 'completed';
};
