// wasi:http/types resources for one component instance, on the worker thread. Incoming requests
// arrive whole from the agent (http-frontend.ts buffers the body); a response is posted back as
// head, body chunks and end, so the agent streams it to the client as the guest writes it.
import { BufferSource, InputStream, OutputStream, Pollable, readyPollable, type InputSource, type OutputSink } from './io.js';

export type Method = { tag: string; val?: string };
export type Scheme = { tag: 'HTTP' | 'HTTPS' } | { tag: 'other'; val: string };
export type ErrorCode = { tag: string; val?: unknown };

const METHODS = new Set(['get', 'head', 'post', 'put', 'delete', 'connect', 'options', 'trace', 'patch']);
export function methodOf(name: string): Method {
  const l = name.toLowerCase();
  return METHODS.has(l) && name === name.toUpperCase() ? { tag: l } : { tag: 'other', val: name };
}
export function methodName(m: Method): string {
  return m.tag === 'other' ? String(m.val) : m.tag.toUpperCase();
}

const te = new TextEncoder();
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Hop-by-hop and framing headers the runtime owns (wasi:http calls them forbidden).
const FORBIDDEN = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'host', 'http2-settings']);

function headerError(tag: 'invalid-syntax' | 'forbidden' | 'immutable'): { tag: string } {
  return { tag };
}

export class Fields {
  private list: [string, Uint8Array][] = [];
  immutable = false;

  static fromList(entries: [string, Uint8Array][]): Fields {
    const f = new Fields();
    for (const [k, v] of entries) f.append(k, v);
    return f;
  }

  /** Built by the host from a request or response it received (no validation, immutable). */
  static received(entries: [string, string][]): Fields {
    const f = new Fields();
    f.list = entries.map(([k, v]) => [k.toLowerCase(), te.encode(v)]);
    f.immutable = true;
    return f;
  }

  private check(name: string): string {
    if (this.immutable) throw headerError('immutable');
    if (!TOKEN.test(name)) throw headerError('invalid-syntax');
    const l = name.toLowerCase();
    if (FORBIDDEN.has(l)) throw headerError('forbidden');
    return l;
  }

  get(name: string): Uint8Array[] {
    const l = name.toLowerCase();
    return this.list.filter(([k]) => k === l).map(([, v]) => v);
  }

  has(name: string): boolean {
    const l = name.toLowerCase();
    return this.list.some(([k]) => k === l);
  }

  set(name: string, values: Uint8Array[]): void {
    const l = this.check(name);
    this.list = this.list.filter(([k]) => k !== l);
    for (const v of values) this.list.push([l, v]);
  }

  delete(name: string): void {
    const l = this.check(name);
    this.list = this.list.filter(([k]) => k !== l);
  }

  append(name: string, value: Uint8Array): void {
    this.list.push([this.check(name), value]);
  }

  entries(): [string, Uint8Array][] {
    return this.list.map(([k, v]) => [k, v]);
  }

  clone(): Fields {
    const f = new Fields();
    f.list = this.entries();
    return f;
  }

  /** For the wire: name/value strings. */
  toPairs(): [string, string][] {
    return this.list.map(([k, v]) => [k, Buffer.from(v).toString('latin1')]);
  }
}

export interface RequestMessage {
  method: string;
  pathWithQuery: string;
  scheme: 'http' | 'https';
  authority: string;
  headers: [string, string][];
  body: Uint8Array;
}

export class IncomingBody {
  private taken = false;
  constructor(private readonly src: InputSource) {}
  stream(): InputStream {
    if (this.taken) throw undefined;
    this.taken = true;
    return new InputStream(this.src);
  }
  static finish(_body: IncomingBody): FutureTrailers {
    return new FutureTrailers();
  }
}

export class FutureTrailers {
  private done = false;
  subscribe(): Pollable {
    return readyPollable();
  }
  get(): unknown {
    if (this.done) return { tag: 'err' };
    this.done = true;
    return { tag: 'ok', val: { tag: 'ok', val: undefined } };
  }
}

