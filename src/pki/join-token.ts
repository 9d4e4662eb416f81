// The node join token, k3s' format: K10<sha256 hex of the CA bundle>::<id>.<secret>. The hash lets
// a joining agent trust the server's CA (fetched without verification from /cacerts) only if it is
// the one the token was cut for; <id>.<secret> is a Kubernetes bootstrap token.
import { createHash, randomBytes } from 'node:crypto';

export interface JoinToken {
  /** Lower-case hex SHA-256 of the CA bundle PEM exactly as /cacerts serves it. */
  caHash: string;
  tokenId: string;
  tokenSecret: string;
}

const TOKEN_ID = /^[a-z0-9]{6}$/;
const TOKEN_SECRET = /^[a-z0-9]{16}$/;
/** Kubernetes' bootstrap token shape (bootstraputil.BootstrapTokenRegexp). */
export const BOOTSTRAP_TOKEN = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;

export const caBundleHash = (caPem: string): string => createHash('sha256').update(caPem).digest('hex');

/** Random [a-z0-9] of the given length (bootstraputil.GenerateBootstrapToken's alphabet). */
function randomToken(length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(length * 2);
  let out = '';
  // 252 = 7 * 36: rejection sampling keeps every character equally likely
  for (const b of bytes) if (b < 252 && out.length < length) out += alphabet[b % 36];
  return out.length === length ? out : randomToken(length);
}

export function newBootstrapToken(): { tokenId: string; tokenSecret: string } {
  return { tokenId: randomToken(6), tokenSecret: randomToken(16) };
}

export const formatJoinToken = (t: JoinToken): string => `K10${t.caHash}::${t.tokenId}.${t.tokenSecret}`;

/** Parses a full K10 token; throws a message a user can act on. */
export function parseJoinToken(text: string): JoinToken {
  const trimmed = text.trim();
  const m = /^K10([0-9a-f]{64})::([^.]+)\.(.+)$/.exec(trimmed);
  if (!m) throw new Error('the join token is not in the form K10<sha256 of the server CA>::<id>.<secret> (read it from the server\'s data dir: node-token)');
  const [, caHash, tokenId, tokenSecret] = m as unknown as [string, string, string, string];
  if (!TOKEN_ID.test(tokenId) || !TOKEN_SECRET.test(tokenSecret)) throw new Error('the join token\'s <id>.<secret> part is not a bootstrap token (6 and 16 characters of [a-z0-9])');
  return { caHash, tokenId, tokenSecret };
}
