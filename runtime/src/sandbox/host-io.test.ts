// HostIo without a guest: the pre-opened listener's blocking mode is decided by its first use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { HostIo } from './host-io.js';
import { LoopbackNetwork } from './network.js';
import { OP, type Request, type Response } from './rpc-channel.js';
import { E, EVENTTYPE, FDFLAGS, FILETYPE } from './wasi-abi.js';

const call = (io: HostIo, op: number, args: number[], data = new Uint8Array(0)): Promise<Response> =>
  Promise.resolve(io.handle({ op, args: Float64Array.from([...args, 0, 0, 0, 0, 0, 0, 0, 0].slice(0, 8)), data } as Request));

async function listener(ip: string) {
  const network = new LoopbackNetwork();
  const server = await network.listen(ip, 0);
  return { io: new HostIo([], [{ server, name: 'http' }], network, ip), port: (server.address() as net.AddressInfo).port };
}

test('fd_fdstat_get first (Go): socket filetype, NONBLOCK, accept says EAGAIN', async () => {
  const { io, port } = await listener('127.250.200.1');
  const st = await call(io, OP.FD_FDSTAT_GET, [3]);
  assert.equal(st.errno, 0);
  assert.equal(st.data![0], FILETYPE.SOCKET_STREAM);
  assert.equal(st.data![2] & FDFLAGS.NONBLOCK, FDFLAGS.NONBLOCK);
  assert.equal((await call(io, OP.SOCK_ACCEPT, [3, 0])).errno, E.AGAIN);
  const client = net.connect({ host: '127.250.200.1', port });
  // poll_oneoff's fd part: one FD_READ subscription on fd 3 becomes ready when the connection queues.
  const sub = new DataView(new ArrayBuffer(12));
  sub.setUint32(0, 0, true);
  sub.setUint32(4, EVENTTYPE.FD_READ, true);
  sub.setUint32(8, 3, true);
  const polled = await call(io, OP.POLL, [1, 5000], new Uint8Array(sub.buffer));
  assert.deepEqual([polled.errno, polled.results![0]], [0, 1]);
  let r: Response;
  for (let i = 0; i < 100; i++) {
    r = await call(io, OP.SOCK_ACCEPT, [3, FDFLAGS.NONBLOCK]);
    if (r.errno !== E.AGAIN) break;
    await new Promise((res) => setTimeout(res, 10));
  }
  assert.equal(r!.errno, 0);
  assert.equal(r!.results![0], 4);
  client.destroy();
  io.close();
});

test('accept first (Rust, C): blocks until a connection arrives', async () => {
  const { io, port } = await listener('127.250.200.2');
  const pending = call(io, OP.SOCK_ACCEPT, [3, 0]);
  let settled = false;
  void pending.then(() => (settled = true));
  await new Promise((res) => setTimeout(res, 50));
  assert.equal(settled, false);
  const client = net.connect({ host: '127.250.200.2', port });
  const r = await pending;
  assert.deepEqual([r.errno, r.results![0]], [0, 4]);
  // Once decided, fdstat reports the blocking mode it has.
  const st = await call(io, OP.FD_FDSTAT_GET, [3]);
  assert.equal(st.data![2] & FDFLAGS.NONBLOCK, 0);
  client.destroy();
  io.close();
});
