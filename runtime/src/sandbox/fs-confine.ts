// Path resolution that can never leave a directory capability (a preopened mount or a directory
// opened from one). Every component is looked at on the host: `..` may not climb above the
// directory fd, absolute paths are refused, and symlinks are expanded component by component so
// that a link pointing outside (absolute target, or enough `..`) fails with ENOTCAPABLE instead of
// being followed by the kernel.
//
// Known limit: a concurrent rename on the host between this walk and the open (TOCTOU) is not
// guarded against; mounts are the pod's own volumes, written only by the pod's own containers,
// and the final component is opened with O_NOFOLLOW when it is not to be followed.
import fs from 'node:fs';
import path from 'node:path';
import { E } from './wasi-abi.js';

const MAX_SYMLINKS = 32;

export type Resolved = { errno: 0; host: string; exists: boolean } | { errno: number };

/**
 * Resolves `guestPath` relative to the host directory `base`.
 * followFinal: whether a symlink as the last component is followed (LOOKUP_SYMLINK_FOLLOW).
 */
export function resolveInside(base: string, guestPath: string, followFinal: boolean): Resolved {
  if (guestPath.includes('\0')) return { errno: E.INVAL };
  if (guestPath.startsWith('/')) return { errno: E.NOTCAPABLE };
  if (guestPath.length > 4096) return { errno: E.NAMETOOLONG };
  const trailingSlash = guestPath.endsWith('/');
  const queue = guestPath.split('/').filter((c) => c !== '');
  const stack: string[] = [];
  let links = 0;
  let exists = true;
  while (queue.length > 0) {
    const c = queue.shift()!;
    if (c === '.') continue;
    if (c === '..') {
      if (stack.length === 0) return { errno: E.NOTCAPABLE };
      stack.pop();
      continue;
    }
    const isLast = queue.length === 0;
    const p = path.join(base, ...stack, c);
    let st: fs.Stats;
    try {
      st = fs.lstatSync(p);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && isLast) {
        stack.push(c);
        exists = false;
        break;
      }
      return { errno: code === 'ENOTDIR' ? E.NOTDIR : code === 'ENOENT' ? E.NOENT : E.IO };
    }
    if (st.isSymbolicLink() && (!isLast || followFinal || trailingSlash)) {
      if (++links > MAX_SYMLINKS) return { errno: E.LOOP };
      const target = fs.readlinkSync(p);
      if (target.startsWith('/')) return { errno: E.NOTCAPABLE };
      queue.unshift(...target.split('/').filter((x) => x !== ''));
      continue;
    }
    if (!isLast && !st.isDirectory()) return { errno: E.NOTDIR };
    stack.push(c);
  }
  return { errno: 0, host: path.join(base, ...stack), exists };
}
