// SPDY/3 header blocks are zlib-compressed with one compression context per direction per connection,
// primed with the SPDY/3 dictionary and flushed with Z_SYNC_FLUSH after each block. A context therefore
// outlives a single block: node:zlib's one-shot helpers cannot be used, we keep a streaming
// Deflate/Inflate and feed it block by block, one at a time.
import zlib from 'node:zlib';
import type { Transform } from 'node:stream';
import { SPDY3_DICTIONARY } from './dictionary.js';
import { decodeHeaderBlock, encodeHeaderBlock } from './frames.js';

class ZlibContext {
  private out: Buffer[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  private failed: Error | undefined;

  constructor(private readonly z: Transform & { flush(kind: number, cb: () => void): void }) {
    z.on('data', (c: Buffer) => this.out.push(c));
    z.on('error', (e: Error) => {
      this.failed = e;
    });
  }

  /** Runs `input` through the context and returns what one sync flush yields. Calls are serialised. */
  process(input: Buffer): Promise<Buffer> {
    const run = (): Promise<Buffer> =>
      new Promise((resolve, reject) => {
        if (this.failed) return reject(this.failed);
        // A corrupt block errors the stream and its flush callback never runs: reject from the error.
        const onError = (e: Error): void => reject(e);
        this.z.once('error', onError);
        this.z.write(input);
        this.z.flush(zlib.constants.Z_SYNC_FLUSH, () => {
          this.z.off('error', onError);
          if (this.failed) return reject(this.failed);
          // In flowing mode the output was normally emitted before this callback. Should any still sit in
          // the readable buffer, read() hands it to the 'data' listener synchronously.
          while (this.z.readableLength > 0 && this.z.read() !== null);
          const result = Buffer.concat(this.out);
          this.out = [];
          resolve(result);
        });
      });
    const p = this.chain.then(run);
    this.chain = p.catch(() => undefined);
    return p;
  }

  close(): void {
    this.z.destroy();
  }
}

export class HeaderCompressor {
  private readonly ctx = new ZlibContext(zlib.createDeflate({ dictionary: SPDY3_DICTIONARY }));
  compress(headers: Record<string, string>): Promise<Buffer> {
    return this.ctx.process(encodeHeaderBlock(headers));
  }
  close(): void {
    this.ctx.close();
  }
}

export class HeaderDecompressor {
  private readonly ctx = new ZlibContext(zlib.createInflate({ dictionary: SPDY3_DICTIONARY }));
  async decompress(block: Buffer): Promise<Record<string, string>> {
    return decodeHeaderBlock(await this.ctx.process(block));
  }
  close(): void {
    this.ctx.close();
  }
}
