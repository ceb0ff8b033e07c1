// The hono app for what needs a web Request: the node-agent subresources (log, exec, attach,
// portforward, proxy) forward one to the agent. Everything else is served by node-listener.ts
// straight from node:http. Loaded on the first such request, so that hono is not on start-up's path.

import type { IncomingMessage, RequestListener } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import type { Context } from 'hono';
import { Reply, type ApiRequest } from './api-request.js';
import { dispatch, errorResponse, type RouterDeps } from './router.js';
import { errors } from './status.js';

export function honoListener(deps: RouterDeps): RequestListener {
  const app = new Hono();
  app.onError((err) => errorResponse(err).toResponse());
  app.notFound((c) => errorResponse(errors.notFoundPath(`${c.req.method} ${new URL(c.req.url).pathname}`)).toResponse());
  app.all('*', async (c) => {
    const res = await dispatch(deps, honoApiRequest(c));
    return res instanceof Reply ? res.toResponse() : res;
  });
  return getRequestListener(app.fetch);
}

function honoApiRequest(c: Context): ApiRequest {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  return {
    method: c.req.method,
    url: new URL(c.req.url),
    incoming,
    header: (name) => c.req.header(name),
    raw: () => c.req.raw,
    get signal() {
      return c.req.raw.signal;
    },
  };
}
