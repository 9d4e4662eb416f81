import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, jwtVerify } from 'jose';
import { createCa } from './ca.js';
import {
  SERVICE_ACCOUNT_KEY_FILE,
  SERVICE_ACCOUNT_PUBLIC_KEYS_FILE,
  ensureServiceAccountKeys,
  parsePublicKeyBundle,
  rotateServiceAccountKey,
} from './service-account-key.js';

async function withDataDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'kite-sa-key-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const sign = (keys: Awaited<ReturnType<typeof ensureServiceAccountKeys>>) =>
  new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: keys.signing.alg, kid: keys.signing.kid }).sign(keys.signing.key);

test('first start creates an RSA signing key (0600) and a public key bundle (0644) under DATA_DIR/tls', async () => {
  await withDataDir(async (dir) => {
    const keys = await ensureServiceAccountKeys(dir);
    assert.equal(keys.generated, true);
    assert.equal(keys.keyPath, join(dir, 'tls', SERVICE_ACCOUNT_KEY_FILE));
    assert.equal(keys.publicKeysPath, join(dir, 'tls', SERVICE_ACCOUNT_PUBLIC_KEYS_FILE));
    assert.equal((await stat(keys.keyPath)).mode & 0o777, 0o600);
    assert.equal((await stat(keys.publicKeysPath)).mode & 0o777, 0o644);
    assert.match(await readFile(keys.keyPath, 'utf8'), /^-----BEGIN PRIVATE KEY-----\n/);
    assert.equal(keys.signing.alg, 'RS256');
    assert.match(keys.signing.kid, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(keys.verification.length, 1);
    assert.equal(keys.verification[0]!.kid, keys.signing.kid);
    const { payload } = await jwtVerify(await sign(keys), keys.verification[0]!.key);
    assert.equal(payload.sub, 'x');
  });
});

test('later starts reuse the key: same kid, tokens from before verify, the bundle does not grow', async () => {
  await withDataDir(async (dir) => {
    const first = await ensureServiceAccountKeys(dir);
    const token = await sign(first);
    const bundle = await readFile(first.publicKeysPath, 'utf8');
    const second = await ensureServiceAccountKeys(dir);
    assert.equal(second.generated, false);
    assert.equal(second.signing.kid, first.signing.kid);
    assert.equal(await readFile(second.publicKeysPath, 'utf8'), bundle);
    await jwtVerify(token, second.verification[0]!.key);
  });
});

test('rotation signs with a new key and keeps the old public key so older tokens still verify', async () => {
  await withDataDir(async (dir) => {
    const before = await ensureServiceAccountKeys(dir);
    const oldToken = await sign(before);
    const rotated = await rotateServiceAccountKey(dir);
    assert.notEqual(rotated.signing.kid, before.signing.kid);
    assert.deepEqual(rotated.verification.map((k) => k.kid), [rotated.signing.kid, before.signing.kid]);
    const restarted = await ensureServiceAccountKeys(dir);
    assert.equal(restarted.signing.kid, rotated.signing.kid);
    const oldKey = restarted.verification.find((k) => k.kid === before.signing.kid)!;
    await jwtVerify(oldToken, oldKey.key);
    await assert.rejects(jwtVerify(oldToken, restarted.verification[0]!.key));
  });
});

test('a key the user brings is used as is: EC P-256 signs ES256', async () => {
  await withDataDir(async (dir) => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await ensureServiceAccountKeys(dir); // creates tls/
    await rm(join(dir, 'tls', SERVICE_ACCOUNT_KEY_FILE));
    await writeFile(join(dir, 'tls', SERVICE_ACCOUNT_KEY_FILE), privateKey.export({ type: 'sec1', format: 'pem' }), { mode: 0o600 });
    const keys = await ensureServiceAccountKeys(dir);
    assert.equal(keys.generated, false);
    assert.equal(keys.signing.alg, 'ES256');
    assert.equal(keys.verification.length, 2, 'the replaced RSA key stays trusted');
    await jwtVerify(await sign(keys), keys.verification[0]!.key);
  });
});

test('an unreadable key is refused with advice, never replaced silently', async () => {
  await withDataDir(async (dir) => {
    await ensureServiceAccountKeys(dir);
    const path = join(dir, 'tls', SERVICE_ACCOUNT_KEY_FILE);
    await writeFile(path, 'not a key');
    await assert.rejects(ensureServiceAccountKeys(dir), /service account key .* is unreadable .*remove it to create a new one/);
    assert.equal(await readFile(path, 'utf8'), 'not a key');
  });
});

test('public key bundles may hold certificates and duplicates are read once', async () => {
  const ca = await createCa({ namePrefix: 'test' });
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const spki = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const keys = await parsePublicKeyBundle(`${spki}${ca.certPem}\n${spki}`);
  assert.deepEqual(keys.map((k) => k.alg), ['RS256', 'ES256']);
});
