// Trust on first use, checked: a joining agent fetches the server's CA bundle from /cacerts without
// verifying the TLS certificate (it has nothing to verify it with yet), then accepts the bundle only
// if its SHA-256 is the one in the join token. Every later request verifies the server with it.
import { request } from 'node:https';
import { caBundleHash } from '../../pki/join-token.js';

function get(url: string, opts: { ca?: string; timeoutMs?: number }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', ...(opts.ca ? { ca: opts.ca } : { rejectUnauthorized: false }), timeout: opts.timeoutMs ?? 10_000, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} in ${opts.timeoutMs ?? 10_000} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** The server's CA bundle, verified against the token's hash; throws a message naming both hashes otherwise. */
export async function fetchServerCa(server: string, expectedHash: string): Promise<string> {
  const url = new URL('/cacerts', server).toString();
  let res;
  try {
    res = await get(url, {});
  } catch (err) {
    throw new Error(`cannot reach the server at ${server}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (res.status !== 200) throw new Error(`GET ${url}: HTTP ${res.status} (is ${server} a kite server?)`);
  const actual = caBundleHash(res.body);
  if (actual !== expectedHash) {
    throw new Error(
      `the server's CA does not match the join token: token expects sha256 ${expectedHash}, ${server} serves ${actual} ` +
        '(wrong token, or a different server, or someone in between): refusing to join',
    );
  }
  return res.body;
}

/** The client CA (which signs the API server's credential towards agents), read over TLS verified with the server CA. */
export async function fetchClientCa(server: string, serverCaPem: string): Promise<string> {
  const url = new URL('/v1-kite/client-ca.crt', server).toString();
  const res = await get(url, { ca: serverCaPem });
  if (res.status !== 200 || !res.body.includes('BEGIN CERTIFICATE')) throw new Error(`GET ${url}: HTTP ${res.status}: no client CA`);
  return res.body;
}
