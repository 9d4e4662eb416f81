// Kubernetes metav1.Status errors. Every error the API returns is a StatusError made by one of
// the constructors below, so code, reason and message always agree with Kubernetes.

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'Invalid'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'UnsupportedMediaType'
  | 'RequestEntityTooLarge'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout';

export interface StatusCause {
  reason?: string;
  message?: string;
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
  metadata: { resourceVersion?: string; continue?: string };
  status: 'Success' | 'Failure';
  message?: string;
  reason?: StatusReason | string;
  details?: StatusDetails;
  code: number;
}

export class StatusError extends Error {
  readonly status: Status;
  constructor(code: number, reason: StatusReason, message: string, details?: StatusDetails) {
    super(message);
    this.name = 'StatusError';
    this.status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
    if (details) this.status.details = details;
  }
  get code(): number {
    return this.status.code;
  }
  get reason(): string {
    return this.status.reason ?? '';
  }
}

/** Group-qualified resource as Kubernetes prints it: "deployments.apps", "pods". */
export interface GroupResource {
  group: string;
  resource: string;
}

export const qualifiedResource = (gr: GroupResource): string => (gr.group ? `${gr.resource}.${gr.group}` : gr.resource);

const detailsFor = (gr: GroupResource, name: string): StatusDetails => {
  const d: StatusDetails = { name, kind: gr.resource };
  if (gr.group) d.group = gr.group;
  return d;
};

export const notFound = (gr: GroupResource, name: string): StatusError =>
  new StatusError(404, 'NotFound', `${qualifiedResource(gr)} "${name}" not found`, detailsFor(gr, name));

export const alreadyExists = (gr: GroupResource, name: string): StatusError =>
  new StatusError(409, 'AlreadyExists', `${qualifiedResource(gr)} "${name}" already exists`, detailsFor(gr, name));

export const conflict = (gr: GroupResource, name: string, why: string): StatusError =>
  new StatusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(gr)} "${name}": ${why}`,
    detailsFor(gr, name),
  );

/** The 422 for validation failures; causes come from field errors. */
export const invalid = (kind: string, group: string, name: string, causes: StatusCause[]): StatusError => {
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  const summary = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : (c.message ?? ''))).join(', ');
  const message =
    causes.length === 1 ? `${qualifiedKind} "${name}" is invalid: ${summary}` : `${qualifiedKind} "${name}" is invalid: [${summary}]`;
  const details: StatusDetails = { name, kind, causes };
  if (group) details.group = group;
  return new StatusError(422, 'Invalid', message, details);
};

export const forbidden = (gr: GroupResource, name: string, user: string, verb: string, namespace: string | undefined, why = ''): StatusError => {
  const target = name ? `${qualifiedResource(gr)} "${name}"` : qualifiedResource(gr);
  const scope = namespace ? ` in the namespace "${namespace}"` : gr.resource === 'namespaces' ? '' : ' at the cluster scope';
  const msg = `${target} is forbidden: User "${user}" cannot ${verb} resource "${gr.resource}" in API group "${gr.group}"${scope}${why ? `: ${why}` : ''}`;
  return new StatusError(403, 'Forbidden', msg, detailsFor(gr, name));
};

export const forbiddenMessage = (gr: GroupResource, name: string, message: string): StatusError =>
  new StatusError(403, 'Forbidden', `${name ? `${qualifiedResource(gr)} "${name}"` : qualifiedResource(gr)} is forbidden: ${message}`, detailsFor(gr, name));

export const unauthorized = (message = 'Unauthorized'): StatusError => new StatusError(401, 'Unauthorized', message);

export const badRequest = (message: string): StatusError => new StatusError(400, 'BadRequest', message);

export const methodNotAllowed = (message: string): StatusError => new StatusError(405, 'MethodNotAllowed', message);

export const notAcceptable = (message: string): StatusError => new StatusError(406, 'NotAcceptable', message);

export const unsupportedMediaType = (contentType: string): StatusError =>
  new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf (got ${contentType})`);

export const requestEntityTooLarge = (message: string): StatusError => new StatusError(413, 'RequestEntityTooLarge', message);

export const expired = (message: string): StatusError => new StatusError(410, 'Expired', message);

export const gone = (message: string): StatusError => new StatusError(410, 'Gone', message);

export const tooManyRequests = (message: string, retryAfterSeconds = 1): StatusError =>
  new StatusError(429, 'TooManyRequests', message, { retryAfterSeconds });

export const internal = (message: string): StatusError =>
  new StatusError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });

export const serviceUnavailable = (message: string): StatusError => new StatusError(503, 'ServiceUnavailable', message);

export const timeout = (message: string): StatusError => new StatusError(504, 'Timeout', message);

export const isStatusError = (err: unknown): err is StatusError => err instanceof StatusError;

/** Anything thrown that is not a StatusError becomes a 500 at the edge. */
export const toStatusError = (err: unknown): StatusError =>
  err instanceof StatusError ? err : internal(err instanceof Error ? err.message : String(err));
