// Entry point for port-forward upgrades. Two transports carry the same SPDY/3.1 conversation:
//  - WebSocket with subprotocol SPDY/3.1+portforward.k8s.io (kubectl ≥ 1.31): binary messages are a raw
//    SPDY byte stream (frames may be split across messages or share one);
//  - POST with Upgrade: SPDY/3.1 and X-Stream-Protocol-Version: portforward.k8s.io (older kubectl, fallback).
// A WebSocket offering only v4.channel.k8s.io gets kubelet's older channel protocol (portforward-websocket.ts).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { createWebSocketStream } from 'ws';
import { SpdySession } from './spdy/session.js';
import { servePortForward } from './portforward-session.js';
import type { Dial } from './portforward-relay.js';
import { acceptWebSocket } from './websocket.js';
import { parsePorts, portForwardOverLegacyWebSocket, PORTFORWARD_LEGACY_WEBSOCKET_PROTOCOLS } from './portforward-websocket.js';
import { acceptSpdy, headerList, isSpdyUpgrade, isWebSocketUpgrade, pickProtocol, prepareSocket, rejectUpgrade } from './upgrade.js';

export interface PortForwardOptions {
  /** Connects to `port` of the pod (e.g. its pod IP); a rejection is reported to kubectl on the error stream. */
  dial: Dial;
}

export const PORTFORWARD_WEBSOCKET_PROTOCOLS = ['SPDY/3.1+portforward.k8s.io'] as const;
export const PORTFORWARD_SPDY_PROTOCOLS = ['portforward.k8s.io'] as const;

export async function handlePortForwardUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, opts: PortForwardOptions): Promise<void> {
  prepareSocket(socket);
  socket.on('error', () => socket.destroy());
  if (isWebSocketUpgrade(req)) {
    const offered = headerList(req, 'sec-websocket-protocol');
    const protocol = pickProtocol(offered, PORTFORWARD_WEBSOCKET_PROTOCOLS);
    if (!protocol) {
      // kubelet also serves the channel protocol to a client that offers no subprotocol at all.
      const legacy = offered.length === 0 ? '' : pickProtocol(offered, PORTFORWARD_LEGACY_WEBSOCKET_PROTOCOLS);
      if (legacy === undefined) {
        const all = [...PORTFORWARD_WEBSOCKET_PROTOCOLS, ...PORTFORWARD_LEGACY_WEBSOCKET_PROTOCOLS];
        return rejectUpgrade(socket, `no supported WebSocket subprotocol; expected one of ${all.join(', ')}`);
      }
      const ports = parsePorts(req);
      if (typeof ports === 'string') return rejectUpgrade(socket, ports);
      return portForwardOverLegacyWebSocket(req, socket, head, legacy, ports, opts.dial);
    }
    let ws;
    try {
      ws = await acceptWebSocket(req, socket, head, protocol);
    } catch {
      return;
    }
    const tunnel = createWebSocketStream(ws, { allowHalfOpen: true });
    tunnel.on('error', () => tunnel.destroy());
    return servePortForward(new SpdySession(tunnel), opts.dial);
  }
  if (isSpdyUpgrade(req)) {
    const protocol = pickProtocol(headerList(req, 'x-stream-protocol-version'), PORTFORWARD_SPDY_PROTOCOLS);
    if (!protocol) return rejectUpgrade(socket, `no supported X-Stream-Protocol-Version; expected one of ${PORTFORWARD_SPDY_PROTOCOLS.join(', ')}`);
    acceptSpdy(socket, protocol);
    return servePortForward(new SpdySession(socket, head), opts.dial);
  }
  return rejectUpgrade(socket, 'expected a WebSocket (GET) or SPDY/3.1 (POST) upgrade');
}
