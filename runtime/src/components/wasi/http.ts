// wasi:http imports: the types (http-types.ts) and outgoing-handler (http-outgoing.ts).
import type { ChannelClient } from '../../sandbox/rpc-channel.js';
import {
  Fields, FutureTrailers, IncomingBody, IncomingRequest, OutgoingBody, OutgoingResponse, RequestOptions, ResponseOutparam,
} from './http-types.js';
import { FutureIncomingResponse, IncomingResponse, OutgoingRequest, outgoingHandle } from './http-outgoing.js';

export function httpImports(ch: ChannelClient): Record<string, unknown> {
  return {
    'wasi:http/types': {
      Fields, FutureTrailers, IncomingBody, IncomingRequest, OutgoingBody, OutgoingResponse, RequestOptions,
      ResponseOutparam, FutureIncomingResponse, IncomingResponse, OutgoingRequest,
      // Our errors carry no wasi:http error-code.
      httpErrorCode: () => undefined,
    },
    'wasi:http/outgoing-handler': { handle: (req: OutgoingRequest, opts?: RequestOptions) => outgoingHandle(ch, req, opts) },
  };
}
