// completed: the pod Succeeded or Failed; nothing runs. It waits to be deleted.

import type { PodState } from './state.js';

export const completed: PodState = async (w) => {
  w.pushStatus();
  await w.ctx.terminating;
  return 'terminating';
};
