// ObjectMeta as kube-apiserver maintains it: uid, creationTimestamp, generation, resourceVersion,
// generateName; plus the kind/apiVersion every returned object carries.

import { randomUUID, randomInt } from 'node:crypto';
import type { KeyValue } from '../store/store.js';
import type { ResourceInfo } from './resources.js';
import { groupVersion } from './resources.js';

export type Obj = Record<string, unknown>;

export function meta(obj: Obj): Obj {
  if (obj.metadata === null || typeof obj.metadata !== 'object' || Array.isArray(obj.metadata)) obj.metadata = {};
  return obj.metadata as Obj;
}

/** RFC 3339 with second precision, as metav1.Time marshals. */
export function rfc3339(d?: Date): string {
  if (d) return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
  // "Now" is asked for on every create: format it once per second.
  const sec = Math.floor(Date.now() / 1000);
  if (sec !== nowSec) {
    nowSec = sec;
    nowText = new Date(sec * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  return nowText;
}

let nowSec = -1;
let nowText = '';

export function newUid(): string {
  return randomUUID();
}

// k8s.io/apimachinery/pkg/util/rand: consonants and digits that do not spell words.
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

export function generateName(base: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += ALPHANUMS[randomInt(ALPHANUMS.length)];
  // Names are at most 63 characters for most kinds; kube truncates the base the same way.
  return base.slice(0, 58) + suffix;
}

/** The object as served: kind/apiVersion filled in, resourceVersion = the store's modRevision. */
export function present(info: ResourceInfo, kv: KeyValue): Obj {
  // Store values are frozen and shared: build a new top level and a new metadata, never mutate.
  const value = kv.value as Obj;
  const md = value.metadata !== null && typeof value.metadata === 'object' ? { ...(value.metadata as Obj) } : {};
  md.resourceVersion = String(kv.modRevision);
  const out: Obj = { apiVersion: groupVersion(info), kind: info.kind, metadata: md };
  // for-in, not Object.entries: this runs for every object served and every watch event.
  for (const k in value) if (k !== 'apiVersion' && k !== 'kind' && k !== 'metadata') out[k] = value[k];
  return out;
}

/**
 * JSON.stringify(present(info, kv)), remembered for recently written versions: a write's answer
 * and every watch that delivers the write send the same text, serialised once.
 */
export function presentJson(info: ResourceInfo, kv: KeyValue, presented?: Obj): string {
  const hit = recentJson.get(kv);
  if (hit !== undefined && hit.info === info) return hit.text;
  // `presented`: present(info, kv) when the caller has it already.
  const text = JSON.stringify(presented ?? present(info, kv));
  // Bounded: only the versions just written are asked for again (their watch events follow at once).
  if (recentJson.size >= 4096) recentJson.clear();
  recentJson.set(kv, { info, text });
  return text;
}

const recentJson = new Map<KeyValue, { info: ResourceInfo; text: string }>();

/** What goes to the store: no resourceVersion (the store's revision is the truth). */
export function forStorage(obj: Obj): Obj {
  const md = meta(obj);
  delete md.resourceVersion;
  delete md.selfLink;
  return obj;
}

/** Everything that counts as the "spec" for metadata.generation. */
function specPart(info: ResourceInfo, obj: Obj): unknown {
  if ('spec' in obj || info.subresources.includes('status')) return obj.spec ?? null;
  const rest: Obj = {};
  for (const [k, v] of Object.entries(obj)) if (k !== 'metadata' && k !== 'status' && k !== 'kind' && k !== 'apiVersion') rest[k] = v;
  return rest;
}

export function specChanged(info: ResourceInfo, oldObj: Obj, newObj: Obj): boolean {
  return !deepEqual(specPart(info, oldObj), specPart(info, newObj));
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ka = Object.keys(a as Obj).filter((k) => (a as Obj)[k] !== undefined);
  const kb = Object.keys(b as Obj).filter((k) => (b as Obj)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Obj)[k], (b as Obj)[k]));
}

/** `pods`, `deployments.apps`: how Kubernetes names a resource in messages. */
export function qualifiedResource(info: ResourceInfo): string {
  return info.group === '' ? info.plural : `${info.plural}.${info.group}`;
}
