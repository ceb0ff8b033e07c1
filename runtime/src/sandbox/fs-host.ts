// Filesystem operations on the agent's main thread, for the guest's preopened mounts.
// Every path goes through resolveInside() (fs-confine.ts); read-only mounts refuse writes (EROFS).
import fs from 'node:fs';
import path from 'node:path';
import type { Response } from './rpc-channel.js';
import { FdTable, type DirRes, type FileRes, type Resource } from './fd-table.js';
import { resolveInside } from './fs-confine.js';
import { E, FDFLAGS, FILETYPE, FSTFLAGS, LOOKUP_SYMLINK_FOLLOW, OFLAGS, RIGHTS_ALL, WHENCE } from './wasi-abi.js';

const C = fs.constants;
const td = new TextDecoder();

export function errnoOf(err: unknown): number {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'ENOENT': return E.NOENT;
    case 'EEXIST': return E.EXIST;
    case 'ENOTDIR': return E.NOTDIR;
    case 'EISDIR': return E.ISDIR;
    case 'ENOTEMPTY': return E.NOTEMPTY;
    case 'EACCES': return E.ACCES;
    case 'EPERM': return E.PERM;
    case 'ELOOP': return E.LOOP;
    case 'EROFS': return E.ROFS;
    case 'EINVAL': return E.INVAL;
    case 'EXDEV': return E.XDEV;
    case 'ENAMETOOLONG': return E.NAMETOOLONG;
    case 'EBADF': return E.BADF;
    case 'ESPIPE': return E.SPIPE;
    default: return E.IO;
  }
}

function filetypeOf(st: fs.Stats | fs.BigIntStats): number {
  if (st.isFile()) return FILETYPE.REGULAR_FILE;
  if (st.isDirectory()) return FILETYPE.DIRECTORY;
  if (st.isSymbolicLink()) return FILETYPE.SYMBOLIC_LINK;
  if (st.isSocket()) return FILETYPE.SOCKET_STREAM;
  if (st.isCharacterDevice()) return FILETYPE.CHARACTER_DEVICE;
  if (st.isBlockDevice()) return FILETYPE.BLOCK_DEVICE;
  return FILETYPE.UNKNOWN;
}

/** The 64-byte WASI filestat struct. */
export function encodeFilestat(st: fs.BigIntStats): Uint8Array {
  const b = new Uint8Array(64);
  const v = new DataView(b.buffer);
  v.setBigUint64(0, st.dev, true);
  v.setBigUint64(8, st.ino, true);
  v.setUint8(16, filetypeOf(st));
  v.setBigUint64(24, st.nlink, true);
  v.setBigUint64(32, st.size, true);
  v.setBigUint64(40, st.atimeNs, true);
  v.setBigUint64(48, st.mtimeNs, true);
  v.setBigUint64(56, st.ctimeNs, true);
  return b;
}

/** The 24-byte WASI fdstat struct. */
export function encodeFdstat(filetype: number, flags: number, rights = RIGHTS_ALL): Uint8Array {
  const b = new Uint8Array(24);
  const v = new DataView(b.buffer);
  v.setUint8(0, filetype);
  v.setUint16(2, flags, true);
  v.setBigUint64(8, rights, true);
  v.setBigUint64(16, rights, true);
  return b;
}

function dirOf(t: FdTable, fd: number): DirRes | number {
  const r = t.get(fd);
  if (!r) return E.BADF;
  if (r.kind !== 'dir') return E.NOTDIR;
  return r;
}

function fileOf(t: FdTable, fd: number): FileRes | number {
  const r = t.get(fd);
  if (!r) return E.BADF;
  if (r.kind === 'dir') return E.ISDIR;
  if (r.kind !== 'file') return E.SPIPE;
  return r;
}

export interface PathOpenArgs {
  dirfd: number;
  lookupFlags: number;
  oflags: number;
  fdflags: number;
  read: boolean;
  write: boolean;
  path: string;
}

