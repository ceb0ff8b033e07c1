// Pod IPs from the node's podCIDR (a /24 such as 127.244.3.0/24 by default): .1 is left for the
// node itself, pods get .2 to .254. An IP is reused only after its pod is gone.

export class PodIpAllocator {
  private readonly base: number;
  private readonly size: number;
  private readonly used = new Map<string, string>(); // ip → pod uid
  private next = 2;

  constructor(readonly cidr: string) {
    const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
    if (!m) throw new Error(`invalid podCIDR "${cidr}"`);
    const prefix = Number(m[5]);
    if (prefix < 16 || prefix > 30) throw new Error(`podCIDR "${cidr}": prefix must be between /16 and /30`);
    const ip = m.slice(1, 5).map(Number).reduce((a, b) => a * 256 + b, 0);
    this.size = 2 ** (32 - prefix);
    this.base = ip - (ip % this.size);
  }

  /** The node's own address in the range (.1). */
  get gateway(): string {
    return toIp(this.base + 1);
  }

  /** Claim a specific IP (a pod that was running before an agent restart). */
  claim(ip: string, uid: string): boolean {
    const owner = this.used.get(ip);
    if (owner && owner !== uid) return false;
    if (!this.contains(ip)) return false;
    this.used.set(ip, uid);
    return true;
  }

  allocate(uid: string): string {
    for (const [ip, owner] of this.used) if (owner === uid) return ip;
    const usable = this.size - 3; // network, gateway, broadcast
    for (let i = 0; i < usable; i++) {
      const offset = ((this.next - 2 + i) % usable) + 2;
      const ip = toIp(this.base + offset);
      if (!this.used.has(ip)) {
        this.used.set(ip, uid);
        this.next = offset + 1;
        return ip;
      }
    }
    throw new Error(`no free pod IP left in ${this.cidr}`);
  }

  release(uid: string): void {
    for (const [ip, owner] of this.used) if (owner === uid) this.used.delete(ip);
  }

  contains(ip: string): boolean {
    const parts = ip.split('.').map(Number);
    if (parts.length !== 4 || parts.some((p) => !(p >= 0 && p <= 255))) return false;
    const n = parts.reduce((a, b) => a * 256 + b, 0);
    return n > this.base && n < this.base + this.size - 1;
  }
}

function toIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}
