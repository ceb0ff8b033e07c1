// One control plane per test file: a temp data dir, an ephemeral port, a kubeconfig and a fresh HOME for
// kubectl. close() always stops the server, kills leftover kubectl processes and removes the temp dirs.
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { startControlPlane, type RunningControlPlane } from './control-plane.js';
import { writeKubeconfig } from './kubeconfig.js';
import { KubectlProcess, runKubectl, writeManifest, type KubectlEnv, type KubectlResult } from './kubectl.js';
import { ApiClient } from './http.js';
import { makeTempDir, removeDir } from './temp-dir.js';

export class TestCluster {
  private readonly processes = new Set<KubectlProcess>();

  private constructor(
    readonly root: string,
    readonly dataDir: string,
    private controlPlane: RunningControlPlane,
    readonly env: KubectlEnv,
    readonly api: ApiClient,
  ) {}

  static async start(name = 'e2e'): Promise<TestCluster> {
    const root = await makeTempDir(name);
    try {
      const dataDir = join(root, 'data');
      const home = join(root, 'home');
      await mkdir(home);
      const cp = await startControlPlane(dataDir);
      const kubeconfig = await writeKubeconfig(root, cp.url);
      return new TestCluster(root, dataDir, cp, { kubeconfig, home }, new ApiClient(cp.url));
    } catch (err) {
      await removeDir(root);
      throw err;
    }
  }

  get url(): string {
    return this.controlPlane.url;
  }

  get port(): number {
    return this.controlPlane.port;
  }

  kubectl(...args: string[]): Promise<KubectlResult> {
    return runKubectl(this.env, args);
  }

  /** Writes `yaml` to a file and returns its path (for -f). */
  manifest(yaml: string, name?: string): Promise<string> {
    return writeManifest(this.root, yaml, name);
  }

  async apply(yaml: string, ...extra: string[]): Promise<KubectlResult> {
    return this.kubectl('apply', '-f', await this.manifest(yaml), ...extra);
  }

  /** Starts a long-running kubectl (get -w, wait); stopped at close() if the test did not. */
  spawn(...args: string[]): KubectlProcess {
    const p = new KubectlProcess(this.env, args);
    this.processes.add(p);
    return p;
  }

  /** Stops the server and starts it again on the same data dir and port (restart/durability checks). */
  async restart(): Promise<void> {
    const port = this.controlPlane.port;
    await this.controlPlane.close();
    this.controlPlane = await startControlPlane(this.dataDir, port);
  }

  async close(): Promise<void> {
    try {
      await Promise.all([...this.processes].map((p) => p.stop()));
      await this.api.close();
      await this.controlPlane.close();
    } finally {
      await removeDir(this.root);
    }
  }
}

/** Throws with kubectl's whole output when it failed, so a broken step reads clearly. */
export function ok(result: KubectlResult): string {
  if (result.code !== 0) {
    throw new Error(`kubectl exited ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`);
  }
  return result.stdout;
}
