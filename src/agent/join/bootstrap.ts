// TLS bootstrapping of a standalone agent (the kubelet's --bootstrap-kubeconfig flow, k3s-style
// token): with `K10<ca hash>::<id>.<secret>` it checks the server's CA against the hash, posts a
// CSR for system:node:<name> (O system:nodes) with the bootstrap token, waits for the approved
// certificate and writes <dataDir>/kubelet.kubeconfig. Later starts reuse that kubeconfig (no
// token needed); a certificate close to expiry is renewed with itself (selfnodeclient).
import { join } from 'node:path';
import { RestClient } from '../../client/rest-client.js';
import type { Client } from '../../client/types.js';
import { RENEW_BEFORE_MS } from '../../pki/bootstrap.js';
import { createCsr } from '../../pki/csr.js';
import { ensurePrivateDir } from '../../pki/files.js';
import { loadKubeconfig, writeKubeconfig } from '../../pki/kubeconfig.js';
import { parseJoinToken } from '../../pki/join-token.js';
import * as x509 from '../../pki/x509.js';
import { fetchServerCa } from './fetch-ca.js';
import { requestCertificate } from './request-certificate.js';

export const AGENT_KUBECONFIG = 'kubelet.kubeconfig';
export const KUBELET_CLIENT_SIGNER = 'kubernetes.io/kube-apiserver-client-kubelet';
/** What the kubelet asks for an ECDSA key (key encipherment is for RSA keys). */
export const CLIENT_USAGES = ['digital signature', 'client auth'];

export interface JoinOptions {
  /** https://host:6443 */
  server?: string;
  /** K10<sha256>::<id>.<secret>; needed on the first start only. */
  token?: string;
  dataDir: string;
  nodeName: string;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  /** Give up waiting for the certificate after this long (default 10 minutes). */
  timeoutMs?: number;
  now?: () => Date;
}

export interface JoinedCluster {
  kubeconfigPath: string;
  server: string;
  /** The server CA (trusted for the API and for agents' serving certificates). */
  caPem: string;
  certPem: string;
  keyPem: string;
  /** Whether this call obtained a new client certificate. */
  issued: boolean;
}

const nodeUser = (nodeName: string): string => `system:node:${nodeName}`;

/** Returns the node's own credentials, joining (or renewing) first when needed. */
export async function joinCluster(opts: JoinOptions): Promise<JoinedCluster> {
  const kubeconfigPath = join(opts.dataDir, AGENT_KUBECONFIG);
  const now = (opts.now ?? (() => new Date()))();
  const log = opts.log ?? (() => undefined);
  const existing = await loadKubeconfig(kubeconfigPath).catch(() => undefined);
  const server = opts.server ?? existing?.server;
  if (!server) throw new Error('--server is needed to join (no agent kubeconfig yet)');

  let renewWith: RestClient | undefined;
  let caPem: string | undefined;
  if (existing?.certPem && existing.keyPem && existing.caPem && existing.server === server) {
    const cert = new x509.X509Certificate(existing.certPem);
    const cn = cert.subjectName.getField('CN')[0];
    const left = cert.notAfter.getTime() - now.getTime();
    if (cn === nodeUser(opts.nodeName) && left > RENEW_BEFORE_MS) {
      return { kubeconfigPath, server, caPem: existing.caPem, certPem: existing.certPem, keyPem: existing.keyPem, issued: false };
    }
    if (cn === nodeUser(opts.nodeName) && left > 0) {
      renewWith = new RestClient({ server, caPem: existing.caPem, certPem: existing.certPem, keyPem: existing.keyPem, userAgent: 'kite-agent/bootstrap' });
      caPem = existing.caPem;
    }
  }

  let client = renewWith;
  if (!client) {
    if (!opts.token) throw new Error(`no usable credentials in ${kubeconfigPath}: pass --token (the server's node-token) to join`);
    const token = parseJoinToken(opts.token);
    caPem = await fetchServerCa(server, token.caHash);
    client = new RestClient({ server, caPem, token: `${token.tokenId}.${token.tokenSecret}`, userAgent: 'kite-agent/bootstrap' });
  }
  let issued: { certPem: string; keyPem: string };
  try {
    issued = await requestNodeClientCertificate(client, {
      nodeName: opts.nodeName, signal: AbortSignal.timeout(opts.timeoutMs ?? 600_000),
      onCreated: (name) => log(renewWith ? 'client certificate renewal requested' : 'joining: client certificate requested', { csr: name }),
    });
  } catch (err) {
    throw explain(err, server, !!renewWith);
  } finally {
    client.close();
  }
  await writeAgentKubeconfig(opts.dataDir, opts.nodeName, { server, caPem: caPem!, ...issued });
  log('client certificate issued', { kubeconfig: kubeconfigPath, user: nodeUser(opts.nodeName) });
  return { kubeconfigPath, server, caPem: caPem!, ...issued, issued: true };
}

/** A new key and a node client certificate for it, through a kube-apiserver-client-kubelet CSR posted with `client`. */
export async function requestNodeClientCertificate(
  client: Client,
  opts: { nodeName: string; signal?: AbortSignal; onCreated?: (csrName: string) => void },
): Promise<{ certPem: string; keyPem: string }> {
  const { csrPem, keyPem } = await createCsr({ commonName: nodeUser(opts.nodeName), organizations: ['system:nodes'] });
  const certPem = await requestCertificate(client, {
    csrPem, signerName: KUBELET_CLIENT_SIGNER, usages: CLIENT_USAGES, generateName: 'node-csr-', signal: opts.signal, onCreated: opts.onCreated,
  });
  return { certPem, keyPem };
}

/** Writes <dataDir>/kubelet.kubeconfig (owner-only) with the node's credentials. */
export async function writeAgentKubeconfig(dataDir: string, nodeName: string, creds: { server: string; caPem: string; certPem: string; keyPem: string }): Promise<string> {
  const path = join(dataDir, AGENT_KUBECONFIG);
  await ensurePrivateDir(dataDir);
  await writeKubeconfig(path, { ...creds, user: nodeUser(nodeName), cluster: 'kite' });
  return path;
}

/** A 401/403 from the bootstrap client means the token, not the network: say so. */
function explain(err: unknown, server: string, renewing: boolean): Error {
  const code = (err as { code?: number }).code;
  const message = err instanceof Error ? err.message : String(err);
  if (code === 401) {
    return new Error(renewing
      ? `${server} no longer accepts this node's certificate (401): join again with --token`
      : `${server} refused the join token (401 Unauthorized): its secret is wrong, it expired, or it was deleted (kite token list)`);
  }
  if (code === 403) return new Error(`${server} does not allow this token to request node certificates (403): ${message}`);
  if ((err as Error)?.name === 'TimeoutError' || /aborted/i.test(message)) return new Error(`no certificate was issued in time (is the certificate approver running on ${server}?)`);
  return err instanceof Error ? err : new Error(message);
}
