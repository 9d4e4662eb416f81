import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { BOOTSTRAP_TOKEN, caBundleHash, formatJoinToken, newBootstrapToken, parseJoinToken } from './join-token.js';

test('K10 tokens: the CA hash is sha256 of the bundle text; id and secret are a bootstrap token', () => {
  const pem = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
  const caHash = caBundleHash(pem);
  assert.equal(caHash, createHash('sha256').update(pem).digest('hex'));
  const ids = newBootstrapToken();
  assert.match(`${ids.tokenId}.${ids.tokenSecret}`, BOOTSTRAP_TOKEN);
  const text = formatJoinToken({ caHash, ...ids });
  assert.equal(text, `K10${caHash}::${ids.tokenId}.${ids.tokenSecret}`);
  assert.deepEqual(parseJoinToken(`  ${text}\n`), { caHash, ...ids });
  assert.notEqual(newBootstrapToken().tokenSecret, ids.tokenSecret);
});

test('malformed tokens are refused with what is wrong', () => {
  assert.throws(() => parseJoinToken('abcdef.0123456789abcdef'), /not in the form K10<sha256 of the server CA>::<id>\.<secret>/);
  assert.throws(() => parseJoinToken(`K10${'a'.repeat(64)}::ABCDEF.0123456789abcdef`), /not a bootstrap token/);
  assert.throws(() => parseJoinToken(`K10${'a'.repeat(64)}::abcdef.short`), /not a bootstrap token/);
});
