// WASI preview1 constants (errno, filetypes, flags, rights) used by both sides of the host:
// the worker (guest-facing import functions) and the agent's main thread (real I/O).
// Values are those of wasi-libc's <wasi/api.h>.

export const E = {
  SUCCESS: 0, TOOBIG: 1, ACCES: 2, ADDRINUSE: 3, ADDRNOTAVAIL: 4, AFNOSUPPORT: 5, AGAIN: 6,
  BADF: 8, CONNABORTED: 13, CONNREFUSED: 14, CONNRESET: 15, EXIST: 20, FAULT: 21, HOSTUNREACH: 23,
  INVAL: 28, IO: 29, ISCONN: 30, ISDIR: 31, LOOP: 32, NAMETOOLONG: 37, NOENT: 44, NOSYS: 52,
  NOTCONN: 53, NOTDIR: 54, NOTEMPTY: 55, NOTSOCK: 57, NOTSUP: 58, PERM: 63, PIPE: 64,
  ROFS: 69, SPIPE: 70, TIMEDOUT: 73, XDEV: 75, NOTCAPABLE: 76,
} as const;

export const FILETYPE = {
  UNKNOWN: 0, BLOCK_DEVICE: 1, CHARACTER_DEVICE: 2, DIRECTORY: 3, REGULAR_FILE: 4,
  SOCKET_DGRAM: 5, SOCKET_STREAM: 6, SYMBOLIC_LINK: 7,
} as const;

/** fdflags */
export const FDFLAGS = { APPEND: 1, DSYNC: 2, NONBLOCK: 4, RSYNC: 8, SYNC: 16 } as const;
/** oflags of path_open */
export const OFLAGS = { CREAT: 1, DIRECTORY: 2, EXCL: 4, TRUNC: 8 } as const;
/** lookupflags */
export const LOOKUP_SYMLINK_FOLLOW = 1;
/** fstflags of *_set_times */
export const FSTFLAGS = { ATIM: 1, ATIM_NOW: 2, MTIM: 4, MTIM_NOW: 8 } as const;

export const RIGHTS = {
  FD_DATASYNC: 1n << 0n, FD_READ: 1n << 1n, FD_SEEK: 1n << 2n, FD_FDSTAT_SET_FLAGS: 1n << 3n,
  FD_SYNC: 1n << 4n, FD_TELL: 1n << 5n, FD_WRITE: 1n << 6n, FD_ADVISE: 1n << 7n,
  FD_ALLOCATE: 1n << 8n, PATH_CREATE_DIRECTORY: 1n << 9n, PATH_CREATE_FILE: 1n << 10n,
  PATH_LINK_SOURCE: 1n << 11n, PATH_LINK_TARGET: 1n << 12n, PATH_OPEN: 1n << 13n,
  FD_READDIR: 1n << 14n, PATH_READLINK: 1n << 15n, PATH_RENAME_SOURCE: 1n << 16n,
  PATH_RENAME_TARGET: 1n << 17n, PATH_FILESTAT_GET: 1n << 18n, PATH_FILESTAT_SET_SIZE: 1n << 19n,
  PATH_FILESTAT_SET_TIMES: 1n << 20n, FD_FILESTAT_GET: 1n << 21n, FD_FILESTAT_SET_SIZE: 1n << 22n,
  FD_FILESTAT_SET_TIMES: 1n << 23n, PATH_SYMLINK: 1n << 24n, PATH_REMOVE_DIRECTORY: 1n << 25n,
  PATH_UNLINK_FILE: 1n << 26n, POLL_FD_READWRITE: 1n << 27n, SOCK_SHUTDOWN: 1n << 28n,
  SOCK_ACCEPT: 1n << 29n,
} as const;
/** Every right: we enforce read-only mounts and capability confinement ourselves, not via rights. */
export const RIGHTS_ALL = (1n << 30n) - 1n;

export const EVENTTYPE = { CLOCK: 0, FD_READ: 1, FD_WRITE: 2 } as const;
export const SUBCLOCKFLAGS_ABSTIME = 1;
export const CLOCK = { REALTIME: 0, MONOTONIC: 1, PROCESS_CPUTIME: 2, THREAD_CPUTIME: 3 } as const;
export const WHENCE = { SET: 0, CUR: 1, END: 2 } as const;
export const SDFLAGS = { RD: 1, WR: 2 } as const;
/** riflags of sock_recv */
export const RIFLAGS = { PEEK: 1, WAITALL: 2 } as const;
/** eventrwflags */
export const EVENTRWFLAGS_HANGUP = 1;

/** WasmEdge socket extension: address families and socket types. */
export const WE_AF = { UNSPEC: 0, INET4: 1, INET6: 2 } as const;
export const WE_SOCK = { ANY: 0, DGRAM: 1, STREAM: 2 } as const;
