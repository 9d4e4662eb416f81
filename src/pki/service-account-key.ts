// The ServiceAccount token keys: a signing key created on first start under DATA_DIR/tls and
// reused after, and every public key ever used kept in a bundle, so that tokens signed before a
// rotation still verify until they expire.
//
// RSA 2048 / RS256 by default, as kube-apiserver deployments (kubeadm's sa.key) use: it is the one
// algorithm every consumer of Kubernetes tokens accepts (cloud workload identity federation, Vault,
// OIDC libraries), and verification, which runs on every request, is cheaper with RSA than with
// ECDSA. The cost, a slower key generation, is paid once. A user may bring an EC key instead
// (P-256/384/521 -> ES256/384/512), as Kubernetes allows.
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { type CryptoKey, exportPKCS8, exportSPKI, generateKeyPair, importPKCS8, importSPKI } from 'jose';
import { ensurePrivateDir, PRIVATE_FILE_MODE, PUBLIC_FILE_MODE, readIfExists, writeFileAtomic } from './files.js';

/** The private signing key (PKCS#8 PEM, 0600), like kube-apiserver's --service-account-signing-key-file. */
export const SERVICE_ACCOUNT_KEY_FILE = 'service-account.key';
/** Every public key tokens may be signed with (PEM bundle), like --service-account-key-file. */
export const SERVICE_ACCOUNT_PUBLIC_KEYS_FILE = 'service-account.pub';

export type TokenAlgorithm = 'RS256' | 'ES256' | 'ES384' | 'ES512';

export interface VerificationKey {
  /** Kubernetes' key id: unpadded base64url of the SHA-256 of the public key's DER (SPKI). */
  kid: string;
  alg: TokenAlgorithm;
  key: CryptoKey;
  spkiPem: string;
}

export interface SigningKey {
  kid: string;
  alg: TokenAlgorithm;
  key: CryptoKey;
}

export interface ServiceAccountKeys {
  keyPath: string;
  publicKeysPath: string;
  signing: SigningKey;
  /** The signing key's public half first, then older keys in the order they were added. */
  verification: VerificationKey[];
  /** True when this call created the signing key. */
  generated: boolean;
}

const CURVE_ALGORITHMS: Record<string, TokenAlgorithm> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' };

function algorithmOf(key: KeyObject): TokenAlgorithm {
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (key.asymmetricKeyType === 'ec') {
    const alg = CURVE_ALGORITHMS[key.asymmetricKeyDetails?.namedCurve ?? ''];
    if (alg) return alg;
    throw new Error(`unsupported EC curve ${key.asymmetricKeyDetails?.namedCurve} for service account tokens`);
  }
  throw new Error(`unsupported key type ${key.asymmetricKeyType} for service account tokens (RSA or EC)`);
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('base64url');
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]+?-----END \1-----/g;

/** Public keys from a PEM bundle: PUBLIC KEY, RSA PUBLIC KEY and CERTIFICATE blocks (Node reads all three). */
export async function parsePublicKeyBundle(text: string): Promise<VerificationKey[]> {
  const keys: VerificationKey[] = [];
  for (const block of text.match(PEM_BLOCK) ?? []) {
    const publicKey = createPublicKey(block);
    const kid = keyIdOf(publicKey);
    if (keys.some((k) => k.kid === kid)) continue;
    const alg = algorithmOf(publicKey);
    const spkiPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    keys.push({ kid, alg, spkiPem, key: await importSPKI(spkiPem, alg) });
  }
  return keys;
}

async function loadSigningKey(pem: string, path: string): Promise<{ signing: SigningKey; spkiPem: string }> {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (err) {
    // Never replace it silently: every token it signed would stop working without a word.
    throw new Error(`service account key ${path} is unreadable (${(err as Error).message}); fix it, or remove it to create a new one`);
  }
  const alg = algorithmOf(privateKey);
  const publicKey = createPublicKey(privateKey);
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return {
    signing: { kid: keyIdOf(publicKey), alg, key: await importPKCS8(pkcs8, alg) },
    spkiPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

async function createSigningKey(keyPath: string): Promise<string> {
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const pem = await exportPKCS8(privateKey);
  await writeFileAtomic(keyPath, pem.endsWith('\n') ? pem : `${pem}\n`, PRIVATE_FILE_MODE);
  return pem;
}

/** Adds the public key to the bundle unless present; returns the bundle's keys, `first` leading. */
async function recordPublicKey(publicKeysPath: string, spkiPem: string): Promise<VerificationKey[]> {
  const text = (await readIfExists(publicKeysPath)) ?? '';
  let keys = await parsePublicKeyBundle(text);
  const [current] = await parsePublicKeyBundle(spkiPem);
  if (!keys.some((k) => k.kid === current!.kid)) {
    const separator = text === '' || text.endsWith('\n') ? '' : '\n';
    await writeFileAtomic(publicKeysPath, `${text}${separator}${spkiPem.trimEnd()}\n`, PUBLIC_FILE_MODE);
    keys = [...keys, current!];
  }
  return [current!, ...keys.filter((k) => k.kid !== current!.kid)];
}

/**
 * Loads DATA_DIR/tls/service-account.key, creating it (RSA 2048) on first start, and makes sure its
 * public key is in service-account.pub next to the public keys of earlier signing keys.
 */
export async function ensureServiceAccountKeys(dataDir: string): Promise<ServiceAccountKeys> {
  const dir = join(dataDir, 'tls');
  await ensurePrivateDir(dir);
  const keyPath = join(dir, SERVICE_ACCOUNT_KEY_FILE);
  const publicKeysPath = join(dir, SERVICE_ACCOUNT_PUBLIC_KEYS_FILE);
  let pem = await readIfExists(keyPath);
  const generated = pem === undefined;
  pem ??= await createSigningKey(keyPath);
  const { signing, spkiPem } = await loadSigningKey(pem, keyPath);
  const verification = await recordPublicKey(publicKeysPath, spkiPem);
  return { keyPath, publicKeysPath, signing, verification, generated };
}

/**
 * Replaces the signing key with a new one; the old public key stays in service-account.pub, so its
 * tokens keep verifying until they expire (remove it from the bundle to revoke them all). A running
 * server picks the new key up on its next start.
 */
export async function rotateServiceAccountKey(dataDir: string): Promise<ServiceAccountKeys> {
  const dir = join(dataDir, 'tls');
  await ensurePrivateDir(dir);
  const publicKeysPath = join(dir, SERVICE_ACCOUNT_PUBLIC_KEYS_FILE);
  const keyPath = join(dir, SERVICE_ACCOUNT_KEY_FILE);
  const old = await readIfExists(keyPath);
  // The outgoing public key must be in the bundle before its private half disappears.
  if (old !== undefined) await recordPublicKey(publicKeysPath, (await loadSigningKey(old, keyPath)).spkiPem);
  await createSigningKey(keyPath);
  return { ...(await ensureServiceAccountKeys(dataDir)), generated: true };
}
