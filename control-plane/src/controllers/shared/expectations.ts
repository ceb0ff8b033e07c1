// Controller expectations (as in Kubernetes' controller_utils): after a controller creates or
// deletes pods it must not act on the same owner again until its informer has seen those
// changes, or it would create duplicates from a stale cache. Expectations expire after a
// timeout so that a lost watch event cannot wedge a controller.

const TTL_MS = 5 * 60_000;

interface Expectation {
  adds: number;
  deletes: Set<string>;
  at: number;
}

export class Expectations {
  private readonly byOwner = new Map<string, Expectation>();

  expect(owner: string, adds: number, deletes: string[] = []): void {
    this.byOwner.set(owner, { adds, deletes: new Set(deletes), at: Date.now() });
  }

  observedAdd(owner: string): void {
    const e = this.byOwner.get(owner);
    if (e && e.adds > 0) e.adds--;
  }

  observedDelete(owner: string, podKey: string): void {
    this.byOwner.get(owner)?.deletes.delete(podKey);
  }

  /** A create that failed will never be observed. */
  creationFailed(owner: string): void {
    this.observedAdd(owner);
  }

  satisfied(owner: string): boolean {
    const e = this.byOwner.get(owner);
    if (!e) return true;
    if ((e.adds <= 0 && e.deletes.size === 0) || Date.now() - e.at > TTL_MS) {
      this.byOwner.delete(owner);
      return true;
    }
    return false;
  }

  forget(owner: string): void {
    this.byOwner.delete(owner);
  }
}
