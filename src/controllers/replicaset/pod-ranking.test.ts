import assert from 'node:assert/strict';
import { test } from 'node:test';
import { podsToDelete } from './pod-ranking.js';
import { newPod } from './testing.js';
import type { Pod } from './types.js';

const NOW = Date.UTC(2024, 0, 2);
const names = (pods: Pod[]): string[] => pods.map((p) => p.metadata?.name ?? '');

test('unassigned < pending < unknown < running; not ready < ready', () => {
  const pods = [
    newPod('ready', { nodeName: 'n', ready: true }),
    newPod('running', { nodeName: 'n' }),
    newPod('unknown', { nodeName: 'n', phase: 'Unknown' }),
    newPod('pending', { nodeName: 'n', phase: 'Pending' }),
    newPod('unassigned', { phase: 'Pending' }),
  ];
  assert.deepEqual(names(podsToDelete(pods, [], 4, NOW)), ['unassigned', 'pending', 'unknown', 'running']);
});

test('a lower pod-deletion-cost goes first', () => {
  const cheap = newPod('cheap', { nodeName: 'n', ready: true });
  cheap.metadata!.annotations = { 'controller.kubernetes.io/pod-deletion-cost': '-10' };
  const dear = newPod('dear', { nodeName: 'n', ready: true });
  dear.metadata!.annotations = { 'controller.kubernetes.io/pod-deletion-cost': '100' };
  assert.deepEqual(names(podsToDelete([dear, cheap], [], 1, NOW)), ['cheap']);
});

test('pods doubled up on a node go before pods alone on theirs', () => {
  const alone = newPod('alone', { nodeName: 'a', ready: true });
  const crowdedA = newPod('crowded', { nodeName: 'b', ready: true });
  const sibling = newPod('sibling', { nodeName: 'b', ready: true });
  assert.deepEqual(names(podsToDelete([alone, crowdedA], [alone, crowdedA, sibling], 1, NOW)), ['crowded']);
});

test('recently ready before long ready; ready times in the same power-of-two age bucket tie, then restarts decide', () => {
  const longReady = newPod('long', { nodeName: 'n', ready: true, readySince: NOW - 10 * 86400_000 });
  const recent = newPod('recent', { nodeName: 'n', ready: true, readySince: NOW - 60_000 });
  assert.deepEqual(names(podsToDelete([longReady, recent], [], 1, NOW)), ['recent']);

  const restarts = newPod('restarts', { nodeName: 'n', restarts: 5, created: NOW - 1000 });
  const calm = newPod('calm', { nodeName: 'n', restarts: 0, created: NOW - 1000 });
  assert.deepEqual(names(podsToDelete([calm, restarts], [], 1, NOW)), ['restarts']);
});

test('younger before older when creation ages differ by more than a factor of two', () => {
  const old = newPod('old', { nodeName: 'n', created: NOW - 86400_000 });
  const young = newPod('young', { nodeName: 'n', created: NOW - 10_000 });
  assert.deepEqual(names(podsToDelete([old, young], [], 1, NOW)), ['young']);
});

test('asking for as many as there are returns them all', () => {
  const pods = [newPod('a'), newPod('b')];
  assert.equal(podsToDelete(pods, [], 3, NOW).length, 2);
});
