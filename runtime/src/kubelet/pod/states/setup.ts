// setup: the pod gets its IP (the same one again after an agent restart), its start time and
// its volumes. A volume that cannot be set up fails the pod's start with an event, and is retried.

import { VolumeError, setUpVolumes } from '../volumes.js';
import type { PodState } from './state.js';

export const setup: PodState = async (w) => {
  const ctx = w.ctx;
  const previous = ctx.pod.status?.podIP;
  if (!(previous && w.ips.claim(previous, ctx.uid))) ctx.podIp = w.ips.allocate(ctx.uid);
  else ctx.podIp = previous;
  ctx.startTime = ctx.pod.status?.startTime ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  w.pushStatusSoon();
  for (let attempt = 0; ; attempt++) {
    try {
      ctx.volumes = await setUpVolumes(ctx.node.client, ctx.pod, ctx.dir);
      break;
    } catch (e) {
      const msg = e instanceof VolumeError ? e.message : `setting up volumes: ${(e as Error).message}`;
      ctx.event('Warning', 'FailedMount', `MountVolume.SetUp failed: ${msg}`);
      if (await ctx.sleep(Math.min(2000 * 2 ** attempt, 120_000))) return 'terminating';
    }
  }
  return ctx.isTerminating ? 'terminating' : 'init';
};
