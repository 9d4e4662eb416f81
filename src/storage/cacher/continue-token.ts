// Kubernetes' list continue tokens: base64url (no padding) of {"v":"meta.k8s.io/v1","rv":N,"start":K},
// where K is the next key to read relative to the list's key prefix. rv -1 means "at the latest
// revision" (handed out when the original revision was compacted). Same wire format as
// k8s.io/apiserver/pkg/storage/continue.go, so tokens look familiar to anyone who decodes them.
import { posix } from 'node:path';
import { invalidContinue } from './errors.js';

const TOKEN_VERSION = 'meta.k8s.io/v1';

export interface ContinuePosition {
  /** The list revision; -1 for "latest". */
  revision: number;
  /** Full store key to start at (inclusive). */
  startKey: string;
}

export function encodeContinue(nextKey: string, keyPrefix: string, revision: number): string {
  if (!nextKey.startsWith(keyPrefix)) throw new Error(`continue key ${nextKey} is not under ${keyPrefix}`);
  const token = { v: TOKEN_VERSION, rv: revision, start: nextKey.slice(keyPrefix.length) };
  return Buffer.from(JSON.stringify(token), 'utf8').toString('base64url');
}

/** Go's path.Clean differs from posix.normalize only in keeping no trailing slash. */
const cleanPath = (p: string): string => {
  const normalized = posix.normalize(p);
  return normalized.length > 1 && normalized.endsWith('/') ? normalized.slice(0, -1) : normalized;
};

/** Throws a 400 StatusError ("invalid continue token: continue key is not valid: ...") when malformed. */
export function decodeContinue(token: string, keyPrefix: string): ContinuePosition {
  if (!/^[A-Za-z0-9_-]*$/.test(token)) throw invalidContinue('continue key is not valid: illegal base64 data');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch (err) {
    throw invalidContinue(`continue key is not valid: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof parsed !== 'object' || parsed === null) throw invalidContinue('continue key is not valid: not an object');
  const { v, rv, start } = parsed as { v?: unknown; rv?: unknown; start?: unknown };
  if (v !== TOKEN_VERSION) {
    throw invalidContinue(`continue key is not valid: server does not recognize this encoded version ${String(v)}`);
  }
  if (typeof rv !== 'number' || !Number.isInteger(rv) || rv === 0 || rv < -1) {
    throw invalidContinue(`continue key is not valid: incorrect encoded start resourceVersion (version ${TOKEN_VERSION})`);
  }
  if (typeof start !== 'string' || start.length === 0) {
    throw invalidContinue(`continue key is not valid: encoded start key empty (version ${TOKEN_VERSION})`);
  }
  // A client could try to reach keys above the prefix with "..": accept only clean relative paths.
  const rooted = start.startsWith('/') ? start : `/${start}`;
  if (cleanPath(rooted) !== rooted) throw invalidContinue(`continue key is not valid: ${start}`);
  return { revision: rv, startKey: keyPrefix + rooted.slice(1) };
}

/** The key right after `key` in sort order: where the next page starts. */
export const keyAfter = (key: string): string => `${key}\u0000`;
