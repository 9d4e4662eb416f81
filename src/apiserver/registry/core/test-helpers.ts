// Helpers for the core resources' tests: a registry over an in-memory store, request contexts,
// and a HandlerContext with a fake request/response for subresource handlers. Not used at run time.
import { Readable } from 'node:stream';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject } from '../../../apimachinery/meta.js';
import { MemoryStore } from '../../../storage/memory/memory-store.js';
import { AdmissionChain } from '../../admission/admission.js';
import type { HandlerContext } from '../../handlers/context.js';
import { parseRequestInfo } from '../../request-info.js';
import { ObjectCodec } from '../generic/codec.js';
import { RegistryStore } from '../generic/registry-store.js';
import type { RequestContext, ResourceDefinition } from '../generic/resource.js';
import type { ServedResource } from '../served-resource.js';

export const adminCtx = (namespace = 'default', dryRun = false): RequestContext => ({
  user: { name: 'admin', groups: ['system:masters'] },
  namespace,
  dryRun,
});

export function memoryRegistry<T extends KubeObject>(def: ResourceDefinition<T>, store = new MemoryStore()): { registry: RegistryStore; store: MemoryStore } {
  const registry = new RegistryStore(def as unknown as ResourceDefinition, store, new ObjectCodec(), new AdmissionChain());
  return { registry, store };
}

export interface CapturedResponse {
  status: number;
  body: unknown;
}

/** A HandlerContext for `method path` with a JSON body; `response` is filled when the handler writes. */
export function fakeHandlerContext(
  registry: RegistryStore,
  method: string,
  path: string,
  body: unknown,
  extra: Partial<ServedResource> = {},
): { ctx: HandlerContext; response: CapturedResponse } {
  const url = new URL(`https://kite.test${path}`);
  const payload = Buffer.from(JSON.stringify(body));
  const req = Object.assign(Readable.from([payload]), { headers: { 'content-type': 'application/json', 'content-length': String(payload.length) } });
  const response: CapturedResponse = { status: 0, body: undefined };
  const res = {
    headersSent: false,
    writeHead(status: number) {
      response.status = status;
      return this;
    },
    end(text: string) {
      response.body = JSON.parse(text);
    },
  };
  const served = { def: registry.def, registry, ...extra } as unknown as ServedResource;
  const ctx: HandlerContext = {
    req: req as unknown as IncomingMessage,
    res: res as unknown as ServerResponse,
    url,
    info: parseRequestInfo(method, url),
    user: { name: 'admin', groups: ['system:masters'] },
    served,
    warnings: [],
  };
  return { ctx, response };
}
