// Parent side of control-plane-child.js: start it, learn its URL, kill it.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./control-plane-child.js', import.meta.url));

export interface ChildControlPlane {
  url: string;
  port: number;
  process: ChildProcess;
  /** stderr so far, for failure messages. */
  stderr(): string;
  kill(signal: NodeJS.Signals): Promise<void>;
}

export async function startChildControlPlane(dataDir: string, port = 0, timeoutMs = 20_000): Promise<ChildControlPlane> {
  const child = spawn(process.execPath, [CHILD, dataDir, String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const ready = await new Promise<{ url: string; port: number }>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`control plane child not ready after ${timeoutMs} ms\n${err}`));
    }, timeoutMs);
    child.stdout!.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        try {
          resolve(JSON.parse(out.slice(0, nl)));
        } catch (e) {
          reject(e);
        }
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`control plane child exited (${code}) before it was ready\n${err}`));
    });
  });
  return {
    ...ready,
    process: child,
    stderr: () => err,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
