// GET /openapi/v3 and /openapi/v3/<api/v1|apis/<group>/<version>>: documents built from kite's generated
// schemas and the resources it serves. Each GroupVersion document is addressed by the sha256 of its body,
// so kubectl's disk cache stays valid until the document changes. /openapi/v2 is deliberately not served.
import { createHash } from 'node:crypto';
import { addResourcePaths, groupVersionPath, type PathItem, type ServedResource } from './openapi-v3-paths.js';
import { allSchemas, REF_PREFIX, type OpenAPISchema } from './schemas.js';

export type { ServedResource, ServedSubresource } from './openapi-v3-paths.js';
export { PATCH_CONTENT_TYPES } from './openapi-v3-paths.js';

export interface OpenAPIV3Document {
  openapi: '3.0.0';
  info: { title: string; version: string };
  paths: Record<string, PathItem>;
  components: { schemas: Record<string, OpenAPISchema> };
}

export interface GroupVersionDocument {
  /** "api/v1" or "apis/apps/v1" */
  path: string;
  document: OpenAPIV3Document;
  /** The serialized document, served as is. */
  body: string;
  /** Uppercase hex sha256 of `body`. */
  hash: string;
}

export interface OpenAPIV3 {
  /** Body of GET /openapi/v3. */
  rootBody: string;
  /** Per-GroupVersion documents keyed by their path ("apis/apps/v1"). */
  groupVersions: Map<string, GroupVersionDocument>;
}

export interface OpenAPIV3Options {
  /** info.version of every document; upstream puts the server's git version here. */
  serverVersion?: string;
}