export function pathOpen(t: FdTable, a: PathOpenArgs): Response {
  const dir = dirOf(t, a.dirfd);
  if (typeof dir === 'number') return { errno: dir };
  const follow = (a.lookupFlags & LOOKUP_SYMLINK_FOLLOW) !== 0;
  const res = resolveInside(dir.host, a.path, follow);
  if (res.errno !== 0 || !('host' in res)) return { errno: res.errno };
  const creat = (a.oflags & OFLAGS.CREAT) !== 0;
  const trunc = (a.oflags & OFLAGS.TRUNC) !== 0;
  const mutating = a.write || trunc || (creat && !res.exists) || (a.fdflags & FDFLAGS.APPEND) !== 0;
  if (mutating && dir.readOnly) return { errno: res.exists || creat ? E.ROFS : E.NOENT };
  if (!res.exists && !creat) return { errno: E.NOENT };
  if (res.exists && creat && (a.oflags & OFLAGS.EXCL) !== 0) return { errno: E.EXIST };
  try {
    if (res.exists) {
      const st = fs.lstatSync(res.host);
      if (st.isSymbolicLink()) return { errno: E.LOOP }; // final symlink without FOLLOW
      if (st.isDirectory()) {
        if (a.write || trunc) return { errno: E.ISDIR };
        const d: DirRes = { kind: 'dir', host: res.host, readOnly: dir.readOnly, flags: a.fdflags };
        return { errno: 0, results: [t.add(d)] };
      }
      if ((a.oflags & OFLAGS.DIRECTORY) !== 0) return { errno: E.NOTDIR };
      if (!st.isFile()) return { errno: E.ACCES }; // no devices, fifos or host sockets through a mount
    } else if ((a.oflags & OFLAGS.DIRECTORY) !== 0) {
      return { errno: E.NOENT };
    }
    let flags = C.O_NOFOLLOW;
    flags |= a.write && a.read ? C.O_RDWR : a.write || trunc ? (a.read ? C.O_RDWR : C.O_WRONLY) : C.O_RDONLY;
    if (creat) flags |= C.O_CREAT;
    if ((a.oflags & OFLAGS.EXCL) !== 0) flags |= C.O_EXCL;
    if (trunc) flags |= C.O_TRUNC;
    const append = (a.fdflags & FDFLAGS.APPEND) !== 0;
    if (append) flags |= C.O_APPEND;
    const fd = fs.openSync(res.host, flags, 0o644);
    const f: FileRes = {
      kind: 'file', fd, host: res.host, readOnly: dir.readOnly, readable: a.read || !a.write,
      writable: a.write || trunc, append, pos: 0, flags: a.fdflags,
    };
    return { errno: 0, results: [t.add(f)] };
  } catch (err) {
    return { errno: errnoOf(err) };
  }
}

export function fdRead(t: FdTable, fdn: number, max: number, at?: number): Response {
  const f = fileOf(t, fdn);
  if (typeof f === 'number') return { errno: f };
  if (!f.readable) return { errno: E.BADF };
  try {
    const buf = Buffer.alloc(max);
    const n = fs.readSync(f.fd, buf, 0, max, at ?? f.pos);
    if (at === undefined) f.pos += n;
    return { errno: 0, results: [n], data: buf.subarray(0, n) };
  } catch (err) {
    return { errno: errnoOf(err) };
  }
}

export function fdWrite(t: FdTable, fdn: number, data: Uint8Array, at?: number): Response {
  const f = fileOf(t, fdn);
  if (typeof f === 'number') return { errno: f };
  if (f.readOnly) return { errno: E.ROFS };
  if (!f.writable && !f.append) return { errno: E.BADF };
  try {
    if (f.append && at === undefined) {
      const n = fs.writeSync(f.fd, data);
      f.pos = fs.fstatSync(f.fd).size;
      return { errno: 0, results: [n] };
    }
    const n = fs.writeSync(f.fd, data, 0, data.length, at ?? f.pos);
    if (at === undefined) f.pos += n;
    return { errno: 0, results: [n] };
  } catch (err) {
    return { errno: errnoOf(err) };
  }
}

