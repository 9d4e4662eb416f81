// URL paths and query strings of API requests, built the way client-go's request builder does.
import type { DeleteOptions, ListOptions, ResourceType, WriteOptions } from './types.js';

export interface PathParts {
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** /api/v1/namespaces/NS/pods/NAME/status, /apis/apps/v1/deployments, ... */
export function resourcePath(type: ResourceType, parts: PathParts = {}): string {
  const segments = type.group ? ['apis', type.group, type.version] : ['api', type.version];
  if (type.namespaced && parts.namespace) segments.push('namespaces', parts.namespace);
  segments.push(type.resource);
  if (parts.name !== undefined) {
    if (parts.name === '') throw new Error(`resource name may not be empty (${type.resource})`);
    segments.push(parts.name);
    if (parts.subresource) segments.push(parts.subresource);
  } else if (parts.subresource) {
    throw new Error(`subresource ${parts.subresource} needs an object name (${type.resource})`);
  }
  return '/' + segments.map(encodeURIComponent).join('/');
}

export type QueryValues = Record<string, string | number | boolean | undefined>;

/** "?a=1&b=x" with undefined and empty-string values left out; "" when nothing is left. */
export function queryString(values: QueryValues): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === '') continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function listQuery(opts: Omit<ListOptions, 'allPages' | 'signal'>): string {
  return queryString({
    labelSelector: opts.labelSelector,
    fieldSelector: opts.fieldSelector,
    limit: opts.limit,
    continue: opts.continue,
    resourceVersion: opts.resourceVersion,
    resourceVersionMatch: opts.resourceVersionMatch,
  });
}

export function writeQuery(opts: WriteOptions, force?: boolean): string {
  const values: QueryValues = { dryRun: opts.dryRun ? 'All' : undefined, fieldManager: opts.fieldManager, fieldValidation: opts.fieldValidation };
  if (force) values.force = true;
  return queryString(values);
}

/** The DeleteOptions body, or undefined when no option is set (DELETE then has no body). */
export function deleteOptionsBody(opts: DeleteOptions): object | undefined {
  const body: Record<string, unknown> = {};
  if (opts.gracePeriodSeconds !== undefined) body.gracePeriodSeconds = opts.gracePeriodSeconds;
  if (opts.propagationPolicy) body.propagationPolicy = opts.propagationPolicy;
  if (opts.preconditions) body.preconditions = opts.preconditions;
  if (opts.dryRun) body.dryRun = ['All'];
  return Object.keys(body).length > 0 ? { kind: 'DeleteOptions', apiVersion: 'v1', ...body } : undefined;
}
