// The control plane under test, from @wasmkube/control-plane, on the address the harness picks.
import { startControlPlane as start } from '@wasmkube/control-plane';

export interface RunningControlPlane {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts the store and API server in dataDir; port 0 picks an ephemeral port. */
export async function startControlPlane(dataDir: string, port = 0): Promise<RunningControlPlane> {
  return start({ dataDir, host: '127.0.0.1', port });
}
