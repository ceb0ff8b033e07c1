// Pairs the streams of a port-forward SPDY session into forwarded connections.
import type { SpdySession, SpdyStream } from './spdy/session.js';
import { relayPortForward, type Dial } from './portforward-relay.js';

interface Pending {
  port?: string;
  error?: SpdyStream;
  data?: SpdyStream;
}

export function servePortForward(session: SpdySession, dial: Dial): Promise<void> {
  const pending = new Map<string, Pending>();
  session.on('stream', (s) => {
    const type = s.headers['streamtype'];
    // Clients before requestid existed paired an error stream with the data stream opened right after it.
    const requestId = s.headers['requestid'] ?? String(type === 'data' ? s.id - 2 : s.id);
    if (type !== 'error' && type !== 'data') {
      s.destroy();
      return;
    }
    const p = pending.get(requestId) ?? {};
    pending.set(requestId, p);
    p[type] = s;
    p.port ??= s.headers['port'];
    if (p.error && p.data) {
      pending.delete(requestId);
      void relayPortForward(p.port, p.error, p.data, dial);
    }
  });
  return new Promise((resolve) => session.once('close', () => resolve()));
}
