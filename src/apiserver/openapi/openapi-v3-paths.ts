// The `paths` of a GroupVersion's OpenAPI v3 document: collection, item and subresource operations
// for each served resource, shaped like upstream's (x-kubernetes-action, x-kubernetes-group-version-kind,
// inline query parameters). kubectl needs, per kind, a `patch` operation listing `fieldValidation`.
import { REF_PREFIX, schemaNameFor, type GroupVersionKind } from './schemas.js';

export interface ServedSubresource {
  /** e.g. "status", "scale", "eviction" */
  subresource: string;
  /** The kind the subresource takes and returns; the parent's kind when absent. */
  responseKind?: GroupVersionKind;
  verbs: readonly string[];
}

export interface ServedResource {
  group: string;
  version: string;
  kind: string;
  /** Plural resource name, e.g. "deployments". */
  resource: string;
  namespaced: boolean;
  verbs: readonly string[];
  subresources?: readonly ServedSubresource[];
}

export type Parameter = { name: string; in: 'path' | 'query'; description: string; required?: boolean; schema: { type: string; uniqueItems?: boolean } };
export type Operation = Record<string, unknown> & { parameters?: Parameter[] };
export type PathItem = Partial<Record<'get' | 'put' | 'post' | 'delete' | 'patch', Operation>> & { parameters?: Parameter[] };

// Streaming and proxy subresources carry no object schema; kubectl does not need them described.
const CONNECT_SUBRESOURCES = new Set(['log', 'exec', 'attach', 'portforward', 'proxy']);

// Not strategic-merge-patch: kubectl would then compute patches from these schemas, which carry no merge keys
// (KUBECTL-WIRE §6.3); without it kubectl falls back to its compiled-in types.
export const PATCH_CONTENT_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'];

const query = (name: string, type: string, description: string): Parameter => ({ name, in: 'query', description, schema: { type } });
const P = {
  pretty: query('pretty', 'string', "If 'true', the output is pretty printed."),
  dryRun: query('dryRun', 'string', "When present ('All'), the change is validated but not persisted."),
  fieldManager: query('fieldManager', 'string', 'Name of the actor making the change, recorded in managedFields.'),
  fieldValidation: query('fieldValidation', 'string',
    'What to do with fields the schema does not declare and with duplicate fields: Ignore, Warn (a Warning header per field) or Strict (reject with 400).'),
  force: query('force', 'boolean', 'Apply requests only: take ownership of fields other managers own instead of failing with a conflict.'),
  gracePeriodSeconds: query('gracePeriodSeconds', 'integer', 'Seconds the object may take to terminate; 0 deletes immediately.'),
  propagationPolicy: query('propagationPolicy', 'string', 'How dependents are garbage collected: Orphan, Background or Foreground.'),
  orphanDependents: query('orphanDependents', 'boolean', 'Deprecated: use propagationPolicy.'),
  allowWatchBookmarks: query('allowWatchBookmarks', 'boolean', 'Watch only: ask for BOOKMARK events.'),
  continue: query('continue', 'string', 'The continue token of the previous page of a paged list.'),
  fieldSelector: query('fieldSelector', 'string', 'Restrict the result to objects whose fields match.'),
  labelSelector: query('labelSelector', 'string', 'Restrict the result to objects whose labels match.'),
  limit: query('limit', 'integer', 'Largest number of items to return; the rest is reached through continue.'),
  resourceVersion: query('resourceVersion', 'string', 'Which version of the collection to read or to watch from.'),
  resourceVersionMatch: query('resourceVersionMatch', 'string', 'How resourceVersion applies to a list: Exact or NotOlderThan.'),
  sendInitialEvents: query('sendInitialEvents', 'boolean', 'Watch only: start with synthetic ADDED events for the current state.'),
  timeoutSeconds: query('timeoutSeconds', 'integer', 'Bound on the duration of a list or watch call.'),
  watch: query('watch', 'boolean', 'Stream add, update and delete events instead of returning a list.'),
};
const LIST_PARAMS = [P.allowWatchBookmarks, P.continue, P.fieldSelector, P.labelSelector, P.limit, P.resourceVersion,
  P.resourceVersionMatch, P.sendInitialEvents, P.timeoutSeconds, P.watch];
const WRITE_PARAMS = [P.dryRun, P.fieldManager, P.fieldValidation];
const DELETE_PARAMS = [P.dryRun, P.gracePeriodSeconds, P.orphanDependents, P.propagationPolicy];

const pathParam = (name: string, description: string): Parameter =>
  ({ name, in: 'path', description, required: true, schema: { type: 'string', uniqueItems: true } });

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const ref = (name: string) => ({ $ref: REF_PREFIX + name });
const jsonBody = (name: string | undefined) => name === undefined ? {} : { content: { 'application/json': { schema: ref(name) } } };
const responses = (name: string | undefined, codes: string[]) =>
  Object.fromEntries(codes.map((code) => [code, { description: code === '201' ? 'Created' : code === '202' ? 'Accepted' : 'OK', ...jsonBody(name) }]));

/** "rbac.authorization.k8s.io" + "v1" -> "RbacAuthorizationV1"; core -> "CoreV1", as in upstream operation ids. */
export function groupVersionIdent(group: string, version: string): string {
  const words = group === '' ? ['core'] : group.replace(/\.k8s\.io$/, '').split(/[.-]/);
  return words.map(capitalize).join('') + capitalize(version);
}
const capitalize = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/** URL prefix of a GroupVersion without the leading slash: "api/v1" or "apis/apps/v1". */
export function groupVersionPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

