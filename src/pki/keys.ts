// Key pairs, PKCS#8 PEM and signing parameters shared by the CA and certificate issuers.
import { createPrivateKey, createPublicKey, randomBytes, webcrypto } from 'node:crypto';
import * as x509 from './x509.js';

export type CryptoKey = webcrypto.CryptoKey;
export type CryptoKeyPair = webcrypto.CryptoKeyPair;

/** The algorithm kite generates: ECDSA P-256 is fast to create and accepted by every TLS client. */
export const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;

export async function generateKeyPair(): Promise<CryptoKeyPair> {
  return webcrypto.subtle.generateKey(EC_P256, true, ['sign', 'verify']);
}

export async function exportPrivateKeyPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return `${x509.PemConverter.encode(der, 'PRIVATE KEY')}\n`;
}

/** PEM text ending in a newline, like openssl writes, so files can be concatenated into bundles. */
export function certificatePem(cert: x509.X509Certificate): string {
  return `${cert.toString('pem')}\n`;
}

type ImportAlgorithm =
  | { name: 'ECDSA'; namedCurve: 'P-256' | 'P-384' | 'P-521' }
  | { name: 'RSASSA-PKCS1-v1_5'; hash: 'SHA-256' };

const CURVES: Record<string, 'P-256' | 'P-384' | 'P-521'> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
};

/**
 * Reads a PKCS#8 (or SEC1/PKCS#1, which Node converts) PEM private key as a signing CryptoKey.
 * The algorithm is taken from the key itself, so a CA a user brings (EC or RSA) loads too.
 */
export async function importPrivateKeyPem(pem: string): Promise<CryptoKey> {
  const keyObject = createPrivateKey(pem);
  let algorithm: ImportAlgorithm;
  if (keyObject.asymmetricKeyType === 'ec') {
    const curve = CURVES[keyObject.asymmetricKeyDetails?.namedCurve ?? ''];
    if (!curve) throw new Error(`unsupported EC curve ${keyObject.asymmetricKeyDetails?.namedCurve}`);
    algorithm = { name: 'ECDSA', namedCurve: curve };
  } else if (keyObject.asymmetricKeyType === 'rsa') {
    algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  } else {
    throw new Error(`unsupported private key type ${keyObject.asymmetricKeyType}`);
  }
  const der = keyObject.export({ format: 'der', type: 'pkcs8' });
  return webcrypto.subtle.importKey('pkcs8', der, algorithm, true, ['sign']);
}

export type SigningAlgorithm = { name: 'ECDSA'; hash: string } | { name: string };

/** Signature parameters matching a signing key: ECDSA needs the hash named; RSA carries it in the key. */
export function signingAlgorithmFor(key: CryptoKey): SigningAlgorithm {
  if (key.algorithm.name === 'ECDSA') {
    const curve = (key.algorithm as webcrypto.EcKeyAlgorithm).namedCurve;
    const hash = curve === 'P-384' ? 'SHA-384' : curve === 'P-521' ? 'SHA-512' : 'SHA-256';
    return { name: 'ECDSA', hash };
  }
  return { name: key.algorithm.name };
}

/** A positive 127-bit serial in hex, never starting with a zero byte (RFC 5280 4.1.2.2). */
export function randomSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x40;
  return bytes.toString('hex');
}

/** Whether a PEM private key is the partner of a certificate's public key (their SPKI encodings agree). */
export function privateKeyMatchesCertificate(keyPem: string, cert: x509.X509Certificate): boolean {
  const spki = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
  return spki.equals(Buffer.from(cert.publicKey.rawData));
}
