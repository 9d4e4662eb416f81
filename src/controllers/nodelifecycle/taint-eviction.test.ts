import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { FakeClock } from '../../client/clock.js';
import { NODES, PODS } from '../../client/resources.js';
import { TaintEvictionController } from './taint-eviction.js';
import { TAINT_UNREACHABLE } from './taints.js';
import { readyNode, runningPod, startWorld, until } from './testing.js';

const unreachable = { key: TAINT_UNREACHABLE, effect: 'NoExecute', timeAdded: '2024-01-01T00:00:00Z' };
const tolerate = (seconds?: number) => [{ key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute', ...(seconds === undefined ? {} : { tolerationSeconds: seconds }) }];

test('pods on a NoExecute-tainted node: untolerated go at once, tolerationSeconds later, unbounded never; removal cancels', async () => {
  const world = await startWorld();
  const clock = new FakeClock(Date.UTC(2024, 0, 1));
  const { client } = world;
  const exists = (name: string): Promise<boolean> => client.get<Pod>(PODS, 'default', name).then(() => true, () => false);
  try {
    await client.create(NODES, undefined, readyNode('bad', undefined, [unreachable]));
    await client.create(NODES, undefined, readyNode('flaky', undefined, [unreachable]));
    await client.create(PODS, 'default', runningPod('now', 'bad'));
    await client.create(PODS, 'default', runningPod('later', 'bad', tolerate(30)));
    await client.create(PODS, 'default', runningPod('never', 'bad', tolerate()));
    await client.create(PODS, 'default', runningPod('saved', 'flaky', tolerate(60)));
    await until('caches', () => world.pods.indexer.size === 4 && world.nodes.indexer.size === 2);
    const controller = new TaintEvictionController({ client, nodeInformer: world.nodes, podInformer: world.pods, recorder: world.recorder, clock });
    void controller.run(world.abort.signal, 2);

    await until('untolerated pod deleted', async () => !(await exists('now')));
    await until('countdowns scheduled', () => controller.scheduled.size === 2);
    assert.ok(await exists('later'));
    assert.ok(world.events.includes('Normal TaintManagerEviction now: Marking for deletion Pod default/now'));
    const disrupted = client.actions.find((a) => a.verb === 'patch' && a.name === 'now' && a.subresource === 'status');
    assert.match(JSON.stringify(disrupted?.object), /DeletionByTaintManager/);

    clock.step(10_000);
    const flaky = await client.get<Node>(NODES, undefined, 'flaky');
    await client.update(NODES, undefined, { ...flaky, spec: { taints: [] } });
    await until('eviction cancelled', () => !controller.scheduled.has('default/saved'));
    assert.ok(world.events.includes('Normal TaintManagerEviction saved: Cancelling deletion of Pod default/saved'));

    clock.step(19_000);
    await new Promise((r) => setTimeout(r, 30));
    assert.ok(await exists('later'), 'not before tolerationSeconds');
    clock.step(1_000);
    await until('tolerating pod deleted after 30 s', async () => !(await exists('later')));
    assert.ok(await exists('never'));
    assert.ok(await exists('saved'));
  } finally {
    world.abort.abort();
  }
});
