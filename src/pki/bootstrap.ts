// First start creates kite's PKI under DATA_DIR/tls; later starts reuse it and renew only leaves.
import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import * as x509 from './x509.js';
import { type CertificateAuthority, createCa, loadCa } from './ca.js';
import { type IssuedCertificate, isIssuedBy, issueClientCert, issueServingCert, missingSans } from './certs.js';
import { privateKeyMatchesCertificate } from './keys.js';
import { servingSans } from './sans.js';
import { ensurePrivateDir, PRIVATE_FILE_MODE, PUBLIC_FILE_MODE, readIfExists, writeFileAtomic } from './files.js';

export interface PkiCertificate {
  certPath: string;
  keyPath: string;
  certPem: string;
  keyPem: string;
  cert: x509.X509Certificate;
}

export interface PkiAuthority extends PkiCertificate {
  authority: CertificateAuthority;
}

export interface Pki {
  /** DATA_DIR/tls */
  dir: string;
  /** Signs serving certificates; clients (kubeconfig certificate-authority-data) trust it. */
  serverCa: PkiAuthority;
  /** Signs client certificates; the API server verifies client certificates against it. */
  clientCa: PkiAuthority;
  /** The API server's TLS certificate (serving-kube-apiserver). */
  serving: PkiCertificate;
  /** system:admin in group system:masters: the admin kubeconfig's credential (client-admin). */
  admin: PkiCertificate;
  /** system:apiserver in group system:masters: the API server's credential towards agents (client-kube-apiserver). */
  apiserverClient: PkiCertificate;
  /** The file names (without extension) created or renewed by this call, e.g. for a start-up log line. */
  generated: string[];
}

export interface EnsurePkiOptions {
  /** More DNS names or IPs for the serving certificate (e.g. a load balancer's name). */
  extraSans?: string[];
  now?: Date;
}

/** A leaf is renewed when it would expire within this window. */
export const RENEW_BEFORE_MS = 30 * 24 * 60 * 60 * 1000;

export const ADMIN_USER = { user: 'system:admin', groups: ['system:masters'] };
export const APISERVER_CLIENT_USER = { user: 'system:apiserver', groups: ['system:masters'] };

export async function ensurePki(dataDir: string, options: EnsurePkiOptions = {}): Promise<Pki> {
  const dir = join(dataDir, 'tls');
  const now = options.now ?? new Date();
  const generated: string[] = [];
  await ensurePrivateDir(dir);
  const files = (name: string) => ({ certPath: join(dir, `${name}.crt`), keyPath: join(dir, `${name}.key`) });

  const ensureCa = async (name: string, namePrefix: string): Promise<PkiAuthority> => {
    const paths = files(name);
    const [certPem, keyPem] = await Promise.all([readIfExists(paths.certPath), readIfExists(paths.keyPath)]);
    if (certPem !== undefined && keyPem !== undefined) {
      const authority = await loadCa(certPem, keyPem);
      await chmod(paths.keyPath, PRIVATE_FILE_MODE);
      return { ...paths, certPem: authority.certPem, keyPem, cert: authority.cert, authority };
    }
    if (certPem !== undefined || keyPem !== undefined) {
      // Never replace half a CA silently: every certificate and kubeconfig it issued would stop working.
      const present = certPem !== undefined ? paths.certPath : paths.keyPath;
      throw new Error(
        `incomplete CA ${name}: ${present} exists but its partner does not; restore the missing file, ` +
          `or remove ${present} to create a new CA (invalidating everything it signed)`,
      );
    }
    const authority = await createCa({ namePrefix, now });
    await writePair(paths, authority);
    generated.push(name);
    return { ...paths, certPem: authority.certPem, keyPem: authority.keyPem, cert: authority.cert, authority };
  };

  const ensureLeaf = async (
    name: string,
    ca: PkiAuthority,
    stillGood: (cert: x509.X509Certificate) => boolean,
    issue: () => Promise<IssuedCertificate>,
  ): Promise<PkiCertificate> => {
    const paths = files(name);
    const existing = await loadLeaf(paths, ca, now);
    if (existing && stillGood(existing.cert)) {
      await chmod(paths.keyPath, PRIVATE_FILE_MODE); // a key copied in by hand may have come with looser bits
      return existing;
    }
    const issued = await issue();
    await writePair(paths, issued);
    generated.push(name);
    return { ...paths, ...issued };
  };

  const serverCa = await ensureCa('server-ca', 'kite-server-ca');
  const clientCa = await ensureCa('client-ca', 'kite-client-ca');

  const sans = servingSans(options.extraSans);
  const serving = await ensureLeaf(
    'serving-kube-apiserver',
    serverCa,
    (cert) => missingSans(cert, sans).length === 0,
    () => issueServingCert(serverCa.authority, { commonName: 'kube-apiserver', sans, now }),
  );
  const clientLeaf = (name: string, who: { user: string; groups: string[] }) =>
    ensureLeaf(
      name,
      clientCa,
      (cert) => namesUser(cert, who),
      () => issueClientCert(clientCa.authority, { ...who, now }),
    );
  const admin = await clientLeaf('client-admin', ADMIN_USER);
  const apiserverClient = await clientLeaf('client-kube-apiserver', APISERVER_CLIENT_USER);

  return { dir, serverCa, clientCa, serving, admin, apiserverClient, generated };
}

/** Writes the key before the certificate, so a crash in between leaves no certificate without its key. */
async function writePair(paths: { certPath: string; keyPath: string }, pem: { certPem: string; keyPem: string }) {
  await writeFileAtomic(paths.keyPath, pem.keyPem, PRIVATE_FILE_MODE);
  await writeFileAtomic(paths.certPath, pem.certPem, PUBLIC_FILE_MODE);
}

/** An existing leaf worth keeping: readable, key matching, signed by the current CA, not expiring soon. */
async function loadLeaf(
  paths: { certPath: string; keyPath: string },
  ca: PkiAuthority,
  now: Date,
): Promise<PkiCertificate | undefined> {
  const [certPem, keyPem] = await Promise.all([readIfExists(paths.certPath), readIfExists(paths.keyPath)]);
  if (certPem === undefined || keyPem === undefined) return undefined;
  let cert: x509.X509Certificate;
  try {
    cert = new x509.X509Certificate(certPem);
    if (!privateKeyMatchesCertificate(keyPem, cert)) return undefined;
  } catch {
    return undefined; // unreadable: issue a new one rather than refuse to start
  }
  if (cert.notAfter.getTime() - now.getTime() < RENEW_BEFORE_MS) return undefined;
  if (!(await isIssuedBy(cert, ca.cert))) return undefined;
  return { ...paths, certPem, keyPem, cert };
}

function namesUser(cert: x509.X509Certificate, who: { user: string; groups: string[] }): boolean {
  const commonNames = cert.subjectName.getField('CN');
  const organizations = cert.subjectName.getField('O');
  return (
    commonNames.length === 1 &&
    commonNames[0] === who.user &&
    organizations.length === who.groups.length &&
    who.groups.every((group) => organizations.includes(group))
  );
}
