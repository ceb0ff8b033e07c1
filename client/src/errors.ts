// A non-2xx answer from the API server, carrying its metav1.Status.

export interface StatusBody {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: Record<string, unknown>;
}

export class ApiStatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly status?: StatusBody,
  ) {
    super(message);
    this.name = 'ApiStatusError';
  }
}

export const isNotFound = (e: unknown): boolean => e instanceof ApiStatusError && e.code === 404;
export const isConflict = (e: unknown): boolean => e instanceof ApiStatusError && e.code === 409 && e.reason === 'Conflict';
export const isAlreadyExists = (e: unknown): boolean => e instanceof ApiStatusError && e.code === 409 && e.reason === 'AlreadyExists';
export const isGone = (e: unknown): boolean => e instanceof ApiStatusError && e.code === 410;
export const isNamespaceTerminating = (e: unknown): boolean =>
  e instanceof ApiStatusError && e.code === 403 && /because it is being terminated/.test(e.message);