export function fdSeek(t: FdTable, fdn: number, offset: number, whence: number): Response {
  const f = fileOf(t, fdn);
  if (typeof f === 'number') return { errno: f };
  let base: number;
  if (whence === WHENCE.SET) base = 0;
  else if (whence === WHENCE.CUR) base = f.pos;
  else if (whence === WHENCE.END) base = fs.fstatSync(f.fd).size;
  else return { errno: E.INVAL };
  const pos = base + offset;
  if (pos < 0) return { errno: E.INVAL };
  f.pos = pos;
  return { errno: 0, results: [pos] };
}

export function fdFilestatGet(t: FdTable, fdn: number): Response {
  const r = t.get(fdn);
  if (!r) return { errno: E.BADF };
  try {
    if (r.kind === 'file') return { errno: 0, data: encodeFilestat(fs.fstatSync(r.fd, { bigint: true })) };
    if (r.kind === 'dir') return { errno: 0, data: encodeFilestat(fs.statSync(r.host, { bigint: true })) };
  } catch (err) {
    return { errno: errnoOf(err) };
  }
  const b = new Uint8Array(64);
  b[16] = FILETYPE.SOCKET_STREAM;
  return { errno: 0, data: b };
}

export function fdFilestatSetSize(t: FdTable, fdn: number, size: number): Response {
  const f = fileOf(t, fdn);
  if (typeof f === 'number') return { errno: f };
  if (f.readOnly) return { errno: E.ROFS };
  try {
    fs.ftruncateSync(f.fd, size);
    return { errno: 0 };
  } catch (err) {
    return { errno: errnoOf(err) };
  }
}

function times(atimMs: number, mtimMs: number, fst: number, cur: fs.Stats): [number, number] {
  const now = Date.now();
  const a = fst & FSTFLAGS.ATIM_NOW ? now : fst & FSTFLAGS.ATIM ? atimMs : cur.atimeMs;
  const m = fst & FSTFLAGS.MTIM_NOW ? now : fst & FSTFLAGS.MTIM ? mtimMs : cur.mtimeMs;
  return [a / 1000, m / 1000];
}

export function fdFilestatSetTimes(t: FdTable, fdn: number, atim: number, mtim: number, fst: number): Response {
  const r = t.get(fdn);
  if (!r) return { errno: E.BADF };
  if ((r.kind === 'file' || r.kind === 'dir') && r.readOnly) return { errno: E.ROFS };
  try {
    if (r.kind === 'file') {
      const [a, m] = times(atim, mtim, fst, fs.fstatSync(r.fd));
      fs.futimesSync(r.fd, a, m);
    } else if (r.kind === 'dir') {
      const [a, m] = times(atim, mtim, fst, fs.statSync(r.host));
      fs.utimesSync(r.host, a, m);
    } else return { errno: E.BADF };
    return { errno: 0 };
  } catch (err) {
    return { errno: errnoOf(err) };
  }
}

export function fdSync(t: FdTable, fdn: number): Response {
  const r = t.get(fdn);
  if (!r) return { errno: E.BADF };
  if (r.kind !== 'file') return { errno: 0 };
  try {
    fs.fsyncSync(r.fd);
    return { errno: 0 };
  } catch (err) {
    return { errno: errnoOf(err) };
  }
}

