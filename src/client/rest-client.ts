// The HTTPS client: JSON requests over one keep-alive connection pool (Node's https Agent),
// authenticated by a client certificate or a bearer token, configured from a kubeconfig.
import { Agent, request as httpsRequest } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { createSecureContext } from 'node:tls';
import type { Status } from '../apimachinery/errors.js';
import { loadKubeconfig } from '../pki/kubeconfig.js';
import { isResourceExpired, statusErrorFromResponse } from './errors.js';
import { deleteOptionsBody, listQuery, queryString, resourcePath, writeQuery } from './request-path.js';
import { type ResourceClient, resourceClient } from './typed.js';
import {
  type ApiObject,
  type Client,
  type CreateOptions,
  type DeleteOptions,
  type GetOptions,
  type ListOptions,
  type ObjectList,
  PATCH_CONTENT_TYPES,
  type PatchOptions,
  type PatchType,
  type ResourceType,
  type Watch,
  type WatchOptions,
  type WriteOptions,
} from './types.js';
import { WatchChannel, decodeWatchStream } from './watch-stream.js';

export interface RestClientConfig {
  /** https://host:port, optionally with a path prefix. */
  server: string;
  /** The CA that signed the server's certificate; the system roots when absent. */
  caPem?: string;
  certPem?: string;
  keyPem?: string;
  token?: string;
  insecureSkipTlsVerify?: boolean;
  /**
   * Connect over this Unix domain socket instead of TCP (see in-process.ts). The server URL
   * still names the host the certificate is checked against and any path prefix.
   */
  socketPath?: string;
  userAgent?: string;
  /** Deadline of every request except watches; default 60 s. */
  timeoutMs?: number;
  /** Parallel connections; each open watch holds one. Default 256. */
  maxSockets?: number;
  /** Told each Warning header the server sends (deprecations, unknown fields). */
  onWarning?: (message: string) => void;
}

export interface RawResponse {
  statusCode: number;
  headers: IncomingMessage['headers'];
  body: string;
}

interface RequestSpec {
  method: string;
  path: string;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
  /** Watches: no deadline, and the response is returned unread. */
  stream?: boolean;
}

const DEFAULT_USER_AGENT = `kite/0.1.0 (${process.platform}/${process.arch}) node/${process.versions.node}`;

export class RestClient implements Client {
  readonly config: RestClientConfig;
  readonly #agent: Agent;
  readonly #url: URL;
  readonly #prefix: string;

  /** A client for the current context (or `context`) of a kubeconfig file. */
  static async fromKubeconfig(path: string, overrides: Partial<RestClientConfig> & { context?: string } = {}): Promise<RestClient> {
    const { context, ...rest } = overrides;
    const kc = await loadKubeconfig(path, { context });
    return new RestClient({
      server: kc.server,
      caPem: kc.caPem,
      certPem: kc.certPem,
      keyPem: kc.keyPem,
      token: kc.token,
      insecureSkipTlsVerify: kc.insecureSkipTlsVerify,
      ...rest,
    });
  }

