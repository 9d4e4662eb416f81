/// <reference types="node" />
// The shared Store conformance suite, plus etcd-specific behaviour, against a real etcd (one per file).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runStoreConformance } from '../conformance.js';
import { collect, dec, enc, expectCode } from '../conformance-helpers.js';
import { startEtcd, type RunningEtcd } from '../../../test/util/etcd.js';
import { openEtcdStore, type EtcdStoreOptions } from './etcd-store.js';
import type { Store } from '../store.js';

let etcd: Promise<RunningEtcd> | undefined;
const sharedEtcd = (): Promise<RunningEtcd> => (etcd ??= startEtcd());
after(async () => {
  if (etcd) await (await etcd).stop();
});

let caseNumber = 0;
async function openShared(opts: EtcdStoreOptions = {}): Promise<Store> {
  const { endpoint } = await sharedEtcd();
  return openEtcdStore(endpoint, { prefix: `/kite-test-${++caseNumber}`, ...opts });
}

runStoreConformance('etcd', async () => {
  const store = await openShared();
  return { store, cleanup: () => store.close() };
});
