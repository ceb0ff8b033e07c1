// Runs the real kubectl 1.32 binary. Never the `kubectl` on PATH: that is gcloud's dispatcher, which picks
// a binary by the server's reported minor version (kubectl-surface §11.1).
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const KUBECTL = '/usr/lib/google-cloud-sdk/bin/kubectl.1.32';

export interface KubectlResult {
  stdout: string;
  stderr: string;
  /** Exit code; -1 when kubectl was killed at the harness timeout. */
  code: number;
}

export interface KubectlEnv {
  kubeconfig: string;
  /** A fresh HOME, so the discovery cache ($HOME/.kube/cache) starts empty for each cluster. */
  home: string;
}

function spawnKubectl(env: KubectlEnv, args: string[], extraEnv: Record<string, string> = {}): ChildProcess {
  return spawn(KUBECTL, ['--kubeconfig', env.kubeconfig, ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: env.home, ...extraEnv },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

export async function runKubectl(
  env: KubectlEnv,
  args: string[],
  options: { stdin?: string; timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<KubectlResult> {
  const child = spawnKubectl(env, args, options.env);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  child.stdin!.end(options.stdin ?? '');
  const timeoutMs = options.timeoutMs ?? 30_000;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  const code = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c) => resolve(c ?? -1));
  }).finally(() => clearTimeout(timer));
  if (timedOut) stderr += `\n[harness] kubectl ${args.join(' ')} killed after ${timeoutMs} ms`;
  return { stdout, stderr, code: timedOut ? -1 : code };
}

/**
 * A long-running kubectl (`get -w`, `wait`): collects output lines and lets a test wait until a predicate
 * over them holds. Always call stop() (the harness does on cleanup too).
 */
export class KubectlProcess {
  readonly stdoutLines: string[] = [];
  readonly stderrLines: string[] = [];
  readonly exited: Promise<number>;
  private readonly child: ChildProcess;
  private waiters = new Set<() => void>();
  private exitCode: number | undefined;

  constructor(env: KubectlEnv, readonly args: string[]) {
    this.child = spawnKubectl(env, args);
    this.child.stdin!.end();
    this.collect(this.child.stdout!, this.stdoutLines);
    this.collect(this.child.stderr!, this.stderrLines);
    this.exited = new Promise<number>((resolve) => {
      this.child.on('error', () => resolve(-1));
      this.child.on('close', (c) => {
        this.exitCode = c ?? -1;
        this.notify();
        resolve(this.exitCode);
      });
    });
  }

  private collect(stream: NodeJS.ReadableStream, into: string[]): void {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      into.push(...parts);
      this.notify();
    });
    stream.on('end', () => {
      if (partial) into.push(partial);
      partial = '';
      this.notify();
    });
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }

  get stdout(): string {
    return this.stdoutLines.join('\n');
  }

  get stderr(): string {
    return this.stderrLines.join('\n');
  }

  /** Resolves once `predicate(lines)` holds for the chosen stream; rejects at the deadline or on exit. */
  waitFor(
    predicate: (lines: string[]) => boolean,
    options: { timeoutMs?: number; stream?: 'stdout' | 'stderr'; what?: string } = {},
  ): Promise<string[]> {
    const lines = options.stream === 'stderr' ? this.stderrLines : this.stdoutLines;
    const timeoutMs = options.timeoutMs ?? 15_000;
    return new Promise<string[]>((resolve, reject) => {
      const done = (err?: Error) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        if (err) reject(err);
        else resolve(lines);
      };
      const describe = () =>
        `kubectl ${this.args.join(' ')}: ${options.what ?? 'predicate'}\n--- stdout\n${this.stdout}\n--- stderr\n${this.stderr}`;
      const check = () => {
        if (predicate(lines)) done();
        else if (this.exitCode !== undefined) done(new Error(`exited (${this.exitCode}) before ${describe()}`));
      };
      const timer = setTimeout(() => done(new Error(`timed out after ${timeoutMs} ms waiting for ${describe()}`)), timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  async stop(): Promise<void> {
    if (this.exitCode === undefined) this.child.kill('SIGKILL');
    await this.exited;
  }
}

let manifestCounter = 0;

/** Writes a manifest to a file (kubectl reads -f from disk) and returns its path. */
export async function writeManifest(dir: string, yaml: string, name?: string): Promise<string> {
  const path = join(dir, name ?? `manifest-${++manifestCounter}.yaml`);
  await writeFile(path, yaml);
  return path;
}
