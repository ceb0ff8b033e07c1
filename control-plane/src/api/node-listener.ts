// The node:http request listener. Every request is routed by `dispatch` (router.ts) straight from
// node's IncomingMessage and answered on its ServerResponse; only the node-agent subresources
// (log, exec, attach, portforward, proxy), which forward a web Request, go through hono's adapter.
//
// Why: @hono/node-server builds a web Request (undici Request + Headers, a ReadableStream body, an
// AbortSignal) for each request and reads a web Response back; on the create path that costs more
// main-thread CPU than the create itself. The answers are the same either way.

import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { nodeApiRequest, Reply } from './api-request.js';
import type { RouteResult } from './api-request.js';
import { dispatch, needsWebRequest } from './router.js';
import type { RouterDeps } from './router.js';
import { errors } from './status.js';

export function nodeListener(deps: RouterDeps, viaHono: RequestListener): RequestListener {
  return (incoming: IncomingMessage, outgoing: ServerResponse) => {
    const url = incoming.url ?? '/';
    const q = url.indexOf('?');
    if (needsWebRequest(q < 0 ? url : url.slice(0, q))) {
      viaHono(incoming, outgoing);
      return;
    }
    let req;
    try {
      req = nodeApiRequest(incoming, outgoing);
    } catch {
      const body = JSON.stringify(errors.badRequest(`malformed request target ${JSON.stringify(url)}`).toStatus());
      incoming.resume();
      outgoing.writeHead(400, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      outgoing.end(body);
      return;
    }
    dispatch(deps, req)
      .then((res) => writeResult(res, outgoing))
      .catch((e) => failResponse(e, outgoing));
  };
}

function writeResult(res: RouteResult, outgoing: ServerResponse): void | Promise<void> {
  if (res instanceof Reply) {
    const h: Record<string, string | number> = { ...res.headers, 'Content-Length': Buffer.byteLength(res.body) };
    outgoing.writeHead(res.status, h);
    outgoing.end(res.body);
    return;
  }
  return writeResponse(res, outgoing);
}

/** A web Response (a watch stream, metrics, an error from a module): headers at once, then the body as it comes. */
async function writeResponse(res: Response, outgoing: ServerResponse): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  res.headers.forEach((v, k) => {
    if (k === 'set-cookie') headers[k] = res.headers.getSetCookie();
    else headers[k] = v;
  });
  if (!res.body) {
    outgoing.writeHead(res.status, headers);
    outgoing.end();
    return;
  }
  outgoing.writeHead(res.status, headers);
  // A watch must show its headers before its first event (kubectl wait hangs otherwise).
  outgoing.flushHeaders();
  const reader = res.body.getReader();
  const gone = () => void reader.cancel().catch(() => undefined);
  outgoing.once('close', gone);
  // Chunks that are ready together (a watch's events of one committed batch) leave in one
  // syscall: the socket is corked at the first and uncorked once this tick's reads are done.
  let corked = false;
  const uncork = () => {
    corked = false;
    outgoing.uncork();
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (outgoing.destroyed) break;
      if (!corked) {
        corked = true;
        outgoing.cork();
        process.nextTick(uncork);
      }
      if (!outgoing.write(value)) {
        await new Promise<void>((resolve) => {
          const go = () => {
            outgoing.off('drain', go);
            outgoing.off('close', go);
            resolve();
          };
          outgoing.on('drain', go);
          outgoing.on('close', go);
        });
      }
    }
    outgoing.end();
  } finally {
    outgoing.off('close', gone);
  }
}

function failResponse(e: unknown, outgoing: ServerResponse): void {
  // Only reached when writing the answer itself failed (dispatch never throws): nothing sensible
  // is left to say to the client.
  console.error('wasmkube api: writing a response failed:', e);
  if (!outgoing.headersSent) {
    const body = '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"internal error","reason":"InternalError","code":500}';
    outgoing.writeHead(500, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    outgoing.end(body);
  } else outgoing.destroy();
}