/** WASI dirents from `cookie` on, filling at most bufLen bytes (the last entry may be cut, per spec). */
export function fdReaddir(t: FdTable, fdn: number, bufLen: number, cookie: number): Response {
  const d = dirOf(t, fdn);
  if (typeof d === 'number') return { errno: d === E.NOTDIR ? E.NOTDIR : d };
  let entries: { name: string; type: number; ino: bigint }[];
  try {
    const self = fs.statSync(d.host, { bigint: true });
    entries = [
      { name: '.', type: FILETYPE.DIRECTORY, ino: self.ino },
      { name: '..', type: FILETYPE.DIRECTORY, ino: 0n },
    ];
    for (const e of fs.readdirSync(d.host, { withFileTypes: true }).sort((x, y) => (x.name < y.name ? -1 : 1))) {
      let ino = 0n;
      try {
        ino = fs.lstatSync(path.join(d.host, e.name), { bigint: true }).ino;
      } catch {
        /* vanished meanwhile */
      }
      const type = e.isFile() ? FILETYPE.REGULAR_FILE : e.isDirectory() ? FILETYPE.DIRECTORY
        : e.isSymbolicLink() ? FILETYPE.SYMBOLIC_LINK : FILETYPE.UNKNOWN;
      entries.push({ name: e.name, type, ino });
    }
  } catch (err) {
    return { errno: errnoOf(err) };
  }
  const out: Buffer[] = [];
  let used = 0;
  for (let i = cookie; i < entries.length && used < bufLen; i++) {
    const e = entries[i];
    const name = Buffer.from(e.name);
    const rec = Buffer.alloc(24 + name.length);
    rec.writeBigUInt64LE(BigInt(i + 1), 0);
    rec.writeBigUInt64LE(e.ino, 8);
    rec.writeUInt32LE(name.length, 16);
    rec.writeUInt8(e.type, 20);
    name.copy(rec, 24);
    const take = Math.min(rec.length, bufLen - used);
    out.push(rec.subarray(0, take));
    used += take;
  }
  return { errno: 0, results: [used], data: Buffer.concat(out) };
}

export function pathFilestatGet(t: FdTable, dirfd: number, lookup: number, p: string): Response {
  const d = dirOf(t, dirfd);
  if (typeof d === 'number') return { errno: d };
  const res = resolveInside(d.host, p, (lookup & LOOKUP_SYMLINK_FOLLOW) !== 0);
  if (!('host' in res)) return { errno: res.errno };
  if (!res.exists) return { errno: E.NOENT };
  try {
    return { errno: 0, data: encodeFilestat(fs.lstatSync(res.host, { bigint: true })) };
  } catch (err) {
    return { errno: errnoOf(err) };
  }
}

export function pathFilestatSetTimes(t: FdTable, dirfd: number, lookup: number, p: string, atim: number, mtim: number, fst: number): Response {
  const d = dirOf(t, dirfd);
  if (typeof d === 'number') return { errno: d };
  if (d.readOnly) return { errno: E.ROFS };
  const res = resolveInside(d.host, p, (lookup & LOOKUP_SYMLINK_FOLLOW) !== 0);
  if (!('host' in res)) return { errno: res.errno };
  if (!res.exists) return { errno: E.NOENT };
  try {
    const [a, m] = times(atim, mtim, fst, fs.lstatSync(res.host));
    fs.lutimesSync(res.host, a, m);
    return { errno: 0 };
  } catch (err) {
    return { errno: errnoOf(err) };
  }
}

/** Resolves a path for a mutating operation on its final component (never followed). */
function target(t: FdTable, dirfd: number, p: string): { host: string; exists: boolean } | number {
  const d = dirOf(t, dirfd);
  if (typeof d === 'number') return d;
  if (d.readOnly) return E.ROFS;
  const res = resolveInside(d.host, p, false);
  if (!('host' in res)) return res.errno;
  if (res.host === d.host) return E.INVAL; // "." or "a/.." : not a child
  return res;
}

export function pathCreateDirectory(t: FdTable, dirfd: number, p: string): Response {
  const r = target(t, dirfd, p);
  if (typeof r === 'number') return { errno: r };
  if (r.exists) return { errno: E.EXIST };
  try {
    fs.mkdirSync(r.host);
    return { errno: 0 };
  } catch (err) {
    return { errno: errnoOf(err) };
  }
}

