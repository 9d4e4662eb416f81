import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { StatusError } from './errors.js';
import {
  FieldSelectorError,
  checkFieldSelector,
  escapeFieldValue,
  everythingFields,
  fieldSelectorFromSet,
  objectMetaFieldsSet,
  parseFieldSelector,
  tryParseFieldSelector,
  unescapeFieldValue,
  unsupportedFieldMessage,
} from './fields.js';

describe('parseFieldSelector', () => {
  it('round-trips upstream good selectors', () => {
    for (const s of ['x=a,y=b,z=c', '', 'x!=a,y=b', 'x=a||y\\=b', 'x=a\\=\\=b']) assert.equal(parseFieldSelector(s).toString(), s);
  });

  it('sorts terms and reads == as =', () => {
    assert.equal(parseFieldSelector('x=a,a=x').toString(), 'a=x,x=a');
    assert.equal(parseFieldSelector('status.phase==Running').toString(), 'status.phase=Running');
    assert.deepEqual(parseFieldSelector('b!=2,a==1').requirements, [
      { field: 'a', operator: '=', value: '1' },
      { field: 'b', operator: '!=', value: '2' },
    ]);
  });

  it('rejects upstream bad selectors with Kubernetes messages', () => {
    const cases: [string, string][] = [
      ['x=a||y=b', 'invalid field selector: unescaped character in value: 61'],
      ['x==a==b', 'invalid field selector: unescaped character in value: 61'],
      ['x=a,b', "invalid selector: 'x=a,b'; can't understand 'b'"],
      ['x in (a)', "invalid selector: 'x in (a)'; can't understand 'x in (a)'"],
      ['x in (a,b,c)', "invalid selector: 'x in (a,b,c)'; can't understand 'b'"],
      ['x', "invalid selector: 'x'; can't understand 'x'"],
      ['x=a\\b', 'invalid field selector: invalid escape sequence: \\b'],
      ['x=a\\', 'invalid field selector: invalid escape sequence: \\'],
    ];
    for (const [s, message] of cases) assert.equal(tryParseFieldSelector(s).error, message, s);
  });

  it('throws a 400 BadRequest', () => {
    assert.throws(() => parseFieldSelector('x'), (e: unknown) => e instanceof FieldSelectorError && e instanceof StatusError && e.code === 400 && e.reason === 'BadRequest');
  });

  it('splits only on unescaped commas and skips empty terms', () => {
    const sel = parseFieldSelector('a=x\\,y,,b=z');
    assert.deepEqual(sel.requirements, [
      { field: 'a', operator: '=', value: 'x,y' },
      { field: 'b', operator: '=', value: 'z' },
    ]);
    assert.equal(sel.toString(), 'a=x\\,y,b=z');
  });
});

describe('FieldSelector.matches', () => {
  const pod = { 'metadata.name': 'web-1', 'metadata.namespace': 'default', 'status.phase': 'Running', 'spec.nodeName': '' };
  const cases: [string, boolean][] = [
    ['', true],
    ['metadata.name=web-1', true],
    ['metadata.name==web-1', true],
    ['metadata.name=web-2', false],
    ['status.phase!=Running', false],
    ['status.phase!=Pending,metadata.namespace=default', true],
    ['spec.nodeName=', true],
    ['spec.nodeName!=', false],
    ['unknown.field=', true],
    ['unknown.field=x', false],
  ];
  for (const [s, expected] of cases) it(`${JSON.stringify(s)} -> ${expected}`, () => assert.equal(parseFieldSelector(s).matches(pod), expected));

  it('everything and sets', () => {
    assert.equal(everythingFields().isEmpty(), true);
    assert.equal(everythingFields().matches({}), true);
    assert.equal(fieldSelectorFromSet({ 'metadata.name': 'a' }).matches({ 'metadata.name': 'a' }), true);
    assert.equal(fieldSelectorFromSet({ 'metadata.name': 'a' }).matches({ 'metadata.name': 'b' }), false);
  });

  it('exposes fields and exact matches', () => {
    const sel = parseFieldSelector('metadata.name=a,status.phase!=Failed,metadata.name!=b');
    assert.deepEqual(sel.fields(), ['metadata.name', 'status.phase']);
    assert.equal(sel.requiresExactMatch('metadata.name'), 'a');
    assert.equal(sel.requiresExactMatch('status.phase'), undefined);
  });
});

describe('supported fields', () => {
  it('uses the default conversion message for resources without their own field labels', () => {
    assert.equal(unsupportedFieldMessage(parseFieldSelector('metadata.name=a')), undefined);
    assert.equal(
      unsupportedFieldMessage(parseFieldSelector('spec.foo=a,metadata.name=b')),
      '"spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace"',
    );
  });

  it('uses "field label not supported" for resources with their own', () => {
    const podFields = ['metadata.name', 'metadata.namespace', 'spec.nodeName', 'status.phase'];
    assert.equal(unsupportedFieldMessage(parseFieldSelector('status.phase=Running'), podFields), undefined);
    assert.equal(unsupportedFieldMessage(parseFieldSelector('status.phase=Running,spec.foo=x'), podFields), 'field label not supported: spec.foo');
    assert.throws(() => checkFieldSelector(parseFieldSelector('spec.foo=x'), podFields), { message: 'field label not supported: spec.foo' });
  });

  it('builds the metadata fields every object has', () => {
    assert.deepEqual(objectMetaFieldsSet({ name: 'a', namespace: 'b' }, true), { 'metadata.name': 'a', 'metadata.namespace': 'b' });
    assert.deepEqual(objectMetaFieldsSet({ name: 'n' }, false), { 'metadata.name': 'n' });
  });
});

describe('escaping', () => {
  it('escapes and unescapes backslash, comma and equals', () => {
    assert.equal(escapeFieldValue('a\\b,c=d'), 'a\\\\b\\,c\\=d');
    assert.equal(unescapeFieldValue('a\\\\b\\,c\\=d'), 'a\\b,c=d');
    assert.equal(unescapeFieldValue('plain'), 'plain');
    assert.throws(() => unescapeFieldValue('a,b'), { message: 'invalid field selector: unescaped character in value: 44' });
  });
});
