// Errors the engine raises for an image the user supplied. `reason` is machine-readable so that the
// kubelet can map it to a Waiting reason and an event; `message` is meant to be shown as is.

export type ImageErrorReason =
  /** Not a WebAssembly binary at all, a wrong version, a truncated or malformed section, or V8 rejects it. */
  | 'InvalidImage'
  /** A well-formed binary we cannot run: a component, or a proposal we do not handle (GC). */
  | 'UnsupportedImage'
  /** The module imports something the host does not provide. */
  | 'UnsupportedImport'
  /** `limits.memory` is below the memory the module needs to instantiate. */
  | 'MemoryLimitTooLow'
  /** Our own rewrite produced an invalid module: a bug in the instrumenter, not in the image. */
  | 'InstrumentationFailed';

export class ImageError extends Error {
  override readonly name = 'ImageError';
  constructor(
    readonly reason: ImageErrorReason,
    message: string,
    /** For UnsupportedImport: every unsupported import, in import order. */
    readonly unsupported: ReadonlyArray<{ module: string; name: string; kind: string }> = [],
  ) {
    super(message);
  }
}

/** A malformed binary: `offset` is where reading failed, in the whole file. */
export function malformed(message: string, offset: number): ImageError {
  return new ImageError('InvalidImage', `invalid WebAssembly module: ${message} (at byte offset 0x${offset.toString(16)})`);
}
