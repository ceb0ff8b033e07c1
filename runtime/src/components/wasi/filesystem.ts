// wasi:filesystem: the pod's mounts as preopens. Every operation goes to the agent's main thread
// through the sandbox channel, where the preview1 host (host-io.ts, fs-host.ts) confines it to the
// mount exactly as for core modules.
import type { ChannelClient } from '../../sandbox/rpc-channel.js';

export class Descriptor {}

export function filesystemImports(_ch: ChannelClient, _preopens: string[]): Record<string, unknown> {
  return {
    'wasi:filesystem/types': { Descriptor, filesystemErrorCode: () => undefined },
    'wasi:filesystem/preopens': { getDirectories: () => [] },
  };
}