/** Adds the operations of one resource (and its subresources) to `paths`; returns the schema names they reference. */
export function addResourcePaths(paths: Record<string, PathItem>, r: ServedResource): Set<string> {
  const used = new Set<string>([`${META}.Status`]);
  const note = (name: string | undefined) => { if (name !== undefined) used.add(name); return name; };
  const gvk: GroupVersionKind = { group: r.group, version: r.version, kind: r.kind };
  const kindSchema = note(schemaNameFor(r.group, r.version, r.kind));
  const listSchema = note(schemaNameFor(r.group, r.version, `${r.kind}List`));
  const gv = groupVersionIdent(r.group, r.version);
  const scope = r.namespaced ? 'Namespaced' : '';
  const has = (verbs: readonly string[], verb: string) => verbs.includes(verb);
  const op = (action: string, id: string, kind: GroupVersionKind, extra: Operation): Operation => ({
    operationId: id,
    description: `${action} ${kind.kind}`,
    tags: [`${r.group === '' ? 'core' : r.group.replace(/\.k8s\.io$/, '').replace(/\./g, '')}_${r.version}`],
    ...extra,
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': kind,
  });
  const objectBody = (name: string | undefined) => name === undefined ? {} : { requestBody: { content: { '*/*': { schema: ref(name) } }, required: true } };
  const patchBody = { requestBody: { content: Object.fromEntries(PATCH_CONTENT_TYPES.map((t) => [t, { schema: ref(note(`${META}.Patch`)!) }])), required: true } };
  const deleteBody = { requestBody: { content: { '*/*': { schema: ref(note(`${META}.DeleteOptions`)!) } } } };

  const base = `/${groupVersionPath(r.group, r.version)}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.resource}`;
  const scopeParams = [...(r.namespaced ? [pathParam('namespace', 'object name and auth scope, such as for teams and projects')] : []), P.pretty];
  const itemParams = [pathParam('name', `name of the ${r.kind}`), ...scopeParams];

  const collection: PathItem = { parameters: scopeParams };
  if (has(r.verbs, 'list')) {
    collection.get = op('list', `list${gv}${scope}${r.kind}`, gvk, { parameters: LIST_PARAMS, responses: responses(listSchema, ['200']) });
    if (r.namespaced) {
      paths[`/${groupVersionPath(r.group, r.version)}/${r.resource}`] = {
        parameters: [P.pretty],
        get: op('list', `list${gv}${r.kind}ForAllNamespaces`, gvk, { parameters: LIST_PARAMS, responses: responses(listSchema, ['200']) }),
      };
    }
  }
  if (has(r.verbs, 'create')) {
    collection.post = op('post', `create${gv}${scope}${r.kind}`, gvk,
      { parameters: WRITE_PARAMS, ...objectBody(kindSchema), responses: responses(kindSchema, ['200', '201', '202']) });
  }
  if (has(r.verbs, 'deletecollection')) {
    collection.delete = op('deletecollection', `delete${gv}Collection${scope}${r.kind}`, gvk,
      { parameters: [...DELETE_PARAMS, ...LIST_PARAMS.filter((p) => p !== P.watch && p !== P.allowWatchBookmarks)], ...deleteBody, responses: responses(`${META}.Status`, ['200']) });
  }
  if (Object.keys(collection).length > 1) paths[base] = collection;

  const item = itemPath(r.verbs, `${scope}${r.kind}`, gvk, kindSchema);
  if (has(r.verbs, 'delete')) {
    item.delete = op('delete', `delete${gv}${scope}${r.kind}`, gvk,
      { parameters: DELETE_PARAMS, ...deleteBody, responses: responses(kindSchema ?? `${META}.Status`, ['200', '202']) });
  }
  if (Object.keys(item).length > 0) paths[`${base}/{name}`] = { parameters: itemParams, ...item };

  for (const sub of r.subresources ?? []) {
    if (CONNECT_SUBRESOURCES.has(sub.subresource)) continue;
    const subGvk = sub.responseKind ?? gvk;
    const subSchema = note(schemaNameFor(subGvk.group, subGvk.version, subGvk.kind));
    if (subSchema === undefined) continue;
    const suffix = `${scope}${r.kind}${capitalize(sub.subresource)}`;
    const subItem = itemPath(sub.verbs, suffix, subGvk, subSchema);
    if (has(sub.verbs, 'create')) {
      subItem.post = op('post', `create${gv}${suffix}`, subGvk,
        { parameters: WRITE_PARAMS, ...objectBody(subSchema), responses: responses(subSchema, ['200', '201', '202']) });
    }
    if (Object.keys(subItem).length > 0) paths[`${base}/{name}/${sub.subresource}`] = { parameters: itemParams, ...subItem };
  }
  return used;

  function itemPath(verbs: readonly string[], suffix: string, kind: GroupVersionKind, schema: string | undefined): PathItem {
    const path: PathItem = {};
    if (has(verbs, 'get')) path.get = op('get', `read${gv}${suffix}`, kind, { responses: responses(schema, ['200']) });
    if (has(verbs, 'update')) {
      path.put = op('put', `replace${gv}${suffix}`, kind,
        { parameters: WRITE_PARAMS, ...objectBody(schema), responses: responses(schema, ['200', '201']) });
    }
    if (has(verbs, 'patch')) {
      path.patch = op('patch', `patch${gv}${suffix}`, kind,
        { parameters: [...WRITE_PARAMS, P.force], ...patchBody, responses: responses(schema, ['200', '201']) });
    }
    return path;
  }
}
