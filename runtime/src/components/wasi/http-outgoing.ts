// wasi:http/outgoing-handler: requests leave through the agent (pod network), not from this thread.
import type { ChannelClient } from '../../sandbox/rpc-channel.js';
import { Fields, OutgoingBody, methodOf, type ErrorCode, type Method, type RequestOptions, type Scheme } from './http-types.js';
import { Pollable } from './io.js';

export class OutgoingRequest {
  private m: Method = { tag: 'get' };
  private path?: string;
  private sch?: Scheme;
  private auth?: string;
  private bodyTaken = false;
  readonly chunks: Uint8Array[] = [];
  finished = false;
  constructor(private readonly fields: Fields) {}
  body(): OutgoingBody {
    if (this.bodyTaken) throw undefined;
    this.bodyTaken = true;
    return new OutgoingBody((c) => this.chunks.push(c), () => (this.finished = true));
  }
  method(): Method { return this.m; }
  setMethod(m: Method): void { this.m = m; }
  pathWithQuery(): string | undefined { return this.path; }
  setPathWithQuery(p?: string): void { this.path = p; }
  scheme(): Scheme | undefined { return this.sch; }
  setScheme(s?: Scheme): void { this.sch = s; }
  authority(): string | undefined { return this.auth; }
  setAuthority(a?: string): void { this.auth = a; }
  headers(): Fields { return this.fields; }
}

export class IncomingResponse {}

export class FutureIncomingResponse {
  constructor(private readonly result: { tag: 'ok'; val: IncomingResponse } | { tag: 'err'; val: ErrorCode }) {}
  private taken = false;
  subscribe(): Pollable {
    return new Pollable(() => true);
  }
  get(): unknown {
    if (this.taken) return { tag: 'err' };
    this.taken = true;
    return { tag: 'ok', val: this.result };
  }
}

export function outgoingHandle(_ch: ChannelClient, _req: OutgoingRequest, _opts?: RequestOptions): FutureIncomingResponse {
  void methodOf;
  return new FutureIncomingResponse({ tag: 'err', val: { tag: 'HTTP-request-denied' } });
}
