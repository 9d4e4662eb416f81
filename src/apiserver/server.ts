// The API server: HTTPS -> authenticate -> authorize -> route -> handler, one error edge.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TlsOptions } from 'node:tls';
import { type StatusError, forbidden, notFound, toStatusError, unauthorized } from '../apimachinery/errors.js';
import type { Authenticator } from './authn/authenticator.js';
import type { UserInfo } from './authn/user.js';
import type { Authorizer } from './authz/authorizer.js';
import { Discovery, acceptsAggregated, aggregatedContentType, subresourcesOf } from './discovery.js';
import type { HandlerContext } from './handlers/context.js';
import { handleResource } from './handlers/resource.js';
import { writeJson, writeStatusError } from './http/response.js';
import { ApiMetrics } from './metrics.js';
import { type OpenAPIV3, type ServedResource as OpenAPIResource, buildOpenAPIV3, serveOpenAPIV3 } from './openapi/openapi-v3.js';
import { ALL_VERBS } from './registry/generic/resource.js';
import type { ServedResource } from './registry/served-resource.js';
import { type RequestInfo, parseRequestInfo } from './request-info.js';
import { destroyUpgradedConnections, extraUpgradeVerb, upgradeResponse } from './streaming/upgrade.js';
import { KUBERNETES_VERSION } from './version.js';

export interface ApiServerOptions {
  tls: TlsOptions;
  authenticator: Authenticator;
  authorizer: Authorizer;
  resources: ServedResource[];
  /** Called when every dependency is up (store, caches); /readyz answers 200 after. */
  ready: Promise<void>;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  /** Paths any client may read without credentials (health and version, like system:public-info-viewer). */
  publicPaths?: string[];
  /** Fixed documents anyone may GET without credentials, by path (k3s' /cacerts: the CA bundle a joining node checks against its token). */
  publicDocuments?: Record<string, { contentType: string; body: string }>;
}

const DEFAULT_PUBLIC_PATHS = ['/healthz', '/livez', '/readyz', '/version'];

export class ApiServer {
  readonly server: Server;
  readonly metrics = new ApiMetrics();
  readonly discovery: Discovery;
  readonly #opts: ApiServerOptions;
  readonly #byPath = new Map<string, ServedResource>();
  readonly #openapiResources: OpenAPIResource[];
  #openapi: OpenAPIV3 | undefined;
  #isReady = false;

