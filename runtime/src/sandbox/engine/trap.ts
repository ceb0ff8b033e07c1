// Stopping a guest from inside a host function (out_of_fuel when the total budget is spent) must not
// be catchable by the guest. A JS exception thrown from an import is: a guest's `catch_all` (legacy
// exception handling, on by default in Node 20) catches it and runs on. A wasm trap is not, even
// after crossing a JS frame. So the host traps through a one-instruction wasm function.

let trap: (() => never) | undefined;

// (module (func (export "trap") unreachable))
const TRAP_MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
  0x03, 0x02, 0x01, 0x00,
  0x07, 0x08, 0x01, 0x04, 0x74, 0x72, 0x61, 0x70, 0x00, 0x00,
  0x0a, 0x05, 0x01, 0x03, 0x00, 0x00, 0x0b,
]);

/** Throws a WebAssembly.RuntimeError ("unreachable") that no guest handler can catch. Call it from
 *  an import the guest called (e.g. out_of_fuel); remember why before calling, to report it. */
export function trapUncatchably(): never {
  trap ??= new WebAssembly.Instance(new WebAssembly.Module(TRAP_MODULE)).exports.trap as () => never;
  trap();
  throw new Error('unreachable: the trap returned');
}
