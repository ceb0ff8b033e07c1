// The sandbox's only way to the network. The pod-network issue implements this interface (pod IPs,
// ClusterIP translation, cluster DNS); LoopbackNetwork is the plain version: real sockets on
// 127.x.y.z addresses, which on Linux need no setup.
import net from 'node:net';
import dns from 'node:dns/promises';

export interface PodNetwork {
  /**
   * A listening TCP server bound to ip:port (port 0 = any). Resolves once listening. Must use
   * allowHalfOpen: the guest decides when to end its side (a peer's FIN must not auto-close it,
   * or replies written after reading to EOF are lost).
   */
  listen(ip: string, port: number): Promise<net.Server>;
  /** An outbound TCP connection from the pod `fromIp` to host:port (allowHalfOpen). Resolves once connected. */
  connect(fromIp: string, toHost: string, port: number): Promise<net.Socket>;
  /** IPv4 addresses for a name, as seen from inside the pod `fromIp`. */
  resolve(name: string, fromIp: string): Promise<string[]>;
}

function isLocalhost(host: string): boolean {
  return host === 'localhost' || host === '127.0.0.1' || host === '0.0.0.0' || host === '::1';
}

export class LoopbackNetwork implements PodNetwork {
  listen(ip: string, port: number): Promise<net.Server> {
    return new Promise((resolve, reject) => {
      const server = net.createServer({ allowHalfOpen: true });
      server.once('error', reject);
      server.listen({ host: ip, port, exclusive: true }, () => {
        server.off('error', reject);
        resolve(server);
      });
    });
  }

  connect(fromIp: string, toHost: string, port: number): Promise<net.Socket> {
    // A pod's `localhost` is its own IP: containers of one pod share it.
    const host = isLocalhost(toHost) ? fromIp : toHost;
    return new Promise((resolve, reject) => {
      const sock = net.connect({ host, port, localAddress: fromIp, allowHalfOpen: true });
      sock.once('error', reject);
      sock.once('connect', () => {
        sock.off('error', reject);
        resolve(sock);
      });
    });
  }

  async resolve(name: string, fromIp: string): Promise<string[]> {
    if (isLocalhost(name)) return [fromIp];
    if (net.isIPv4(name)) return [name];
    // Only loopback names are acceptable on this machine: anything else resolving elsewhere is refused.
    const addrs = await dns.resolve4(name).catch(() => [] as string[]);
    return addrs.filter((a) => a.startsWith('127.'));
  }
}
