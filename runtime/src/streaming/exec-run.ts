// The transport-independent half of exec/attach: call `run`, flush output, report the Status.
import { Writable, type Readable } from 'node:stream';
import type { ResolvedExecOptions } from './exec-options.js';
import type { ResizeEvents } from './resize.js';
import { exitCodeStatus, internalErrorStatus, successStatus, type ExecStatus } from './status.js';

export interface ExecTransport {
  stdin?: Readable;
  stdout: Writable;
  stderr: Writable;
  resize: ResizeEvents;
  signal: AbortSignal;
  /** Sends the final Status and closes the session. */
  finish(status: ExecStatus): Promise<void>;
}

export function discardWriter(): Writable {
  return new Writable({ write: (_c, _e, cb) => cb() });
}

/** Ends a writer and waits until its last bytes were handed to the transport. */
export function endWritable(w: Writable): Promise<void> {
  return new Promise((resolve) => {
    if (w.writableFinished || w.destroyed) return resolve();
    w.once('finish', () => resolve());
    w.once('close', () => resolve());
    w.once('error', () => resolve());
    w.end();
  });
}

export async function runExec(o: ResolvedExecOptions, t: ExecTransport): Promise<void> {
  let status: ExecStatus;
  try {
    const code = await o.run({
      command: o.command,
      container: o.container,
      tty: o.tty,
      stdin: t.stdin,
      stdout: t.stdout,
      stderr: t.stderr,
      resize: t.resize,
      signal: t.signal,
    });
    status = o.kind === 'attach' || code === 0 ? successStatus() : exitCodeStatus(o.command, code);
  } catch (err) {
    status = internalErrorStatus(err instanceof Error ? err.message : String(err));
  }
  await endWritable(t.stdout);
  if (t.stderr !== t.stdout) await endWritable(t.stderr);
  await t.finish(status);
}
