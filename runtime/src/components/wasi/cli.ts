// wasi:cli for one component instance: arguments and environment from the pod spec, stdin given
// at start (or none), stdout/stderr posted to the agent (CRI log or exec streams), exit.
import { BufferSource, InputStream, OutputStream, type OutputSink } from './io.js';

/** Thrown by exit(): unwinds the guest's stack; the runner reports the code. */
export class ComponentExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

export interface CliOptions {
  args: string[];
  env: [string, string][];
  stdin?: Uint8Array;
  stdout: OutputSink;
  stderr: OutputSink;
  cwd?: string;
}

class TerminalInput {}
class TerminalOutput {}

export function cliImports(o: CliOptions): Record<string, unknown> {
  // One stream object each: the guest may call get-stdout many times (every console.log does).
  const stdin = new InputStream(new BufferSource(o.stdin ?? new Uint8Array(0)));
  const stdout = new OutputStream(o.stdout);
  const stderr = new OutputStream(o.stderr);
  return {
    'wasi:cli/environment': {
      getEnvironment: () => o.env,
      getArguments: () => o.args,
      initialCwd: () => o.cwd,
    },
    'wasi:cli/exit': {
      exit: (status: { tag: 'ok' | 'err' }) => {
        throw new ComponentExit(status.tag === 'ok' ? 0 : 1);
      },
      exitWithCode: (code: number) => {
        throw new ComponentExit(code & 0xff);
      },
    },
    'wasi:cli/stdin': { getStdin: () => stdin },
    'wasi:cli/stdout': { getStdout: () => stdout },
    'wasi:cli/stderr': { getStderr: () => stderr },
    // Not a terminal: the guest sees no terminal on any stdio stream.
    'wasi:cli/terminal-input': { TerminalInput },
    'wasi:cli/terminal-output': { TerminalOutput },
    'wasi:cli/terminal-stdin': { getTerminalStdin: () => undefined },
    'wasi:cli/terminal-stdout': { getTerminalStdout: () => undefined },
    'wasi:cli/terminal-stderr': { getTerminalStderr: () => undefined },
  };
}
