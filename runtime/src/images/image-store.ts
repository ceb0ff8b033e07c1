// The node's image store: content-addressed blobs plus a name:tag → digest index, on disk under
// <dir>/blobs/sha256/<hex> and <dir>/index.json. Filled by `wasmkube image load NAME:TAG FILE`.

import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseImageReference } from './reference.js';

export interface StoredImage {
  name: string;
  digest: string;
  size: number;
  loadedAt: string;
}

export const sha256 = (bytes: Uint8Array): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

export class ImageStore {
  constructor(readonly dir: string) {}

  private blobPath(digest: string): string {
    return join(this.dir, 'blobs', 'sha256', digest.replace(/^sha256:/, ''));
  }

  private async readIndex(): Promise<Record<string, StoredImage>> {
    try {
      return JSON.parse(await readFile(join(this.dir, 'index.json'), 'utf8')) as Record<string, StoredImage>;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw e;
    }
  }

  /** Store bytes under name[:tag]; returns the image record. Replaces an older image of that name. */
  async load(name: string, bytes: Uint8Array): Promise<StoredImage> {
    const ref = parseImageReference(name);
    if (ref.source !== 'store') throw new Error(`"${name}" is not an image name (expected NAME[:TAG])`);
    const digest = sha256(bytes);
    await mkdir(join(this.dir, 'blobs', 'sha256'), { recursive: true });
    const tmp = `${this.blobPath(digest)}.tmp-${process.pid}`;
    await writeFile(tmp, bytes);
    await rename(tmp, this.blobPath(digest));
    const index = await this.readIndex();
    const rec: StoredImage = { name: ref.location, digest, size: bytes.byteLength, loadedAt: new Date().toISOString() };
    index[ref.location] = rec;
    const itmp = join(this.dir, `index.json.tmp-${process.pid}`);
    await writeFile(itmp, JSON.stringify(index, null, 2));
    await rename(itmp, join(this.dir, 'index.json'));
    return rec;
  }

  async list(): Promise<StoredImage[]> {
    return Object.values(await this.readIndex()).sort((a, b) => a.name.localeCompare(b.name));
  }

  async lookup(nameTag: string): Promise<StoredImage | undefined> {
    return (await this.readIndex())[nameTag];
  }

  async read(digest: string): Promise<Uint8Array> {
    return readFile(this.blobPath(digest));
  }
}
