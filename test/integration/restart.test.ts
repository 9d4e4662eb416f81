// A restart keeps everything: objects, resourceVersions, the CA (the old kubeconfig still works).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startKiteServer } from '../util/kite-server.js';

describe('kite server restart', () => {
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    it(`keeps objects and certificates across a stop by ${signal}`, async () => {
      const first = await startKiteServer();
      let second: Awaited<ReturnType<typeof startKiteServer>> | undefined;
      try {
        let r = await first.kubectl(['create', 'namespace', 'keep']);
        assert.equal(r.code, 0, r.stderr);
        r = await first.kubectl(['-n', 'keep', 'create', 'configmap', 'settings', '--from-literal=color=blue']);
        assert.equal(r.code, 0, r.stderr);
        r = await first.kubectl(['-n', 'keep', 'get', 'configmap', 'settings', '-o', 'jsonpath={.metadata.resourceVersion} {.metadata.uid}']);
        const before = r.stdout;
        const caBefore = await readFile(join(first.dataDir, 'tls', 'server-ca.crt'), 'utf8');

        await first.stop({ cleanup: false, signal });
        second = await startKiteServer({ dataDir: first.dataDir, port: first.port });

        assert.equal(await readFile(join(second.dataDir, 'tls', 'server-ca.crt'), 'utf8'), caBefore, 'the CA is reused');
        // The kubeconfig written by the first run is still valid against the second.
        r = await second.kubectl(['--kubeconfig', first.kubeconfig, '-n', 'keep', 'get', 'configmap', 'settings', '-o', 'jsonpath={.metadata.resourceVersion} {.metadata.uid}']);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, before, 'same resourceVersion and uid');

        r = await second.kubectl(['-n', 'keep', 'get', 'configmap', 'settings', '-o', 'jsonpath={.data.color}']);
        assert.equal(r.stdout, 'blue');
        // New writes continue the revision sequence.
        r = await second.kubectl(['-n', 'keep', 'label', 'configmap', 'settings', 'after=restart']);
        assert.equal(r.code, 0, r.stderr);
        r = await second.kubectl(['-n', 'keep', 'get', 'configmap', 'settings', '-o', 'jsonpath={.metadata.resourceVersion}']);
        assert.ok(Number(r.stdout) > Number(before.split(' ')[0]), 'resourceVersion keeps increasing');
      } finally {
        await second?.stop();
        await first.stop();
      }
    });
  }
});
