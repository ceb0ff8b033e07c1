// Container log files in the CRI format the kubelet reads (one record per line):
//   2026-11-28T10:00:00.123456789Z stdout F hello
// Tag F = full line, P = partial (a line longer than MAX_LINE is cut into P records and a final F).
// A trailing line without newline is kept until more output arrives or the log is closed.
import fs from 'node:fs';
import path from 'node:path';
import type { OutputSink } from './stdio-sink.js';

export type LogStream = 'stdout' | 'stderr';
const MAX_LINE = 16 * 1024;

const epochNs = BigInt(Date.now()) * 1_000_000n;
const hrStart = process.hrtime.bigint();

/** Current time as RFC3339 with nanoseconds (`2026-11-28T10:00:00.123456789Z`). */
export function rfc3339NanoNow(): string {
  const ns = epochNs + (process.hrtime.bigint() - hrStart);
  return formatRfc3339Nano(ns);
}

export function formatRfc3339Nano(epochNanos: bigint): string {
  const ms = Number(epochNanos / 1_000_000n);
  const frac = (epochNanos % 1_000_000_000n).toString().padStart(9, '0');
  return new Date(ms).toISOString().slice(0, 19) + '.' + frac + 'Z';
}

export class LogWriter implements OutputSink {
  private fd: number;
  private partial: Record<LogStream, Buffer[]> = { stdout: [], stderr: [] };
  private partialLen: Record<LogStream, number> = { stdout: 0, stderr: 0 };

  constructor(readonly file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.fd = fs.openSync(file, 'a');
  }

  write(stream: LogStream, chunk: Uint8Array): void {
    let buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let out = '';
    for (;;) {
      const nl = buf.indexOf(0x0a);
      if (nl < 0) break;
      out += this.records(stream, true, this.takePartial(stream, buf.subarray(0, nl)));
      buf = buf.subarray(nl + 1);
    }
    if (buf.length > 0) {
      this.partial[stream].push(Buffer.from(buf));
      this.partialLen[stream] += buf.length;
      if (this.partialLen[stream] >= MAX_LINE) out += this.records(stream, false, this.takePartial(stream, Buffer.alloc(0)));
    }
    if (out) fs.writeSync(this.fd, out);
  }

  /** Writes pending partial lines (as full lines: the stream ended) and closes the file. */
  close(): void {
    if (this.fd < 0) return;
    let out = '';
    for (const s of ['stdout', 'stderr'] as const) {
      if (this.partialLen[s] > 0) out += this.records(s, true, this.takePartial(s, Buffer.alloc(0)));
    }
    if (out) fs.writeSync(this.fd, out);
    fs.closeSync(this.fd);
    this.fd = -1;
  }

  private takePartial(stream: LogStream, tail: Buffer): Buffer {
    if (this.partialLen[stream] === 0) return tail;
    const all = Buffer.concat([...this.partial[stream], tail]);
    this.partial[stream] = [];
    this.partialLen[stream] = 0;
    return all;
  }

  /** A line as records of at most MAX_LINE bytes: P for every piece but a final line's last. */
  private records(stream: LogStream, final: boolean, line: Buffer): string {
    let out = '';
    let rest = line;
    while (rest.length > MAX_LINE) {
      out += this.record(stream, 'P', rest.subarray(0, MAX_LINE));
      rest = rest.subarray(MAX_LINE);
    }
    return out + this.record(stream, final ? 'F' : 'P', rest);
  }

  private record(stream: LogStream, tag: 'F' | 'P', line: Buffer): string {
    // Log content is the guest's bytes; invalid UTF-8 is replaced, never breaks the record format.
    return `${rfc3339NanoNow()} ${stream} ${tag} ${line.toString('utf8')}\n`;
  }
}
