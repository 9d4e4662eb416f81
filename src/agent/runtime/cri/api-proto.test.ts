import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { CRI_API_PROTO } from './api-proto.js';
import { EMBEDDED_SOURCE, PROTO_SOURCE, renderEmbedded } from './embed-api-proto.js';

test('api-proto.ts embeds the current api.proto', () => {
  const proto = readFileSync(PROTO_SOURCE, 'utf8');
  assert.equal(CRI_API_PROTO, proto, 'api-proto.ts is stale: run node dist/src/agent/runtime/cri/embed-api-proto.js');
  assert.equal(readFileSync(EMBEDDED_SOURCE, 'utf8'), renderEmbedded(proto));
});
