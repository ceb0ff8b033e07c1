// Each cluster on a machine takes its own pod and service ranges inside 127.0.0.0/8, so that two
// clusters (parallel CI fixtures) never share an address. A range is claimed with a lock file
// holding the owner's pid; a lock whose process is gone is stale and taken over.

import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ClusterRanges {
  /** e.g. 127.244.0.0/16: each node gets a /24 of it. */
  podCidr: string;
  /** e.g. 127.96.0.0/16: ClusterIPs. */
  serviceCidr: string;
  release(): void;
}

const LOCK_DIR = join(tmpdir(), 'wasmkube-ranges');
export const DEFAULT_POD_OCTET = 244;
export const DEFAULT_SERVICE_OCTET = 96;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryClaim(octet: number): (() => void) | undefined {
  mkdirSync(LOCK_DIR, { recursive: true });
  const file = join(LOCK_DIR, `127.${octet}.lock`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = Number(readFileSync(file, 'utf8').trim());
      if (owner && alive(owner)) return undefined;
      rmSync(file, { force: true }); // stale
    }
  }
  return undefined;
}

/**
 * Claims a pod range and a service range. A cluster resuming from its data dir gets the ranges it
 * had (its Services and pods hold addresses in them), or a clear error if another running cluster
 * holds them now. A new cluster with `preferDefault` tries 127.244/127.96 first (the documented
 * defaults for `wasmkube up`); fixtures pick from the rest of 127.0.0.0/8. The choice is
 * remembered in the data dir.
 */
export function claimRanges(preferDefault: boolean, dataDir?: string): ClusterRanges {
  const file = dataDir ? join(dataDir, 'ranges.json') : undefined;
  if (file && existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { podCidr: string; serviceCidr: string };
    const octet = (cidr: string) => Number(/^127\.(\d+)\.0\.0\/16$/.exec(cidr)?.[1]);
    const releases: (() => void)[] = [];
    for (const cidr of [saved.podCidr, saved.serviceCidr]) {
      const release = tryClaim(octet(cidr));
      if (!release) {
        releases.forEach((r) => r());
        throw new Error(`the cluster in ${dataDir} uses ${cidr}, which another running cluster on this machine holds now`);
      }
      releases.push(release);
    }
    return { ...saved, release: () => releases.forEach((r) => r()) };
  }
  const ranges = claimFresh(preferDefault);
  if (file) {
    mkdirSync(dataDir as string, { recursive: true });
    writeFileSync(file, JSON.stringify({ podCidr: ranges.podCidr, serviceCidr: ranges.serviceCidr }) + '\n');
  }
  return ranges;
}

function claimFresh(preferDefault: boolean): ClusterRanges {
  const candidates: number[] = [];
  for (let o = 100; o < 240; o++) if (o !== DEFAULT_SERVICE_OCTET) candidates.push(o);
  // Shuffle so that parallel fixtures rarely race for the same octet.
  for (let i = candidates.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [candidates[i], candidates[j]] = [candidates[j], candidates[i]];
  }
  const claim = (first: number | undefined): [number, () => void] => {
    for (const o of first !== undefined ? [first, ...candidates] : candidates) {
      const release = tryClaim(o);
      if (release) {
        candidates.splice(candidates.indexOf(o), 1);
        return [o, release];
      }
    }
    throw new Error('no free 127.x.0.0/16 range left for another cluster on this machine');
  };
  const [pod, releasePod] = claim(preferDefault ? DEFAULT_POD_OCTET : undefined);
  const [svc, releaseSvc] = claim(preferDefault ? DEFAULT_SERVICE_OCTET : undefined);
  return {
    podCidr: `127.${pod}.0.0/16`,
    serviceCidr: `127.${svc}.0.0/16`,
    release() {
      releasePod();
      releaseSvc();
    },
  };
}
