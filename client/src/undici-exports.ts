// What this workspace uses of undici, as an ES module: loadUndici() imports this file, so that a
// bundler turning undici (CommonJS) into a lazy chunk still hands out named exports (cli/bundle.mjs).
//
// Only the two pieces used are loaded: the Agent and the request API. undici's index would also load
// fetch, WebSocket, cookies, EventSource and the mocks (and through them Node's own copy of undici):
// three times the import time (~90 ms against ~35 ms unbundled), on the path of every process's
// first request. The paths are undici's own layout at the exact version the lock file pins;
// undici's index assigns the same request function to the same prototype.
import type { Agent as AgentType, Dispatcher as DispatcherType } from 'undici';
import AgentImpl from 'undici/lib/dispatcher/agent.js';
import DispatcherImpl from 'undici/lib/dispatcher/dispatcher.js';
import apiRequest from 'undici/lib/api/api-request.js';

(DispatcherImpl.prototype as { request?: unknown }).request ??= apiRequest;

export const Agent: typeof AgentType = AgentImpl;
export type Agent = AgentType;

let shared: AgentType | undefined;

/** undici's top-level request(url, options), on one shared Agent (undici's global dispatcher does the same). */
export function request(
  url: string | URL,
  opts: Omit<DispatcherType.RequestOptions, 'origin' | 'path' | 'method'> & Partial<Pick<DispatcherType.RequestOptions, 'method'>> = {},
): Promise<DispatcherType.ResponseData> {
  const u = typeof url === 'string' ? new URL(url) : url;
  return (shared ??= new AgentImpl()).request({ ...opts, origin: u.origin, path: `${u.pathname}${u.search}`, method: opts.method ?? 'GET' });
}
