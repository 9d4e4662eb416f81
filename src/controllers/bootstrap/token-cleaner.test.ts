import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../apimachinery/meta.js';
import { FakeClient } from '../../client/fake/fake-client.js';
import { Indexer } from '../../client/indexer.js';
import { Lister } from '../../client/lister.js';
import { bootstrapTokenSecret } from '../../server/join-token.js';
import { TokenCleaner, tokenExpiry } from './token-cleaner.js';

test('expired bootstrap tokens are deleted; others stay', async () => {
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  const expiring = bootstrapTokenSecret({ tokenId: 'aaaaaa', tokenSecret: '0123456789abcdef', expiration: new Date(t0 + 3600_000) });
  const forever = bootstrapTokenSecret({ tokenId: 'bbbbbb', tokenSecret: '0123456789abcdef' });
  assert.equal(tokenExpiry(expiring), t0 + 3600_000);
  assert.equal(tokenExpiry(forever), Infinity);

  const indexer = new Indexer<KubeObject>();
  for (const s of [expiring, forever]) indexer.set(`kube-system/${s.metadata.name}`, s);
  let now = t0;
  const clock = { now: () => now, setTimeout: () => 0 as never, clearTimeout: () => undefined };
  const client = new FakeClient();
  const cleaner = new TokenCleaner(client, new Lister(indexer), clock as never);
  const deletes = (): string[] => client.actions.filter((a) => a.verb === 'delete').map((a) => a.name!);
  await cleaner.sync('bootstrap-token-aaaaaa');
  assert.deepEqual(deletes(), [], 'not yet expired');
  now = t0 + 3600_001;
  await cleaner.sync('bootstrap-token-aaaaaa'); // NotFound from the fake counts as done
  await cleaner.sync('bootstrap-token-bbbbbb');
  assert.deepEqual(deletes(), ['bootstrap-token-aaaaaa']);
});
