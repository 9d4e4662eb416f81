// Client-certificate authentication: the TLS peer certificate names the user (CN) and groups (O).
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import * as x509 from '../../pki/x509.js';
import { isIssuedBy } from '../../pki/certs.js';
import type { Authenticator } from './authenticator.js';
import type { UserInfo } from './user.js';

export interface X509AuthenticatorOptions {
  /** PEM of the CA (or a bundle of CAs) whose client certificates are accepted: kite's client CA. */
  clientCaPem: string;
  now?: () => Date;
  /** Told why a presented certificate was refused (the request then gets a 401). */
  onReject?: (reason: string) => void;
}

/** The extra key under which Kubernetes records which certificate authenticated a request. */
export const CREDENTIAL_ID_EXTRA = 'authentication.kubernetes.io/credential-id';

interface PeerIdentity {
  user: UserInfo;
  notBefore: Date;
  notAfter: Date;
}

type Verdict = PeerIdentity | { rejected: string } | null;

/**
 * Authenticates requests by their TLS client certificate. The server runs with requestCert and
 * rejectUnauthorized false, so a bad certificate still reaches here: Node's verdict on the chain
 * (`socket.authorized`, checked against the server's `ca`) must be true, and the certificate must
 * also be signed by one of `clientCaPem` itself, so a server whose `ca` trusts more than the client
 * CA (the server CA, say) does not turn those certificates into users. The result is kept per
 * connection; validity dates are checked on every request, as a connection may outlive them.
 * What a certificate says (issuer signature, usage, names) is also kept per certificate, so a
 * client opening many connections with one certificate pays the parsing and signature check once.
 */
export function x509Authenticator(options: X509AuthenticatorOptions): Authenticator {
  const trusted = x509.PemConverter.decode(options.clientCaPem).map((der) => new x509.X509Certificate(der));
  if (trusted.length === 0) throw new Error('x509 authenticator: clientCaPem holds no certificate');
  const now = options.now ?? (() => new Date());
  const verdicts = new WeakMap<TLSSocket, Promise<Verdict>>();
  const byCertificate = new Map<string, Promise<Verdict>>();
  const judgeCertificate = (raw: Buffer): Promise<Verdict> => {
    const id = createHash('sha256').update(raw).digest('hex');
    let verdict = byCertificate.get(id);
    if (!verdict) {
      // Bounded: a flood of distinct certificates starts the memory over instead of growing it.
      if (byCertificate.size >= MAX_REMEMBERED_CERTIFICATES) byCertificate.clear();
      verdict = verdictOfCertificate(raw, id, trusted);
      byCertificate.set(id, verdict);
    }
    return verdict;
  };

  return async (req: IncomingMessage) => {
    const socket = tlsSocketOf(req);
    if (!socket) return null;
    let verdict = verdicts.get(socket);
    if (!verdict) {
      verdict = judgePeer(socket, judgeCertificate);
      verdicts.set(socket, verdict);
    }
    const result = await verdict;
    if (result === null) return null;
    if ('rejected' in result) {
      options.onReject?.(result.rejected);
      return null;
    }
    const at = now();
    if (at < result.notBefore || at > result.notAfter) {
      options.onReject?.(`client certificate of ${result.user.name} is not valid at ${at.toISOString()}`);
      return null;
    }
    const { user } = result;
    return { ...user, groups: [...user.groups], extra: { ...user.extra } };
  };
}

function tlsSocketOf(req: IncomingMessage): TLSSocket | undefined {
  const socket = req.socket as Partial<TLSSocket> | undefined;
  return typeof socket?.getPeerCertificate === 'function' ? (socket as TLSSocket) : undefined;
}

/** Distinct client certificates whose verdict is remembered (kite's own components use a handful). */
const MAX_REMEMBERED_CERTIFICATES = 1024;

async function judgePeer(socket: TLSSocket, judgeCertificate: (raw: Buffer) => Promise<Verdict>): Promise<Verdict> {
  const peer = socket.getPeerX509Certificate();
  if (!peer) return null; // no certificate presented: not this authenticator's request
  if (!socket.authorized) return { rejected: `client certificate refused: ${String(socket.authorizationError)}` };
  return judgeCertificate(peer.raw);
}

async function verdictOfCertificate(raw: Buffer, sha256: string, trusted: x509.X509Certificate[]): Promise<Verdict> {
  let cert: x509.X509Certificate;
  try {
    cert = new x509.X509Certificate(raw);
  } catch (err) {
    return { rejected: `client certificate unreadable: ${(err as Error).message}` };
  }
  const issued = await Promise.all(trusted.map((ca) => isIssuedBy(cert, ca)));
  if (!issued.includes(true)) return { rejected: `client certificate ${cert.subject} is not signed by the client CA` };
  const usages = cert.getExtension(x509.ExtendedKeyUsageExtension)?.usages;
  if (usages && !usages.includes(x509.ExtendedKeyUsage.clientAuth)) {
    return { rejected: `client certificate ${cert.subject} is not for client authentication` };
  }
  const name = cert.subjectName.getField('CN')[0] ?? '';
  if (name === '') return { rejected: `client certificate ${cert.subject} has no common name` };
  return {
    user: { name, groups: cert.subjectName.getField('O'), extra: { [CREDENTIAL_ID_EXTRA]: [`X509SHA256=${sha256}`] } },
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
  };
}
