// The control plane under test, loaded from @wasmkube/control-plane. Imported by a computed specifier with
// the contract typed here, so the e2e suite compiles even while the package is mid-rewrite.

export interface RunningControlPlane {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface ControlPlaneModule {
  startControlPlane(options: { dataDir: string; host?: string; port?: number }): Promise<RunningControlPlane>;
}

const SPECIFIER = '@wasmkube/control-plane';

export async function loadControlPlane(): Promise<ControlPlaneModule> {
  const mod = (await import(SPECIFIER)) as Partial<ControlPlaneModule>;
  if (typeof mod.startControlPlane !== 'function') {
    throw new Error(`${SPECIFIER} does not export startControlPlane() yet`);
  }
  return mod as ControlPlaneModule;
}

export async function startControlPlane(dataDir: string, port = 0): Promise<RunningControlPlane> {
  const { startControlPlane } = await loadControlPlane();
  return startControlPlane({ dataDir, host: '127.0.0.1', port });
}
