// Recognises what a file is before parsing it as WebAssembly, so that a wrong image gets an error
// that says what it got instead: an ELF executable, a gzip archive, WebAssembly text, a component.

import { ImageError } from './errors.js';

const MAGIC = [0x00, 0x61, 0x73, 0x6d];

/** Names a few formats people push by mistake, from their first bytes. */
function guessFormat(b: Uint8Array): string | undefined {
  const starts = (...sig: number[]) => sig.every((x, i) => b[i] === x);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(b.subarray(0, 64)).trimStart();
  if (starts(0x7f, 0x45, 0x4c, 0x46)) return 'an ELF executable';
  if (starts(0x4d, 0x5a)) return 'a Windows PE executable';
  if (starts(0xcf, 0xfa, 0xed, 0xfe) || starts(0xce, 0xfa, 0xed, 0xfe) || starts(0xca, 0xfe, 0xba, 0xbe)) return 'a Mach-O executable';
  if (starts(0x1f, 0x8b)) return 'a gzip archive; if it is an OCI layer, unpack it first';
  if (starts(0x50, 0x4b, 0x03, 0x04)) return 'a zip archive';
  if (b.length > 262 && String.fromCharCode(...b.subarray(257, 262)) === 'ustar') return 'a tar archive';
  if (starts(0x23, 0x21)) return 'a script with a #! line';
  if (text.startsWith('(module') || text.startsWith('(component') || text.startsWith(';;')) {
    return 'WebAssembly text format; assemble it to a binary first (wat2wasm)';
  }
  if (text.startsWith('<')) return 'HTML or XML, perhaps an error page from the server';
  if (text.startsWith('{')) return 'JSON, perhaps an OCI manifest rather than the wasm layer';
  return undefined;
}

function hex(b: Uint8Array, n: number): string {
  return '0x' + Array.from(b.subarray(0, n), (x) => x.toString(16).padStart(2, '0')).join('');
}

/** Throws ImageError unless `bytes` starts like a core WebAssembly module (magic and version 1). */
export function checkHeader(bytes: Uint8Array): void {
  if (bytes.length === 0) throw new ImageError('InvalidImage', 'not a WebAssembly module: the file is empty');
  if (!MAGIC.every((x, i) => bytes[i] === x)) {
    const guess = guessFormat(bytes);
    const magic = hex(bytes, Math.min(4, bytes.length));
    throw new ImageError(
      'InvalidImage',
      `not a WebAssembly module: bad magic number ${magic}` + (guess ? ` (this looks like ${guess})` : ''),
    );
  }
  if (bytes.length < 8) {
    throw new ImageError('InvalidImage', `not a WebAssembly module: truncated header (${bytes.length} bytes, need 8)`);
  }
  const version = bytes[4] | (bytes[5] << 8);
  const layer = bytes[6] | (bytes[7] << 8);
  if (layer === 1) {
    throw new ImageError(
      'UnsupportedImage',
      `this is a WebAssembly component (component-model layer 1, version 0x${version.toString(16).padStart(2, '0')}), ` +
        'not a core module; components are not supported yet: build a WASI preview1 module (e.g. wasm32-wasi / wasm32-wasip1)',
    );
  }
  if (version !== 1 || layer !== 0) {
    throw new ImageError(
      'InvalidImage',
      `not a supported WebAssembly module: version ${hex(bytes.subarray(4), 4)}, expected 0x01000000 (version 1)`,
    );
  }
}