export function pathRemoveDirectory(t: FdTable, dirfd: number, p: string): Response {
  const r = target(t, dirfd, p);
  if (typeof r === 'number') return { errno: r };
  if (!r.exists) return { errno: E.NOENT };
  try {
    if (!fs.lstatSync(r.host).isDirectory()) return { errno: E.NOTDIR };
    fs.rmdirSync(r.host);
    return { errno: 0 };
  } catch (err) {
    return { errno: errnoOf(err) };
  }
}

export function pathUnlinkFile(t: FdTable, dirfd: number, p: string): Response {
  const r = target(t, dirfd, p);
  if (typeof r === 'number') return { errno: r };
  if (!r.exists) return { errno: E.NOENT };
  try {
    if (fs.lstatSync(r.host).isDirectory()) return { errno: E.ISDIR };
    fs.unlinkSync(r.host);
    return { errno: 0 };
  } catch (err) {
    return { errno: errnoOf(err) };
  }
}

export function pathRename(t: FdTable, oldfd: number, oldp: string, newfd: number, newp: string): Response {
  const a = target(t, oldfd, oldp);
  if (typeof a === 'number') return { errno: a };
  const b = target(t, newfd, newp);
  if (typeof b === 'number') return { errno: b };
  if (!a.exists) return { errno: E.NOENT };
  try {
    fs.renameSync(a.host, b.host);
    return { errno: 0 };
  } catch (err) {
    return { errno: errnoOf(err) };
  }
}

export function pathLink(t: FdTable, oldfd: number, lookup: number, oldp: string, newfd: number, newp: string): Response {
  const d = dirOf(t, oldfd);
  if (typeof d === 'number') return { errno: d };
  const a = resolveInside(d.host, oldp, (lookup & LOOKUP_SYMLINK_FOLLOW) !== 0);
  if (!('host' in a)) return { errno: a.errno };
  const b = target(t, newfd, newp);
  if (typeof b === 'number') return { errno: b };
  if (!a.exists) return { errno: E.NOENT };
  try {
    fs.linkSync(a.host, b.host);
    return { errno: 0 };
  } catch (err) {
    return { errno: errnoOf(err) };
  }
}

export function pathSymlink(t: FdTable, targetText: string, dirfd: number, newp: string): Response {
  // The link's text is stored as given; following it later goes through resolveInside, so an
  // escaping target is harmless to create and refused when used.
  const b = target(t, dirfd, newp);
  if (typeof b === 'number') return { errno: b };
  if (b.exists) return { errno: E.EXIST };
  try {
    fs.symlinkSync(targetText, b.host);
    return { errno: 0 };
  } catch (err) {
    return { errno: errnoOf(err) };
  }
}

export function pathReadlink(t: FdTable, dirfd: number, p: string, bufLen: number): Response {
  const d = dirOf(t, dirfd);
  if (typeof d === 'number') return { errno: d };
  const res = resolveInside(d.host, p, false);
  if (!('host' in res)) return { errno: res.errno };
  try {
    const text = Buffer.from(fs.readlinkSync(res.host));
    const n = Math.min(text.length, bufLen);
    return { errno: 0, results: [n], data: text.subarray(0, n) };
  } catch (err) {
    return { errno: errnoOf(err) };
  }
}

export function closeResource(r: Resource): void {
  try {
    if (r.kind === 'file') fs.closeSync(r.fd);
    else if (r.kind === 'socket') {
      // Like close(2): data already written is still delivered (destroy() would drop it).
      r.sock.destroySoon();
      setTimeout(() => r.sock.destroy(), 5000).unref();
    }
    else if (r.kind === 'listener') {
      r.server.close();
      for (const s of r.queue) s.destroy();
    }
  } catch {
    /* already closed */
  }
}

export const decodePath = (b: Uint8Array): string => td.decode(b);
