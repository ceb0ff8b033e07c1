// undici, loaded on first use: importing it costs tens of ms (~200 ms on a loaded machine), and a
// process should answer on its API before its clients need it.
let loading: Promise<typeof import('./undici-exports.js')> | undefined;

export function loadUndici(): Promise<typeof import('./undici-exports.js')> {
  return (loading ??= import('./undici-exports.js'));
}
