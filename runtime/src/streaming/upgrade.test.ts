// Handshake edge cases with real clients: the `ws` WebSocket client (v4 and v5 framing details kubectl
// does not exercise), raw HTTP for refusals, and kubectl for how it reports a refused upgrade.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';
import WebSocket from 'ws';
import { handleExecUpgrade } from './exec.js';
import type { ExecIO } from './exec-options.js';
import type { TerminalSize } from './resize.js';
import { handlePortForwardUpgrade } from './portforward.js';
import { hasKubectl, startHarness } from './kubectl-harness.js';

async function run(io: ExecIO): Promise<number> {
  if (io.command[0] === 'echo') {
    io.stdout.write(io.command.slice(1).join(' ') + '\n');
    return 0;
  }
  // size-then-cat: the first terminal size, then stdin until the client closes it.
  const [size] = (await once(io.resize, 'resize', { signal: io.signal })) as [TerminalSize];
  io.stdout.write(`${size.Width}x${size.Height}:`);
  for await (const c of io.stdin!) io.stdout.write(c);
  return 4;
}

let server: http.Server;
let base: string;
before(async () => {
  server = http.createServer((_req, res) => res.end());
  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/exec') void handleExecUpgrade(req, socket, head, { run });
    else if (path === '/nostreams') void handleExecUpgrade(req, socket, head, { run, stdin: false, stdout: false, stderr: false });
    else void handlePortForwardUpgrade(req, socket, head, { dial: () => Promise.reject(new Error('unused')) });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

/** Collects (channel, text) messages until the server closes; returns them with the close code. */
function collect(ws: WebSocket): Promise<{ messages: [number, string][]; code: number }> {
  const messages: [number, string][] = [];
  ws.on('message', (d: Buffer) => messages.push([d[0], d.subarray(1).toString('latin1')]));
  return new Promise((resolve) => ws.once('close', (code) => resolve({ messages, code })));
}

describe('exec over WebSocket with the ws client', () => {
  it('v4.channel.k8s.io: echoes the subprotocol, stdout on 1, Status on 3, close 1000', async () => {
    const ws = new WebSocket(`ws://${base}/exec?command=echo&command=v4&stdout=true&stderr=true`, ['v4.channel.k8s.io']);
    const done = collect(ws);
    await once(ws, 'open');
    assert.equal(ws.protocol, 'v4.channel.k8s.io');
    const { messages, code } = await done;
    assert.deepEqual(messages, [
      [1, 'v4\n'],
      [3, '{"metadata":{},"status":"Success"}'],
    ]);
    assert.equal(code, 1000);
  });

  it('v5: resize split over messages, stdin, close signal 255/0, non-zero exit Status', async () => {
    const ws = new WebSocket(`ws://${base}/exec?command=sizecat&stdin=true&stdout=true&tty=true`, ['v5.channel.k8s.io', 'v4.channel.k8s.io']);
    const done = collect(ws);
    await once(ws, 'open');
    assert.equal(ws.protocol, 'v5.channel.k8s.io');
    ws.send(Buffer.from('\x04{"Width":80,'));
    ws.send(Buffer.from('\x04"Height":24}\n'));
    ws.send(Buffer.from('\x00abc'));
    ws.send(Buffer.from('\x00def'));
    ws.send(Buffer.from([255, 0]));
    const { messages, code } = await done;
    assert.equal(messages.filter(([c]) => c === 1).map(([, t]) => t).join(''), '80x24:abcdef');
    assert.deepEqual(JSON.parse(messages.find(([c]) => c === 3)![1]), {
      metadata: {},
      status: 'Failure',
      reason: 'NonZeroExitCode',
      message: 'command terminated with non-zero exit code: error executing command [sizecat], exit code 4',
      details: { causes: [{ reason: 'ExitCode', message: '4' }] },
    });
    assert.equal(code, 1000);
  });

  it('refuses an unsupported subprotocol with a 400 Status', async () => {
    const ws = new WebSocket(`ws://${base}/exec?command=echo&stdout=true`, ['base64.channel.k8s.io']);
    ws.on('error', () => undefined);
    const [, res] = (await once(ws, 'unexpected-response')) as [unknown, http.IncomingMessage];
    assert.equal(res.statusCode, 400);
    let body = '';
    for await (const c of res) body += c;
    const status = JSON.parse(body);
    assert.equal(status.kind, 'Status');
    assert.equal(status.reason, 'BadRequest');
    assert.match(status.message, /v5\.channel\.k8s\.io/);
  });
});

/** Sends a raw upgrade request and returns the status line and body of the answer. */
async function rawUpgrade(path: string, headers: Record<string, string>): Promise<{ status: string; body: string }> {
  const s = net.connect(Number(base.split(':')[1]), '127.0.0.1');
  await once(s, 'connect');
  s.write(`POST ${path} HTTP/1.1\r\nHost: ${base}\r\nContent-Length: 0\r\nConnection: Upgrade\r\n` + Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('') + '\r\n');
  let text = '';
  for await (const c of s) text += c;
  const [head, body] = text.split('\r\n\r\n');
  return { status: head.split('\r\n')[0], body };
}

describe('refusals', () => {
  it('SPDY exec without a common protocol version → 400 Status', async () => {
    const r = await rawUpgrade('/exec?command=echo&stdout=true', { Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'channel.k8s.io' });
    assert.equal(r.status, 'HTTP/1.1 400 Bad Request');
    assert.match(JSON.parse(r.body).message, /X-Stream-Protocol-Version.*v4\.channel\.k8s\.io/);
  });

  it('port-forward with another upgrade → 400 Status', async () => {
    const r = await rawUpgrade('/portforward', { Upgrade: 'h2c' });
    assert.equal(r.status, 'HTTP/1.1 400 Bad Request');
    assert.equal(JSON.parse(r.body).code, 400);
  });

  it('exec with no stream requested → 400 Status', async () => {
    const r = await rawUpgrade('/nostreams?command=echo', { Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'v4.channel.k8s.io' });
    assert.equal(r.status, 'HTTP/1.1 400 Bad Request');
    assert.equal(JSON.parse(r.body).message, 'you must specify at least 1 of stdin, stdout, stderr');
  });
});

describe('kubectl 1.32 and a refused exec', { skip: !hasKubectl(32) && 'kubectl.1.32 not installed', timeout: 30_000 }, () => {
  it('tries WebSocket, then SPDY, then prints the Status message', async () => {
    const h = await startHarness({ exec: (req, socket, head) => void handleExecUpgrade(req, socket, head, { run, stdin: false, stdout: false, stderr: false }) });
    try {
      const r = await h.kubectl(32, ['exec', 'web', '--', 'echo', 'x']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /Error from server \(BadRequest\): you must specify at least 1 of stdin, stdout, stderr/);
      assert.deepEqual(h.upgrades.map((u) => u.split(' ')[0]), ['GET', 'POST']);
    } finally {
      await h.close();
    }
  });
});

describe('legacy WebSocket port-forward with the ws client', () => {
  it('no subprotocol: port prefixes on channels 0 and 1, then the dial error on channel 1, then close', async () => {
    const ws = new WebSocket(`ws://${base}/portforward?ports=8080`);
    const done = collect(ws);
    await once(ws, 'open');
    assert.equal(ws.protocol, '');
    const { messages, code } = await done;
    // 8080 = 0x1f90, little-endian.
    assert.deepEqual(messages.slice(0, 2), [
      [0, '\x90\x1f'],
      [1, '\x90\x1f'],
    ]);
    assert.deepEqual(messages.slice(2), [[1, 'error forwarding port 8080: unused']]);
    assert.equal(code, 1000);
  });

  it('refuses a legacy request without ports', async () => {
    const ws = new WebSocket(`ws://${base}/portforward`, ['v4.channel.k8s.io']);
    ws.on('error', () => undefined);
    const [, res] = (await once(ws, 'unexpected-response')) as [unknown, http.IncomingMessage];
    assert.equal(res.statusCode, 400);
  });
});
