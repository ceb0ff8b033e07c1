// The main-thread half of one container's WASI host: owns its fd table (mounts, sockets) and
// answers the worker's requests from the shared channel (rpc-channel.ts).
import fs from 'node:fs';
import type net from 'node:net';
import type { Readable } from 'node:stream';
import { OP, type Request, type Response } from './rpc-channel.js';
import { FdTable, type Resource } from './fd-table.js';
import * as F from './fs-host.js';
import { SocketHost, Wakeup } from './sock-host.js';
import type { PodNetwork } from './network.js';
import { E, FDFLAGS, FILETYPE, RIGHTS_ALL } from './wasi-abi.js';

export interface Mount {
  /** Path the guest sees, e.g. "/data". */
  guestPath: string;
  hostPath: string;
  readOnly?: boolean;
}

const td = new TextDecoder();
const ipOf = (b: Uint8Array) => Array.from(b.subarray(0, 4)).join('.');

export class HostIo {
  readonly table = new FdTable();
  readonly sockets: SocketHost;
  private closed = false;

  constructor(
    mounts: readonly Mount[],
    listeners: readonly { server: net.Server; name?: string }[],
    network: PodNetwork,
    podIp: string,
    stdin?: Readable,
  ) {
    this.sockets = new SocketHost(this.table, network, podIp, new Wakeup());
    if (stdin) this.table.set(0, this.sockets.adoptStdin(stdin));
    for (const m of mounts) {
      const host = fs.realpathSync(m.hostPath);
      if (!fs.statSync(host).isDirectory()) throw new Error(`mount ${m.guestPath}: ${m.hostPath} is not a directory`);
      this.table.add({ kind: 'dir', host, readOnly: !!m.readOnly, guestPath: m.guestPath, flags: 0 });
    }
    for (const l of listeners) this.table.add(this.sockets.adoptListener(l.server, l.name, true));
  }

  /** The container is stopping: its listeners stop taking connections (see SocketHost). */
  shutdownListeners(): void {
    if (!this.closed) this.sockets.shutdownListeners();
  }

