// The in-memory index of current keys: a flat map for get, plus a tree of "directories" (the key
// split at '/') so that list(prefix) visits only the keys under the prefix instead of every key,
// and inserts stay O(depth) (a sorted array would memmove on every create).

import type { KeyValue } from './store.js';

interface Dir {
  readonly dirs: Map<string, Dir>;
  /** leaf name → full key */
  readonly leaves: Map<string, string>;
}

function newDir(): Dir {
  return { dirs: new Map(), leaves: new Map() };
}

export class KeyIndex {
  private readonly byKey = new Map<string, KeyValue>();
  private readonly root: Dir = newDir();

  get size(): number {
    return this.byKey.size;
  }

  get(key: string): KeyValue | undefined {
    return this.byKey.get(key);
  }

  set(entry: KeyValue): void {
    if (!this.byKey.has(entry.key)) {
      const parts = entry.key.split('/');
      const leaf = parts.pop() as string;
      let d = this.root;
      for (const p of parts) {
        let next = d.dirs.get(p);
        if (!next) d.dirs.set(p, (next = newDir()));
        d = next;
      }
      d.leaves.set(leaf, entry.key);
    }
    this.byKey.set(entry.key, entry);
  }

  delete(key: string): void {
    if (!this.byKey.delete(key)) return;
    const parts = key.split('/');
    const leaf = parts.pop() as string;
    const path: Dir[] = [this.root];
    for (const p of parts) path.push(path[path.length - 1].dirs.get(p) as Dir);
    path[path.length - 1].leaves.delete(leaf);
    // Drop directories that became empty, so deleted namespaces leave nothing behind.
    for (let i = path.length - 1; i > 0; i--) {
      const d = path[i];
      if (d.dirs.size > 0 || d.leaves.size > 0) break;
      path[i - 1].dirs.delete(parts[i - 1]);
    }
  }

  /** Every entry whose key starts with prefix, sorted by key. */
  list(prefix: string): KeyValue[] {
    const parts = prefix.split('/');
    const rest = parts.pop() as string;
    let d: Dir | undefined = this.root;
    for (const p of parts) {
      d = d.dirs.get(p);
      if (!d) return [];
    }
    const keys: string[] = [];
    for (const [name, key] of d.leaves) if (name.startsWith(rest)) keys.push(key);
    for (const [name, sub] of d.dirs) if (name.startsWith(rest)) collect(sub, keys);
    keys.sort();
    return keys.map((k) => this.byKey.get(k) as KeyValue);
  }
}

function collect(d: Dir, out: string[]): void {
  for (const key of d.leaves.values()) out.push(key);
  for (const sub of d.dirs.values()) collect(sub, out);
}
