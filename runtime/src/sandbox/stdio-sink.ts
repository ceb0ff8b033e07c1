// Where a container's stdout/stderr go: the CRI log file (LogWriter), or caller-supplied streams
// (exec, exec probes, attach) when the kubelet passes stdio.
import type { Writable } from 'node:stream';
import type { LogStream } from './log-writer.js';

export interface OutputSink {
  write(stream: LogStream, chunk: Uint8Array): void;
  /** No more output will come (the container ended). */
  close(): void;
}

/** Writes guest output to the given streams as it comes; a missing stream discards that output. */
export class StreamSink implements OutputSink {
  constructor(private readonly out: { stdout?: Writable; stderr?: Writable }) {}

  write(stream: LogStream, chunk: Uint8Array): void {
    const w = this.out[stream];
    if (w && !w.destroyed && !w.writableEnded) w.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }

  /** The caller owns the streams (it may still write to them, e.g. an exit status): not ended here. */
  close(): void {}
}
