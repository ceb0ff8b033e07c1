// The images `up` loads into every node: a JSON map of name:tag → .wasm path (relative to the file).

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

export async function loadSampleImages(indexFile: string | undefined): Promise<Record<string, string>> {
  if (!indexFile || !existsSync(indexFile)) return {};
  const map = JSON.parse(await readFile(indexFile, 'utf8')) as Record<string, string>;
  const base = dirname(indexFile);
  return Object.fromEntries(Object.entries(map).map(([name, file]) => [name, resolve(base, file)]));
}
