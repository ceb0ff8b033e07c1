// Reads a CRI-format container log (see log-writer.ts) the way `kubectl logs` asks for it:
// --timestamps, --tail, --since-time/--since, -f (follow until the container has exited).
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface LogRecord {
  time: string;
  stream: 'stdout' | 'stderr';
  /** Content of one full line (partial records joined), without the newline. */
  line: string;
}

export interface ReadLogOptions {
  timestamps?: boolean;
  /** Only the last N lines (of what exists when reading starts). */
  tailLines?: number;
  /** Only lines at or after this instant (RFC3339 string or Date). */
  since?: string | Date;
  follow?: boolean;
  /** For follow: returns true once no more output can come (container exited). Polled. */
  isDone?: () => boolean;
  signal?: AbortSignal;
  /** Follow poll interval in ms (default 100). */
  pollMs?: number;
}

/** Parses one record line: `<time> <stream> <P|F> <content>`. */
export function parseRecord(text: string): { time: string; stream: 'stdout' | 'stderr'; tag: string; content: string } | null {
  const a = text.indexOf(' ');
  const b = text.indexOf(' ', a + 1);
  const c = text.indexOf(' ', b + 1);
  if (a < 0 || b < 0) return null;
  const stream = text.slice(a + 1, b);
  if (stream !== 'stdout' && stream !== 'stderr') return null;
  const tag = c < 0 ? text.slice(b + 1) : text.slice(b + 1, c);
  return { time: text.slice(0, a), stream, tag, content: c < 0 ? '' : text.slice(c + 1) };
}

/** RFC3339Nano timestamps compare as strings only if widths match; compare as (ms, nanos). */
function timeKey(t: string): number {
  const m = /^(.*?)(?:\.(\d+))?Z$/.exec(t);
  if (!m) return Date.parse(t);
  const ms = Date.parse(m[1] + 'Z');
  const frac = (m[2] ?? '').padEnd(9, '0').slice(0, 9);
  return ms + Number(frac) / 1e6; // sub-microsecond precision is lost; fine for --since
}

/** Yields formatted output lines (with trailing '\n'), honouring the options. */
export async function* readLog(file: string, opts: ReadLogOptions = {}): AsyncGenerator<string> {
  const sinceKey = opts.since === undefined ? undefined : opts.since instanceof Date ? opts.since.getTime() : timeKey(opts.since);
  const fmt = (r: LogRecord) => (opts.timestamps ? `${r.time} ${r.line}\n` : `${r.line}\n`);
  let pos = 0;
  let carry = '';
  const pending: Record<string, string> = { stdout: '', stderr: '' };

  const readNew = (): LogRecord[] => {
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch {
      return [];
    }
    const out: LogRecord[] = [];
    try {
      const size = fs.fstatSync(fd).size;
      if (size < pos) pos = 0; // rotated/truncated
      while (pos < size) {
        const buf = Buffer.alloc(Math.min(size - pos, 1 << 20));
        const n = fs.readSync(fd, buf, 0, buf.length, pos);
        if (n <= 0) break;
        pos += n;
        const text = carry + buf.subarray(0, n).toString('utf8');
        const lines = text.split('\n');
        carry = lines.pop() ?? '';
        for (const l of lines) {
          const r = parseRecord(l);
          if (!r) continue;
          if (r.tag === 'P') {
            pending[r.stream] += r.content;
            continue;
          }
          out.push({ time: r.time, stream: r.stream, line: pending[r.stream] + r.content });
          pending[r.stream] = '';
        }
      }
    } finally {
      fs.closeSync(fd);
    }
    return sinceKey === undefined ? out : out.filter((r) => timeKey(r.time) >= sinceKey);
  };

  let first = readNew();
  if (opts.tailLines !== undefined && opts.tailLines >= 0) first = opts.tailLines === 0 ? [] : first.slice(-opts.tailLines);
  for (const r of first) yield fmt(r);
  if (!opts.follow) return;
  const pollMs = opts.pollMs ?? 100;
  for (;;) {
    if (opts.signal?.aborted) return;
    const done = opts.isDone?.() ?? false;
    for (const r of readNew()) yield fmt(r);
    if (done) return; // read once more after the container finished, then stop
    try {
      await sleep(pollMs, undefined, { signal: opts.signal });
    } catch {
      return;
    }
  }
}
