// Validation of an image before anything runs: the header (magic, version, component), section
// framing, V8's own validation (with its message), and the imports against what the host provides.

import { ImageError } from './errors.js';
import { decodeModule, readExports, readImports } from './module.js';

export type ImportKind = 'function' | 'table' | 'memory' | 'global' | 'tag';

export interface ImportDescriptor {
  module: string;
  name: string;
  kind: ImportKind;
}

export interface ExportDescriptor {
  name: string;
  kind: ImportKind;
}

/** Says whether the host provides this import. */
export type SupportedImports = (module: string, name: string, kind: ImportKind) => boolean;

const KINDS: ImportKind[] = ['function', 'table', 'memory', 'global', 'tag'];

export interface ValidatedImage {
  imports: ImportDescriptor[];
  exports: ExportDescriptor[];
}

/** Checks the header and section framing, then asks V8. Throws ImageError. */
export function validateBinary(bytes: Uint8Array): ValidatedImage {
  const m = decodeModule(bytes);
  if (!WebAssembly.validate(bytes)) {
    let detail = 'rejected by the WebAssembly validator';
    try {
      new WebAssembly.Module(bytes);
    } catch (e) {
      detail = (e as Error).message.replace(/^WebAssembly\.Module\(\): /, '');
    }
    throw new ImageError('InvalidImage', `invalid WebAssembly module: ${detail}`);
  }
  return {
    imports: readImports(m).map((i) => ({ module: i.module, name: i.name, kind: KINDS[i.kind] })),
    exports: readExports(m).map((e) => ({ name: e.name, kind: KINDS[e.kind] })),
  };
}

/** Throws ImageError('UnsupportedImport') naming every import the host does not provide. */
export function checkImports(imports: readonly ImportDescriptor[], supported: SupportedImports): void {
  const missing = imports.filter((i) => !supported(i.module, i.name, i.kind));
  if (missing.length === 0) return;
  const describe = (i: ImportDescriptor) => `"${i.name}" from module "${i.module}"` + (i.kind === 'function' ? '' : ` (a ${i.kind})`);
  const [first, ...rest] = missing;
  let message = `unsupported import ${describe(first)}`;
  if (rest.length > 0) {
    const shown = rest.slice(0, 5).map(describe).join(', ');
    message += ` (and ${rest.length} more: ${shown}${rest.length > 5 ? ', …' : ''})`;
  }
  throw new ImageError('UnsupportedImport', message, missing);
}

/** Header, framing, V8 validation and imports in one call. */
export function validateImage(bytes: Uint8Array, supported: SupportedImports): ValidatedImage {
  const image = validateBinary(bytes);
  checkImports(image.imports, supported);
  return image;
}
