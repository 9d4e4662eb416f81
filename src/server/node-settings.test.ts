import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readNodeSettings, writeNodeSettings } from './node-settings.js';

test('node settings survive in the agent dir; missing or broken files read as the defaults', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kite-node-settings-'));
  try {
    assert.deepEqual(readNodeSettings(join(dir, 'agent')), {});
    await writeNodeSettings(join(dir, 'agent'), { podBridge: 'kex1', cgroupRoot: '/kite-x', podCidr: undefined });
    assert.deepEqual(readNodeSettings(join(dir, 'agent')), { podBridge: 'kex1', cgroupRoot: '/kite-x', podCidr: undefined });
    await writeFile(join(dir, 'agent', 'node-settings.json'), '{"podBridge": 7, "cgroupRoot": ""');
    assert.deepEqual(readNodeSettings(join(dir, 'agent')), {});
    await writeFile(join(dir, 'agent', 'node-settings.json'), '{"podBridge": 7, "cgroupRoot": ""}');
    assert.deepEqual(readNodeSettings(join(dir, 'agent')), { podBridge: undefined, cgroupRoot: undefined, podCidr: undefined });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
