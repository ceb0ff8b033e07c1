// SpdySession against a hand-rolled client on a real loopback socket: the frame kinds kubectl's
// traffic does not necessarily produce (PING, RST_STREAM, GOAWAY, SETTINGS) and the WINDOW_UPDATE grants.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { FLAG_FIN, FrameParser, FrameType, controlFrame, dataFrame, goAwayFrame, pingFrame, rstStreamFrame, type Frame } from './frames.js';
import { HeaderCompressor, HeaderDecompressor } from './header-codec.js';
import { SpdySession, type SpdyStream } from './session.js';

function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v);
  return b;
}

/** A minimal SPDY client: sends frames, collects the server's. */
class Client {
  readonly frames: Frame[] = [];
  private readonly parser = new FrameParser();
  private readonly compressor = new HeaderCompressor();
  readonly decompressor = new HeaderDecompressor();
  constructor(readonly sock: net.Socket) {
    sock.on('data', (c: Buffer) => this.frames.push(...this.parser.push(c)));
  }
  async syn(id: number, headers: Record<string, string>, flags = 0): Promise<void> {
    const block = await this.compressor.compress(headers);
    this.sock.write(controlFrame(FrameType.SynStream, flags, Buffer.concat([u32(id), u32(0), Buffer.from([0, 0]), block])));
  }
  /** Bounded wait until `pred` holds for some received frame. */
  async waitFor(pred: (f: Frame) => boolean): Promise<Frame> {
    for (let i = 0; i < 200; i++) {
      const f = this.frames.find(pred);
      if (f) return f;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('frame not received');
  }
  close(): void {
    this.compressor.close();
    this.decompressor.close();
    this.sock.destroy();
  }
}

const isControl = (type: number) => (f: Frame) => f.kind === 'control' && f.type === type;

describe('SpdySession', () => {
  let server: net.Server;
  let sessions: SpdySession[];
  let streams: SpdyStream[];
  before(async () => {
    sessions = [];
    streams = [];
    server = net.createServer({ allowHalfOpen: true }, (sock) => {
      const s = new SpdySession(sock);
      s.on('stream', (st) => streams.push(st));
      sessions.push(s);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
  });
  const clients: Client[] = [];
  // A failed assertion must not leave a socket that keeps the test process alive.
  after(() => {
    clients.forEach((c) => c.close());
    server.close();
  });

  async function connect(): Promise<Client> {
    const sock = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    await once(sock, 'connect');
    const c = new Client(sock);
    clients.push(c);
    return c;
  }

  it('replies to SYN_STREAM, delivers DATA, grants windows, echoes PING, ignores SETTINGS', async () => {
    streams.length = 0;
    const c = await connect();
    c.sock.write(controlFrame(FrameType.Settings, 0, Buffer.concat([u32(1), u32(7), u32(1000)])));
    await c.syn(1, { streamtype: 'stdout', Extra: 'x' });
    const reply = await c.waitFor(isControl(FrameType.SynReply));
    assert.equal(reply.kind === 'control' && reply.payload.readUInt32BE(0), 1);
    assert.deepEqual(await c.decompressor.decompress(reply.kind === 'control' ? reply.payload.subarray(4) : Buffer.alloc(0)), {});
    assert.deepEqual(streams[0].headers, { streamtype: 'stdout', extra: 'x' });

    const got: Buffer[] = [];
    streams[0].on('data', (b: Buffer) => got.push(b));
    c.sock.write(dataFrame(1, 0, Buffer.from('hello ')));
    c.sock.write(dataFrame(1, FLAG_FIN, Buffer.from('world')));
    await once(streams[0], 'end');
    assert.equal(Buffer.concat(got).toString(), 'hello world');
    // Each DATA frame is granted back, on the stream (id 1) and on the session (id 0).
    await c.waitFor((f) => f.kind === 'control' && f.type === FrameType.WindowUpdate && f.payload.readUInt32BE(4) === 5);
    const updates = c.frames.filter(isControl(FrameType.WindowUpdate)).map((f) => (f.kind === 'control' ? [f.payload.readUInt32BE(0), f.payload.readUInt32BE(4)] : []));
    assert.deepEqual(updates, [
      [1, 6],
      [0, 6],
      [1, 5],
      [0, 5],
    ]);

    c.sock.write(pingFrame(0x11));
    const pong = await c.waitFor(isControl(FrameType.Ping));
    assert.equal(pong.kind === 'control' && pong.payload.readUInt32BE(0), 0x11);

    // Server → client data, then FIN.
    streams[0].end('bye');
    const fin = await c.waitFor((f) => f.kind === 'data' && (f.flags & FLAG_FIN) !== 0);
    const data = c.frames.filter((f) => f.kind === 'data').map((f) => (f.kind === 'data' ? f.data.toString() : '')).join('');
    assert.equal(data, 'bye');
    assert.equal(fin.kind === 'data' && fin.streamId, 1);
    c.close();
  });

  it('RST_STREAM from the client aborts the stream; GOAWAY then close ends the session', async () => {
    streams.length = 0;
    const c = await connect();
    await c.syn(1, { streamtype: 'data', port: '80', requestid: '0' });
    await c.syn(3, { streamtype: 'error', port: '80', requestid: '0' }, FLAG_FIN);
    await c.waitFor((f) => f.kind === 'control' && f.type === FrameType.SynReply && f.payload.readUInt32BE(0) === 3);
    assert.deepEqual(streams.map((s) => s.headers.streamtype), ['data', 'error']);
    assert.equal(streams[1].remoteEnded, true);
    const reset = once(streams[0], 'reset');
    c.sock.write(rstStreamFrame(1, 5));
    await reset;
    assert.equal(streams[0].destroyed, true);

    const session = sessions[sessions.length - 1];
    const closed = once(session, 'close');
    c.sock.write(goAwayFrame(3, 0));
    c.sock.end();
    await closed;
    assert.equal(session.isClosed, true);
    // Our side said goodbye too.
    await c.waitFor(isControl(FrameType.GoAway));
    c.close();
  });
});
