// Writing responses: JSON objects, Status errors and content negotiation for Tables.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Status, type StatusError, notAcceptable } from '../../apimachinery/errors.js';

export function writeJson(res: ServerResponse, code: number, body: unknown, extraHeaders: Record<string, string> = {}): void {
  writeJsonText(res, code, JSON.stringify(body), extraHeaders);
}

/** Like writeJson, for a body already serialized. */
export function writeJsonText(res: ServerResponse, code: number, payload: string, extraHeaders: Record<string, string> = {}): void {
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(payload),
    'Cache-Control': 'no-cache, private',
    ...extraHeaders,
  });
  res.end(payload);
}

export function writeStatusError(res: ServerResponse, err: StatusError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const headers: Record<string, string> = {};
  const retry = err.status.details?.retryAfterSeconds;
  if (retry !== undefined) headers['Retry-After'] = String(retry);
  writeJson(res, err.status.code, err.status, headers);
}

export const successStatus = (details?: Status['details']): Status => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Success',
  ...(details ? { details } : {}),
  code: 200,
});

export type ResponseShape = 'object' | 'table' | 'partialObjectMetadata';

interface AcceptedType {
  type: string;
  params: Record<string, string>;
}

function parseAccept(header: string | undefined): AcceptedType[] {
  if (!header) return [{ type: '*/*', params: {} }];
  return header.split(',').map((part) => {
    const [type, ...rest] = part.split(';').map((s) => s.trim());
    const params: Record<string, string> = {};
    for (const p of rest) {
      const eq = p.indexOf('=');
      if (eq > 0) params[p.slice(0, eq).trim()] = p.slice(eq + 1).trim();
    }
    return { type: type.toLowerCase(), params };
  });
}

/**
 * Chooses how to answer a GET/LIST: kubectl asks for `application/json;as=Table;v=v1;g=meta.k8s.io`
 * first and plain JSON as a fallback. Protobuf is never produced: kubectl accepts JSON replies.
 */
export function negotiateShape(req: IncomingMessage): ResponseShape {
  const accepted = parseAccept(req.headers.accept);
  for (const a of accepted) {
    if (a.params.as === 'Table' && a.params.g === 'meta.k8s.io' && (a.params.v === 'v1' || a.params.v === 'v1beta1')) return 'table';
    if (a.params.as === 'PartialObjectMetadata' || a.params.as === 'PartialObjectMetadataList') {
      if (a.params.g === 'meta.k8s.io') return 'partialObjectMetadata';
    }
    if (a.params.as) continue; // a conversion we do not offer: try the next one
    if (a.type === 'application/json' || a.type === '*/*' || a.type === 'application/*' || a.type === 'application/vnd.kubernetes.protobuf' || a.type === 'application/yaml') {
      return 'object';
    }
  }
  throw notAcceptable('only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf');
}
