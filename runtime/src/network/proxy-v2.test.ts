import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { decodeProxyV2, encodeProxyV2 } from './proxy-v2.js';
import { dialTunnel, TunnelServer } from './tunnel.js';

test('PROXY v2 header: the bytes HAProxy specifies, round trip, partial and foreign input', () => {
  const h = encodeProxyV2({ srcIp: '127.250.1.5', srcPort: 40000, dstIp: '127.250.2.9', dstPort: 8080 });
  assert.equal(h.length, 28);
  assert.equal(h.subarray(0, 12).toString('latin1'), '\r\n\r\n\0\r\nQUIT\n');
  assert.deepEqual([h[12], h[13], h.readUInt16BE(14)], [0x21, 0x11, 12]);
  const withData = Buffer.concat([h, Buffer.from('GET /')]);
  assert.deepEqual(decodeProxyV2(withData), { addresses: { srcIp: '127.250.1.5', srcPort: 40000, dstIp: '127.250.2.9', dstPort: 8080 }, consumed: 28 });
  assert.deepEqual(decodeProxyV2(h.subarray(0, 10)), { need: 6 });
  assert.deepEqual(decodeProxyV2(h.subarray(0, 20)), { need: 8 });
  assert.ok('error' in decodeProxyV2(Buffer.from('GET / HTTP/1.1\r\n\r\n')));
  const v1 = Buffer.from(h);
  v1[12] = 0x11;
  assert.ok('error' in decodeProxyV2(v1));
});

test('the tunnel listener connects from the source pod IP, and only to its own pods', async (t) => {
  const seen: string[] = [];
  const backend = net.createServer((s) => {
    seen.push(s.remoteAddress ?? '');
    s.end('pong');
  });
  await new Promise<void>((r) => backend.listen(0, '127.249.2.9', r));
  const port = (backend.address() as net.AddressInfo).port;
  const tunnel = new TunnelServer({ host: '127.0.0.1', accepts: (ip) => ip.startsWith('127.249.2.') });
  const addr = await tunnel.listen();
  t.after(async () => {
    await tunnel.close();
    await new Promise<void>((r) => backend.close(() => r()));
  });
  const sock = await dialTunnel(addr, '127.249.1.5', '127.249.2.9', port);
  assert.equal(sock.remoteAddress, '127.249.2.9', 'the socket shows the pod, not the agent');
  assert.equal(sock.localAddress, '127.249.1.5');
  const answer = await new Promise<string>((resolve) => {
    let d = '';
    sock.setEncoding('utf8').on('data', (x: string) => (d += x)).on('end', () => resolve(d));
  });
  assert.equal(answer, 'pong');
  assert.deepEqual(seen, ['127.249.1.5']);
  assert.equal(tunnel.carried, 1);
  // A destination that is not this agent's pod: the tunnel hangs up.
  const refused = await dialTunnel(addr, '127.249.1.5', '127.249.3.3', port);
  await new Promise<void>((resolve) => refused.on('close', () => resolve()).on('error', () => undefined).resume());
  assert.equal(tunnel.carried, 1);
});
