// The WASI 0.2 interfaces this runtime implements for components (wasi/*.ts), and the check that
// refuses a component importing anything else before any guest code runs.
import { ImageError } from '../sandbox/engine/errors.js';

export const SUPPORTED_INTERFACES = new Set([
  'wasi:cli/environment', 'wasi:cli/exit', 'wasi:cli/stdin', 'wasi:cli/stdout', 'wasi:cli/stderr',
  'wasi:cli/terminal-input', 'wasi:cli/terminal-output', 'wasi:cli/terminal-stdin', 'wasi:cli/terminal-stdout',
  'wasi:cli/terminal-stderr',
  'wasi:io/error', 'wasi:io/poll', 'wasi:io/streams',
  'wasi:clocks/monotonic-clock', 'wasi:clocks/wall-clock',
  'wasi:random/random', 'wasi:random/insecure', 'wasi:random/insecure-seed',
  'wasi:filesystem/types', 'wasi:filesystem/preopens',
  'wasi:sockets/network', 'wasi:sockets/instance-network', 'wasi:sockets/tcp', 'wasi:sockets/tcp-create-socket',
  'wasi:sockets/ip-name-lookup',
  'wasi:http/types', 'wasi:http/outgoing-handler',
]);

/** What the component is run as, from its exports. */
export type ComponentKind = 'command' | 'http';

/** `imports` as jco lists them: unversioned interface names ("wasi:cli/stdout"). */
export function checkComponentImports(imports: readonly string[]): void {
  const bad = imports.filter((i) => !SUPPORTED_INTERFACES.has(i));
  if (bad.length > 0) {
    throw new ImageError(
      'UnsupportedImport',
      `the component imports ${bad.map((b) => `"${b}"`).join(', ')}, which this runtime does not provide ` +
        `(it provides the WASI 0.2 interfaces ${[...SUPPORTED_INTERFACES].map((i) => i.split('/')[0]).filter((x, i, a) => a.indexOf(x) === i).join(', ')})`,
      bad.map((b) => ({ module: b, name: '*', kind: 'function' as const })),
    );
  }
}

/** `exports` as jco lists them ([name, 'function' | 'instance']). */
export function componentKind(exports: readonly [string, string][]): ComponentKind {
  const names = exports.map(([n]) => n);
  if (names.some((n) => n.startsWith('wasi:http/incoming-handler'))) return 'http';
  if (names.some((n) => n.startsWith('wasi:cli/run'))) return 'command';
  throw new ImageError(
    'UnsupportedImage',
    `the component exports neither wasi:cli/run nor wasi:http/incoming-handler (it exports ${names.join(', ') || 'nothing'}): nothing to run`,
  );
}
