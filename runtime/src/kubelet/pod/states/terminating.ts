// terminating: every running container gets its preStop hook and the rest of the grace period,
// then is stopped; the final status is written and the agent completes the deletion in the API
// (DELETE with gracePeriodSeconds=0, as kubelet does), then frees the IP and the volumes.

import { rm } from 'node:fs/promises';
import { R, isNotFound } from '@wasmkube/client';
import { tearDownVolumes } from '../volumes.js';
import type { PodState } from './state.js';

export const terminating: PodState = async (w) => {
  const ctx = w.ctx;
  const md = ctx.pod.metadata;
  const graceMs = w.removedFromApi ? 0 : ctx.nodeShutdown ? w.shutdownGraceMs : (md.deletionGracePeriodSeconds ?? ctx.pod.spec.terminationGracePeriodSeconds ?? 30) * 1000;
  await Promise.all([...w.initRunners, ...w.runners].map((r) => r.terminate(graceMs)));
  // An agent that stops leaves its pods as they are: on restart they resume (restartCount + 1).
  if (ctx.nodeShutdown) return 'done';
  await w.flushStatus();
  if (!w.removedFromApi && md.deletionTimestamp) {
    try {
      await ctx.node.client.delete(R.pods, md.namespace, md.name as string, { gracePeriodSeconds: 0, preconditions: { uid: md.uid } });
    } catch (e) {
      if (!isNotFound(e)) ctx.event('Warning', 'FailedKillPod', `error completing the deletion of the pod: ${(e as Error).message}`);
    }
  }
  w.ips.release(ctx.uid);
  await tearDownVolumes(ctx.dir).catch(() => undefined);
  if (w.removedFromApi || md.deletionTimestamp) await rm(ctx.dir, { recursive: true, force: true }).catch(() => undefined);
  return 'done';
};
