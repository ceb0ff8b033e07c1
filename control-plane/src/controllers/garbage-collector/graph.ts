// The garbage collector's view of the cluster: every watched object by uid, and for each owner uid
// the objects whose ownerReferences name it (Kubernetes' dependency graph, kept from informers).

import type { KubeObject, ResourceRef } from '@wasmkube/client';

export interface GcKind {
  ref: ResourceRef;
  apiVersion: string;
  kind: string;
}

/** "<group>/<plural>|<namespace>|<name>": a work-queue key naming one object of any kind. */
export type ItemKey = string;

export const itemKey = (k: GcKind, o: KubeObject): ItemKey => `${k.ref.group}/${k.ref.plural}|${o.metadata.namespace ?? ''}|${o.metadata.name}`;

export function parseItemKey(key: ItemKey): { kindId: string; namespace: string | undefined; name: string } {
  const [kindId, ns, name] = key.split('|');
  return { kindId, namespace: ns || undefined, name };
}

export const kindId = (k: GcKind): string => `${k.ref.group}/${k.ref.plural}`;

export class OwnerGraph {
  private readonly byUid = new Map<string, { kind: GcKind; key: ItemKey }>();
  private readonly dependents = new Map<string, Set<ItemKey>>();
  private readonly refsOf = new Map<ItemKey, string[]>();

  upsert(kind: GcKind, o: KubeObject): void {
    const key = itemKey(kind, o);
    if (o.metadata.uid) this.byUid.set(o.metadata.uid, { kind, key });
    const owners = (o.metadata.ownerReferences ?? []).map((r) => r.uid);
    this.unlinkOwners(key);
    if (owners.length) {
      this.refsOf.set(key, owners);
      for (const u of owners) {
        let s = this.dependents.get(u);
        if (!s) this.dependents.set(u, (s = new Set()));
        s.add(key);
      }
    }
  }

  remove(kind: GcKind, o: KubeObject): void {
    const key = itemKey(kind, o);
    if (o.metadata.uid && this.byUid.get(o.metadata.uid)?.key === key) this.byUid.delete(o.metadata.uid);
    this.unlinkOwners(key);
  }

  has(uid: string): boolean {
    return this.byUid.has(uid);
  }

  keyOf(uid: string): ItemKey | undefined {
    return this.byUid.get(uid)?.key;
  }

  dependentsOf(uid: string): ItemKey[] {
    return [...(this.dependents.get(uid) ?? [])];
  }

  private unlinkOwners(key: ItemKey): void {
    for (const u of this.refsOf.get(key) ?? []) {
      const s = this.dependents.get(u);
      s?.delete(key);
      if (s && s.size === 0) this.dependents.delete(u);
    }
    this.refsOf.delete(key);
  }
}
