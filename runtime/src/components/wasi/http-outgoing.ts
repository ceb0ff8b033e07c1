// wasi:http/outgoing-handler on the worker: the request is handed to the agent (http-client-host.ts)
// once its body is complete; the future, the response head and the body are read back with
// non-blocking channel calls, and poll() sleeps until the agent signals progress.
import type { ChannelClient } from '../../sandbox/rpc-channel.js';
import { DATA_SIZE } from '../../sandbox/rpc-channel.js';
import { HTTP_OP, HTTP_STATE } from '../http-client-host.js';
import { Fields, IncomingBody, OutgoingBody, methodName, type ErrorCode, type Method, type RequestOptions, type Scheme } from './http-types.js';
import { Pollable, type InputSource } from './io.js';

const te = new TextEncoder();
const td = new TextDecoder();

export class OutgoingRequest {
  private m: Method = { tag: 'get' };
  private path?: string;
  private sch?: Scheme;
  private auth?: string;
  private bodyTaken = false;
  readonly chunks: Uint8Array[] = [];
  finished = false;
  /** Set by handle() when the body is still being written: called by OutgoingBody.finish. */
  onFinished?: () => void;
  constructor(private readonly fields: Fields) {}
  body(): OutgoingBody {
    if (this.bodyTaken) throw undefined;
    this.bodyTaken = true;
    return new OutgoingBody((c) => this.chunks.push(c), () => {
      this.finished = true;
      this.onFinished?.();
    });
  }
  get bodyStarted(): boolean { return this.bodyTaken; }
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

/** The agent's view of one request: state bits and (head or error) text. */
function state(ch: ChannelClient, id: number): { bits: number; text: string } {
  if (ch.call(HTTP_OP.STATE, [id]) !== 0) return { bits: HTTP_STATE.ERROR | HTTP_STATE.END, text: 'request lost' };
  return { bits: ch.v.results[1], text: td.decode(ch.v.data.slice(0, ch.dataLen)) };
}

function errorCode(msg: string): ErrorCode {
  if (/ECONNREFUSED/.test(msg)) return { tag: 'connection-refused' };
  if (/ENOTFOUND|EAI_AGAIN|resolve/i.test(msg)) return { tag: 'DNS-error', val: { rcode: undefined, infoCode: undefined } };
  if (/ETIMEDOUT/.test(msg)) return { tag: 'connection-timeout' };
  if (/ECONNRESET|socket hang up/.test(msg)) return { tag: 'connection-terminated' };
  return { tag: 'internal-error', val: msg };
}

export class IncomingResponse {
  private consumed = false;
  constructor(private readonly ch: ChannelClient, private readonly id: number, private readonly st: number, private readonly fields: Fields) {}
  status(): number { return this.st; }
  headers(): Fields { return this.fields; }
  consume(): IncomingBody {
    if (this.consumed) throw undefined;
    this.consumed = true;
    const { ch, id } = this;
    let ended = false;
    const src: InputSource = {
      read: (max) => {
        if (ended) return null;
        if (ch.call(HTTP_OP.READ, [id, Math.min(max, DATA_SIZE)]) !== 0) return null;
        const data = ch.v.data.slice(0, ch.dataLen);
        if (ch.v.results[1] === 1) ended = true;
        if (data.length === 0 && ended) {
          ch.call(HTTP_OP.DROP, [id]);
          return null;
        }
        return data;
      },
      ready: () => ended || (state(ch, id).bits & (HTTP_STATE.DATA | HTTP_STATE.END | HTTP_STATE.ERROR)) !== 0,
    };
    return new IncomingBody(src);
  }
}

export class FutureIncomingResponse {
  private id = 0;
  private failed?: string;
  private taken = false;
  constructor(private readonly ch: ChannelClient) {}

  start(req: OutgoingRequest): void {
    const sch = req.scheme();
    const scheme = !sch || sch.tag === 'HTTP' ? 'http' : sch.tag === 'HTTPS' ? 'https' : String((sch as { val: string }).val);
    const head = te.encode(JSON.stringify({
      method: methodName(req.method()),
      url: `${scheme}://${req.authority() ?? ''}${req.pathWithQuery() ?? '/'}`,
      headers: req.headers().toPairs(),
    }));
    const body = new Uint8Array(req.chunks.reduce((n, c) => n + c.length, 0));
    let off = 0;
    for (const c of req.chunks) {
      body.set(c, off);
      off += c.length;
    }
    if (head.length + body.length > DATA_SIZE) {
      this.failed = `request body over ${DATA_SIZE - head.length} bytes (not supported yet)`;
      return;
    }
    const data = new Uint8Array(head.length + body.length);
    data.set(head);
    data.set(body, head.length);
    if (this.ch.call(HTTP_OP.START, [head.length], data) !== 0) this.failed = 'too many requests in flight';
    else this.id = this.ch.v.results[1];
  }

  private readyNow(): boolean {
    if (this.failed) return true;
    if (!this.id) return false;
    return (state(this.ch, this.id).bits & (HTTP_STATE.HEAD | HTTP_STATE.ERROR)) !== 0;
  }

  subscribe(): Pollable {
    return new Pollable(() => this.readyNow());
  }

  get(): unknown {
    if (this.taken) return { tag: 'err' };
    if (!this.readyNow()) return undefined;
    this.taken = true;
    if (this.failed) return { tag: 'ok', val: { tag: 'err', val: errorCode(this.failed) } };
    const s = state(this.ch, this.id);
    if (!(s.bits & HTTP_STATE.HEAD)) {
      this.ch.call(HTTP_OP.DROP, [this.id]);
      return { tag: 'ok', val: { tag: 'err', val: errorCode(s.text) } };
    }
    const head = JSON.parse(s.text) as { status: number; headers: [string, string][] };
    return { tag: 'ok', val: { tag: 'ok', val: new IncomingResponse(this.ch, this.id, head.status, Fields.received(head.headers)) } };
  }
}

export function outgoingHandle(ch: ChannelClient, req: OutgoingRequest, _opts?: RequestOptions): FutureIncomingResponse {
  const fut = new FutureIncomingResponse(ch);
  // The agent sends whole requests: wait for a body being written to be finished.
  if (req.bodyStarted && !req.finished) req.onFinished = () => fut.start(req);
  else fut.start(req);
  return fut;
}
