// The kubelet's ContainerRuntime on the wasm sandbox: each start compiles the image (validated,
// fuel-metered; cached by digest, so an image prepared ahead starts at once) and runs it in a warm
// worker with the pod's IP, mounts, listening ports and limits (the memory cap too). WASI 0.2
// components take the component sandbox (runtime/src/components/); core modules the plain one.

import type { Sandbox } from '../sandbox/sandbox.js';
import { isComponent } from '../components/detect.js';
import { ComponentSandbox } from '../components/component-sandbox.js';
import { launch } from '../components/launch.js';
import type { ContainerLaunch, ContainerRuntime, RunningContainer } from './runtime.js';

export interface SandboxRuntimeOptions {
  sandbox: Sandbox;
  /** Where transpiled WASI 0.2 components are cached by digest (e.g. <node data dir>/components). */
  componentCacheDir?: string;
}

export class SandboxRuntime implements ContainerRuntime {
  private components?: ComponentSandbox;

  constructor(private readonly opts: SandboxRuntimeOptions) {}

  start(l: ContainerLaunch): Promise<RunningContainer> {
    if (isComponent(l.image.bytes)) {
      this.components ??= new ComponentSandbox(this.opts.sandbox, { cacheDir: this.opts.componentCacheDir });
      return launch(this.components, l);
    }
    return launch(this.opts.sandbox, l);
  }

  /** Compiles a core module ahead; components are transpiled at their first start. */
  async prepare(image: ContainerLaunch['image']): Promise<void> {
    if (!isComponent(image.bytes)) await this.opts.sandbox.prepare(image.bytes);
  }

  async close(): Promise<void> {
    await this.components?.close();
    await this.opts.sandbox.close();
  }
}
