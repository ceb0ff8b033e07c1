// What the router needs of a request and what it answers with, independent of how the request
// arrived: straight from node:http (the hot REST paths, see node-listener.ts) or through hono.
//
// Building a web Request per request (undici Request/Headers, a ReadableStream for the body, an
// AbortSignal) cost more main-thread CPU than the create itself; the node path builds none of that
// unless a handler asks for it (raw(), signal).

import type { IncomingMessage, ServerResponse } from 'node:http';

export interface ApiRequest {
  readonly method: string;
  readonly url: { readonly pathname: string; readonly searchParams: URLSearchParams };
  /** A header by lower-case name; repeated headers joined with ", ". */
  header(name: string): string | undefined;
  /** The node request when there is one: bodies are read from it directly. */
  readonly incoming: IncomingMessage | undefined;
  /** The request as a web Request (node proxy); only the hono path has one. */
  raw(): Request;
  /** Aborted when the client goes away (watch streams end then). */
  readonly signal: AbortSignal;
}

/** A complete JSON (or text) answer: written to node:http without a web Response in between. */
export class Reply {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly headers: Record<string, string>,
  ) {}

  toResponse(): Response {
    return new Response(this.body, { status: this.status, headers: this.headers });
  }
}

/** Web Responses remain for streams (watch) and what other modules answer (metrics, node proxy). */
export type RouteResult = Reply | Response;

/** An ApiRequest over node's IncomingMessage; the AbortSignal is made only when asked for. */
export function nodeApiRequest(incoming: IncomingMessage, outgoing: ServerResponse): ApiRequest {
  // As @hono/node-server reads it: origin-form targets appended to an origin (so `//x` stays a
  // path), absolute-form ones as they are. May throw on a malformed target (the caller answers 400).
  const target = incoming.url ?? '/';
  const url = new URL(target.startsWith('/') ? `http://localhost${target}` : target);
  let controller: AbortController | undefined;
  return {
    method: incoming.method ?? 'GET',
    url,
    incoming,
    header(name: string): string | undefined {
      const v = incoming.headers[name];
      return Array.isArray(v) ? v.join(', ') : v;
    },
    raw(): Request {
      throw new Error('no web Request on the node:http path');
    },
    get signal(): AbortSignal {
      if (!controller) {
        const c = (controller = new AbortController());
        // 'close' after a complete response is harmless: by then nothing listens any more.
        if (outgoing.closed || outgoing.destroyed) c.abort();
        else outgoing.once('close', () => c.abort());
      }
      return controller.signal;
    },
  };
}
