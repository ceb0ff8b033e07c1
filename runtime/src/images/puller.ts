// Pulls an image's bytes from wherever its reference points, honouring imagePullPolicy, and keeps
// pulled images in memory by digest so that a second pod of the same image starts at once.

import { readFile } from 'node:fs/promises';
import { loadUndici } from '@wasmkube/client';
import { ImageStore, sha256 } from './image-store.js';
import { parseImageReference, type ImageReference } from './reference.js';

export type PullPolicy = 'Always' | 'IfNotPresent' | 'Never';

export interface PulledImage {
  ref: ImageReference;
  digest: string;
  bytes: Uint8Array;
  /** True when the bytes came from the local cache rather than a pull. */
  cached: boolean;
}

/** A pull failure the kubelet reports as ErrImagePull (or ErrImageNeverPull). */
export class ImagePullError extends Error {
  constructor(
    message: string,
    readonly reason: 'ErrImagePull' | 'ErrImageNeverPull' | 'InvalidImageName' = 'ErrImagePull',
  ) {
    super(message);
    this.name = 'ImagePullError';
  }
}

const MAX_IMAGE_BYTES = 256 * 1024 * 1024;

export class ImagePuller {
  /** image reference → last pulled image (the node's "present" images). */
  private readonly present = new Map<string, PulledImage>();

  constructor(private readonly store: ImageStore) {}

  isPresent(image: string): boolean {
    return this.present.has(image);
  }

  async pull(image: string, policy: PullPolicy): Promise<PulledImage> {
    let ref: ImageReference;
    try {
      ref = parseImageReference(image);
    } catch (e) {
      throw new ImagePullError((e as Error).message, 'InvalidImageName');
    }
    const have = this.present.get(image);
    if (have && policy !== 'Always') return { ...have, cached: true };
    // Images in the node's own store are always "present": Never and IfNotPresent both use them.
    if (policy === 'Never' && ref.source !== 'store') {
      throw new ImagePullError(`Container image "${image}" is not present with pull policy of Never`, 'ErrImageNeverPull');
    }
    const bytes = await this.fetch(ref);
    const digest = sha256(bytes);
    if (ref.digest && ref.digest !== digest) {
      throw new ImagePullError(`failed to pull image "${image}": digest mismatch: expected ${ref.digest}, got ${digest}`);
    }
    const pulled: PulledImage = { ref, digest, bytes, cached: false };
    this.present.set(image, pulled);
    return pulled;
  }

  private async fetch(ref: ImageReference): Promise<Uint8Array> {
    switch (ref.source) {
      case 'store': {
        const rec = await this.store.lookup(ref.location);
        if (!rec) {
          throw new ImagePullError(`failed to pull image "${ref.raw}": ${ref.location} not found in the node's image store (load it with: wasmkube image load ${ref.location} FILE.wasm)`);
        }
        return this.store.read(rec.digest);
      }
      case 'file':
        try {
          return await readFile(ref.location);
        } catch (e) {
          throw new ImagePullError(`failed to pull image "${ref.raw}": ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
        }
      case 'http': {
        try {
          const res = await (await loadUndici()).request(ref.location, { headersTimeout: 30_000, bodyTimeout: 60_000 });
          if (res.statusCode !== 200) {
            await res.body.dump();
            throw new Error(`HTTP ${res.statusCode}`);
          }
          const chunks: Buffer[] = [];
          let size = 0;
          for await (const c of res.body) {
            size += (c as Buffer).length;
            if (size > MAX_IMAGE_BYTES) throw new Error(`image larger than ${MAX_IMAGE_BYTES} bytes`);
            chunks.push(c as Buffer);
          }
          return Buffer.concat(chunks);
        } catch (e) {
          throw new ImagePullError(`failed to pull image "${ref.raw}": ${(e as Error).message}`);
        }
      }
    }
  }
}