export class IncomingRequest {
  private consumed = false;
  private readonly fields: Fields;
  constructor(private readonly m: RequestMessage) {
    this.fields = Fields.received(m.headers);
  }
  method(): Method {
    return methodOf(this.m.method);
  }
  pathWithQuery(): string | undefined {
    return this.m.pathWithQuery;
  }
  scheme(): Scheme {
    return { tag: this.m.scheme === 'https' ? 'HTTPS' : 'HTTP' };
  }
  authority(): string | undefined {
    return this.m.authority;
  }
  headers(): Fields {
    return this.fields;
  }
  consume(): IncomingBody {
    if (this.consumed) throw undefined;
    this.consumed = true;
    return new IncomingBody(new BufferSource(this.m.body));
  }
}

/** Where a response goes: the runner posts these to the agent. */
export interface ResponseSink {
  head(status: number, headers: [string, string][]): void;
  body(chunk: Uint8Array): void;
  end(error?: string): void;
}

export class OutgoingBody {
  private streamTaken = false;
  finished = false;
  constructor(readonly onWrite: (chunk: Uint8Array) => void, readonly onFinish: (trailers?: Fields) => void) {}
  write(): OutputStream {
    if (this.streamTaken) throw undefined;
    this.streamTaken = true;
    const sink: OutputSink = {
      write: (b) => this.onWrite(b),
      capacity: () => 1 << 20,
      closed: () => this.finished,
    };
    return new OutputStream(sink);
  }
  static finish(body: OutgoingBody, trailers?: Fields): void {
    if (body.finished) return;
    body.finished = true;
    body.onFinish(trailers);
  }
}

export class OutgoingResponse {
  private status = 200;
  private bodyTaken = false;
  /** Set when the response is handed to ResponseOutparam.set: body writes go straight out. */
  sink?: ResponseSink;
  private pending: Uint8Array[] = [];
  private finished = false;
  constructor(private readonly fields: Fields) {
    fields.immutable = false;
  }
  statusCode(): number {
    return this.status;
  }
  setStatusCode(code: number): void {
    if (code < 100 || code > 999) throw undefined;
    this.status = code;
  }
  headers(): Fields {
    return this.fields;
  }
  body(): OutgoingBody {
    if (this.bodyTaken) throw undefined;
    this.bodyTaken = true;
    return new OutgoingBody(
      (chunk) => (this.sink ? this.sink.body(chunk) : this.pending.push(chunk)),
      () => {
        this.finished = true;
        this.sink?.end();
      },
    );
  }
  /** Called once the outparam is set: the head goes out, then what was written so far. */
  attach(sink: ResponseSink): void {
    this.sink = sink;
    this.fields.immutable = true;
    sink.head(this.status, this.fields.toPairs());
    for (const c of this.pending) sink.body(c);
    this.pending = [];
    if (this.finished) sink.end();
  }
}

export class ResponseOutparam {
  used = false;
  constructor(readonly sink: ResponseSink) {}
  static set(param: ResponseOutparam, response: { tag: 'ok'; val: OutgoingResponse } | { tag: 'err'; val: ErrorCode }): void {
    if (param.used) return;
    param.used = true;
    if (response.tag === 'ok') response.val.attach(param.sink);
    else {
      param.sink.head(500, [['content-type', 'text/plain']]);
      param.sink.body(te.encode(`component error: ${response.val.tag}${response.val.val !== undefined ? ' ' + String(response.val.val) : ''}\n`));
      param.sink.end();
    }
  }
  sendInformational(): void {
    // 1xx responses are not forwarded (Node's server sends 100-continue itself).
  }
}

export class RequestOptions {
  private t: Record<string, bigint | undefined> = {};
  connectTimeout(): bigint | undefined { return this.t.c; }
  setConnectTimeout(d?: bigint): void { this.t.c = d; }
  firstByteTimeout(): bigint | undefined { return this.t.f; }
  setFirstByteTimeout(d?: bigint): void { this.t.f = d; }
  betweenBytesTimeout(): bigint | undefined { return this.t.b; }
  setBetweenBytesTimeout(d?: bigint): void { this.t.b = d; }
}
