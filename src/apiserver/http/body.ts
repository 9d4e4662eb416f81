// Reading and decoding request bodies: JSON, YAML and Kubernetes protobuf, with a size limit.
import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { badRequest, requestEntityTooLarge, unsupportedMediaType } from '../../apimachinery/errors.js';
import { decodeKubernetesProtobuf } from '../protobuf/decode.js';

/** kube-apiserver's default limit for a request body (3 MiB). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) {
    req.resume();
    return Promise.reject(requestEntityTooLarge(`Request entity too large: limit is ${limit}`));
  }
  if (req.readableEnded) return Promise.resolve(Buffer.alloc(0));
  // 'data' events rather than `for await`: the async iterator costs more than the read itself
  // for the small bodies of most writes.
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (err: Error | null, body?: Buffer): void => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      if (err) reject(err);
      else resolve(body!);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.resume();
        settle(requestEntityTooLarge(`Request entity too large: limit is ${limit}`));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => settle(null, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.once('error', (err) => settle(err));
    // A client gone before the end of its body: no 'end' will come.
    req.once('close', () => settle(Object.assign(new Error('the client closed the request before sending its whole body'), { code: 'ECONNRESET' })));
  });
}

export type BodyFormat = 'json' | 'yaml' | 'protobuf';

/** The media type without parameters, lowercased; an absent header means JSON (kubectl's PUT /scale). */
export const mediaType = (header: string | undefined): string => (header ?? '').split(';')[0].trim().toLowerCase();

export function bodyFormat(contentType: string | undefined): BodyFormat {
  const type = mediaType(contentType);
  if (type === '' || type === 'application/json' || type === '*/*') return 'json';
  if (type === 'application/yaml' || type === 'application/x-yaml' || type === 'text/yaml') return 'yaml';
  if (type === 'application/vnd.kubernetes.protobuf') return 'protobuf';
  throw unsupportedMediaType(type);
}

/** Decodes a body into a plain JSON value; never throws anything but a StatusError. */
export function decodeBody(body: Buffer, contentType: string | undefined): unknown {
  const format = bodyFormat(contentType);
  if (body.length === 0) throw badRequest('the request body is empty: an object is required');
  if (format === 'protobuf') return decodeKubernetesProtobuf(body).object;
  const text = body.toString('utf8');
  if (format === 'yaml') {
    try {
      return parseYaml(text);
    } catch (err) {
      throw badRequest(`error converting YAML to JSON: ${(err as Error).message}`);
    }
  }
  return parseJson(text);
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`);
  }
}

/** A body that must be a JSON object (not an array, string or null). */
export function decodeObjectBody(body: Buffer, contentType: string | undefined): Record<string, unknown> {
  const value = decodeBody(body, contentType);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest('the body of the request must be a JSON or YAML object');
  }
  return value as Record<string, unknown>;
}
