// IPv4 ranges as integers: enough arithmetic for a service CIDR (127.96.0.0/16 by default).

export interface Ipv4Range {
  cidr: string;
  /** The network address as an integer. */
  base: number;
  /** Number of addresses in the range, network and broadcast included. */
  size: number;
}

export function ipToInt(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

export function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

export function parseCidr(cidr: string): Ipv4Range {
  const m = /^([\d.]+)\/(\d+)$/.exec(cidr);
  const ip = m ? ipToInt(m[1]) : undefined;
  const prefix = m ? Number(m[2]) : NaN;
  if (ip === undefined || !(prefix >= 8 && prefix <= 30)) throw new Error(`invalid IPv4 CIDR "${cidr}" (want a.b.c.d/8 to /30)`);
  const size = 2 ** (32 - prefix);
  return { cidr, base: ip - (ip % size), size };
}

/** Usable: inside the range, neither the network nor the broadcast address (as Kubernetes' range allocator). */
export function offsetInRange(r: Ipv4Range, ip: string): number | undefined {
  const n = ipToInt(ip);
  if (n === undefined) return undefined;
  const off = n - r.base;
  return off >= 1 && off < r.size - 1 ? off : undefined;
}
