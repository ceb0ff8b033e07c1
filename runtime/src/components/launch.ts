// The kubelet's ContainerRuntime.start for component images (kubelet/sandbox-runtime.ts hands
// them here): compile through the ComponentSandbox, map every image problem to
// CreateContainerError (→ event + Waiting reason), and adapt the Container to RunningContainer.
import { ImageError } from '../sandbox/engine/errors.js';
import type { Container } from '../sandbox/container.js';
import type { ExitStatus } from '../sandbox/exit-status.js';
import { CreateContainerError, type ContainerLaunch, type ExitInfo, type RunningContainer } from '../kubelet/runtime.js';
import type { ComponentSandbox } from './component-sandbox.js';
import type { ComponentImage } from './compile.js';

export async function launchComponent(cs: ComponentSandbox, l: ContainerLaunch): Promise<RunningContainer> {
  let image: ComponentImage;
  try {
    image = await cs.compile(l.image.bytes, { memoryLimitBytes: l.limits.memoryBytes, metered: true });
  } catch (e) {
    if (e instanceof ImageError) throw new CreateContainerError(`image "${l.image.name}": ${e.message}`);
    throw e;
  }
  let c: Container;
  try {
    c = await cs.start({
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
