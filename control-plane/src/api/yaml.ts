// The YAML parser, loaded on first use: only YAML request bodies and apply patches need it, and
// its ~70 modules would otherwise be on every start-up's path (`wasmkube up` serves sooner).
import { createRequire } from 'node:module';

type Yaml = typeof import('yaml');
let yaml: Yaml | undefined;

export function yamlParser(): Yaml {
  return (yaml ??= createRequire(import.meta.url)('yaml') as Yaml);
}
