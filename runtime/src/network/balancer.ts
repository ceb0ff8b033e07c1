// Endpoint selection for one connection, as kube-proxy does it: round robin over the ready
// endpoints (falling back to serving-but-terminating ones when none is ready), and with
// sessionAffinity ClientIP a client stays on its endpoint for the timeout (refreshed on each use),
// moving only when that endpoint stops being ready.

import type { Endpoint, ServicePortRef, ServiceTable } from './service-table.js';

interface Pin {
  endpoint: string;
  expires: number;
}

interface Candidates {
  version: number;
  /** Ready endpoints (or serving terminating ones when none is ready), in a stable order. */
  list: Endpoint[];
  ids: string[];
}

export class Balancer {
  private readonly next = new Map<string, number>();
  private readonly candidates = new Map<string, Candidates>();
  private readonly pins = new Map<string, Map<string, Pin>>();

  constructor(
    private readonly table: ServiceTable,
    private readonly now: () => number = Date.now,
  ) {}

  pick(ref: ServicePortRef, clientIp: string): Endpoint | undefined {
    const key = `${ref.service}:${ref.port.name}/${ref.port.protocol}`;
    const { list, ids } = this.candidatesFor(key, ref);
    if (list.length === 0) return undefined;
    if (ref.affinityMs > 0) {
      const pins = this.pins.get(key);
      const pin = pins?.get(clientIp);
      if (pin && pin.expires > this.now()) {
        const at = ids.indexOf(pin.endpoint);
        if (at >= 0) {
          pin.expires = this.now() + ref.affinityMs;
          return list[at];
        }
      }
    }
    const i = (this.next.get(key) ?? Math.floor(Math.random() * list.length)) % list.length;
    this.next.set(key, i + 1);
    const chosen = list[i];
    if (ref.affinityMs > 0) {
      let pins = this.pins.get(key);
      if (!pins) this.pins.set(key, (pins = new Map()));
      pins.set(clientIp, { endpoint: ids[i], expires: this.now() + ref.affinityMs });
      if (pins.size > 4096) this.sweep(pins);
    }
    return chosen;
  }

  private candidatesFor(key: string, ref: ServicePortRef): Candidates {
    const hit = this.candidates.get(key);
    if (hit && hit.version === this.table.version) return hit;
    const all = this.table.endpoints(ref);
    let list = all.filter((e) => e.ready);
    if (list.length === 0) list = all.filter((e) => e.serving && e.terminating);
    const id = (e: Endpoint) => `${e.ip}:${e.port}`;
    // Stable order so that round robin stays fair across slice updates.
    list.sort((a, b) => (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0));
    const c = { version: this.table.version, list, ids: list.map(id) };
    this.candidates.set(key, c);
    return c;
  }

  private sweep(pins: Map<string, Pin>): void {
    const now = this.now();
    for (const [ip, p] of pins) if (p.expires <= now) pins.delete(ip);
  }
}
