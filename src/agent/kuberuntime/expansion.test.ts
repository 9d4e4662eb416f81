import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expand, expandCommandAndArgs, expandSubPathExpr, mappingFor } from './expansion.js';

const env = new Map([['VAR_A', 'A'], ['VAR_B', 'B'], ['EMPTY', '']]);
const m = mappingFor(env);

test('$(VAR) expansion follows Kubernetes\' cases', () => {
  const cases: [string, string][] = [
    ['$(VAR_A)', 'A'],
    ['___$(VAR_B)___', '___B___'],
    ['$(VAR_A)-$(VAR_A)', 'A-A'],
    ['$(VAR_A)$(VAR_B)', 'AB'],
    ['$(EMPTY)', ''],
    ['$(UNKNOWN)', '$(UNKNOWN)'],
    ['$$(VAR_A)', '$(VAR_A)'],
    ['$$$(VAR_A)', '$A'],
    ['$$$$(VAR_A)', '$$(VAR_A)'],
    ['foo$$bar', 'foo$bar'],
    ['$(VAR_A', '$(VAR_A'],
    ['$VAR_A', '$VAR_A'],
    ['$', '$'],
    ['x$', 'x$'],
    ['$()', '$()'],
    ['$(VAR_A)$', 'A$'],
    ['(VAR_A)', '(VAR_A)'],
    ['$(VAR_A)(VAR_B)', 'A(VAR_B)'],
  ];
  for (const [input, want] of cases) assert.equal(expand(input, m), want, input);
});

test('command and args are expanded; absent ones stay absent', () => {
  assert.deepEqual(expandCommandAndArgs(['sh', '-c', 'echo $(VAR_A)'], undefined, env), { command: ['sh', '-c', 'echo $(VAR_A)'.replace('$(VAR_A)', 'A')] });
  assert.deepEqual(expandCommandAndArgs(undefined, ['$(VAR_B)', '$$(VAR_B)'], env), { args: ['B', '$(VAR_B)'] });
});

test('subPathExpr: every variable must have a non-empty value', () => {
  assert.equal(expandSubPathExpr('logs/$(VAR_A)', env), 'logs/A');
  assert.throws(() => expandSubPathExpr('$(NOPE)/$(EMPTY)', env), { message: 'missing value for EMPTY, NOPE' });
});
