// Leaf certificates signed by a kite CA: the API server's serving certificate and client certificates.
import * as x509 from './x509.js';
import { BACKDATE_MS, type CertificateAuthority } from './ca.js';
import { certificatePem, exportPrivateKeyPem, generateKeyPair, randomSerialNumber, signingAlgorithmFor } from './keys.js';
import { canonicalDns, canonicalIp, type SubjectAltNames } from './sans.js';

export interface IssuedCertificate {
  cert: x509.X509Certificate;
  certPem: string;
  keyPem: string;
}

export const LEAF_VALIDITY_DAYS = 365;
const DAY_MS = 24 * 60 * 60 * 1000;

interface LeafRequest {
  subject: x509.JsonName;
  extensions: x509.Extension[];
  validityDays?: number;
  now?: Date;
}

async function issueLeaf(ca: CertificateAuthority, request: LeafRequest): Promise<IssuedCertificate> {
  const now = request.now ?? new Date();
  const keys = await generateKeyPair();
  const notAfter = new Date(now.getTime() + (request.validityDays ?? LEAF_VALIDITY_DAYS) * DAY_MS);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialNumber(),
    subject: request.subject,
    issuer: ca.cert.subjectName,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    // A leaf outliving its CA would fail verification early anyway; say so in the certificate.
    notAfter: notAfter > ca.cert.notAfter ? ca.cert.notAfter : notAfter,
    publicKey: keys.publicKey,
    signingKey: ca.key,
    signingAlgorithm: signingAlgorithmFor(ca.key),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert.publicKey),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ...request.extensions,
    ],
  });
  return { cert, certPem: certificatePem(cert), keyPem: await exportPrivateKeyPem(keys.privateKey) };
}

export interface ServingCertOptions {
  commonName?: string;
  sans: SubjectAltNames;
  validityDays?: number;
  now?: Date;
}

/** A TLS server certificate (extKeyUsage serverAuth) valid for the given DNS names and IPs. */
export async function issueServingCert(ca: CertificateAuthority, options: ServingCertOptions): Promise<IssuedCertificate> {
  const names: x509.JsonGeneralName[] = [
    ...options.sans.dns.map((value) => ({ type: 'dns' as const, value })),
    ...options.sans.ips.map((value) => ({ type: 'ip' as const, value })),
  ];
  return issueLeaf(ca, {
    subject: [{ CN: [options.commonName ?? 'kube-apiserver'] }],
    extensions: [
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(names),
    ],
    validityDays: options.validityDays,
    now: options.now,
  });
}

export interface ClientCertOptions {
  /** Becomes the subject CN: the Kubernetes user name. */
  user: string;
  /** Each becomes one subject O: the Kubernetes groups. */
  groups?: string[];
  validityDays?: number;
  now?: Date;
}

/** A TLS client certificate (extKeyUsage clientAuth) naming a Kubernetes user and its groups. */
export async function issueClientCert(ca: CertificateAuthority, options: ClientCertOptions): Promise<IssuedCertificate> {
  if (options.user === '') throw new Error('a client certificate needs a user name (CN)');
  const subject: x509.JsonName = [
    ...(options.groups ?? []).map((group) => ({ O: [group] })),
    { CN: [options.user] },
  ];
  return issueLeaf(ca, {
    subject,
    extensions: [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth])],
    validityDays: options.validityDays,
    now: options.now,
  });
}

/** The DNS names and IPs a certificate's SAN extension holds, canonical for comparison. */
export function certificateSans(cert: x509.X509Certificate): SubjectAltNames {
  const ext = cert.getExtension(x509.SubjectAlternativeNameExtension);
  const sans: SubjectAltNames = { dns: [], ips: [] };
  for (const name of ext?.names.toJSON() ?? []) {
    if (name.type === 'dns') sans.dns.push(canonicalDns(name.value));
    else if (name.type === 'ip') sans.ips.push(canonicalIp(name.value));
  }
  return sans;
}

/** The SANs in `wanted` that `cert` lacks. */
export function missingSans(cert: x509.X509Certificate, wanted: SubjectAltNames): string[] {
  const have = certificateSans(cert);
  return [
    ...wanted.dns.filter((name) => !have.dns.includes(canonicalDns(name))),
    ...wanted.ips.filter((ip) => !have.ips.includes(canonicalIp(ip))),
  ];
}

/** Whether `cert` was signed by `ca` (issuer name and signature both checked). */
export async function isIssuedBy(cert: x509.X509Certificate, ca: x509.X509Certificate): Promise<boolean> {
  if (cert.issuer !== ca.subject) return false;
  return cert.verify({ publicKey: ca.publicKey, signatureOnly: true });
}
