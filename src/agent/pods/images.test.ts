import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { FakeClock } from '../../client/clock.js';
import { FakeRuntime } from '../runtime/fake-runtime.js';
import { RuntimeError } from '../runtime/runtime.js';
import { Backoff } from './backoff.js';
import { ImageManager, ImagePullError } from './images.js';

const pod: Pod = { metadata: { name: 'p', namespace: 'default', uid: 'u1' }, spec: { containers: [] } };
const ref = { kind: 'Pod', name: 'p', namespace: 'default' };

function setup() {
  const runtime = new FakeRuntime();
  const clock = new FakeClock();
  const events: string[] = [];
  const images = new ImageManager(runtime, (_r, _t, reason, message) => events.push(`${reason}: ${message}`), new Backoff(clock));
  const pulls = () => runtime.calls.filter((c) => c.method === 'pullImage').map((c) => c.args[1]);
  return { runtime, clock, events, images, pulls };
}

const fail = (what: string) => new RuntimeError('Unknown', what, 'PullImage');

describe('ImageManager pulls', () => {
  test('with matching credentials, each is tried and there is no anonymous attempt; all errors are reported', async () => {
    const h = setup();
    h.runtime.failNext('pullImage', fail('401 Unauthorized (first)'));
    h.runtime.failNext('pullImage', fail('401 Unauthorized (second)'));
    const auths = [{ username: 'a', password: '1' }, { username: 'b', password: '2' }];
    await assert.rejects(h.images.ensureImage(pod, { name: 'app', image: 'reg.example/app:1' }, ref, auths), (err: unknown) => {
      assert.ok(err instanceof ImagePullError);
      assert.equal(err.reason, 'ErrImagePull');
      assert.equal(err.message, '[PullImage: 401 Unauthorized (first), PullImage: 401 Unauthorized (second)]');
      return true;
    });
    assert.deepEqual(h.pulls(), auths);
  });

  test('the second credential may succeed; without credentials the pull is anonymous', async () => {
    const h = setup();
    h.runtime.failNext('pullImage', fail('401 Unauthorized'));
    await h.images.ensureImage(pod, { name: 'app', image: 'reg.example/app:1' }, ref, [{ username: 'a' }, { username: 'b' }]);
    assert.deepEqual(h.pulls(), [{ username: 'a' }, { username: 'b' }]);
    await h.images.ensureImage(pod, { name: 'app', image: 'reg.example/other:1' }, ref, []);
    assert.deepEqual(h.pulls().slice(2), [undefined]);
  });

  test('ImagePullBackOff repeats the last pull error until a new attempt is made', async () => {
    const h = setup();
    h.runtime.failNext('pullImage', fail('not found'));
    const c = { name: 'app', image: 'reg.example/app:2' };
    await assert.rejects(h.images.ensureImage(pod, c, ref, []), { reason: 'ErrImagePull', message: 'PullImage: not found' });
    await assert.rejects(h.images.ensureImage(pod, c, ref, []), { reason: 'ImagePullBackOff', message: 'Back-off pulling image "reg.example/app:2": ErrImagePull: PullImage: not found' });
    assert.ok(h.events.includes('BackOff: Back-off pulling image "reg.example/app:2"'), 'the event keeps the short message');
    h.clock.step(10_001);
    await h.images.ensureImage(pod, c, ref, []);
    assert.equal(h.pulls().length, 2);
  });
});
