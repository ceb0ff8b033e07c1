// port-forward driven by the real kubectl: WebSocket-tunnelled SPDY (1.32 default), plain SPDY
// (KUBECTL_PORT_FORWARD_WEBSOCKETS=false, and kubectl 1.29), with HTTP requests relayed to a real server.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { Agent, request } from 'undici';
import { KubeConfig, PortForward } from '@kubernetes/client-node';
import { handlePortForwardUpgrade } from './portforward.js';
import { forwardedPort, hasKubectl, startHarness, type Harness } from './kubectl-harness.js';

const BIG = Array.from({ length: 20_000 }, (_, i) => `${String(i).padStart(6, '0')}${'b'.repeat(43)}\n`).join(''); // 1 MB

/** The "pod": an HTTP server answering with the path and body it got. */
async function startTarget(): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      res.setHeader('Content-Type', 'text/plain');
      if (req.url === '/big') return void res.end(BIG);
      res.end(`${req.method} ${req.url} ${body.length}:${body}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as net.AddressInfo).port };
}

const dial = (port: number): Promise<net.Socket> =>
  new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });

/** A port on which nothing listens (bound then released). */
async function deadPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

const cases: { name: string; minor: number; env: Record<string, string>; upgrade: string }[] = [
  { name: 'kubectl 1.32, WebSocket-tunnelled SPDY', minor: 32, env: {}, upgrade: 'GET /api/v1/namespaces/default/pods/web/portforward websocket' },
  {
    name: 'kubectl 1.32, plain SPDY (KUBECTL_PORT_FORWARD_WEBSOCKETS=false)',
    minor: 32,
    env: { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' },
    upgrade: 'POST /api/v1/namespaces/default/pods/web/portforward SPDY/3.1',
  },
  { name: 'kubectl 1.29, SPDY', minor: 29, env: {}, upgrade: 'POST /api/v1/namespaces/default/pods/web/portforward SPDY/3.1' },
];

for (const c of cases) {
  describe(`port-forward: ${c.name}`, { skip: !hasKubectl(c.minor) && `kubectl.1.${c.minor} not installed`, timeout: 60_000 }, () => {
    let h: Harness;
    let target: { server: http.Server; port: number };
    const dialed: number[] = [];
    before(async () => {
      target = await startTarget();
      h = await startHarness({
        portforward: (req, socket, head) =>
          void handlePortForwardUpgrade(req, socket, head, {
            dial: (port) => {
              dialed.push(port);
              return dial(port);
            },
          }),
      });
    });
    after(async () => {
      await h.close();
      target.server.closeAllConnections();
      await new Promise<void>((resolve) => target.server.close(() => resolve()));
    });

    it('relays HTTP requests (200 kB up, 1 MB down), one SPDY stream pair per connection', async () => {
      const child = h.spawnKubectl(c.minor, ['port-forward', 'pod/web', `0:${target.port}`], c.env);
      const local = await forwardedPort(child);
      assert.deepEqual(h.upgrades, [c.upgrade]);
      // One connection per request: each is its own pair of SPDY streams (requestid 0, 1).
      const agent = new Agent({ pipelining: 0, keepAliveTimeout: 1 });
      try {
        const a = await request(`http://127.0.0.1:${local}/first`, { dispatcher: agent, reset: true });
        assert.equal(a.statusCode, 200);
        assert.equal(await a.body.text(), 'GET /first 0:');
        const payload = 'p'.repeat(200_000); // beyond SPDY's 64 KiB window, several DATA frames
        const b = await request(`http://127.0.0.1:${local}/second`, { dispatcher: agent, method: 'POST', body: payload, reset: true });
        assert.equal(b.statusCode, 200);
        assert.equal(await b.body.text(), `POST /second 200000:${payload}`);
        const big = await request(`http://127.0.0.1:${local}/big`, { dispatcher: agent, reset: true });
        assert.ok((await big.body.text()) === BIG, '1 MB download differs');
      } finally {
        await agent.close();
      }
      assert.deepEqual(dialed, [target.port, target.port, target.port]);
      child.kill('SIGKILL');
    });

    it('reports a dial failure to kubectl through the error stream', async () => {
      const port = await deadPort();
      const child = h.spawnKubectl(c.minor, ['port-forward', 'pod/web', `0:${port}`], c.env);
      let stderr = '';
      child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
      const local = await forwardedPort(child);
      // The local connection is accepted by kubectl, then closed once the error stream reports the failure.
      const got = await new Promise<string>((resolve) => {
        const s = net.connect(local, '127.0.0.1');
        let data = '';
        s.on('data', (b: Buffer) => (data += b.toString()));
        s.on('error', () => resolve(`error:${data}`));
        s.on('close', () => resolve(data));
        s.setTimeout(15_000, () => s.destroy());
      });
      assert.equal(got, '');
      // Bounded wait for kubectl's message about the failure.
      for (let i = 0; i < 100 && !stderr.includes('ECONNREFUSED'); i++) await new Promise((r) => setTimeout(r, 50));
      assert.match(stderr, new RegExp(`error forwarding port ${port}: .*ECONNREFUSED`));
      child.kill('SIGKILL');
    });
  });
}

describe('port-forward: @kubernetes/client-node 1.4 (legacy WebSocket channel protocol)', { timeout: 30_000 }, () => {
  let h: Harness;
  let target: { server: http.Server; port: number };
  let local: net.Server;
  before(async () => {
    target = await startTarget();
    h = await startHarness({ portforward: (req, socket, head) => void handlePortForwardUpgrade(req, socket, head, { dial }) });
    const kc = new KubeConfig();
    // client-node refuses http:// unless skipTLSVerify is set (kubectl-surface.md §11.15).
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: h.url, skipTLSVerify: true }],
      users: [{ name: 'u' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u', namespace: 'default' }],
      currentContext: 'x',
    });
    const pf = new PortForward(kc);
    // As in client-node's own example: one WebSocket per local connection.
    local = net.createServer((sock) => void pf.portForward('default', 'web', [target.port], sock, null, sock).catch(() => sock.destroy()));
    await new Promise<void>((resolve) => local.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    await h.close();
    local.close();
    target.server.closeAllConnections();
    target.server.close();
  });

  it('relays two HTTP requests', async () => {
    const port = (local.address() as net.AddressInfo).port;
    const agent = new Agent({ keepAliveTimeout: 1 });
    try {
      for (const path of ['/one', '/two']) {
        const r = await request(`http://127.0.0.1:${port}${path}`, { dispatcher: agent, reset: true });
        assert.equal(await r.body.text(), `GET ${path} 0:`);
      }
    } finally {
      await agent.close();
    }
    assert.deepEqual(h.upgrades, ['GET /api/v1/namespaces/default/pods/web/portforward websocket', 'GET /api/v1/namespaces/default/pods/web/portforward websocket']);
    assert.match(h.upgradeUrls[0], new RegExp(`ports=${target.port}`));
  });
});
