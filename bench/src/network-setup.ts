// The network bench's cluster: a real API server and controller manager, three Node HTTP servers
// bound on pod IPs standing in for web pods (Pod objects created through the API, marked Ready
// through pods/{name}/status), a Service over them, and a node's ClusterNetwork attached to it.

import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeClient, R, type KubeObject } from '@wasmkube/client';
import { startControlPlane, startControllers } from '@wasmkube/control-plane';
import { ClusterNetwork } from '@wasmkube/runtime';

// Ranges no fixture claims (those take 127.100–239) and not the defaults.
const POD_RANGE = '127.252.0.0/16';
const SVC_RANGE = '127.253.0.0/16';
export const NODE_CIDR = '127.252.1.0/24';
export const CLIENT_IP = '127.252.1.200';
export const BACKEND_IPS = ['127.252.1.10', '127.252.1.11', '127.252.1.12'];
export const BACKEND_PORT = 8080;

export interface NetworkBenchEnv {
  network: ClusterNetwork;
  clusterIP: string;
  close(): Promise<void>;
}

export async function startNetworkBenchEnv(): Promise<NetworkBenchEnv> {
  const dir = await mkdtemp(join(tmpdir(), 'wasmkube-netbench-'));
  const cp = await startControlPlane({ dataDir: dir, serviceCidr: SVC_RANGE });
  const cm = await startControllers(cp.url, { clusterCidr: POD_RANGE });
  const client = new KubeClient(cp.url);
  const servers: http.Server[] = [];
  const network = new ClusterNetwork({ serviceCidr: SVC_RANGE, tunnel: 'never' });
  const close = async () => {
    await network.close();
    for (const s of servers) {
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    }
    await cm.stop();
    await client.close();
    await cp.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await client.create(R.nodes, undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' }, spec: { podCIDR: NODE_CIDR } });
    for (const [i, ip] of BACKEND_IPS.entries()) {
      const name = `web-${i}`;
      const body = `hello from ${name}\n`;
      const s = http.createServer((_req, res) => res.end(body));
      await new Promise<void>((r) => s.listen(BACKEND_PORT, ip, r));
      servers.push(s);
      await client.create(R.pods, 'default', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, labels: { app: 'web' } },
        spec: { nodeName: 'node-1', containers: [{ name: 'web', image: 'web.wasm', ports: [{ name: 'http', containerPort: BACKEND_PORT }] }] },
      });
      await client.patch(R.pods, 'default', name, 'merge', { status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: 'True' }] } }, 'status');
    }
    const svc = await client.create<KubeObject & { spec: { clusterIP: string } }>(R.services, 'default', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    });
    await network.attach({ apiUrl: cp.url, nodeName: 'node-1', podCIDR: NODE_CIDR });
    // Wait (bounded) until the network and the host proxy know all three endpoints.
    const clusterIP = svc.spec.clusterIP;
    for (let i = 0; ; i++) {
      const seen = new Set<string>();
      for (let j = 0; j < 6; j++) seen.add(await guestRequest(network, CLIENT_IP, clusterIP, 80).catch(() => ''));
      const hostOk = await hostRequest(clusterIP, 80).then(() => true, () => false);
      if (seen.size === 3 && !seen.has('') && hostOk) break;
      if (i > 200) throw new Error('the Service never reached its 3 backends');
      await new Promise((r) => setTimeout(r, 25));
    }
    return { network, clusterIP, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** One HTTP/1.0 request on a new connection opened the way a guest's connect() is. */
export async function guestRequest(network: ClusterNetwork, from: string, host: string, port: number): Promise<string> {
  const sock = await network.connect(from, host, port);
  return exchange(sock);
}

/** One HTTP/1.0 request on a new connection from the host (no pod source address). */
export async function hostRequest(host: string, port: number): Promise<string> {
  const net = await import('node:net');
  const sock = await new Promise<import('node:net').Socket>((resolve, reject) => {
    const s = net.connect({ host, port });
    s.once('error', reject);
    s.once('connect', () => resolve(s));
  });
  return exchange(sock);
}

function exchange(sock: import('node:net').Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    sock.on('data', (d: Buffer) => chunks.push(d));
    sock.once('error', reject);
    sock.once('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      resolve(text.slice(text.indexOf('\r\n\r\n') + 4));
    });
    sock.write('GET / HTTP/1.0\r\nHost: web\r\n\r\n');
  });
}
