import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Secret } from 'kubernetes-types/core/v1.js';
import { credentialsForImage, credentialsFromSecret } from './pull-secrets.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

test('dockerconfigjson and dockercfg secrets, matched by registry and longest path', () => {
  const json: Secret = {
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': b64(JSON.stringify({ auths: {
      'https://index.docker.io/v1/': { auth: b64('hub:pw') },
      'registry.example': { username: 'all', password: 'x' },
      'registry.example/team': { username: 'team', password: 'y' },
    } })) },
  };
  const legacy: Secret = { type: 'kubernetes.io/dockercfg', data: { '.dockercfg': b64(JSON.stringify({ '127.0.0.1:5000': { username: 'local', password: 'z' } })) } };
  const creds = [...credentialsFromSecret(json), ...credentialsFromSecret(legacy), ...credentialsFromSecret({ type: 'Opaque', data: { x: b64('{') } })];
  assert.equal(creds.length, 4);
  assert.deepEqual(credentialsForImage('busybox', creds), [{ username: 'hub', password: 'pw', auth: b64('hub:pw') }]);
  assert.deepEqual(credentialsForImage('registry.example/team/app:1', creds).map((a) => a.username), ['team', 'all']);
  assert.deepEqual(credentialsForImage('registry.example/other/app@sha256:abc', creds).map((a) => a.username), ['all']);
  assert.deepEqual(credentialsForImage('127.0.0.1:5000/app:2', creds).map((a) => a.username), ['local']);
  assert.deepEqual(credentialsForImage('quay.io/app', creds), []);
  assert.deepEqual(credentialsFromSecret({ type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('not json') } }), []);
});
