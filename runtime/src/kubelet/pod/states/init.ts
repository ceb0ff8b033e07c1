// init: init containers run one at a time, in order, each to a successful exit. One that fails
// with restartPolicy Never fails the pod; otherwise it is retried with back-off.

import type { PodState } from './state.js';

export const init: PodState = async (w) => {
  const ctx = w.ctx;
  for (const runner of w.initRunners) {
    if (runner.tracker.state.terminated?.exitCode === 0) continue; // done before an agent restart
    const ok = await runner.run();
    if (ctx.isTerminating) return 'terminating';
    if (!ok) {
      ctx.failed = { message: `init container ${runner.spec.name} failed` };
      w.pushStatus();
      return 'completed';
    }
  }
  ctx.initDone = true;
  w.pushStatusSoon();
  return 'run';
};
