// Endpoint selection for one connection, as kube-proxy does it: round robin over the ready
// endpoints (falling back to serving-but-terminating ones when none is ready), and with
// sessionAffinity ClientIP a client stays on its endpoint for the timeout (refreshed on each use),
// moving only when that endpoint stops being ready.

import type { Endpoint, ServicePortRef, ServiceTable } from './service-table.js';

interface Pin {
  endpoint: string;
  expires: number;
}

export class Balancer {
  private readonly next = new Map<string, number>();
  private readonly pins = new Map<string, Map<string, Pin>>();

  constructor(
    private readonly table: ServiceTable,
    private readonly now: () => number = Date.now,
  ) {}

  pick(ref: ServicePortRef, clientIp: string): Endpoint | undefined {
    const all = this.table.endpoints(ref);
    let candidates = all.filter((e) => e.ready);
    if (candidates.length === 0) candidates = all.filter((e) => e.serving && e.terminating);
    if (candidates.length === 0) return undefined;
    const key = `${ref.service}:${ref.port.name}`;
    const id = (e: Endpoint) => `${e.ip}:${e.port}`;
    if (ref.affinityMs > 0) {
      const pins = this.pins.get(key);
      const pin = pins?.get(clientIp);
      if (pin && pin.expires > this.now()) {
        const e = candidates.find((c) => id(c) === pin.endpoint);
        if (e) {
          pin.expires = this.now() + ref.affinityMs;
          return e;
        }
      }
    }
    // Stable order so that round robin is fair across slice updates.
    candidates.sort((a, b) => (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0));
    const i = (this.next.get(key) ?? Math.floor(Math.random() * candidates.length)) % candidates.length;
    this.next.set(key, i + 1);
    const chosen = candidates[i];
    if (ref.affinityMs > 0) {
      let pins = this.pins.get(key);
      if (!pins) this.pins.set(key, (pins = new Map()));
      pins.set(clientIp, { endpoint: id(chosen), expires: this.now() + ref.affinityMs });
      if (pins.size > 4096) this.sweep(pins);
    }
    return chosen;
  }

  private sweep(pins: Map<string, Pin>): void {
    const now = this.now();
    for (const [ip, p] of pins) if (p.expires <= now) pins.delete(ip);
  }
}
