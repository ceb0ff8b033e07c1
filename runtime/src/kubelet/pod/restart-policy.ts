// Whether a container that exited is started again, per the pod's restartPolicy.

import type { PodSpec } from './types.js';

export function shouldRestart(policy: PodSpec['restartPolicy'], exitCode: number): boolean {
  switch (policy ?? 'Always') {
    case 'Always':
      return true;
    case 'OnFailure':
      return exitCode !== 0;
    case 'Never':
      return false;
  }
}
