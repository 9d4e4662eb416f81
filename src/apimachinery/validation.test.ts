import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { StatusError } from './errors.js';
import { ErrorList, FieldError, GoLiteral, aggregateMessage, field, goQuote, root } from './validation.js';

describe('FieldPath', () => {
  it('prints children, indexes and keys like field.Path', () => {
    assert.equal(root('metadata').child('name').toString(), 'metadata.name');
    assert.equal(root('spec').child('containers').index(0).child('image').toString(), 'spec.containers[0].image');
    assert.equal(root('metadata').child('labels').key('a').toString(), 'metadata.labels[a]');
    assert.equal(root('spec', 'template', 'spec').toString(), 'spec.template.spec');
    assert.equal(root('a').child('b', 'c').index(2).index(3).key('k.x').child('d').toString(), 'a.b.c[2][3][k.x].d');
  });

  it('is immutable: children do not change their parent', () => {
    const meta = root('metadata');
    meta.child('name');
    assert.equal(meta.toString(), 'metadata');
  });
});

describe('FieldError messages', () => {
  const p = root('spec').child('replicas');
  const cases: [FieldError, string][] = [
    [field.required(p), 'spec.replicas: Required value'],
    [field.required(p, 'must be set'), 'spec.replicas: Required value: must be set'],
    [field.invalid(p, 'x', 'must be a number'), 'spec.replicas: Invalid value: "x": must be a number'],
    [field.invalid(p, -1, 'must be greater than or equal to 0'), 'spec.replicas: Invalid value: -1: must be greater than or equal to 0'],
    [field.invalid(p, true, 'no'), 'spec.replicas: Invalid value: true: no'],
    [field.invalid(p, null, 'no'), 'spec.replicas: Invalid value: null: no'],
    [field.invalid(p, ['a', 'b'], 'bad'), 'spec.replicas: Invalid value: []string{"a", "b"}: bad'],
    [field.invalid(p, [], 'bad'), 'spec.replicas: Invalid value: []string{}: bad'],
    [field.invalid(p, new GoLiteral('[]string(nil)'), 'bad'), 'spec.replicas: Invalid value: []string(nil): bad'],
    [field.invalid(p, { a: 1 }, 'bad'), 'spec.replicas: Invalid value: {"a":1}: bad'],
    [field.notSupported(p, 'Sometimes', ['Always', 'Never']), 'spec.replicas: Unsupported value: "Sometimes": supported values: "Always", "Never"'],
    [field.notSupported(p, 'x', []), 'spec.replicas: Unsupported value: "x"'],
    [field.duplicate(p, 'web'), 'spec.replicas: Duplicate value: "web"'],
    [field.forbidden(p, 'may not be set'), 'spec.replicas: Forbidden: may not be set'],
    [field.tooLong(p, 63), 'spec.replicas: Too long: may not be more than 63 bytes'],
    [field.tooLong(p, -1), 'spec.replicas: Too long: value is too long'],
    [field.tooMany(p, 5, 3), 'spec.replicas: Too many: 5: must have at most 3 items'],
    [field.tooMany(p, -1, 3), 'spec.replicas: Too many: must have at most 3 items'],
    [field.tooMany(p, 5, -1), 'spec.replicas: Too many: 5: has too many items'],
    [field.notFound(p, 'x'), 'spec.replicas: Not found: "x"'],
    [field.internal(p, new Error('boom')), 'spec.replicas: Internal error: boom'],
    [field.invalid(undefined, 'k', 'bad'), '<nil>: Invalid value: "k": bad'],
  ];
  for (const [err, message] of cases) {
    it(message, () => assert.equal(err.message, message));
  }

  it('quotes strings the way Go %q does', () => {
    assert.equal(goQuote('a"b\\c'), '"a\\"b\\\\c"');
    assert.equal(goQuote('tab\there\nnl'), '"tab\\there\\nnl"');
    assert.equal(goQuote('\u0001\u007f'), '"\\x01\\x7f"');
    assert.equal(goQuote('héllo ✓'), '"héllo ✓"');
  });
});

describe('ErrorList', () => {
  it('collects errors with chainable constructors and nested lists', () => {
    const inner = new ErrorList().required(root('a'));
    const errs = new ErrorList()
      .invalid(root('b'), 'x', 'bad')
      .add(inner, field.forbidden(root('c'), 'no'), [field.duplicate(root('d'), 1)])
      .notSupported(root('e'), 'z', ['y'])
      .tooLong(root('f'), 3)
      .tooMany(root('g'), 4, 2)
      .duplicate(root('h'), 'v')
      .forbidden(root('i'), 'nope')
      .required(root('j'), 'why');
    assert.equal(errs.length, 10);
    assert.equal(errs.isEmpty(), false);
    assert.deepEqual(
      [...errs].map((e) => e.type),
      [
        'FieldValueInvalid',
        'FieldValueRequired',
        'FieldValueForbidden',
        'FieldValueDuplicate',
        'FieldValueNotSupported',
        'FieldValueTooLong',
        'FieldValueTooMany',
        'FieldValueDuplicate',
        'FieldValueForbidden',
        'FieldValueRequired',
      ],
    );
  });

  it('toCauses gives reason, message without the field, and field', () => {
    const errs = new ErrorList().required(root('metadata', 'name'), 'name or generateName is required').invalid(root('spec', 'replicas'), -1, 'must be greater than or equal to 0');
    assert.deepEqual(errs.toCauses(), [
      { reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' },
      { reason: 'FieldValueInvalid', message: 'Invalid value: -1: must be greater than or equal to 0', field: 'spec.replicas' },
    ]);
  });

  it('aggregates like utilerrors: one bare, several bracketed, duplicates dropped', () => {
    assert.equal(new ErrorList().aggregate(), undefined);
    assert.equal(new ErrorList().required(root('a')).aggregate(), 'a: Required value');
    assert.equal(new ErrorList().required(root('a')).required(root('b')).aggregate(), '[a: Required value, b: Required value]');
    assert.equal(new ErrorList().required(root('a')).required(root('a')).aggregate(), 'a: Required value');
    assert.equal(aggregateMessage(['x', 'y', 'x']), '[x, y]');
  });

  it('becomes the 422 the apiserver sends', () => {
    const err = new ErrorList().invalid(root('metadata', 'name'), 'Web', 'bad name').toStatusError('Deployment', 'apps', 'Web');
    assert.ok(err instanceof StatusError);
    assert.equal(err.code, 422);
    assert.equal(err.status.reason, 'Invalid');
    assert.equal(err.message, 'Deployment.apps "Web" is invalid: metadata.name: Invalid value: "Web": bad name');
    assert.deepEqual(err.status.details, {
      name: 'Web',
      kind: 'Deployment',
      group: 'apps',
      causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: "Web": bad name', field: 'metadata.name' }],
    });
  });
});
