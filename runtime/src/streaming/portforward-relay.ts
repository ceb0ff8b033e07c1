// One forwarded connection: kubectl opens an `error` and a `data` stream sharing a `requestid`; we dial
// the port and relay bytes both ways, passing half-closes through (FIN on data ⇄ end() on the socket).
// A failure is reported as text on the error stream, which kubectl prints; the error stream is closed
// in every case, because kubectl waits for it before it lets the local connection go.
import type { Duplex } from 'node:stream';
import type { SpdyStream } from './spdy/session.js';

export type Dial = (port: number) => Promise<Duplex>;

export async function relayPortForward(port: string | undefined, error: SpdyStream, data: SpdyStream, dial: Dial): Promise<void> {
  error.resume(); // the client sends nothing on it but an immediate FIN
  const portNumber = Number(port);
  if (!port || !Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65535) {
    error.end(`invalid port: ${JSON.stringify(port ?? '')}`);
    data.destroy();
    return;
  }
  let conn: Duplex;
  try {
    conn = await dial(portNumber);
  } catch (err) {
    error.end(`error forwarding port ${portNumber}: ${err instanceof Error ? err.message : String(err)}`);
    data.destroy();
    return;
  }
  if (data.destroyed) {
    conn.destroy();
    error.end();
    return;
  }

  await new Promise<void>((resolve) => {
    let finished = false;
    const finish = (message?: string): void => {
      if (finished) return;
      finished = true;
      if (message && !error.writableEnded) error.write(message);
      error.end();
      if (!data.writableEnded) data.end();
      conn.destroy();
      resolve();
    };
    // client → port
    data.on('data', (c: Buffer) => {
      if (!conn.write(c)) data.pause();
    });
    conn.on('drain', () => data.resume());
    data.on('end', () => conn.end());
    // port → client
    conn.on('data', (c: Buffer) => {
      if (!data.write(c)) conn.pause();
    });
    data.on('drain', () => conn.resume());
    conn.on('end', () => data.end());
    conn.on('error', (e: Error) => finish(`error forwarding port ${portNumber}: ${e.message}`));
    conn.on('close', () => finish());
    // Reset by the client, or the whole connection went away.
    data.on('close', () => finish());
  });
}
