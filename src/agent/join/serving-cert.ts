// The agent's serving certificate for its port 10250 (the kubelet's serverTLSBootstrap): a
// kubelet-serving CSR for system:node:<name> naming the node's own host names and IPs, signed by
// the CA the API server trusts when it dials agents. Kept in <dataDir>/pki and reused while it
// still covers the node's addresses and is not close to expiry.
import { join } from 'node:path';
import type { Client } from '../../client/types.js';
import { RENEW_BEFORE_MS } from '../../pki/bootstrap.js';
import { isIssuedBy, missingSans } from '../../pki/certs.js';
import { createCsr } from '../../pki/csr.js';
import { PRIVATE_FILE_MODE, PUBLIC_FILE_MODE, ensurePrivateDir, readIfExists, writeFileAtomic } from '../../pki/files.js';
import { privateKeyMatchesCertificate } from '../../pki/keys.js';
import * as x509 from '../../pki/x509.js';
import { requestCertificate } from './request-certificate.js';

export const KUBELET_SERVING_SIGNER = 'kubernetes.io/kubelet-serving';
export const SERVING_USAGES = ['digital signature', 'server auth'];

export interface ServingCertOptions {
  dataDir: string;
  nodeName: string;
  /** Host names (the node name is always included). */
  dns: string[];
  ips: string[];
  /** The CA that must have signed a reused certificate (the server CA). */
  caPem: string;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  signal?: AbortSignal;
  now?: () => Date;
  /** Ask for a new certificate even if the kept one is still good (renewal). */
  force?: boolean;
}

export interface ServingCert {
  certPem: string;
  keyPem: string;
  certPath: string;
  keyPath: string;
  issued: boolean;
}

export async function ensureServingCert(client: Client, opts: ServingCertOptions): Promise<ServingCert> {
  const dir = join(opts.dataDir, 'pki');
  const certPath = join(dir, 'serving-kubelet.crt');
  const keyPath = join(dir, 'serving-kubelet.key');
  const dns = [...new Set([opts.nodeName, ...opts.dns.map((d) => d.toLowerCase())])];
  const ips = [...new Set(opts.ips)];
  const [certPem, keyPem] = await Promise.all([readIfExists(certPath), readIfExists(keyPath)]);
  if (!opts.force && certPem && keyPem && (await stillGood(certPem, keyPem, { dns, ips }, opts))) return { certPem, keyPem, certPath, keyPath, issued: false };

  const csr = await createCsr({ commonName: `system:node:${opts.nodeName}`, organizations: ['system:nodes'], dns, ips });
  const issued = await requestCertificate(client, {
    csrPem: csr.csrPem, signerName: KUBELET_SERVING_SIGNER, usages: SERVING_USAGES, generateName: 'csr-', signal: opts.signal,
    onCreated: (name) => opts.log?.('serving certificate requested (auto-approved for the node\'s own names; else: kubectl certificate approve)', { csr: name, dns, ips }),
  });
  await ensurePrivateDir(dir);
  await writeFileAtomic(keyPath, csr.keyPem, PRIVATE_FILE_MODE);
  await writeFileAtomic(certPath, issued, PUBLIC_FILE_MODE);
  return { certPem: issued, keyPem: csr.keyPem, certPath, keyPath, issued: true };
}

async function stillGood(certPem: string, keyPem: string, sans: { dns: string[]; ips: string[] }, opts: ServingCertOptions): Promise<boolean> {
  try {
    const cert = new x509.X509Certificate(certPem);
    const now = (opts.now ?? (() => new Date()))().getTime();
    if (cert.notAfter.getTime() - now < RENEW_BEFORE_MS) return false;
    if (!privateKeyMatchesCertificate(keyPem, cert) || missingSans(cert, sans).length > 0) return false;
    return await isIssuedBy(cert, new x509.X509Certificate(opts.caPem));
  } catch {
    return false;
  }
}
