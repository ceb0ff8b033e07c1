// The node-agent proxy: pods/{name}/log, exec, attach and portforward are answered by the agent
// of the pod's node, as kube-apiserver hands them to the kubelet. Plain requests are forwarded
// with undici and streamed back; upgrades (WebSocket or SPDY) are relayed as raw bytes, so the
// agent itself speaks the streaming protocols with kubectl.

import net from 'node:net';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Store } from '../store/store.js';
import type { NodeProxy, NodeProxyRequest } from './node-proxy.js';
import { findResource, storageKey } from './resources.js';
import { ApiError, errors } from './status.js';
import { loadUndici } from '@wasmkube/client';


type Obj = Record<string, any>;

const POD = findResource('', 'v1', 'pods')!;
const NODE = findResource('', 'v1', 'nodes')!;

/** Where a pod's agent is, and which container a request means. */
async function locate(store: Store, ns: string, name: string, container: string | null, sub: string): Promise<{ agent: URL; container: string; pod: Obj }> {
  const kv = await store.get(storageKey(POD, ns, name));
  if (!kv) throw errors.notFound('pods', name);
  const pod = kv.value as Obj;
  const containers: Obj[] = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? []), ...(pod.spec?.ephemeralContainers ?? [])];
  let c = container ?? undefined;
  if (!c) {
    if (pod.spec?.containers?.length === 1 || sub === 'portforward') c = pod.spec?.containers?.[0]?.name;
    else if (sub !== 'portforward') {
      throw errors.badRequest(`a container name must be specified for pod ${name}, choose one of: [${(pod.spec?.containers ?? []).map((x: Obj) => x.name).join(' ')}]`);
    }
  }
  if (sub !== 'portforward' && !containers.some((x) => x.name === c)) throw errors.badRequest(`container ${c} is not valid for pod ${name}`);
  const nodeName = pod.spec?.nodeName as string | undefined;
  if (!nodeName) throw errors.badRequest(`pod ${name} does not have a host assigned`);
  const nkv = await store.get(storageKey(NODE, undefined, nodeName));
  if (!nkv) throw new ApiError(503, 'ServiceUnavailable', `node "${nodeName}" of pod ${name} is not registered`);
  const node = nkv.value as Obj;
  const endpoint = node.metadata?.annotations?.['wasmkube.dev/agent-endpoint'] as string | undefined;
  const address = (node.status?.addresses as Obj[] | undefined)?.find((a) => a.type === 'InternalIP')?.address;
  const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port;
  const agent = endpoint ? new URL(endpoint) : address && port ? new URL(`http://${address}:${port}`) : undefined;
  if (!agent) throw new ApiError(503, 'ServiceUnavailable', `node "${nodeName}" does not advertise its agent's address`);
  return { agent, container: c as string, pod };
}

export class AgentNodeProxy implements NodeProxy {
  constructor(private readonly store: Store) {}

  async handle(req: NodeProxyRequest): Promise<Response> {
    if (req.resource !== 'pods' || req.subresource !== 'log' || !req.namespace) {
      throw errors.notFoundPath(`${req.resource}/${req.subresource}`);
    }
    const { agent, container } = await locate(this.store, req.namespace, req.name, req.query.get('container'), 'log');
    const q = new URLSearchParams(req.query);
    q.delete('container');
    const path = `/containerLogs/${encodeURIComponent(req.namespace)}/${encodeURIComponent(req.name)}/${encodeURIComponent(container)}?${q}`;
    const abort = new AbortController();
    req.request.signal?.addEventListener('abort', () => abort.abort());
    let res;
    try {
      res = await (await loadUndici()).request(new URL(path, agent), { signal: abort.signal, bodyTimeout: 0 });
    } catch (e) {
      throw new ApiError(503, 'ServiceUnavailable', `cannot reach the node agent at ${agent.host}: ${(e as Error).message}`);
    }
    const body = res.body;
    // One iterator for the whole response: leaving a for-await loop would destroy the body.
    const chunks = body[Symbol.asyncIterator]();
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const next = await chunks.next();
          if (next.done) controller.close();
          else controller.enqueue(new Uint8Array(next.value as Buffer));
        } catch {
          controller.close();
        }
      },
      cancel() {
        abort.abort();
        body.destroy();
      },
    });
    return new Response(stream, { status: res.statusCode, headers: { 'content-type': String(res.headers['content-type'] ?? 'text/plain') } });
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    void this.relay(req, socket, head).catch((e) => {
      const err = e instanceof ApiError ? e : errors.internal((e as Error).message);
      const body = JSON.stringify(err.toStatus());
      socket.end(`HTTP/1.1 ${err.code} ${err.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    });
  }

  private async relay(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://api');
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/(exec|attach|portforward)$/.exec(url.pathname);
    if (!m) throw errors.notFoundPath(url.pathname);
    const [, ns, name, sub] = m.map(decodeURIComponent);
    const { agent, container } = await locate(this.store, ns, name, url.searchParams.get('container'), sub);
    const target = sub === 'portforward' ? `/portforward/${encodeURIComponent(ns)}/${encodeURIComponent(name)}` : `/${sub}/${encodeURIComponent(ns)}/${encodeURIComponent(name)}/${encodeURIComponent(container)}`;
    const upstream = net.connect({ host: agent.hostname, port: Number(agent.port) });
    await new Promise<void>((resolve, reject) => {
      upstream.once('connect', () => resolve());
      upstream.once('error', (e) => reject(new ApiError(503, 'ServiceUnavailable', `cannot reach the node agent at ${agent.host}: ${e.message}`)));
    });
    // Re-send the client's upgrade request to the agent, then splice the two sockets.
    const lines = [`${req.method} ${target}${url.search} HTTP/1.1`];
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      if (req.rawHeaders[i].toLowerCase() === 'host') continue;
      lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
    }
    lines.push(`Host: ${agent.host}`);
    upstream.write(lines.join('\r\n') + '\r\n\r\n');
    if (head.length) upstream.write(head);
    socket.pipe(upstream);
    upstream.pipe(socket);
    // Half-closes travel through; either side failing ends both.
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
    upstream.on('close', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
  }
}
