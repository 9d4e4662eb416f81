// PKCS#10 certificate signing requests: the agent creates one (its key never leaves the machine),
// the API server checks it (certificates.k8s.io validation), and a signer turns it into a
// certificate signed by one of kite's CAs with the usages the CertificateSigningRequest asked for.
import { createPublicKey, verify } from 'node:crypto';
import { isIP } from 'node:net';
import * as x509 from './x509.js';
import { BACKDATE_MS, type CertificateAuthority } from './ca.js';
import { exportPrivateKeyPem, generateKeyPair, randomSerialNumber, signingAlgorithmFor, certificatePem } from './keys.js';

export interface CsrSubject {
  commonName: string;
  organizations: string[];
}

export interface CsrSans {
  dns: string[];
  ips: string[];
  emails: string[];
  uris: string[];
}

export interface ParsedCsr extends CsrSubject {
  request: x509.Pkcs10CertificateRequest;
  sans: CsrSans;
}

/** A new key pair and a CSR for it (PEM "CERTIFICATE REQUEST"); the key stays with the caller. */
export async function createCsr(subject: CsrSubject & { dns?: string[]; ips?: string[] }): Promise<{ csrPem: string; keyPem: string }> {
  const keys = await generateKeyPair();
  const names: x509.JsonGeneralName[] = [
    ...(subject.dns ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(subject.ips ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  const request = await x509.Pkcs10CertificateRequestGenerator.create({
    name: [...subject.organizations.map((o) => ({ O: [o] })), { CN: [subject.commonName] }],
    keys,
    signingAlgorithm: signingAlgorithmFor(keys.privateKey),
    extensions: names.length > 0 ? [new x509.SubjectAlternativeNameExtension(names)] : [],
  });
  return { csrPem: `${request.toString('pem')}\n`, keyPem: await exportPrivateKeyPem(keys.privateKey) };
}

/**
 * Reads a PEM CSR and checks its self-signature. Throws with Go's messages (certificates.ParseCSR,
 * CheckSignature), which validation reports as spec.request's error.
 */
export function parseCsr(pem: string): ParsedCsr {
  const match = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/.exec(pem);
  if (!match || match[1] !== 'CERTIFICATE REQUEST') throw new Error('PEM block type must be CERTIFICATE REQUEST');
  let request: x509.Pkcs10CertificateRequest;
  try {
    request = new x509.Pkcs10CertificateRequest(match[0]);
  } catch (err) {
    throw new Error(`asn1: structure error: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!signatureValid(request)) throw new Error(`x509: ${request.publicKey.algorithm.name === 'ECDSA' ? 'ECDSA' : 'RSA'} verification failure`);
  const sans: CsrSans = { dns: [], ips: [], emails: [], uris: [] };
  const ext = request.getExtension('2.5.29.17');
  if (ext) {
    for (const name of new x509.SubjectAlternativeNameExtension(ext.rawData).names.toJSON()) {
      if (name.type === 'dns') sans.dns.push(name.value);
      else if (name.type === 'ip') sans.ips.push(name.value);
      else if (name.type === 'email') sans.emails.push(name.value);
      else if (name.type === 'url') sans.uris.push(name.value);
    }
  }
  return {
    request,
    commonName: request.subjectName.getField('CN')[0] ?? '',
    organizations: request.subjectName.getField('O'),
    sans,
  };
}

/**
 * The CSR's self-signature, checked synchronously with node:crypto (validation is synchronous;
 * the library's verify() is async). tbs is private in the library's types but is the DER we need.
 */
function signatureValid(request: x509.Pkcs10CertificateRequest): boolean {
  try {
    const tbs = Buffer.from((request as unknown as { tbs: ArrayBuffer }).tbs);
    const key = createPublicKey({ key: Buffer.from(request.publicKey.rawData), format: 'der', type: 'spki' });
    const hash = request.signatureAlgorithm.hash?.name?.replace('-', '').toLowerCase() ?? 'sha256';
    return verify(hash, tbs, key, Buffer.from(request.signature));
  } catch {
    return false;
  }
}

/** certificates.k8s.io/v1 key usages -> X.509 key usage bits and extended key usages. */
const KEY_USAGES: Record<string, number> = {
  signing: x509.KeyUsageFlags.digitalSignature,
  'digital signature': x509.KeyUsageFlags.digitalSignature,
  'content commitment': x509.KeyUsageFlags.nonRepudiation,
  'key encipherment': x509.KeyUsageFlags.keyEncipherment,
  'key agreement': x509.KeyUsageFlags.keyAgreement,
  'data encipherment': x509.KeyUsageFlags.dataEncipherment,
  'cert sign': x509.KeyUsageFlags.keyCertSign,
  'crl sign': x509.KeyUsageFlags.cRLSign,
  'encipher only': x509.KeyUsageFlags.encipherOnly,
  'decipher only': x509.KeyUsageFlags.decipherOnly,
};
const EXT_KEY_USAGES: Record<string, string> = {
  any: '2.5.29.37.0',
  'server auth': x509.ExtendedKeyUsage.serverAuth,
  'client auth': x509.ExtendedKeyUsage.clientAuth,
  'code signing': x509.ExtendedKeyUsage.codeSigning,
  'email protection': x509.ExtendedKeyUsage.emailProtection,
  's/mime': x509.ExtendedKeyUsage.emailProtection,
  'ipsec end system': '1.3.6.1.5.5.7.3.5',
  'ipsec tunnel': '1.3.6.1.5.5.7.3.6',
  'ipsec user': '1.3.6.1.5.5.7.3.7',
  timestamping: x509.ExtendedKeyUsage.timeStamping,
  'ocsp signing': x509.ExtendedKeyUsage.ocspSigning,
  'microsoft sgc': '1.3.6.1.4.1.311.10.3.3',
  'netscape sgc': '2.16.840.1.113730.4.1',
};
export const VALID_USAGES = [...Object.keys(KEY_USAGES), ...Object.keys(EXT_KEY_USAGES)].sort();

export interface SignCsrOptions {
  usages: string[];
  /** Validity; capped at the CA's own expiry. */
  durationMs: number;
  now?: Date;
}

/** Signs the CSR's public key and subject (and SANs) with `ca`, as Kubernetes' csrsigning does. */
export async function signCsr(ca: CertificateAuthority, csr: ParsedCsr, opts: SignCsrOptions): Promise<string> {
  const now = opts.now ?? new Date();
  let keyUsage = 0;
  const extUsages: string[] = [];
  for (const usage of opts.usages) {
    if (KEY_USAGES[usage] !== undefined) keyUsage |= KEY_USAGES[usage]!;
    else if (EXT_KEY_USAGES[usage] !== undefined) extUsages.push(EXT_KEY_USAGES[usage]!);
    else throw new Error(`unsupported key usage: ${usage}`);
  }
  const names: x509.JsonGeneralName[] = [
    ...csr.sans.dns.map((value) => ({ type: 'dns' as const, value })),
    ...csr.sans.ips.map((value) => ({ type: 'ip' as const, value })),
    ...csr.sans.emails.map((value) => ({ type: 'email' as const, value })),
    ...csr.sans.uris.map((value) => ({ type: 'url' as const, value })),
  ];
  const notAfter = new Date(now.getTime() + opts.durationMs);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialNumber(),
    subject: csr.request.subjectName,
    issuer: ca.cert.subjectName,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: notAfter > ca.cert.notAfter ? ca.cert.notAfter : notAfter,
    publicKey: csr.request.publicKey,
    signingKey: ca.key,
    signingAlgorithm: signingAlgorithmFor(ca.key),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      ...(keyUsage ? [new x509.KeyUsagesExtension(keyUsage, true)] : []),
      ...(extUsages.length ? [new x509.ExtendedKeyUsageExtension(extUsages)] : []),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert.publicKey),
      ...(names.length ? [new x509.SubjectAlternativeNameExtension(names)] : []),
    ],
  });
  return certificatePem(cert);
}

/** Whether a string is an IP literal (SAN checks compare IPs and DNS names separately). */
export const isIpAddress = (value: string): boolean => isIP(value) !== 0;
