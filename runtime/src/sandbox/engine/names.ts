// The "name" custom section after function renumbering: function names (subsection 1) and the
// per-function local and label names (2, 3) are keyed by function index and get renumbered; the
// other subsections do not mention functions and are copied. Names only serve stack traces, so a
// section we cannot parse is dropped rather than failing the image.

import { Reader, Writer } from './bytes.js';
import type { WasmModule } from './module.js';

export function renumberNames(m: WasmModule, remap: (f: number) => number): void {
  const section = m.sections.find((s) => s.id === 0 && s.name === 'name');
  if (!section) return;
  try {
    const r = m.reader(section);
    r.name();
    const w = new Writer(section.payload.length + 16);
    w.name('name');
    while (!r.eof) {
      const id = r.u8();
      const size = r.u32();
      const sub = new Reader(r.bytes, r.pos, r.pos + size, r.base);
      r.skip(size);
      if (id < 1 || id > 3) {
        w.u8(id).sized(sub.bytes.subarray(sub.pos, sub.end));
        continue;
      }
      const out = new Writer(size + 16);
      const n = sub.u32();
      out.u32(n);
      for (let i = 0; i < n; i++) {
        out.u32(remap(sub.u32()));
        if (id === 1) {
          out.name(sub.name());
          continue;
        }
        const inner = sub.u32();
        out.u32(inner);
        for (let j = 0; j < inner; j++) out.u32(sub.u32()).name(sub.name());
      }
      w.u8(id).sized(out);
    }
    section.payload = w.finish();
    section.offset = 0;
  } catch {
    m.remove((s) => s === section);
  }
}
