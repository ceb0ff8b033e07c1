// Fuel across the core modules of a component. Each instrumented core module has its own
// wasmkube_fuel global; the sandbox's FuelMeter drives one. This object stands in for that one
// global: setting it grants the same amount to every module's global, reading it gives the grant
// minus what all of them burnt since — so the meter accounts the whole component. Instances that
// are dropped (one per HTTP request) keep their last consumption until the next grant.

export class FuelGlobals {
  private globals = new Set<WebAssembly.Global>();
  private grant = 0n;
  /** Burnt by dropped globals since the last grant. */
  private carried = 0n;

  get value(): bigint {
    let used = this.carried;
    for (const g of this.globals) used += this.grant - (g.value as bigint);
    return this.grant - used;
  }

  set value(v: bigint) {
    this.grant = v;
    this.carried = 0n;
    for (const g of this.globals) g.value = v;
  }

  add(g: WebAssembly.Global): void {
    g.value = this.grant;
    this.globals.add(g);
  }

  drop(g: WebAssembly.Global): void {
    if (!this.globals.delete(g)) return;
    this.carried += this.grant - (g.value as bigint);
  }
}