/** Builds the root index and one document per GroupVersion of `resources`. */
export function buildOpenAPIV3(resources: readonly ServedResource[], options: OpenAPIV3Options = {}): OpenAPIV3 {
  const byGroupVersion = new Map<string, ServedResource[]>();
  for (const r of resources) {
    const key = groupVersionPath(r.group, r.version);
    byGroupVersion.set(key, [...(byGroupVersion.get(key) ?? []), r]);
  }
  const groupVersions = new Map<string, GroupVersionDocument>();
  for (const key of [...byGroupVersion.keys()].sort()) {
    const document = groupVersionDocument(byGroupVersion.get(key)!, options.serverVersion ?? 'v1.32.0');
    const body = JSON.stringify(document);
    groupVersions.set(key, { path: key, document, body, hash: sha256(body) });
  }
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const [key, doc] of groupVersions) paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${doc.hash}` };
  return { rootBody: JSON.stringify({ paths }), groupVersions };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex').toUpperCase();
}

function groupVersionDocument(resources: readonly ServedResource[], serverVersion: string): OpenAPIV3Document {
  const paths: Record<string, PathItem> = {};
  const roots = new Set<string>();
  for (const r of [...resources].sort((a, b) => a.resource.localeCompare(b.resource))) {
    for (const name of addResourcePaths(paths, r)) roots.add(name);
  }
  const sortedPaths: Record<string, PathItem> = {};
  for (const key of Object.keys(paths).sort()) sortedPaths[key] = paths[key]!;
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: serverVersion },
    paths: sortedPaths,
    components: { schemas: reachableSchemas(roots) },
  };
}

/** The named schemas plus every schema they reach through `$ref`, sorted by name. */
export function reachableSchemas(roots: Iterable<string>): Record<string, OpenAPISchema> {
  const all = allSchemas();
  const seen = new Set<string>();
  const pending = [...roots];
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (seen.has(name)) continue;
    const schema = all[name];
    if (!schema) throw new Error(`no schema named ${name}`);
    seen.add(name);
    collectRefs(schema, pending);
  }
  const out: Record<string, OpenAPISchema> = {};
  for (const name of [...seen].sort()) out[name] = all[name]!;
  return out;
}

function collectRefs(schema: OpenAPISchema, into: string[]): void {
  if (schema.$ref !== undefined) into.push(schema.$ref.slice(REF_PREFIX.length));
  for (const child of Object.values(schema.properties ?? {})) collectRefs(child, into);
  for (const child of schema.allOf ?? []) collectRefs(child, into);
  if (schema.items) collectRefs(schema.items, into);
  if (schema.additionalProperties) collectRefs(schema.additionalProperties, into);
}

export interface OpenAPIResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Answers a request under /openapi/v3 the way upstream's handler does: the root index; a GroupVersion document,
 * immutable-cacheable when `hash` matches, 301 to the current URL when it is stale; 304 on a matching
 * If-None-Match. Returns undefined for paths it does not own (so /openapi/v2 stays 404).
 */
export function serveOpenAPIV3(openapi: OpenAPIV3, pathname: string, search: URLSearchParams, ifNoneMatch?: string): OpenAPIResponse | undefined {
  const json = { 'Content-Type': 'application/json' };
  if (pathname === '/openapi/v3' || pathname === '/openapi/v3/') {
    return { status: 200, headers: { ...json, 'Cache-Control': 'no-cache, private' }, body: openapi.rootBody };
  }
  if (!pathname.startsWith('/openapi/v3/')) return undefined;
  const doc = openapi.groupVersions.get(pathname.slice('/openapi/v3/'.length));
  if (!doc) return undefined;
  const etag = `"${doc.hash}"`;
  const requested = search.get('hash');
  if (requested !== null && requested !== '' && requested !== doc.hash) {
    return { status: 301, headers: { Location: `/openapi/v3/${doc.path}?hash=${doc.hash}` }, body: '' };
  }
  const caching: Record<string, string> = requested === doc.hash
    ? { 'Cache-Control': 'public, immutable', Expires: new Date(Date.now() + 365 * 24 * 3600 * 1000).toUTCString(), Vary: 'Accept' }
    : { 'Cache-Control': 'no-cache, private' };
  if (ifNoneMatch !== undefined && ifNoneMatch === etag) return { status: 304, headers: { ETag: etag, ...caching }, body: '' };
  return { status: 200, headers: { ...json, ETag: etag, ...caching }, body: doc.body };
}

/**
 * The parts of a registry ResourceDefinition (registry/generic/resource.ts) that OpenAPI needs, typed
 * structurally so this module does not depend on the registry. A ServedResource fits too.
 */
export interface ResourceDefinitionLike {
  group: string;
  version: string;
  kind: string;
  resource: string;
  namespaced: boolean;
  verbs?: readonly string[];
  /** Create-only, never stored (reviews). */
  virtual?: boolean;
  statusStrategy?: unknown;
  scale?: unknown;
  extraSubresources?: readonly { name: string; group: string; version: string; kind: string; verbs: readonly string[] }[];
  subresources?: ServedResource['subresources'];
}

const DEFAULT_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** Maps a resource definition to what the OpenAPI builder needs (status/scale/extra subresources included). */
export function servedResourceOf(def: ResourceDefinitionLike): ServedResource {
  const subresources = [...(def.subresources ?? [])];
  const has = (name: string) => subresources.some((s) => s.subresource === name);
  if (def.statusStrategy !== undefined && !has('status')) subresources.push({ subresource: 'status', verbs: ['get', 'patch', 'update'] });
  if (def.scale !== undefined && !has('scale')) {
    subresources.push({ subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] });
  }
  for (const extra of def.extraSubresources ?? []) {
    if (!has(extra.name)) subresources.push({ subresource: extra.name, responseKind: { group: extra.group, version: extra.version, kind: extra.kind }, verbs: extra.verbs });
  }
  return {
    group: def.group, version: def.version, kind: def.kind, resource: def.resource, namespaced: def.namespaced,
    verbs: def.verbs ?? (def.virtual ? ['create'] : DEFAULT_VERBS),
    subresources,
  };
}

/** The documents for a fixed set of resources, built once. */
export class OpenApiV3 {
  readonly built: OpenAPIV3;

  constructor(resources: readonly ResourceDefinitionLike[], options: OpenAPIV3Options = {}) {
    this.built = buildOpenAPIV3(resources.map(servedResourceOf), options);
  }

  /** GET /openapi/v3 as an object: `{ paths: { "apis/apps/v1": { serverRelativeURL } } }`. */
  root(): { paths: Record<string, { serverRelativeURL: string }> } {
    return JSON.parse(this.built.rootBody) as { paths: Record<string, { serverRelativeURL: string }> };
  }

  /** The document of "api/v1" or "apis/<group>/<version>" (no query string), or undefined. */
  document(path: string): OpenAPIV3Document | undefined {
    return this.built.groupVersions.get(path)?.document;
  }

  /** Full upstream behaviour (hash check, 301, ETag/304, cache headers); undefined means 404. */
  serve(pathname: string, search: URLSearchParams, ifNoneMatch?: string): OpenAPIResponse | undefined {
    return serveOpenAPIV3(this.built, pathname, search, ifNoneMatch);
  }
}
