// `wasmkube image load NAME:TAG FILE` and `wasmkube image ls`: a node's image store.

import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ImageStore } from '@wasmkube/runtime';
import { UsageError } from '../usage.js';

export const IMAGE_HELP = `Usage: wasmkube image load NAME[:TAG] FILE [--data-dir DIR] [--node NAME]
       wasmkube image ls [--data-dir DIR] [--node NAME]

Manages the image store of the nodes under DIR (default ./.data, as made by \`wasmkube up\`):
every node, or only --node NAME. A data dir of a single \`wasmkube node\` works too.`;

function storesOf(dataDir: string, node?: string): { node: string; store: ImageStore }[] {
  const nodesDir = join(dataDir, 'nodes');
  if (existsSync(nodesDir)) {
    const names = readdirSync(nodesDir).filter((n) => !node || n === node);
    if (node && names.length === 0) throw new UsageError(`no node "${node}" under ${nodesDir}`);
    return names.map((n) => ({ node: n, store: new ImageStore(join(nodesDir, n, 'images')) }));
  }
  return [{ node: node ?? '(this node)', store: new ImageStore(join(dataDir, 'images')) }];
}

export async function image(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    options: { 'data-dir': { type: 'string' }, node: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help || !sub || sub === '--help' || sub === '-h') {
    console.log(IMAGE_HELP);
    return sub ? 0 : 2;
  }
  const dataDir = resolve(values['data-dir'] ?? '.data');
  if (sub === 'load') {
    const [name, file] = positionals;
    if (!name || !file) throw new UsageError('usage: wasmkube image load NAME[:TAG] FILE');
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch {
      throw new UsageError(`cannot read ${file}`);
    }
    if (bytes.subarray(0, 4).toString('binary') !== '\0asm') throw new UsageError(`${file} is not a WebAssembly module or component (no \\0asm header)`);
    for (const { node, store } of storesOf(dataDir, values.node)) {
      const rec = await store.load(name, bytes);
      console.log(`loaded ${rec.name} (${rec.digest}, ${rec.size} bytes) into ${node}`);
    }
    return 0;
  }
  if (sub === 'ls') {
    console.log(['NODE', 'IMAGE', 'DIGEST', 'SIZE'].join('\t'));
    for (const { node, store } of storesOf(dataDir, values.node)) {
      for (const i of await store.list()) console.log([node, i.name, i.digest.slice(0, 19), String(i.size)].join('\t'));
    }
    return 0;
  }
  throw new UsageError(`unknown image command "${sub}" (expected load or ls)`);
}
