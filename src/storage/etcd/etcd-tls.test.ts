/// <reference types="node" />
// The etcd store over TLS with client-certificate authentication (as kube-apiserver talks to etcd).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { collect, dec, enc, expectCode } from '../conformance-helpers.js';
import { startEtcd, type RunningEtcd } from '../../../test/util/etcd.js';
import { hasOpenssl, makeTestPki, type TestPki } from '../../../test/util/tls-certs.js';
import { openEtcdStore } from './etcd-store.js';

describe('etcd store over TLS', { skip: hasOpenssl() ? false : 'openssl not installed' }, () => {
  let pki: TestPki;
  let etcd: RunningEtcd;
  before(async () => {
    pki = makeTestPki();
    etcd = await startEtcd({ tls: { caFile: pki.caFile, certFile: pki.serverCertFile, keyFile: pki.serverKeyFile } });
  });
  after(async () => {
    await etcd?.stop();
    pki?.remove();
  });

  it('reads, writes and watches with the CA and a client certificate', async () => {
    assert.match(etcd.endpoint, /^https:\/\//);
    const s = await openEtcdStore(etcd.endpoint, { caFile: pki.caFile, certFile: pki.clientCertFile, keyFile: pki.clientKeyFile });
    try {
      const w = collect(s, '/tls/', await s.currentRevision());
      const kv = await s.create('/tls/a', enc('secret'));
      assert.equal(dec((await s.get('/tls/a'))!.value), 'secret');
      const [event] = await w.waitForCount(1);
      assert.equal(event.revision, kv.modRevision);
      w.cancel();
    } finally {
      await s.close();
    }
  });

  it('fails with Unavailable without a client certificate or with the wrong CA', async () => {
    await expectCode(openEtcdStore(etcd.endpoint, { caFile: pki.caFile, connectTimeoutMs: 500 }), 'Unavailable');
    await expectCode(openEtcdStore(etcd.endpoint, {
      caFile: pki.otherCaFile, certFile: pki.clientCertFile, keyFile: pki.clientKeyFile, connectTimeoutMs: 500,
    }), 'Unavailable');
  });

  it('fails with Unavailable when speaking plain http to the TLS port', async () => {
    await expectCode(openEtcdStore(etcd.endpoint.replace('https://', 'http://'), { connectTimeoutMs: 500 }), 'Unavailable');
  });
});