  constructor(config: RestClientConfig) {
    this.config = config;
    this.#url = new URL(config.server);
    if (this.#url.protocol !== 'https:') throw new Error(`kite's client speaks HTTPS only, not ${this.#url.protocol} (${config.server})`);
    this.#prefix = this.#url.pathname.replace(/\/+$/, '');
    this.#agent = new Agent({
      keepAlive: true,
      maxSockets: config.maxSockets ?? 256,
      // One TLS context for every connection: given ca/cert/key instead, Node parses the PEMs
      // again for each new socket (a few hundred microseconds each, many sockets under load).
      secureContext: createSecureContext({
        ...(config.caPem ? { ca: config.caPem } : {}),
        ...(config.certPem && config.keyPem ? { cert: config.certPem, key: config.keyPem } : {}),
        minVersion: 'TLSv1.2',
      }),
      rejectUnauthorized: !config.insecureSkipTlsVerify,
    });
  }

  /** Closes idle connections and refuses new ones; open watches end. */
  close(): void {
    this.#agent.destroy();
  }

  resource<T = ApiObject>(type: ResourceType): ResourceClient<T> {
    return resourceClient<T>(this, type);
  }

  async get<T = ApiObject>(type: ResourceType, namespace: string | undefined, name: string, opts: GetOptions = {}): Promise<T> {
    const path = resourcePath(type, { namespace, name, subresource: opts.subresource }) + queryString({ ...opts.query, resourceVersion: opts.resourceVersion });
    return this.#call<T>({ method: 'GET', path, signal: opts.signal });
  }

  async list<T = ApiObject>(type: ResourceType, namespace: string | undefined, opts: ListOptions = {}): Promise<ObjectList<T>> {
    const page = (cont: string | undefined, limit: number | undefined): Promise<ObjectList<T>> =>
      this.#call<ObjectList<T>>({ method: 'GET', path: resourcePath(type, { namespace }) + listQuery({ ...opts, continue: cont, limit }), signal: opts.signal });
    const first = await page(opts.continue, opts.limit);
    if (!opts.allPages || !first.metadata?.continue) return first;
    const items = [...first.items];
    let cont: string | undefined = first.metadata.continue;
    while (cont) {
      let next: ObjectList<T>;
      try {
        next = await page(cont, opts.limit);
      } catch (err) {
        // The snapshot behind the token was compacted: start over with one unpaged list (client-go's pager does the same).
        if (!isResourceExpired(err)) throw err;
        return page(undefined, undefined);
      }
      items.push(...next.items);
      cont = next.metadata?.continue;
    }
    const { continue: _done, remainingItemCount: _none, ...metadata } = first.metadata;
    return { ...first, metadata, items };
  }

  async create<T = ApiObject>(type: ResourceType, namespace: string | undefined, obj: T, opts: CreateOptions = {}): Promise<T> {
    const name = opts.subresource ? (opts.name ?? nameOf(obj)) : undefined;
    const path = resourcePath(type, { namespace: namespace ?? namespaceOf(obj), name, subresource: opts.subresource }) + writeQuery(opts);
    return this.#call<T>({ method: 'POST', path, body: obj, signal: opts.signal });
  }

  async update<T = ApiObject>(type: ResourceType, namespace: string | undefined, obj: T, opts: WriteOptions = {}): Promise<T> {
    const path = resourcePath(type, { namespace: namespace ?? namespaceOf(obj), name: nameOf(obj), subresource: opts.subresource }) + writeQuery(opts);
    return this.#call<T>({ method: 'PUT', path, body: obj, signal: opts.signal });
  }

  updateStatus<T = ApiObject>(type: ResourceType, namespace: string | undefined, obj: T, opts: WriteOptions = {}): Promise<T> {
    return this.update(type, namespace, obj, { ...opts, subresource: 'status' });
  }

  async patch<T = ApiObject>(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    patchType: PatchType,
    patch: unknown,
    opts: PatchOptions = {},
  ): Promise<T> {
    const path = resourcePath(type, { namespace, name, subresource: opts.subresource }) + writeQuery(opts, opts.force);
    return this.#call<T>({ method: 'PATCH', path, body: patch, contentType: PATCH_CONTENT_TYPES[patchType], signal: opts.signal });
  }

  async delete<T = ApiObject>(type: ResourceType, namespace: string | undefined, name: string, opts: DeleteOptions = {}): Promise<T | Status> {
    const path = resourcePath(type, { namespace, name });
    return this.#call<T | Status>({ method: 'DELETE', path, body: deleteOptionsBody(opts), signal: opts.signal });
  }

  async deleteCollection<T = ApiObject>(
    type: ResourceType,
    namespace: string | undefined,
    opts: DeleteOptions & Omit<ListOptions, 'allPages' | 'signal'> = {},
  ): Promise<ObjectList<T> | Status> {
    const path = resourcePath(type, { namespace }) + listQuery(opts);
    return this.#call<ObjectList<T> | Status>({ method: 'DELETE', path, body: deleteOptionsBody(opts), signal: opts.signal });
  }

  async watch<T = ApiObject>(type: ResourceType, namespace: string | undefined, opts: WatchOptions = {}): Promise<Watch<T>> {
    const query = queryString({
      watch: true,
      labelSelector: opts.labelSelector,
      fieldSelector: opts.fieldSelector,
      resourceVersion: opts.resourceVersion,
      allowWatchBookmarks: opts.allowWatchBookmarks || undefined,
      timeoutSeconds: opts.timeoutSeconds,
    });
    const controller = new AbortController();
    const onAbort = (): void => controller.abort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const res = await this.#send({ method: 'GET', path: resourcePath(type, { namespace }) + query, signal: controller.signal, stream: true });
      if (res.statusCode !== 200) throw statusErrorFromResponse(res.statusCode ?? 0, await readBody(res));
      const channel = new WatchChannel<T>({
        onStop: () => controller.abort(),
        onEvent: opts.onEvent as ((event: unknown) => void) | undefined,
        signal: controller.signal,
      });
      void channel.ended.then(() => opts.signal?.removeEventListener('abort', onAbort));
      decodeWatchStream(res, channel);
      return channel;
    } catch (err) {
      opts.signal?.removeEventListener('abort', onAbort);
      throw err;
    }
  }

  /** Any request, for paths the typed methods do not cover; error answers still throw StatusErrors. */
  async request(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<RawResponse> {
    const res = await this.#send({ method, path, body, signal });
    return { statusCode: res.statusCode ?? 0, headers: res.headers, body: await readBody(res) };
  }

  async #call<T>(spec: RequestSpec): Promise<T> {
    const res = await this.#send(spec);
    const text = await readBody(res);
    const code = res.statusCode ?? 0;
    if (code < 200 || code > 299) throw statusErrorFromResponse(code, text);
    const type = res.headers['content-type'] ?? '';
    return (type.includes('json') ? JSON.parse(text) : text) as T;
  }

  /** Sends one request and resolves with the response once its headers arrive. */
  async #send(spec: RequestSpec, retried = false): Promise<IncomingMessage> {
    const payload = spec.body === undefined ? undefined : Buffer.from(JSON.stringify(spec.body));
    const headers: Record<string, string | number> = { Accept: 'application/json', 'User-Agent': this.config.userAgent ?? DEFAULT_USER_AGENT };
    if (this.config.token) headers['Authorization'] = `Bearer ${this.config.token}`;
    if (payload) {
      headers['Content-Type'] = spec.contentType ?? 'application/json';
      headers['Content-Length'] = payload.length;
    }
    const deadline = spec.stream ? undefined : AbortSignal.timeout(this.config.timeoutMs ?? 60_000);
    const signals = [spec.signal, deadline].filter((s): s is AbortSignal => s !== undefined);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    return new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpsRequest({
        agent: this.#agent,
        method: spec.method,
        protocol: 'https:',
        hostname: this.#url.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: this.#url.port || 443,
        path: this.#prefix + spec.path,
        headers,
        signal,
        ...(this.config.socketPath ? { socketPath: this.config.socketPath } : {}),
      });
      let responded = false;
      req.on('response', (res) => {
        responded = true;
        this.#reportWarnings(res);
        resolve(res);
      });
      req.on('error', (err: NodeJS.ErrnoException) => {
        if (responded) return; // the response stream reports its own errors
        // A pooled connection the server closed while idle fails at once; the request never
        // reached the server, so sending it again on a fresh connection is safe (Node's advice).
        if (!retried && req.reusedSocket && err.code === 'ECONNRESET') {
          this.#send(spec, true).then(resolve, reject);
          return;
        }
        if (deadline?.aborted && !spec.signal?.aborted) {
          reject(Object.assign(new Error(`${spec.method} ${spec.path}: no answer within ${this.config.timeoutMs ?? 60_000} ms`), { code: 'ETIMEDOUT' }));
          return;
        }
        reject(err);
      });
      req.end(payload);
    });
  }

  #reportWarnings(res: IncomingMessage): void {
    const raw = res.headers['warning'];
    if (!raw || !this.config.onWarning) return;
    // Warning: 299 - "text" (RFC 7234); several may share one header, comma-separated.
    for (const match of String(raw).matchAll(/\d{3} \S+ "((?:[^"\\]|\\.)*)"/g)) this.config.onWarning(match[1]!.replace(/\\(.)/g, '$1'));
  }
}

function nameOf(obj: unknown): string {
  const name = (obj as ApiObject | undefined)?.metadata?.name;
  if (!name) throw new Error('the object has no metadata.name');
  return name;
}

function namespaceOf(obj: unknown): string | undefined {
  return (obj as ApiObject | undefined)?.metadata?.namespace || undefined;
}

function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}
