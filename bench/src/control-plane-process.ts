// The control plane in a child process for the API and scheduler benchmarks (as real clients see
// it): start it on a data dir, learn its URL from its first stdout line, stop it for sure.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./api-control-plane-child.js', import.meta.url));

export async function startChild(dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [CHILD, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  // Never leave the server behind, even if the benchmark crashes.
  const reap = () => child.kill('SIGKILL');
  process.on('exit', reap);
  child.on('exit', () => process.off('exit', reap));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    let started = false;
    const timer = setTimeout(() => reject(new Error('control plane did not start within 30 s')), 30_000);
    child.stdout!.setEncoding('utf8').on('data', (s: string) => {
      if (started) return; // later output is drained and dropped
      out += s;
      if (out.includes('\n')) {
        started = true;
        clearTimeout(timer);
        resolve(JSON.parse(out.slice(0, out.indexOf('\n'))).url);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`control plane exited (${code}) before listening`));
    });
  });
  return { url, child };
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  // The stdout pipe would keep this process alive (the benchmark hung here after a crash).
  child.stdout?.destroy();
}
