// metav1.Status bodies as kubelet writes them on the exec/attach error channel, and for refusals.

export interface ExecStatus {
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  code?: number;
  details?: { causes: { reason: string; message: string }[] };
}

export function successStatus(): ExecStatus {
  return { metadata: {}, status: 'Success' };
}

/** kubectl turns this exact shape (reason NonZeroExitCode, cause ExitCode) into its own exit code. */
export function exitCodeStatus(command: string[], exitCode: number): ExecStatus {
  return {
    metadata: {},
    status: 'Failure',
    // Go formats the []string with %v, hence the bracketed, space-joined command.
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

export function internalErrorStatus(message: string): ExecStatus {
  return { metadata: {}, status: 'Failure', message, reason: 'InternalError', code: 500 };
}

export function badRequestStatus(message: string): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'BadRequest', code: 400 };
}
