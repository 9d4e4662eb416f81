import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import {
  isCIdentifier,
  isConfigMapKey,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isEnvVarName,
  isQualifiedName,
  isValidLabelValue,
  isValidPathSegmentName,
  isValidPathSegmentPrefix,
  isValidPercent,
  isValidPortName,
  isValidPortNum,
  nameIsDNS1035Label,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  regexError,
} from './names.js';

const a = (n: number): string => 'a'.repeat(n);

// Good/bad lists from upstream pkg/util/validation/validation_test.go (v0.32).
const check = (name: string, fn: (v: string) => string[], good: string[], bad: string[]): void => {
  it(`${name} accepts upstream's good values`, () => assert.deepEqual(good.filter((v) => fn(v).length > 0), []));
  it(`${name} rejects upstream's bad values`, () => assert.deepEqual(bad.filter((v) => fn(v).length === 0), []));
};

describe('string validators', () => {
  check(
    'isDNS1123Label',
    isDNS1123Label,
    ['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', '0', '01', '012', '1a', '1-a', '1--a--b--2', a(63)],
    ['', 'A', 'ABC', 'aBc', 'A1', 'A-1', '1-A', '-', 'a-', '-a', '1-', '-1', '_', 'a_', '_a', 'a_b', '1_', '_1', '1_2', '.', 'a.', '.a', 'a.b', '1.', '.1', '1.2', ' ', 'a ', ' a', 'a b', '1 ', ' 1', '1 2', a(64)],
  );
  check(
    'isDNS1123Subdomain',
    isDNS1123Subdomain,
    ['a', 'ab', 'a-1', '0', '1--a--b--2', 'a.a', 'a--1--2--b.a', 'a.1', '0.a', '1-a.1', 'a.b.c.d.e', '1.2.3.4.5', a(253)],
    ['', 'A', 'aBc', '-', 'a-', '-a', '_', 'a_b', '.', 'a.', '.a', 'a..b', '1..2', ' ', 'a b', 'A.a', 'ab.A', 'a.B.c.d.e', 'a@b', 'a,b', 'a;b', 'a:b', 'a%b', 'a?b', 'a$b', a(254)],
  );
  check(
    'isDNS1035Label',
    isDNS1035Label,
    ['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', a(63)],
    ['0', '01', '1a', '1-a', '', 'A', 'aBc', '-', 'a-', '-a', '_', 'a_b', '.', 'a.b', ' ', 'a b', a(64)],
  );
  check(
    'isQualifiedName',
    isQualifiedName,
    ['simple', 'now-with-dashes', '1-starts-with-num', '1234', 'simple/simple', 'now.with.dots/simple', '1-num.2-num/3-num', '1.2.3.4/5678', 'Uppercase_Is_OK_123', 'example.com/Uppercase_Is_OK_123', 'requests.storage-foo', a(63), `${a(253)}/${'b'.repeat(63)}`],
    ['nospecialchars%^=@', 'cantendwithadash-', '-cantstartwithadash-', 'only/one/slash', 'Example.com/abc', 'example_com/abc', 'example.com/', '/simple', a(64), `${a(254)}/abc`],
  );
  check(
    'isValidLabelValue',
    isValidLabelValue,
    ['simple', 'now-with-dashes', '1-starts-with-num', 'end-with-num-1', '1234', a(63), ''],
    ['nospecialchars%^=@', 'Tama-nui-te-rā.is.Māori.sun', '\\backslashes\\are\\bad', '-starts-with-dash', 'ends-with-dash-', '.starts.with.dot', 'ends.with.dot.', a(64)],
  );
  check('isCIdentifier', isCIdentifier, ['a', '_a', 'a_1', '__abc_123', 'A__1__2__B'], ['', '1', '1a', '-', 'a-', 'a.b', 'a b', '#a#']);

  it('gives Kubernetes messages (double space before "or" included)', () => {
    assert.deepEqual(isDNS1123Subdomain('Bad_Name'), [
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ]);
    assert.deepEqual(isDNS1123Label('a.b'), ['must not contain dots']);
    assert.deepEqual(isDNS1123Label('A'), [
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    ]);
    assert.deepEqual(isDNS1035Label('1a'), [
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    ]);
    assert.deepEqual(isDNS1123Label(a(64)), ['must be no more than 63 characters']);
    assert.equal(isDNS1123Subdomain(a(254))[0], 'must be no more than 253 characters');
    // Same text kubectl 1.32 prints for `kubectl label ... 'ok=bad value$'`.
    assert.deepEqual(isValidLabelValue('bad value$'), [
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    ]);
    assert.deepEqual(isQualifiedName('/a'), ['prefix part must be non-empty']);
    assert.equal(isQualifiedName('Ex.com/a')[0]!.startsWith('prefix part a lowercase RFC 1123 subdomain'), true);
    assert.deepEqual(isQualifiedName(`${a(64)}`), [
      'name part must be no more than 63 characters',
    ]);
    assert.equal(isQualifiedName('example.com/').length, 2);
    assert.equal(regexError('msg', 'x'), "msg (regex used for validation is 'x')");
  });

  it('counts length in UTF-8 bytes like Go', () => {
    assert.deepEqual(isValidLabelValue('é'.repeat(32)).slice(0, 1), ['must be no more than 63 characters']);
  });

  it('port, percent, env, config keys', () => {
    assert.deepEqual(isValidPortNum(0), ['must be between 1 and 65535, inclusive']);
    assert.deepEqual(isValidPortNum(65535), []);
    assert.deepEqual(isValidPortName('http'), []);
    assert.deepEqual(isValidPortName('-a--b-'), ['must not contain consecutive hyphens', 'must not begin or end with a hyphen']);
    assert.deepEqual(isValidPortName('1234'), ['must contain at least one letter (a-z)']);
    assert.deepEqual(isValidPortName('a'.repeat(16)), ['must be no more than 15 characters']);
    assert.deepEqual(isValidPercent('10%'), []);
    assert.equal(isValidPercent('10').length, 1);
    assert.deepEqual(isEnvVarName('MY_VAR.x-1'), []);
    assert.equal(isEnvVarName('1X').length, 1);
    assert.deepEqual(isConfigMapKey('..x'), ["must not start with '..'"]);
    assert.deepEqual(isConfigMapKey('key.name'), []);
  });
});

describe('name validators', () => {
  it('check generateName prefixes with the trailing dash masked', () => {
    assert.deepEqual(nameIsDNSSubdomain('web-', true), []);
    assert.equal(nameIsDNSSubdomain('web-', false).length, 1);
    assert.deepEqual(nameIsDNSLabel('web-', true), []);
    assert.deepEqual(nameIsDNS1035Label('web-', true), []);
    assert.equal(nameIsDNS1035Label('1web', false).length, 1);
    assert.equal(nameIsDNSLabel('a.b', false)[0], 'must not contain dots');
  });

  it('path segment names', () => {
    assert.deepEqual(isValidPathSegmentName('..'), ["may not be '..'"]);
    assert.deepEqual(isValidPathSegmentName('a/b%c'), ["may not contain '/'", "may not contain '%'"]);
    assert.deepEqual(isValidPathSegmentPrefix('.'), []);
    assert.deepEqual(isValidPathSegmentName('ok'), []);
  });
});
