// A set of small integers (IP offsets, node ports) each held by one owner (a Service uid). Taking
// a value the same owner already holds succeeds; releasing only frees values the owner holds, so a
// late or repeated release can never free a value someone else has taken since.

export class OwnedSet {
  private readonly owners = new Map<number, string>();

  constructor(
    /** Inclusive bounds of the values handed out. */
    readonly min: number,
    readonly max: number,
  ) {}

  get used(): number {
    return this.owners.size;
  }

  ownerOf(v: number): string | undefined {
    return this.owners.get(v);
  }

  /** false when another owner holds v. */
  take(v: number, owner: string): boolean {
    const cur = this.owners.get(v);
    if (cur !== undefined && cur !== owner) return false;
    this.owners.set(v, owner);
    return true;
  }

  /** A free value, chosen at random (as Kubernetes does) so that recreated objects rarely reuse one; undefined when full. */
  takeAny(owner: string, exclude: ReadonlySet<number> = new Set()): number | undefined {
    const span = this.max - this.min + 1;
    const free = (v: number) => !this.owners.has(v) && !exclude.has(v);
    // A few random probes find a free value fast while the set is sparse; then scan from a random start.
    for (let i = 0; i < 16; i++) {
      const v = this.min + Math.floor(Math.random() * span);
      if (free(v)) return this.owners.set(v, owner), v;
    }
    const start = Math.floor(Math.random() * span);
    for (let i = 0; i < span; i++) {
      const v = this.min + ((start + i) % span);
      if (free(v)) return this.owners.set(v, owner), v;
    }
    return undefined;
  }

  release(v: number, owner: string): void {
    if (this.owners.get(v) === owner) this.owners.delete(v);
  }
}
