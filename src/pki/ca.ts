// A self-signed certificate authority: created once, then only ever loaded.
import * as x509 from './x509.js';
import {
  type CryptoKey,
  exportPrivateKeyPem,
  generateKeyPair,
  importPrivateKeyPem,
  privateKeyMatchesCertificate,
  randomSerialNumber,
  signingAlgorithmFor,
  certificatePem,
} from './keys.js';

export interface CertificateAuthority {
  cert: x509.X509Certificate;
  key: CryptoKey;
  certPem: string;
  keyPem: string;
}

export interface CreateCaOptions {
  /** The CN becomes `<namePrefix>@<unix seconds>`, like k3s, so a re-created CA is visibly new. */
  namePrefix?: string;
  validityDays?: number;
  now?: Date;
}

export const CA_VALIDITY_DAYS = 3650;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Certificates start a little in the past so a peer whose clock lags slightly still accepts them. */
export const BACKDATE_MS = 5 * 60 * 1000;

export async function createCa(options: CreateCaOptions = {}): Promise<CertificateAuthority> {
  const now = options.now ?? new Date();
  const keys = await generateKeyPair();
  const commonName = `${options.namePrefix ?? 'kite-ca'}@${Math.floor(now.getTime() / 1000)}`;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerialNumber(),
    name: [{ CN: [commonName] }],
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: new Date(now.getTime() + (options.validityDays ?? CA_VALIDITY_DAYS) * DAY_MS),
    keys,
    signingAlgorithm: signingAlgorithmFor(keys.privateKey),
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, key: keys.privateKey, certPem: certificatePem(cert), keyPem: await exportPrivateKeyPem(keys.privateKey) };
}

/** Loads a CA from PEM text; refuses a certificate that is not a CA or a key that does not match it. */
export async function loadCa(certPem: string, keyPem: string): Promise<CertificateAuthority> {
  const cert = new x509.X509Certificate(certPem);
  const constraints = cert.getExtension(x509.BasicConstraintsExtension);
  if (!constraints?.ca) throw new Error(`certificate ${cert.subject} is not a CA (basicConstraints CA:TRUE missing)`);
  if (!privateKeyMatchesCertificate(keyPem, cert)) {
    throw new Error(`private key does not match CA certificate ${cert.subject}`);
  }
  const key = await importPrivateKeyPem(keyPem);
  return { cert, key, certPem: certificatePem(cert), keyPem };
}

/** SHA-256 of the DER certificate, as hex: what `openssl x509 -fingerprint -sha256` shows, without colons. */
export async function fingerprint(cert: x509.X509Certificate): Promise<string> {
  return Buffer.from(await cert.getThumbprint('SHA-256')).toString('hex');
}
