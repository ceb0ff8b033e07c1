// Test-only: a stand-in API server that answers just what kubectl needs before it upgrades for exec,
// attach or port-forward (version, legacy discovery, GET pod), plus helpers to run the real kubectl
// against it. The upgrade itself is handed to the library under test.
import http from 'node:http';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';

export const KUBECTL_DIR = '/usr/lib/google-cloud-sdk/bin';
export const kubectlPath = (minor: number): string => join(KUBECTL_DIR, `kubectl.1.${minor}`);
export const hasKubectl = (minor: number): boolean => existsSync(kubectlPath(minor));

export type UpgradeHandler = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void;

const pod = {
  kind: 'Pod',
  apiVersion: 'v1',
  metadata: { name: 'web', namespace: 'default', uid: '6f1c3d1e-0000-4000-8000-000000000001', resourceVersion: '1' },
  spec: { containers: [{ name: 'main', image: 'web.wasm' }] },
  status: { phase: 'Running', podIP: '127.0.0.1' },
};

function json(res: http.ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function serveDiscovery(req: http.IncomingMessage, res: http.ServerResponse): void {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  if (path === '/version') return json(res, 200, { major: '1', minor: '32', gitVersion: 'v1.32.0', platform: 'linux/amd64' });
  if (path === '/api') return json(res, 200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
  if (path === '/apis') return json(res, 200, { kind: 'APIGroupList', apiVersion: 'v1', groups: [] });
  if (path === '/api/v1') {
    return json(res, 200, {
      kind: 'APIResourceList',
      groupVersion: 'v1',
      resources: [{ name: 'pods', namespaced: true, kind: 'Pod', verbs: ['get', 'list'], shortNames: ['po'] }],
    });
  }
  if (path === '/api/v1/namespaces/default/pods/web') return json(res, 200, pod);
  json(res, 404, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', message: `${path} not found`, code: 404 });
}

export interface Harness {
  url: string;
  kubeconfig: string;
  home: string;
  /** Upgrade requests seen, as "METHOD path upgrade-header". */
  upgrades: string[];
  /** Full URLs (path and query) of those upgrade requests. */
  upgradeUrls: string[];
  kubectl(minor: number, args: string[], opts?: KubectlOptions): Promise<KubectlResult>;
  spawnKubectl(minor: number, args: string[], env?: Record<string, string>): ChildProcess;
  close(): Promise<void>;
}

export interface KubectlOptions {
  env?: Record<string, string>;
  stdin?: string;
  timeoutMs?: number;
}

export interface KubectlResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export async function startHarness(routes: { exec?: UpgradeHandler; attach?: UpgradeHandler; portforward?: UpgradeHandler }): Promise<Harness> {
  const server = http.createServer(serveDiscovery);
  const upgrades: string[] = [];
  const upgradeUrls: string[] = [];
  const sockets = new Set<Duplex>();
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    upgrades.push(`${req.method} ${path} ${req.headers.upgrade}`);
    upgradeUrls.push(req.url ?? '');
    const sub = path.split('/').pop() as 'exec' | 'attach' | 'portforward';
    const handler = routes[sub];
    if (!handler) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    handler(req, socket, head);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const url = `http://127.0.0.1:${port}`;
  const home = await mkdtemp(join(tmpdir(), 'streaming-kubectl-'));
  const kubeconfig = join(home, 'kubeconfig');
  await writeFile(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: url } }],
      users: [{ name: 'u', user: {} }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u', namespace: 'default' } }],
      'current-context': 'x',
    }),
  );
  const children = new Set<ChildProcess>();

  const spawnKubectl = (minor: number, args: string[], env: Record<string, string> = {}): ChildProcess => {
    const child = spawn(kubectlPath(minor), ['--kubeconfig', kubeconfig, ...args], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    children.add(child);
    child.once('exit', () => children.delete(child));
    return child;
  };

  const kubectl = (minor: number, args: string[], opts: KubectlOptions = {}): Promise<KubectlResult> =>
    new Promise((resolve) => {
      const child = spawnKubectl(minor, args, opts.env);
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
      // kubectl exiting before it read all input must fail the assertion, not crash the runner with EPIPE.
      child.stdin!.on('error', () => undefined);
      if (opts.stdin !== undefined) child.stdin!.end(opts.stdin);
      else child.stdin!.end();
      // Bounded: a hung kubectl is killed and reported with code null.
      const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20_000);
      child.once('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });

  return {
    url,
    kubeconfig,
    home,
    upgrades,
    upgradeUrls,
    kubectl,
    spawnKubectl,
    async close() {
      for (const c of children) c.kill('SIGKILL');
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** Waits (bounded) for kubectl port-forward to print its local port. */
export function forwardedPort(child: ChildProcess, timeoutMs = 15_000): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`no "Forwarding from" line; stdout=${out} stderr=${err}`)), timeoutMs);
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /Forwarding from 127\.0\.0\.1:(\d+) ->/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`kubectl exited ${code}; stdout=${out} stderr=${err}`));
    });
  });
}
