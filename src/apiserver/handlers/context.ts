// What every resource handler receives: the parsed request, the caller and the served resource.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest } from '../../apimachinery/errors.js';
import type { UserInfo } from '../authn/user.js';
import type { RequestInfo } from '../request-info.js';
import type { RequestContext } from '../registry/generic/resource.js';
import type { ServedResource } from '../registry/served-resource.js';

export interface HandlerContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  info: RequestInfo;
  user: UserInfo;
  served: ServedResource;
  /** Warnings sent back in `Warning: 299 - "..."` headers. */
  warnings: string[];
}

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export function parseDryRun(query: URLSearchParams): boolean {
  const values = query.getAll('dryRun');
  for (const v of values) if (v !== 'All') throw badRequest(`dryRun: Unsupported value: "${v}": supported values: "All"`);
  return values.length > 0;
}

export function parseFieldValidation(query: URLSearchParams): FieldValidation {
  const v = query.get('fieldValidation');
  if (v === null || v === '') return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw badRequest(`fieldValidation: Unsupported value: "${v}": supported values: "Ignore", "Strict", "Warn"`);
}

export function parseFieldManager(query: URLSearchParams, fallback: string): string {
  const manager = query.get('fieldManager') ?? fallback;
  if (manager.length > 128) throw badRequest('fieldManager: Too long: may not be more than 128 bytes');
  return manager;
}

export function requestContext(ctx: HandlerContext, dryRun = parseDryRun(ctx.url.searchParams)): RequestContext {
  return { user: ctx.user, namespace: ctx.info.namespace, dryRun };
}

/** A fieldManager default as Kubernetes derives it from the User-Agent ("kubectl/v1.32 (...)" -> "kubectl"). */
export function defaultFieldManager(req: IncomingMessage): string {
  const agent = req.headers['user-agent'] ?? 'unknown';
  return agent.split('/')[0].slice(0, 128) || 'unknown';
}

export function warningHeaders(warnings: string[]): Record<string, string> {
  if (warnings.length === 0) return {};
  // Node joins repeated headers with ", "; Kubernetes' Warning header format allows that.
  return { Warning: warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', ') };
}
