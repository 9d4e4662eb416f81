/// <reference types="node" />
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildClientOptions, neverReachedServer, parseEndpoints } from './etcd-options.js';

describe('parseEndpoints', () => {
  it('accepts http, https, etcd:// (meaning http) and bare host:port, comma-separated', () => {
    assert.deepEqual(parseEndpoints('http://127.0.0.1:2379'), { hosts: ['http://127.0.0.1:2379'], secure: false });
    assert.deepEqual(parseEndpoints('etcd://10.0.0.1:4001, etcd://10.0.0.2:4001'),
      { hosts: ['http://10.0.0.1:4001', 'http://10.0.0.2:4001'], secure: false });
    assert.deepEqual(parseEndpoints('localhost:2379'), { hosts: ['http://localhost:2379'], secure: false });
    assert.deepEqual(parseEndpoints('https://a.example:2379,https://b.example/'),
      { hosts: ['https://a.example:2379', 'https://b.example:2379'], secure: true });
    assert.deepEqual(parseEndpoints('http://[::1]:2379'), { hosts: ['http://[::1]:2379'], secure: false });
    assert.deepEqual(parseEndpoints('https://h:443'), { hosts: ['https://h:443'], secure: true });
  });

  it('rejects empty lists, other schemes, paths and mixed http/https', () => {
    assert.throws(() => parseEndpoints(' , '), /empty/);
    assert.throws(() => parseEndpoints('unix:///run/etcd.sock'), /scheme/);
    assert.throws(() => parseEndpoints('http://h:2379/v3'), /path/);
    assert.throws(() => parseEndpoints('http://a:2379,https://b:2379'), /mix/);
  });
});

describe('buildClientOptions', () => {
  let dir = '';
  const file = (name: string): string => join(dir, name);
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kite-etcd-opts-'));
    writeFileSync(file('ca.pem'), 'CA PEM');
    writeFileSync(file('cert.pem'), 'CERT PEM');
    writeFileSync(file('key.pem'), 'KEY PEM');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const timing = { requestTimeoutMs: 1000 };

  it('reads the CA, certificate and key files into etcd3 credentials for https endpoints', () => {
    const o = buildClientOptions('https://h:2379', { caFile: file('ca.pem'), certFile: file('cert.pem'), keyFile: file('key.pem') }, timing);
    assert.deepEqual(o.hosts, ['https://h:2379']);
    assert.equal(o.credentials?.rootCertificate.toString(), 'CA PEM');
    assert.equal(o.credentials?.certChain?.toString(), 'CERT PEM');
    assert.equal(o.credentials?.privateKey?.toString(), 'KEY PEM');
  });

  it('uses the system roots when only a client certificate is given, and none for plain https', () => {
    const o = buildClientOptions('https://h:2379', { certFile: file('cert.pem'), keyFile: file('key.pem') }, timing);
    assert.match(o.credentials?.rootCertificate.toString() ?? '', /BEGIN CERTIFICATE/);
    assert.equal(buildClientOptions('https://h:2379', {}, timing).credentials, undefined);
  });

  it('refuses half a key pair, TLS files with http endpoints, and unreadable files', () => {
    assert.throws(() => buildClientOptions('https://h:2379', { certFile: file('cert.pem') }, timing), /together/);
    assert.throws(() => buildClientOptions('http://h:2379', { caFile: file('ca.pem') }, timing), /https/);
    assert.throws(() => buildClientOptions('https://h:2379', { caFile: file('missing.pem') }, timing), /ENOENT/);
  });

  it('sets a deadline on unary calls only, never on watch streams', () => {
    const o = buildClientOptions('http://h:2379', {}, timing);
    const factory = o.defaultCallOptions;
    assert.equal(typeof factory, 'function');
    if (typeof factory !== 'function') return;
    const unary = factory({ service: 'KV', method: 'range', params: {}, isStream: false });
    assert.ok(typeof unary.deadline === 'number' && unary.deadline > Date.now());
    assert.equal(factory({ service: 'Watch', method: 'watch', isStream: true }).deadline, undefined);
  });

  it('treats only never-sent requests as safe to retry on another member', () => {
    assert.equal(neverReachedServer(new Error('14 UNAVAILABLE: No connection established. Last error: ECONNREFUSED')), true);
    assert.equal(neverReachedServer(new Error('14 UNAVAILABLE: Connection dropped')), false);
    assert.equal(neverReachedServer(new Error('4 DEADLINE_EXCEEDED: Deadline exceeded')), false);
  });
});
