// wasi:sockets: not provided yet (see interfaces.ts); kept so the import object has one place for it.
import type { ChannelClient } from '../../sandbox/rpc-channel.js';

export function socketImports(_ch: ChannelClient): Record<string, unknown> {
  return {};
}
