// Load generator and watch reader for the API benchmark (undici).
import { Client, Pool } from 'undici';
import { benchPod } from './api-stats.js';

export interface LoadResult {
  acks: number;
  errors: number;
  firstError?: string;
  elapsedMs: number;
  /** performance.now() when each create was sent and acknowledged (201 body read), by pod name. */
  sentAt: Map<string, number>;
  ackedAt: Map<string, number>;
}

/** POSTs pods from `concurrency` loops until maxOps creates were sent or maxMs passed. */
export async function createLoad(
  pool: Pool,
  options: { concurrency: number; maxOps: number; maxMs: number; prefix: string; namespace?: string },
): Promise<LoadResult> {
  const path = `/api/v1/namespaces/${options.namespace ?? 'default'}/pods`;
  const sentAt = new Map<string, number>();
  const ackedAt = new Map<string, number>();
  let next = 0;
  let errors = 0;
  let firstError: string | undefined;
  const start = performance.now();
  const deadline = start + options.maxMs;
  const loop = async () => {
    while (next < options.maxOps && performance.now() < deadline && errors < 100) {
      const name = `${options.prefix}-${next++}`;
      const body = JSON.stringify(benchPod(name));
      sentAt.set(name, performance.now());
      try {
        const res = await pool.request({ method: 'POST', path, headers: { 'content-type': 'application/json' }, body });
        const text = await res.body.text();
        if (res.statusCode === 201) ackedAt.set(name, performance.now());
        else {
          errors++;
          firstError ??= `${res.statusCode} ${text.slice(0, 300)}`;
        }
      } catch (err) {
        errors++;
        firstError ??= String(err);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, loop));
  return { acks: ackedAt.size, errors, firstError, elapsedMs: performance.now() - start, sentAt, ackedAt };
}

export interface WatchReader {
  /** performance.now() at which the ADDED event for each pod name arrived. */
  receivedAt: Map<string, number>;
  events: number;
  close(): Promise<void>;
}

/** Opens a watch on a separate connection and timestamps each ADDED event as it is parsed. */
export async function openWatch(baseUrl: string, path: string, resourceVersion: string): Promise<WatchReader> {
  const client = new Client(baseUrl);
  const res = await client.request({ method: 'GET', path: `${path}?watch=true&resourceVersion=${resourceVersion}` });
  if (res.statusCode !== 200) throw new Error(`watch: ${res.statusCode} ${await res.body.text()}`);
  // Closing destroys the body and the client; undici then reports RequestAbortedError
  // (UND_ERR_ABORTED) on the body and may do so after the loop below has stopped listening: an
  // 'error' event nobody handles would crash the benchmark. Expected on close, so swallowed.
  res.body.on('error', () => undefined);
  let closed = false;
  const reader: WatchReader = {
    receivedAt: new Map(),
    events: 0,
    async close() {
      closed = true;
      res.body.destroy();
      await client.destroy().catch(() => undefined);
      await pump;
    },
  };
  const pump = (async () => {
    let buffer = '';
    for await (const chunk of res.body) {
      if (closed) break;
      const now = performance.now();
      buffer += (chunk as Buffer).toString('utf8');
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (!line.trim()) continue;
        const event = JSON.parse(line) as { type: string; object: { metadata?: { name?: string } } };
        reader.events++;
        const name = event.object.metadata?.name;
        if (event.type === 'ADDED' && name && !reader.receivedAt.has(name)) reader.receivedAt.set(name, now);
      }
    }
  })().catch((e: unknown) => {
    if (!closed) console.error('api-bench: the watch failed:', e);
  });
  return reader;
}

export interface Latency {
  samples: number;
  missing: number;
  p50: number;
  p99: number;
  max: number;
}

/** Latency from `from` (ack or send) to the watch event, over every name acknowledged. */
export function latency(from: Map<string, number>, acked: Map<string, number>, received: Map<string, number>): Latency {
  const values: number[] = [];
  let missing = 0;
  for (const name of acked.keys()) {
    const r = received.get(name);
    const f = from.get(name);
    if (r === undefined || f === undefined) missing++;
    else values.push(Math.max(0, r - f));
  }
  values.sort((a, b) => a - b);
  const pick = (p: number) => (values.length ? values[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)] : NaN);
  return { samples: values.length, missing, p50: pick(50), p99: pick(99), max: values.at(-1) ?? NaN };
}
