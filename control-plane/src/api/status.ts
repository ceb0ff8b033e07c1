// metav1.Status errors. Every failure the API answers with is an ApiError turned into a Status body
// (kubectl prints `Error from server (<reason>): <message>`, or for 422 builds its text from
// details.kind, details.name and details.causes: see shared/kubectl-surface.md §9).

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'Invalid'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout';

export interface StatusCause {
  /** e.g. FieldValueRequired, FieldValueInvalid, FieldValueNotSupported, FieldValueDuplicate, FieldValueForbidden */
  reason: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, unknown>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toStatus(): Status {
    const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, reason: this.reason, code: this.code };
    if (this.details) s.details = this.details;
    return s;
  }
}

/** `resource` is the plural with group, as Kubernetes words it: `pods`, `deployments.apps`. */
export const errors = {
  badRequest: (message: string) => new ApiError(400, 'BadRequest', message),
  notFound: (resource: string, name: string) =>
    new ApiError(404, 'NotFound', `${resource} "${name}" not found`, { name, kind: resource.split('.')[0] }),
  notFoundPath: (path: string) => new ApiError(404, 'NotFound', `the server could not find the requested resource (${path})`),
  methodNotAllowed: (method: string, what: string) =>
    new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource (${method} ${what})`),
  alreadyExists: (resource: string, name: string) =>
    new ApiError(409, 'AlreadyExists', `${resource} "${name}" already exists`, { name, kind: resource.split('.')[0] }),
  conflict: (resource: string, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again') =>
    new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${resource} "${name}": ${why}`, { name, kind: resource.split('.')[0] }),
  gone: (message: string) => new ApiError(410, 'Expired', message),
  tooLarge: (limit: number) => new ApiError(413, 'RequestEntityTooLarge', `the request body is too large (limit ${limit} bytes)`),
  unsupportedMediaType: (message: string) => new ApiError(415, 'UnsupportedMediaType', message),
  /** kind is the Kind ("Pod"), as kubectl prints `The Pod "x" is invalid: ...`. */
  invalid: (kind: string, name: string, causes: StatusCause[], group?: string) =>
    new ApiError(
      422,
      'Invalid',
      `${kind} "${name}" is invalid: ${causes.map((c) => `${c.field ? c.field + ': ' : ''}${c.message}`).join(', ')}`,
      { name, kind, ...(group ? { group } : {}), causes },
    ),
  internal: (message: string) => new ApiError(500, 'InternalError', `Internal error occurred: ${message}`),
};

export function successStatus(details?: StatusDetails): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200, ...(details ? { details } : {}) } as Status;
}
