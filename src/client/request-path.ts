// URL paths and query strings of API requests, built the way client-go's request builder does.
import type { ResourceType } from './types.js';

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
