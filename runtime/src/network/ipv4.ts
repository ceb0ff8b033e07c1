// IPv4 addresses and CIDR ranges as integers (the runtime's own copy: it never imports the control plane).

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

export interface Cidr {
  text: string;
  base: number;
  size: number;
}

export function parseCidr(text: string): Cidr {
  const m = /^([\d.]+)\/(\d+)$/.exec(text);
  const ip = m ? ipToInt(m[1]) : undefined;
  const prefix = m ? Number(m[2]) : NaN;
  if (ip === undefined || !(prefix >= 0 && prefix <= 32)) throw new Error(`invalid IPv4 CIDR "${text}"`);
  const size = 2 ** (32 - prefix);
  return { text, base: ip - (ip % size), size };
}

export function inCidr(c: Cidr, ip: string): boolean {
  const n = ipToInt(ip.replace(/^::ffff:/, ''));
  return n !== undefined && n >= c.base && n < c.base + c.size;
}

/** The /16 around an address: a cluster's pod or service range from one address in it. */
export function slash16(ip: string): string {
  const [a, b] = ip.split('.');
  return `${a}.${b}.0.0/16`;
}

export function isLocalhostName(host: string): boolean {
  return host === 'localhost' || host === '127.0.0.1' || host === '0.0.0.0' || host === '::1' || host === 'localhost.localdomain';
}

/** An Error carrying an errno code, as net errors do: the sandbox maps the code to the guest's errno. */
export function netError(code: 'ECONNREFUSED' | 'EHOSTUNREACH' | 'EACCES', message: string): NodeJS.ErrnoException {
  const e = new Error(`${code}: ${message}`) as NodeJS.ErrnoException;
  e.code = code;
  return e;
}
