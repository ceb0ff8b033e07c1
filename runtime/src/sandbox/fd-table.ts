// The guest's file descriptors as the agent's main thread sees them. Numbers 0–2 are stdio and
// live in the worker; 3.. are preopened mounts (in mount order), then the pre-opened listening
// sockets, then whatever the guest opens.
import type net from 'node:net';

export interface DirRes {
  kind: 'dir';
  /** Host path of this directory (already resolved: no symlinks). */
  host: string;
  readOnly: boolean;
  /** Set on preopens: the path the guest sees (fd_prestat_dir_name). */
  guestPath?: string;
  flags: number;
}

export interface FileRes {
  kind: 'file';
  fd: number;
  host: string;
  readOnly: boolean;
  writable: boolean;
  readable: boolean;
  append: boolean;
  pos: number;
  flags: number;
}

export interface ListenerRes {
  kind: 'listener';
  server: net.Server;
  /** Connections accepted by the kernel, not yet by the guest. */
  queue: net.Socket[];
  flags: number;
  name?: string;
  /** Shut down for the container's termination: accept fails (EINVAL, as after shutdown(2)), poll reports a hang-up. */
  shutDown?: boolean;
  /**
   * Pre-opened listeners start with their blocking mode undecided. Conventions differ: Go's
   * net.FileListener needs the fd to be non-blocking already (it reads the flags with
   * fd_fdstat_get and never sets them; wasmtime and wazero pre-open non-blocking), while Rust's
   * TcpListener::from_raw_fd(3).incoming() and C's accept() expect a blocking accept. So the
   * mode becomes whatever the guest sees first: NONBLOCK if it asks fd_fdstat_get, blocking if it
   * calls accept first; fd_fdstat_set_flags decides it too. The guest never observes a contradiction.
   */
  modeUndecided?: boolean;
}

export interface SocketRes {
  kind: 'socket';
  sock: net.Socket;
  chunks: Buffer[];
  bytes: number;
  eof: boolean;
  error?: string;
  /** Set while socket.write() reports backpressure; cleared on 'drain'. */
  congested: boolean;
  flags: number;
}

/** A socket from sock_open (WasmEdge extension) not yet listening or connected. */
export interface UnboundRes {
  kind: 'unbound';
  bindIp?: string;
  bindPort?: number;
  flags: number;
}

/** fd 0 fed from a stream (exec, attach): read on the main thread, blocking until data or EOF. */
export interface StdinRes {
  kind: 'stdin';
  chunks: Buffer[];
  bytes: number;
  eof: boolean;
  flags: number;
}

export type Resource = DirRes | FileRes | ListenerRes | SocketRes | UnboundRes | StdinRes;

export class FdTable {
  private readonly map = new Map<number, Resource>();

  get(fd: number): Resource | undefined {
    return this.map.get(fd);
  }

  /** Lowest free number ≥ 3, as POSIX does. */
  add(res: Resource): number {
    let fd = 3;
    while (this.map.has(fd)) fd++;
    this.map.set(fd, res);
    return fd;
  }

  set(fd: number, res: Resource): void {
    this.map.set(fd, res);
  }

  delete(fd: number): Resource | undefined {
    const r = this.map.get(fd);
    this.map.delete(fd);
    return r;
  }

  entries(): IterableIterator<[number, Resource]> {
    return this.map.entries();
  }
}
