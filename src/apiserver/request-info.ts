// Parses a request path into what the rest of the pipeline decides on, like Kubernetes'
// RequestInfoFactory: /api/v1/namespaces/ns/pods/name/status -> {verb:'get', resource:'pods', ...}.

export interface RequestInfo {
  isResourceRequest: boolean;
  /** Kubernetes verb: get, list, watch, create, update, patch, delete, deletecollection, or the
   *  lowercase HTTP method for non-resource requests. */
  verb: string;
  path: string;
  apiPrefix: string;
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
  /** Everything after the subresource (e.g. proxy paths). */
  parts: string[];
}

const methodVerbs: Record<string, string> = {
  POST: 'create',
  GET: 'get',
  HEAD: 'get',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

/** `watch=true` / `watch=1` turn a list into a watch, as in Kubernetes. */
const isWatchParam = (value: string | null): boolean => value !== null && value !== '' && value !== 'false' && value !== '0';

export function parseRequestInfo(method: string, url: URL): RequestInfo {
  const path = url.pathname;
  const info: RequestInfo = {
    isResourceRequest: false,
    verb: method.toLowerCase(),
    path,
    apiPrefix: '',
    apiGroup: '',
    apiVersion: '',
    namespace: '',
    resource: '',
    subresource: '',
    name: '',
    parts: [],
  };
  const segments = path.split('/').filter((s) => s !== '').map(decodeURIComponent);
  if (segments.length === 0) return info;
  const prefix = segments[0];
  if (prefix !== 'api' && prefix !== 'apis') return info;
  let rest = segments.slice(1);
  info.apiPrefix = prefix;
  if (prefix === 'apis') {
    if (rest.length < 2) return info; // /apis or /apis/<group>: discovery
    info.apiGroup = rest[0];
    rest = rest.slice(1);
  }
  if (rest.length < 2) {
    // /api, /api/v1, /apis/g/v: discovery
    if (rest.length === 1) info.apiVersion = rest[0];
    return info;
  }
  info.apiVersion = rest[0];
  rest = rest.slice(1);
  info.isResourceRequest = true;
  info.verb = methodVerbs[method] ?? method.toLowerCase();

  // Kubernetes' legacy "watch" path prefix: /api/v1/watch/namespaces/ns/pods
  if (rest[0] === 'watch') {
    info.verb = 'watch';
    rest = rest.slice(1);
  }
  if (rest[0] === 'namespaces') {
    if (rest.length > 1) {
      info.namespace = rest[1];
      // /namespaces/ns is the namespace object itself; /namespaces/ns/status its subresource
      if (rest.length > 2 && rest[2] !== 'finalize' && rest[2] !== 'status') rest = rest.slice(2);
    }
  }
  info.parts = rest;
  info.resource = rest[0] ?? '';
  if (rest.length >= 2) info.name = rest[1];
  if (rest.length >= 3) info.subresource = rest[2];
  if (info.resource === 'namespaces' && info.namespace && rest.length <= 3) {
    // /api/v1/namespaces/ns[/status]: the namespace is the object, not a scope
    info.name = info.namespace;
    info.namespace = '';
  }
  if (info.name === '') {
    if (info.verb === 'get') info.verb = isWatchParam(url.searchParams.get('watch')) ? 'watch' : 'list';
    else if (info.verb === 'delete') info.verb = 'deletecollection';
  } else if (info.verb === 'get' && isWatchParam(url.searchParams.get('watch'))) {
    info.verb = 'watch';
  }
  return info;
}
