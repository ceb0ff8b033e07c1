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
    const [rec] = await this.loadMany([[name, bytes]]);
    return rec;
  }

  /**
   * Store several images at once: the blobs are written side by side and the index once (a node
   * given its images at start stores them in a few file-system round trips, not ten per image).
   * Callers must not run two loads on one store at once: the index is read, updated and replaced.
   */
  async loadMany(images: [name: string, bytes: Uint8Array][]): Promise<StoredImage[]> {
    const loadedAt = new Date().toISOString();
    const recs = images.map(([name, bytes]): StoredImage => {
      const ref = parseImageReference(name);
      if (ref.source !== 'store') throw new Error(`"${name}" is not an image name (expected NAME[:TAG])`);
      return { name: ref.location, digest: sha256(bytes), size: bytes.byteLength, loadedAt };
    });
    if (!recs.length) return [];
    await mkdir(join(this.dir, 'blobs', 'sha256'), { recursive: true });
    await Promise.all(
      recs.map(async (rec, i) => {
        const tmp = `${this.blobPath(rec.digest)}.tmp-${process.pid}-${i}`;
        await writeFile(tmp, images[i][1]);
        await rename(tmp, this.blobPath(rec.digest));
      }),
    );
    const index = await this.readIndex();
    for (const rec of recs) index[rec.name] = rec;
    const itmp = join(this.dir, `index.json.tmp-${process.pid}`);
    await writeFile(itmp, JSON.stringify(index, null, 2));
    await rename(itmp, join(this.dir, 'index.json'));
    return recs;
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
