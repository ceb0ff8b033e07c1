// What an `image:` field can name, for a wasm node:
//   web:1.0 / web (→ web:latest)          a module in the node's image store (`wasmkube image load`)
//   file:///abs/path/x.wasm, /abs/x.wasm  a file on the node
//   http(s)://host/path/x.wasm[@sha256:HEX]  fetched with undici; a digest, when given, is verified
// An optional `@sha256:HEX` suffix pins any form to a digest.

export type ImageSource = 'store' | 'file' | 'http';

export interface ImageReference {
  raw: string;
  source: ImageSource;
  /** Store name:tag, file path or URL, without the digest. */
  location: string;
  digest?: string;
  /** The tag, for the pull-policy default (`latest` → Always). */
  tag?: string;
}

const DIGEST = /@sha256:([0-9a-f]{64})$/;

export function parseImageReference(raw: string): ImageReference {
  const image = raw.trim();
  if (!image) throw new Error('image name is empty');
  const m = DIGEST.exec(image);
  const digest = m ? `sha256:${m[1]}` : undefined;
  const location = m ? image.slice(0, m.index) : image;
  if (/^https?:\/\//.test(location)) return { raw, source: 'http', location, digest };
  if (location.startsWith('file://')) return { raw, source: 'file', location: decodeURIComponent(location.slice('file://'.length)), digest };
  if (location.startsWith('/')) return { raw, source: 'file', location, digest };
  if (!/^[a-z0-9]([a-z0-9._/-]*[a-z0-9])?(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?$/.test(location)) {
    throw new Error(`invalid image reference "${raw}"`);
  }
  const lastColon = location.lastIndexOf(':');
  const hasTag = lastColon > location.lastIndexOf('/');
  const tag = hasTag ? location.slice(lastColon + 1) : 'latest';
  return { raw, source: 'store', location: hasTag ? location : `${location}:latest`, digest, tag };
}
