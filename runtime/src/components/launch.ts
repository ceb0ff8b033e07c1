// One way from the kubelet's ContainerLaunch to a running container, for core modules (the Sandbox)
// and components (the ComponentSandbox) alike: compile through the target, map every image problem
// to CreateContainerError (→ event + Waiting reason), start, and adapt the Container to
// RunningContainer.
import { ImageError } from '../sandbox/engine/errors.js';
import type { Container } from '../sandbox/container.js';
import type { ExitStatus } from '../sandbox/exit-status.js';
import type { StartOptions } from '../sandbox/sandbox.js';
import { CreateContainerError, type ContainerLaunch, type ExitInfo, type RunningContainer } from '../kubelet/runtime.js';

/** What both sandboxes offer: compile an image once, start containers from it. */
export interface LaunchTarget<I> {
  compile(bytes: Uint8Array, o: { memoryLimitBytes?: number; metered?: boolean }): Promise<I>;
  start(o: Omit<StartOptions, 'image'> & { image: I }): Promise<Container>;
}

export async function launch<I>(target: LaunchTarget<I>, l: ContainerLaunch): Promise<RunningContainer> {
  let image: I;
  try {
    // The engine refuses imports the hosts do not provide, naming them.
    image = await target.compile(l.image.bytes, { memoryLimitBytes: l.limits.memoryBytes, metered: true });
  } catch (e) {
    if (e instanceof ImageError) throw new CreateContainerError(`image "${l.image.name}": ${e.message}`);
    throw e;
  }
  let c: Container;
  try {
    c = await target.start({
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
  return {
    id: l.id,
    startedAt: new Date(),
    exited: c.exited.then(toExit),
    stop: (graceMs) => c.stop(graceMs).then(toExit),
    usage: () => {
      const u = c.usage();
      return { cpuCores: u.cpuNanoCores / 1e9, memoryBytes: u.memoryBytes };
    },
  };
}

function toExit(s: ExitStatus): ExitInfo {
  return { exitCode: s.exitCode, reason: s.reason, message: s.message, startedAt: s.startedAt, finishedAt: s.finishedAt };
}
