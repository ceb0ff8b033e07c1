// wasi:filesystem: the pod's mounts as preopens. Every operation goes to the agent's main thread
// through the sandbox channel as the matching preview1 call, where the preview1 host (host-io.ts,
// fs-host.ts) confines it to the mount exactly as for core modules (no `..` or symlink escapes,
// read-only mounts refuse writes). A descriptor is a host fd number.
import { DATA_SIZE, OP, type ChannelClient } from '../../sandbox/rpc-channel.js';
import { E, FDFLAGS, FILETYPE, LOOKUP_SYMLINK_FOLLOW, OFLAGS } from '../../sandbox/wasi-abi.js';
import { InputStream, OutputStream } from './io.js';

const te = new TextEncoder();
const td = new TextDecoder();

const CODES: Record<number, string> = {
  [E.ACCES]: 'access', [E.BADF]: 'bad-descriptor', [E.EXIST]: 'exist', [E.INVAL]: 'invalid', [E.IO]: 'io',
  [E.ISDIR]: 'is-directory', [E.LOOP]: 'loop', [E.NAMETOOLONG]: 'name-too-long', [E.NOENT]: 'no-entry',
  [E.NOSYS]: 'unsupported', [E.NOTDIR]: 'not-directory', [E.NOTEMPTY]: 'not-empty', [E.PERM]: 'not-permitted',
  [E.ROFS]: 'read-only', [E.SPIPE]: 'invalid-seek', [E.XDEV]: 'cross-device', [E.NOTCAPABLE]: 'not-permitted',
  [E.TOOBIG]: 'insufficient-memory',
};
const TYPES: Record<number, string> = {
  [FILETYPE.DIRECTORY]: 'directory', [FILETYPE.REGULAR_FILE]: 'regular-file', [FILETYPE.SYMBOLIC_LINK]: 'symbolic-link',
  [FILETYPE.CHARACTER_DEVICE]: 'character-device', [FILETYPE.BLOCK_DEVICE]: 'block-device', [FILETYPE.SOCKET_STREAM]: 'socket',
};

/** wasi:filesystem error-code for a preview1 errno. */
function fail(errno: number): never {
  throw CODES[errno] ?? 'io';
}

interface PathFlags { symlinkFollow?: boolean }
interface OpenFlags { create?: boolean; directory?: boolean; exclusive?: boolean; truncate?: boolean }
interface DescriptorFlags { read?: boolean; write?: boolean; mutateDirectory?: boolean }

let ch: ChannelClient;

function call(op: number, args: number[], data?: Uint8Array): void {
  const errno = ch.call(op, args, data);
  if (errno !== 0) fail(errno);
}
const result = () => ch.v.results[1];
const payload = () => ch.v.data.slice(0, ch.dataLen);

function datetime(ns: bigint): { seconds: bigint; nanoseconds: number } {
  return { seconds: ns / 1_000_000_000n, nanoseconds: Number(ns % 1_000_000_000n) };
}

/** A preview1 filestat (64 bytes) as a wasi:filesystem descriptor-stat. */
function descriptorStat(b: Uint8Array): Record<string, unknown> {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return {
    type: TYPES[v.getUint8(16)] ?? 'unknown',
    linkCount: v.getBigUint64(24, true),
    size: v.getBigUint64(32, true),
    dataAccessTimestamp: datetime(v.getBigUint64(40, true)),
    dataModificationTimestamp: datetime(v.getBigUint64(48, true)),
    statusChangeTimestamp: datetime(v.getBigUint64(56, true)),
  };
}

export class DirectoryEntryStream {
  private cookie = 0;
  private buf: { type: string; name: string }[] = [];
  private done = false;
  constructor(private readonly fd: number) {}
  readDirectoryEntry(): { type: string; name: string } | undefined {
    while (this.buf.length === 0 && !this.done) {
      call(OP.FD_READDIR, [this.fd, 8192, this.cookie]);
      const b = payload();
      const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
      let off = 0;
      let got = 0;
      while (off + 24 <= b.length) {
        const len = v.getUint32(off + 16, true);
        if (off + 24 + len > b.length) break; // cut at the buffer's end: read again from its cookie
        const name = td.decode(b.subarray(off + 24, off + 24 + len));
        this.cookie = Number(v.getBigUint64(off, true));
        if (name !== '.' && name !== '..') this.buf.push({ type: TYPES[v.getUint8(off + 20)] ?? 'unknown', name });
        off += 24 + len;
        got++;
      }
      if (got === 0) this.done = true;
    }
    return this.buf.shift();
  }
}

export class Descriptor {
  constructor(readonly fd: number, private readonly writable: boolean) {}

  readViaStream(offset: bigint): InputStream {
    let pos = Number(offset);
    return new InputStream({
      read: (max) => {
        call(OP.FD_PREAD, [this.fd, Math.min(max, DATA_SIZE), pos]);
        const b = payload();
        if (b.length === 0) return null;
        pos += b.length;
        return b;
      },
      ready: () => true,
    });
  }

  writeViaStream(offset: bigint): OutputStream {
    let pos = Number(offset);
    return new OutputStream({
      write: (bytes) => {
        for (let off = 0; off < bytes.length; off += DATA_SIZE) {
          call(OP.FD_PWRITE, [this.fd, pos], bytes.subarray(off, off + DATA_SIZE));
          pos += result();
        }
      },
      capacity: () => 1 << 20,
    });
  }

