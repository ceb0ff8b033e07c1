// The kubelet's ContainerRuntime on the wasm sandbox: each start compiles the image through the
// engine (validated, fuel-metered, memory-capped; cached by digest and limit), then runs it in a
// warm worker with the pod's IP, mounts, listening ports and limits.

import { ImageError } from '../sandbox/engine/index.js';
import type { Sandbox } from '../sandbox/sandbox.js';
import type { Container } from '../sandbox/container.js';
import type { ExitStatus } from '../sandbox/exit-status.js';
import { isComponent } from '../components/detect.js';
import { ComponentSandbox } from '../components/component-sandbox.js';
import { launchComponent } from '../components/launch.js';
import { CreateContainerError, type ContainerLaunch, type ContainerRuntime, type ExitInfo, type RunningContainer } from './runtime.js';

export interface SandboxRuntimeOptions {
  sandbox: Sandbox;
  /** Where transpiled WASI 0.2 components are cached by digest (e.g. <node data dir>/components). */
  componentCacheDir?: string;
}

export class SandboxRuntime implements ContainerRuntime {
  private components?: ComponentSandbox;

  constructor(private readonly opts: SandboxRuntimeOptions) {}

  async start(l: ContainerLaunch): Promise<RunningContainer> {
    // WASI 0.2 components take their own path (runtime/src/components/).
    if (isComponent(l.image.bytes)) {
      this.components ??= new ComponentSandbox(this.opts.sandbox, { cacheDir: this.opts.componentCacheDir });
      return launchComponent(this.components, l);
    }
    let image;
    try {
      // The sandbox's engine refuses imports its hosts do not provide, naming them.
      image = await this.opts.sandbox.compile(l.image.bytes, { memoryLimitBytes: l.limits.memoryBytes, metered: true });
    } catch (e) {
      if (e instanceof ImageError) throw new CreateContainerError(`image "${l.image.name}": ${e.message}`);
      throw e;
    }
    let c: Container;
    try {
      c = await this.opts.sandbox.start({
        id: l.id,
        image,
        args: l.args,
        env: l.env,
        mounts: l.mounts,
        listenPorts: l.ports.map((p) => ({ name: p.name, port: p.port, ip: l.podIp })),
        limits: l.limits,
        logPath: l.logPath,
        podIp: l.podIp,
        ...(l.stdio ? { stdio: l.stdio } : {}),
      });
    } catch (e) {
      throw new CreateContainerError((e as Error).message);
    }
    const startedAt = new Date();
    return {
      id: l.id,
      startedAt,
      exited: c.exited.then(toExit),
      stop: (graceMs) => c.stop(graceMs).then(toExit),
      usage: () => {
        const u = c.usage();
        return { cpuCores: u.cpuNanoCores / 1e9, memoryBytes: u.memoryBytes };
      },
    };
  }

  async close(): Promise<void> {
    await this.components?.close();
    await this.opts.sandbox.close();
  }
}

function toExit(s: ExitStatus): ExitInfo {
  return { exitCode: s.exitCode, reason: s.reason, message: s.message, startedAt: s.startedAt, finishedAt: s.finishedAt };
}
