import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDurationMs, parseLabels, parseTaints } from './parse.js';

test('labels: k=v lists, empty values allowed, bad entries rejected', () => {
  assert.deepEqual(parseLabels('zone=a, tier=,gpu=true'), { zone: 'a', tier: '', gpu: 'true' });
  assert.deepEqual(parseLabels(undefined), {});
  assert.throws(() => parseLabels('novalue'), /invalid label "novalue"/);
});

test('taints: kubectl taint syntax with and without a value', () => {
  assert.deepEqual(parseTaints('dedicated=gpu:NoSchedule,maintenance:NoExecute'), [
    { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' },
    { key: 'maintenance', effect: 'NoExecute' },
  ]);
  assert.throws(() => parseTaints('k=v'), /expected key\[=value\]:Effect/);
  assert.throws(() => parseTaints('k=v:Sometimes'), /invalid taint effect "Sometimes"/);
});

test('durations: Go units, combinations and bare seconds', () => {
  assert.equal(parseDurationMs('500ms'), 500);
  assert.equal(parseDurationMs('1.5s'), 1500);
  assert.equal(parseDurationMs('1m30s'), 90_000);
  assert.equal(parseDurationMs('2'), 2000);
  assert.equal(parseDurationMs('2x'), undefined);
  assert.equal(parseDurationMs(''), undefined);
});
