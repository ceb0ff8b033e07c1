// What an exec/attach session needs from its caller, and what the caller's `run` gets to work with.
import type { IncomingMessage } from 'node:http';
import type { Readable, Writable } from 'node:stream';
import type { ResizeEvents } from './resize.js';

export interface ExecIO {
  /** The command from the `command` query parameters (empty for attach). */
  command: string[];
  /** The `container` query parameter, if any. */
  container?: string;
  tty: boolean;
  /** Present when the client sends stdin; ends when the client closes its stdin. */
  stdin?: Readable;
  /** Always writable; discarded if the client did not ask for stdout. */
  stdout: Writable;
  /** Always writable; with tty it is the stdout channel (a terminal has one output), discarded if not requested. */
  stderr: Writable;
  /** Emits 'resize' with {Width, Height} (tty sessions). */
  resize: ResizeEvents;
  /** Aborted when the client goes away before `run` finished. */
  signal: AbortSignal;
}

export interface ExecOptions {
  /** Defaults come from the query string (`tty`, `stdin`, `stdout`, `stderr`, `command`, `container`). */
  tty?: boolean;
  stdin?: boolean;
  stdout?: boolean;
  stderr?: boolean;
  command?: string[];
  container?: string;
  /** 'attach' needs no command and always reports Success (as kubelet does); default 'exec'. */
  kind?: 'exec' | 'attach';
  /** Runs the process; resolves with its exit code. A rejection is reported as an InternalError Status. */
  run: (io: ExecIO) => Promise<number>;
}

export interface ResolvedExecOptions {
  kind: 'exec' | 'attach';
  tty: boolean;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  command: string[];
  container?: string;
  run: ExecOptions['run'];
}

/** Go strconv.ParseBool truth values. */
function parseBool(v: string | null): boolean {
  return v !== null && ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v);
}

/** Merges explicit options over the request's query; returns an error message for an invalid request. */
export function resolveExecOptions(req: IncomingMessage, opts: ExecOptions): ResolvedExecOptions | string {
  const q = new URL(req.url ?? '/', 'http://x').searchParams;
  const kind = opts.kind ?? 'exec';
  const tty = opts.tty ?? parseBool(q.get('tty'));
  const r: ResolvedExecOptions = {
    kind,
    tty,
    stdin: opts.stdin ?? parseBool(q.get('stdin')),
    stdout: opts.stdout ?? parseBool(q.get('stdout')),
    // A terminal merges stderr into stdout; kubectl neither asks for nor accepts channel 2 then.
    stderr: !tty && (opts.stderr ?? parseBool(q.get('stderr'))),
    command: opts.command ?? q.getAll('command'),
    container: opts.container ?? q.get('container') ?? undefined,
    run: opts.run,
  };
  if (!r.stdin && !r.stdout && !r.stderr) return 'you must specify at least 1 of stdin, stdout, stderr';
  if (kind === 'exec' && r.command.length === 0) return 'you must specify at least one command for the container';
  return r;
}
