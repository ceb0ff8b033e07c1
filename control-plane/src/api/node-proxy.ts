// Requests that a node agent answers: pods/{name}/log, exec, attach, portforward and nodes/proxy,
// services/proxy. Until the node agent side exists they answer a clear 503 Status; the kubelet
// work fills `NodeProxy` in (plain HTTP requests through `handle`, WebSocket/SPDY upgrades through
// `upgrade`).

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiError } from './status.js';

export interface NodeProxyRequest {
  namespace: string | undefined;
  /** pods, nodes or services */
  resource: string;
  name: string;
  /** log, exec, attach, portforward, proxy */
  subresource: string;
  /** Remaining path after the subresource (proxy paths). */
  rest: string;
  query: URLSearchParams;
  request: Request;
}

export interface NodeProxy {
  handle(req: NodeProxyRequest): Promise<Response>;
  /** An HTTP upgrade (exec/attach/portforward over WebSocket or SPDY). */
  upgrade?(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

function unavailable(what: string): ApiError {
  return new ApiError(503, 'ServiceUnavailable', `no node agent for ${what}: ${'log, exec, attach and port-forward'} are not available yet`);
}

export const noNodeProxy: NodeProxy = {
  async handle(req) {
    throw unavailable(`${req.resource.replace(/s$/, '')} "${req.name}"`);
  },
  upgrade(_req, socket) {
    const body = JSON.stringify(unavailable('this request').toStatus());
    socket.on('error', () => undefined);
    socket.end(
      `HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  },
};