  /** Closes every fd the guest still holds (files, sockets, listeners). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const [fd, r] of [...this.table.entries()]) {
      this.table.delete(fd);
      F.closeResource(r);
    }
    this.sockets.wake.kick();
  }

  handle = (req: Request): Response | Promise<Response> => {
    const a = req.args;
    const t = this.table;
    switch (req.op) {
      case OP.FD_CLOSE: {
        const r = t.delete(a[0]);
        if (!r) return { errno: E.BADF };
        F.closeResource(r);
        this.sockets.wake.kick();
        return { errno: 0 };
      }
      case OP.FD_READ:
        if (a[0] === 0) return this.sockets.readStdin(a[1]);
        return this.isSocket(a[0]) ? this.sockets.recv(a[0], a[1]) : F.fdRead(t, a[0], a[1]);
      case OP.FD_PREAD:
        return F.fdRead(t, a[0], a[1], a[2]);
      case OP.FD_WRITE:
        return this.isSocket(a[0]) ? this.sockets.send(a[0], req.data) : F.fdWrite(t, a[0], req.data);
      case OP.FD_PWRITE:
        return F.fdWrite(t, a[0], req.data, a[1]);
      case OP.FD_SEEK:
        return F.fdSeek(t, a[0], a[1], a[2]);
      case OP.FD_FDSTAT_GET:
        return this.fdstat(t.get(a[0]));
      case OP.FD_FDSTAT_SET_FLAGS: {
        const r = t.get(a[0]);
        if (!r) return { errno: E.BADF };
        r.flags = a[1];
        if (r.kind === 'listener') r.modeUndecided = false;
        if (r.kind === 'file') r.append = (a[1] & FDFLAGS.APPEND) !== 0;
        return { errno: 0 };
      }
      case OP.FD_FILESTAT_GET:
        return F.fdFilestatGet(t, a[0]);
      case OP.FD_FILESTAT_SET_SIZE:
        return F.fdFilestatSetSize(t, a[0], a[1]);
      case OP.FD_FILESTAT_SET_TIMES:
        return F.fdFilestatSetTimes(t, a[0], a[1], a[2], a[3]);
      case OP.FD_SYNC:
        return F.fdSync(t, a[0]);
      case OP.FD_READDIR:
        return F.fdReaddir(t, a[0], a[1], a[2]);
      case OP.FD_PRESTAT_GET: {
        const r = t.get(a[0]);
        if (!r || r.kind !== 'dir' || r.guestPath === undefined) return { errno: E.BADF };
        return { errno: 0, results: [Buffer.byteLength(r.guestPath)] };
      }
      case OP.FD_PRESTAT_DIR_NAME: {
        const r = t.get(a[0]);
        if (!r || r.kind !== 'dir' || r.guestPath === undefined) return { errno: E.BADF };
        return { errno: 0, data: Buffer.from(r.guestPath) };
      }
      case OP.FD_RENUMBER: {
        // Like dup2 + close: `to` is closed first if open (it need not be).
        const from = t.get(a[0]);
        if (!from || a[1] < 3) return { errno: E.BADF };
        if (a[0] === a[1]) return { errno: 0 };
        const old = t.delete(a[1]);
        if (old) F.closeResource(old);
        t.delete(a[0]);
        t.set(a[1], from);
        return { errno: 0 };
      }
      case OP.PATH_OPEN:
        return F.pathOpen(t, {
          dirfd: a[0], lookupFlags: a[1], oflags: a[2], fdflags: a[3], read: a[4] === 1, write: a[5] === 1,
          path: td.decode(req.data),
        });
      case OP.PATH_FILESTAT_GET:
        return F.pathFilestatGet(t, a[0], a[1], td.decode(req.data));
      case OP.PATH_FILESTAT_SET_TIMES:
        return F.pathFilestatSetTimes(t, a[0], a[1], td.decode(req.data), a[2], a[3], a[4]);
      case OP.PATH_CREATE_DIRECTORY:
        return F.pathCreateDirectory(t, a[0], td.decode(req.data));
      case OP.PATH_REMOVE_DIRECTORY:
        return F.pathRemoveDirectory(t, a[0], td.decode(req.data));
      case OP.PATH_UNLINK_FILE:
        return F.pathUnlinkFile(t, a[0], td.decode(req.data));
      case OP.PATH_RENAME:
        return F.pathRename(t, a[0], td.decode(req.data.subarray(0, a[1])), a[2], td.decode(req.data.subarray(a[1])));
      case OP.PATH_LINK:
        return F.pathLink(t, a[0], a[1], td.decode(req.data.subarray(0, a[2])), a[3], td.decode(req.data.subarray(a[2])));
      case OP.PATH_SYMLINK:
        return F.pathSymlink(t, td.decode(req.data.subarray(0, a[1])), a[0], td.decode(req.data.subarray(a[1])));
      case OP.PATH_READLINK:
        return F.pathReadlink(t, a[0], td.decode(req.data), a[1]);
      case OP.SOCK_ACCEPT:
        return this.sockets.accept(a[0], a[1]);
      case OP.SOCK_RECV:
        return this.sockets.recv(a[0], a[1], a[2]);
      case OP.SOCK_SEND:
        return this.sockets.send(a[0], req.data);
      case OP.SOCK_SHUTDOWN:
        return this.sockets.shutdown(a[0], a[1]);
      case OP.POLL: {
        // data: n × [index u32, type u32, fd u32]; args: [n, timeoutMs]
        const v = new DataView(req.data.buffer, req.data.byteOffset, req.data.byteLength);
        const subs = [];
        for (let i = 0; i < a[0]; i++) subs.push({ index: v.getUint32(i * 12, true), type: v.getUint32(i * 12 + 4, true), fd: v.getUint32(i * 12 + 8, true) });
        return this.sockets.poll(subs, a[1]).then((ready) => {
          const out = new DataView(new ArrayBuffer(ready.length * 16));
          ready.forEach((r, i) => r.forEach((x, j) => out.setUint32(i * 16 + j * 4, x, true)));
          return { errno: 0, results: [ready.length], data: new Uint8Array(out.buffer) };
        });
      }
      case OP.SOCK_OPEN:
        return this.sockets.open(a[0], a[1]);
      case OP.SOCK_BIND:
        return this.sockets.bind(a[0], ipOf(req.data), a[1]);
      case OP.SOCK_LISTEN:
        return this.sockets.listen(a[0]);
      case OP.SOCK_CONNECT:
        return this.sockets.connect(a[0], ipOf(req.data), a[1]);
      case OP.SOCK_ADDR_LOCAL:
        return this.sockets.address(a[0], false);
      case OP.SOCK_ADDR_PEER:
        return this.sockets.address(a[0], true);
      case OP.SOCK_GETADDRINFO:
        return this.sockets.getaddrinfo(td.decode(req.data.subarray(0, a[0])), td.decode(req.data.subarray(a[0])));
      default:
        return { errno: E.NOSYS };
    }
  };

  private isSocket(fd: number): boolean {
    const k = this.table.get(fd)?.kind;
    return k === 'socket' || k === 'listener' || k === 'unbound';
  }

  private fdstat(r: Resource | undefined): Response {
    if (!r) return { errno: E.BADF };
    if (r.kind === 'listener' && r.modeUndecided) {
      r.modeUndecided = false; // asked first: non-blocking, as Go expects (see ListenerRes)
      r.flags |= FDFLAGS.NONBLOCK;
    }
    const type = r.kind === 'dir' ? FILETYPE.DIRECTORY : r.kind === 'file' ? FILETYPE.REGULAR_FILE
      : r.kind === 'stdin' ? FILETYPE.CHARACTER_DEVICE : FILETYPE.SOCKET_STREAM;
    return { errno: 0, data: F.encodeFdstat(type, r.flags, RIGHTS_ALL) };
  }
}