  appendViaStream(): OutputStream {
    return new OutputStream({
      write: (bytes) => {
        for (let off = 0; off < bytes.length; off += DATA_SIZE) {
          call(OP.FD_FILESTAT_GET, [this.fd]);
          const size = Number(new DataView(payload().buffer).getBigUint64(32, true));
          call(OP.FD_PWRITE, [this.fd, size], bytes.subarray(off, off + DATA_SIZE));
        }
      },
      capacity: () => 1 << 20,
    });
  }

  advise(): void {}
  syncData(): void { call(OP.FD_SYNC, [this.fd]); }
  sync(): void { call(OP.FD_SYNC, [this.fd]); }

  getFlags(): DescriptorFlags {
    return { read: true, write: this.writable, mutateDirectory: this.writable };
  }

  getType(): string {
    call(OP.FD_FDSTAT_GET, [this.fd]);
    return TYPES[payload()[0]] ?? 'unknown';
  }

  setSize(size: bigint): void { call(OP.FD_FILESTAT_SET_SIZE, [this.fd, Number(size)]); }

  read(length: bigint, offset: bigint): [Uint8Array, boolean] {
    call(OP.FD_PREAD, [this.fd, Math.min(Number(length), DATA_SIZE), Number(offset)]);
    const b = payload();
    return [b, b.length === 0 && length > 0n];
  }

  write(buffer: Uint8Array, offset: bigint): bigint {
    const n = Math.min(buffer.length, DATA_SIZE);
    call(OP.FD_PWRITE, [this.fd, Number(offset)], buffer.subarray(0, n));
    return BigInt(result());
  }

  readDirectory(): DirectoryEntryStream {
    if (this.getType() !== 'directory') fail(E.NOTDIR);
    return new DirectoryEntryStream(this.fd);
  }

  stat(): Record<string, unknown> {
    call(OP.FD_FILESTAT_GET, [this.fd]);
    return descriptorStat(payload());
  }

  statAt(flags: PathFlags, path: string): Record<string, unknown> {
    call(OP.PATH_FILESTAT_GET, [this.fd, flags.symlinkFollow ? LOOKUP_SYMLINK_FOLLOW : 0], te.encode(path));
    return descriptorStat(payload());
  }

  openAt(flags: PathFlags, path: string, open: OpenFlags, dflags: DescriptorFlags): Descriptor {
    const oflags = (open.create ? OFLAGS.CREAT : 0) | (open.directory ? OFLAGS.DIRECTORY : 0)
      | (open.exclusive ? OFLAGS.EXCL : 0) | (open.truncate ? OFLAGS.TRUNC : 0);
    const write = !!dflags.write || !!dflags.mutateDirectory;
    call(OP.PATH_OPEN, [this.fd, flags.symlinkFollow ? LOOKUP_SYMLINK_FOLLOW : 0, oflags, 0, dflags.read || !write ? 1 : 0, dflags.write ? 1 : 0], te.encode(path));
    return new Descriptor(result(), write && this.writable);
  }

  createDirectoryAt(path: string): void { call(OP.PATH_CREATE_DIRECTORY, [this.fd], te.encode(path)); }
  removeDirectoryAt(path: string): void { call(OP.PATH_REMOVE_DIRECTORY, [this.fd], te.encode(path)); }
  unlinkFileAt(path: string): void { call(OP.PATH_UNLINK_FILE, [this.fd], te.encode(path)); }

  readlinkAt(path: string): string {
    call(OP.PATH_READLINK, [this.fd, 4096], te.encode(path));
    return td.decode(payload());
  }

  renameAt(oldPath: string, newDir: Descriptor, newPath: string): void {
    const a = te.encode(oldPath);
    const b = te.encode(newPath);
    const data = new Uint8Array(a.length + b.length);
    data.set(a);
    data.set(b, a.length);
    call(OP.PATH_RENAME, [this.fd, a.length, newDir.fd], data);
  }

  isSameObject(other: Descriptor): boolean {
    const a = this.metadataHash();
    const b = other.metadataHash();
    return a.lower === b.lower && a.upper === b.upper;
  }

  metadataHash(): { lower: bigint; upper: bigint } {
    call(OP.FD_FILESTAT_GET, [this.fd]);
    const v = new DataView(payload().buffer);
    return { lower: v.getBigUint64(8, true), upper: v.getBigUint64(0, true) };
  }

  metadataHashAt(flags: PathFlags, path: string): { lower: bigint; upper: bigint } {
    call(OP.PATH_FILESTAT_GET, [this.fd, flags.symlinkFollow ? LOOKUP_SYMLINK_FOLLOW : 0], te.encode(path));
    const v = new DataView(payload().buffer);
    return { lower: v.getBigUint64(8, true), upper: v.getBigUint64(0, true) };
  }

  [Symbol.dispose](): void {
    // Preopens stay open for the container's life (every instance shares them).
    if (!preopened.has(this.fd)) ch.call(OP.FD_CLOSE, [this.fd]);
  }
}

const preopened = new Set<number>();

export function filesystemImports(channel: ChannelClient, mounts: { guestPath: string; readOnly: boolean }[]): Record<string, unknown> {
  ch = channel;
  // The agent's preview1 host numbers the mounts from fd 3, in order (host-io.ts).
  const dirs = mounts.map((m, i): [Descriptor, string] => [new Descriptor(3 + i, !m.readOnly), m.guestPath]);
  for (const [d] of dirs) preopened.add(d.fd);
  void FDFLAGS;
  return {
    'wasi:filesystem/types': {
      Descriptor, DirectoryEntryStream,
      // Our stream errors carry no filesystem error code.
      filesystemErrorCode: () => undefined,
    },
    'wasi:filesystem/preopens': { getDirectories: () => dirs },
  };
}
