// The pod-template-hash of a Deployment's template, and template equality ignoring that label.
// Kubernetes hashes the Go struct dump with fnv32a (plus the collision count) and encodes the
// decimal number with rand.SafeEncodeString; we hash a canonical JSON form of the template the
// same way, so the names look alike (web-5d4f8c9b7) and are stable across restarts.

import type { PodTemplate } from '../shared/pod-template.js';

export const HASH_LABEL = 'pod-template-hash';

/** Canonical form: keys sorted; null, empty maps and empty lists dropped (Go decodes them to the zero value). */
export function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const c = canonical((v as Record<string, unknown>)[k]);
      if (c === null || c === undefined) continue;
      if (typeof c === 'object' && (Array.isArray(c) ? c.length === 0 : Object.keys(c).length === 0)) continue;
      out[k] = c;
    }
    return out;
  }
  return v;
}

function fnv32a(s: string): number {
  let h = 0x811c9dc5;
  const bytes = Buffer.from(s, 'utf8');
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** k8s.io/apimachinery/pkg/util/rand.SafeEncodeString: no vowels, no look-alikes. */
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';
export function safeEncode(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += ALPHANUMS[s.charCodeAt(i) % ALPHANUMS.length];
  return out;
}

export function withoutHash(t: PodTemplate | undefined): PodTemplate {
  const c = structuredClone(t ?? {});
  if (c.metadata?.labels) delete c.metadata.labels[HASH_LABEL];
  return c;
}

export function templateHash(t: PodTemplate | undefined, collisionCount = 0): string {
  let s = JSON.stringify(canonical(withoutHash(t)));
  if (collisionCount > 0) s += `#${collisionCount}`;
  return safeEncode(String(fnv32a(s)));
}

/** EqualIgnoreHash: the same template once the hash label is taken out of both. */
export function sameTemplate(a: PodTemplate | undefined, b: PodTemplate | undefined): boolean {
  return JSON.stringify(canonical(withoutHash(a))) === JSON.stringify(canonical(withoutHash(b)));
}