  constructor(opts: ApiServerOptions) {
    this.#opts = opts;
    for (const served of opts.resources) {
      const { group, version, resource } = served.def;
      this.#byPath.set(`${group}/${version}/${resource}`, served);
    }
    this.discovery = new Discovery(opts.resources.map((r) => r.def));
    // The documents (megabytes of JSON) are built on the first /openapi/v3 request, not at start-up.
    this.#openapiResources = opts.resources.map(({ def }) => ({
      group: def.group,
      version: def.version,
      kind: def.kind,
      resource: def.resource,
      namespaced: def.namespaced,
      verbs: def.verbs ?? ALL_VERBS,
      subresources: subresourcesOf(def).map((s) => ({ subresource: s.name, responseKind: { group: s.group, version: s.version, kind: s.kind }, verbs: s.verbs })),
    }));
    this.server = createServer(opts.tls, (req, res) => void this.#handle(req, res));
    // exec/attach/port-forward arrive as upgrades: same authn -> authz -> routing, with a response on
    // the raw socket for errors; the streaming handlers take the socket over (streaming/upgrade.ts).
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => void this.#handle(req, upgradeResponse(req, socket, head)));
    // Watches are long-lived; Node's default 5 min request timeout would cut them.
    this.server.requestTimeout = 0;
    this.server.headersTimeout = 60_000;
    this.server.keepAliveTimeout = 65_000;
    void opts.ready.then(() => {
      this.#isReady = true;
    });
  }

  async listen(port: number, host = '0.0.0.0'): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    destroyUpgradedConnections(this.server);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  resource(group: string, version: string, resource: string): ServedResource | undefined {
    return this.#byPath.get(`${group}/${version}/${resource}`);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    let info: RequestInfo | undefined;
    res.setHeader('Audit-Id', randomUUID());
    try {
      const url = new URL(req.url ?? '/', 'https://kite');
      info = parseRequestInfo(req.method ?? 'GET', url);
      const doc = req.method === 'GET' ? this.#opts.publicDocuments?.[url.pathname] : undefined;
      if (doc) {
        res.writeHead(200, { 'Content-Type': doc.contentType, 'Content-Length': Buffer.byteLength(doc.body) });
        res.end(doc.body);
        return;
      }
      const isPublic = (this.#opts.publicPaths ?? DEFAULT_PUBLIC_PATHS).includes(url.pathname);
      const user = await this.#opts.authenticator(req);
      if (!user && !isPublic) throw unauthorized();
      if (user && !isPublic) await this.#authorize(user, info);
      const extraVerb = user && !isPublic ? extraUpgradeVerb(req, info) : undefined;
      if (extraVerb) await this.#authorize(user!, { ...info, verb: extraVerb });
      await this.#route(req, res, url, info, user);
    } catch (err) {
      const status = toStatusError(err);
      if (status.code >= 500) this.#opts.log?.('request failed', { method: req.method, url: req.url, error: String((err as Error)?.stack ?? err) });
      writeStatusError(res, status);
    } finally {
      this.#record(req, res, info, started);
    }
  }

  async #authorize(user: UserInfo, info: RequestInfo): Promise<void> {
    // A namespace object is authorized within itself, so a RoleBinding in X may grant `get` on X.
    const namespace = info.resource === 'namespaces' && info.name && !info.namespace ? info.name : info.namespace;
    const result = await this.#opts.authorizer.authorize({ user, ...info, namespace, path: info.path });
    if (result.decision === 'allow') return;
    if (info.isResourceRequest) {
      throw forbidden({ group: info.apiGroup, resource: info.subresource ? `${info.resource}/${info.subresource}` : info.resource }, info.name, user.name, info.verb, info.namespace || undefined, result.reason);
    }
    throw forbiddenPath(user.name, info.verb, info.path);
  }

  async #route(req: IncomingMessage, res: ServerResponse, url: URL, info: RequestInfo, user: UserInfo | null): Promise<void> {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (info.isResourceRequest) {
      const served = this.#byPath.get(`${info.apiGroup}/${info.apiVersion}/${info.resource}`);
      if (!served || (served.def.namespaced === false && info.namespace)) throw notFound({ group: info.apiGroup, resource: info.resource }, info.name);
      // Across all namespaces a namespaced resource can only be listed and watched.
      if (served.def.namespaced && !info.namespace && info.verb !== 'list' && info.verb !== 'watch') throw pathNotFound();
      const ctx: HandlerContext = { req, res, url, info, user: user!, served, warnings: [] };
      return handleResource(ctx);
    }
    switch (path) {
      case '/version':
        return writeJson(res, 200, KUBERNETES_VERSION);
      case '/healthz':
      case '/livez':
        return writeText(res, 200, 'ok');
      case '/readyz':
        return this.#isReady ? writeText(res, 200, 'ok') : writeText(res, 503, '[-]informer-sync failed: not ready\nreadyz check failed');
      case '/metrics': {
        const body = await this.metrics.registry.metrics();
        res.writeHead(200, { 'Content-Type': this.metrics.registry.contentType });
        res.end(body);
        return;
      }
      case '/api':
      case '/apis': {
        const aggregated = acceptsAggregated(req);
        if (aggregated) {
          const body = JSON.stringify(this.discovery.aggregated(path === '/api', aggregated));
          res.writeHead(200, { 'Content-Type': aggregatedContentType(aggregated), 'Content-Length': Buffer.byteLength(body) });
          res.end(body);
          return;
        }
        return writeJson(res, 200, path === '/api' ? this.discovery.apiVersions(`${req.socket.localAddress}:${req.socket.localPort}`) : this.discovery.apiGroupList());
      }
    }
    if (path.startsWith('/openapi/v3')) {
      const etag = req.headers['if-none-match'];
      this.#openapi ??= buildOpenAPIV3(this.#openapiResources, { serverVersion: KUBERNETES_VERSION.gitVersion });
      const answer = serveOpenAPIV3(this.#openapi, path, url.searchParams, typeof etag === 'string' ? etag : undefined);
      if (answer) {
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
        return;
      }
    } else if (info.apiPrefix && !info.isResourceRequest) {
      const doc = info.apiPrefix === 'api'
        ? info.apiVersion === 'v1' ? this.discovery.apiResourceList('', 'v1') : undefined
        : info.apiVersion ? this.discovery.apiResourceList(info.apiGroup || path.split('/')[2], info.apiVersion) : this.discovery.apiGroup(path.split('/')[2]);
      if (doc) return writeJson(res, 200, doc);
    }
    throw pathNotFound();
  }

  #record(req: IncomingMessage, res: ServerResponse, info: RequestInfo | undefined, started: bigint): void {
    const done = (): void => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const labels = {
        verb: (info?.verb ?? req.method ?? '').toUpperCase(),
        group: info?.apiGroup ?? '',
        version: info?.apiVersion ?? '',
        resource: info?.resource ?? '',
        subresource: info?.subresource ?? '',
        scope: info?.isResourceRequest ? (info.name ? 'resource' : info.namespace ? 'namespace' : 'cluster') : '',
      };
      this.metrics.requests.inc({ ...labels, code: String(res.statusCode) });
      if (info?.verb !== 'watch') this.metrics.latency.observe(labels, seconds);
    };
    if (res.writableFinished) done();
    else res.once('finish', done);
  }
}

function writeText(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
  res.end(text);
}

const pathNotFound = (): StatusError => {
  const err = notFound({ group: '', resource: '' }, '');
  err.status.message = 'the server could not find the requested resource';
  err.status.details = {};
  return err;
};

const forbiddenPath = (user: string, verb: string, path: string): StatusError => {
  const err = forbidden({ group: '', resource: '' }, '', user, verb, undefined);
  err.status.message = `forbidden: User "${user}" cannot ${verb} path "${path}"`;
  err.status.details = {};
  return err;
};
