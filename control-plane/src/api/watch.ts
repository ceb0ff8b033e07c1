// Watch streams: newline-delimited `{"type","object"}` JSON events over a chunked response.
//
// Without a resourceVersion (or with "0") the current state is sent as ADDED events first, as
// kube-apiserver does; with one, every later change is replayed from the store's history (too old
// → one ERROR event carrying a 410 Expired Status). Selectors are applied to both the new and the
// previous object so that an object leaving the selection is seen as DELETED and one entering it
// as ADDED. The response headers leave at once (kubectl wait hangs otherwise): the stream has no
// chunk ready when the response starts, so @hono/node-server flushes the headers immediately.

import type { Store, Watch, WatchEvent } from '../store/store.js';
import { StoreError } from '../store/store.js';
import type { Modules } from './modules.js';
import type { ResourceInfo } from './resources.js';
import { groupVersion, storagePrefix } from './resources.js';
import type { Obj } from './metadata.js';
import { present, presentJson } from './metadata.js';
import type { Selector } from './selectors.js';
import type { IncludeObject } from './request.js';
import { errors } from './status.js';
import type { ObjectService } from './objects.js';

export interface WatchParams {
  info: ResourceInfo;
  namespace: string | undefined;
  selector: Selector;
  /** undefined or "0": start with the current state. */
  resourceVersion: string | undefined;
  timeoutSeconds: number | undefined;
  allowBookmarks: boolean;
  table: { includeObject: IncludeObject } | undefined;
  bookmarkIntervalMs: number;
  signal: AbortSignal;
}

/** Open watches, so the server can end them on close. */
export type WatchRegistry = Set<() => void>;

const encoder = new TextEncoder();
/** A consumer this many events behind is cut off (it re-watches from its last resourceVersion). */
const MAX_QUEUED = 10_000;

export async function openWatch(svc: ObjectService, modules: Modules, registry: WatchRegistry, p: WatchParams): Promise<Response> {
  const store: Store = svc.store;
  const { info, selector } = p;
  let startRev: number;
  let initial: Obj[] = [];
  let gone: string | undefined;
  if (p.resourceVersion === undefined || p.resourceVersion === '' || p.resourceVersion === '0') {
    const list = await svc.list(info, p.namespace, selector);
    initial = list.items;
    startRev = list.revision;
  } else {
    if (!/^\d+$/.test(p.resourceVersion)) throw errors.badRequest(`invalid resource version: ${JSON.stringify(p.resourceVersion)}`);
    startRev = Number(p.resourceVersion);
    if (startRev < store.compactedRevision()) gone = `too old resource version: ${startRev} (${store.compactedRevision()})`;
    // A revision this store never reached (a client that outlived a wiped store): make it re-list
    // rather than silently skip the revisions in between.
    else if (startRev > store.currentRevision()) gone = `too large resource version: ${startRev}, current: ${store.currentRevision()}`;
  }

  let watch: Watch | undefined;
  const timers: NodeJS.Timeout[] = [];
  let finished = false;
  let lastRev = startRev;
  let controllerRef: ReadableStreamDefaultController<Uint8Array> | undefined;

  const finish = () => {
    if (finished) return;
    finished = true;
    watch?.close();
    for (const t of timers) clearTimeout(t), clearInterval(t);
    registry.delete(finish);
    p.signal.removeEventListener('abort', finish);
    try {
      controllerRef?.close();
    } catch {
      // already closed or errored by the consumer going away
    }
  };

  const wrap = (obj: Obj): Obj => {
    if (!p.table) return obj;
    const t = modules.toTable(info, [obj], { includeObject: p.table.includeObject }) as Obj;
    t.metadata = { ...((t.metadata as Obj | undefined) ?? {}), resourceVersion: (obj.metadata as Obj).resourceVersion };
    return t;
  };

  const send = (type: string, object: Obj) => sendLine(JSON.stringify({ type, object }) + '\n');

  /** `objectJson` is JSON.stringify(object): the line is the same as send(type, object) writes. */
  const sendJson = (type: string, objectJson: string) => sendLine(`{"type":"${type}","object":${objectJson}}\n`);

  const sendLine = (line: string) => {
    if (finished || !controllerRef) return;
    if ((controllerRef.desiredSize ?? 0) < -MAX_QUEUED) return finish();
    try {
      controllerRef.enqueue(encoder.encode(line));
    } catch {
      finish(); // the consumer has gone
    }
  };

  const matches = (kvObj: Obj) => selector.empty || selector.matches(kvObj);

  /** Anything that throws while serving a watch ends that watch with an ERROR event, never the process. */
  const guarded = (fn: () => void) => {
    try {
      fn();
    } catch (e) {
      console.error('wasmkube api: watch failed:', e);
      send('ERROR', errors.internal((e as Error).message).toStatus() as unknown as Obj);
      finish();
    }
  };

  const onEvent = (ev: WatchEvent) => guarded(() => deliver(ev));

  const deliver = (ev: WatchEvent) => {
    if (finished) return;
    lastRev = Math.max(lastRev, ev.kv.modRevision);
    if (selector.empty && !p.table) return sendJson(ev.type, presentJson(info, ev.kv));
    const obj = present(info, ev.kv);
    let type: string = ev.type;
    if (!selector.empty) {
      const now = matches(obj);
      if (ev.type === 'MODIFIED') {
        const before = ev.prev ? matches(present(info, ev.prev)) : false;
        if (now && !before) type = 'ADDED';
        else if (!now && before) type = 'DELETED';
        else if (!now) return;
      } else if (!now) return;
    }
    if (!p.table) return sendJson(type, presentJson(info, ev.kv));
    send(type, wrap(obj));
  };

  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        controllerRef = controller;
        registry.add(finish);
        if (p.signal.aborted) return finish();
        p.signal.addEventListener('abort', finish);
        // Deliver later than start() returns so that the response head goes out first.
        setImmediate(() => guarded(begin));
      },
      cancel() {
        finish();
      },
    },
    { highWaterMark: 1 },
  );

  function begin(): void {
    if (finished) return;
    if (gone !== undefined) {
      send('ERROR', errors.gone(gone).toStatus() as unknown as Obj);
      return finish();
    }
    for (const o of initial) send('ADDED', wrap(o));
    try {
      watch = store.watch(storagePrefix(info, p.namespace), {
        fromRevision: startRev,
        onEvent,
        onError: (err) => {
          if (err.code === 'Gone') send('ERROR', errors.gone(err.message).toStatus() as unknown as Obj);
          finish();
        },
      });
    } catch (e) {
      if (e instanceof StoreError && e.code === 'Gone') send('ERROR', errors.gone(`too old resource version: ${startRev}`).toStatus() as unknown as Obj);
      else send('ERROR', errors.internal((e as Error).message).toStatus() as unknown as Obj);
      return finish();
    }
    const timeout = p.timeoutSeconds ?? 1800 + Math.floor(Math.random() * 1800);
    timers.push(setTimeout(finish, timeout * 1000));
    if (p.allowBookmarks) {
      timers.push(
        setInterval(() => {
          send('BOOKMARK', { kind: info.kind, apiVersion: groupVersion(info), metadata: { resourceVersion: String(lastRev) } });
        }, p.bookmarkIntervalMs),
      );
    }
  }

  return new Response(stream, {
    status: 200,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' },
  });
}
