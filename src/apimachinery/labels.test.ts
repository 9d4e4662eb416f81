import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { StatusError } from './errors.js';
import { root } from './field.js';
import {
  everything,
  formatLabelSelector,
  formatLabels,
  labelSelectorAsMap,
  labelSelectorAsSelector,
  labelSelectorMatches,
  newRequirement,
  nothing,
  parseSelector,
  requirementErrors,
  SelectorError,
  selectorFromSet,
  selectorToString,
  tryParseSelector,
  validateLabelSelector,
  validateLabels,
  validatedSelectorFromSet,
} from './labels.js';

// Captured from kubectl 1.32 (`kubectl create pdb x --selector=<s> --dry-run=client`), which runs
// apimachinery's labels.Parse; the "couldn't parse the selector string" prefix is kubectl's own.
const kubectlParseErrors: [string, string][] = [
  ["a b", "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
  ["a in (b", "unable to parse requirement: found '', expected: ',' or ')'"],
  ["a/b/c=d", "unable to parse requirement: <nil>: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"],
  ["a=b$", "unable to parse requirement: values[0][a]: Invalid value: \"b$\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"],
  ["x>a", "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer"],
  ["!x=a", "found '=', expected: ',' or 'end of string'"],
  ["a,", "found '', expected: identifier after ','"],
  ["a=(", "unable to parse requirement: found '(', expected: identifier"],
  ["k=v,,", "found ',', expected: identifier after ','"],
  ["a==b==c", "found '==', expected: ',' or 'end of string'"],
  ["a>1,b<-2", "unable to parse requirement: values[0][b]: Invalid value: \"-2\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"],
  ["a>99999999999999999999", "unable to parse requirement: values[0]: Invalid value: \"99999999999999999999\": for 'Gt', 'Lt' operators, the value must be an integer"],
  [",a", "found ',', expected: !, identifier, or 'end of string'"],
  ["(", "found '(', expected: !, identifier, or 'end of string'"],
  ["!", "unable to parse requirement: found '', expected: identifier"],
  ["=a", "found '=', expected: !, identifier, or 'end of string'"],
  ["a!b", "unable to parse requirement: found '!', expected: in, notin, =, ==, !=, gt, lt"],
  ["a in x", "unable to parse requirement: found 'x' expected: '('"],
  ["a in (x y)", "unable to parse requirement: found 'y', expected: ',' or ')'"],
  ["a=b c", "found 'c', expected: ',' or 'end of string'"],
  ["x=a||y=b", "unable to parse requirement: values[0][x]: Invalid value: \"a||y\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"],
  ["Key=axahm2EJ8Phiephe2eixohbee9eGeiyees1thuozi1xoh0GiuH3diewi8iem7Nui", "unable to parse requirement: values[0][Key]: Invalid value: \"axahm2EJ8Phiephe2eixohbee9eGeiyees1thuozi1xoh0GiuH3diewi8iem7Nui\": must be no more than 63 characters"],
  ["/a=b", "unable to parse requirement: <nil>: Invalid value: \"/a\": prefix part must be non-empty"],
  ["example.com/=b", "unable to parse requirement: <nil>: Invalid value: \"example.com/\": name part must be non-empty; name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"],
  ["Ex.com/a=b", "unable to parse requirement: <nil>: Invalid value: \"Ex.com/a\": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"],
  ["a in (b$,c$)", "unable to parse requirement: [values[0][a]: Invalid value: \"b$\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?'), values[1][a]: Invalid value: \"c$\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')]"],
  ["a>1.5", "unable to parse requirement: values[0]: Invalid value: \"1.5\": for 'Gt', 'Lt' operators, the value must be an integer"],
  ["a in (b c)", "unable to parse requirement: found 'c', expected: ',' or ')'"],
  ["a notin", "unable to parse requirement: found '' expected: '('"],
  ["a in (b,", "unable to parse requirement: found '', expected: ',', or identifier"],
  ["a)", "unable to parse requirement: found ')', expected: in, notin, =, ==, !=, gt, lt"],
  ["a<", "unable to parse requirement: values[0]: Invalid value: \"\": for 'Gt', 'Lt' operators, the value must be an integer"],
  ["x=a,,b", "found ',', expected: identifier after ','"],
  ["!!a", "unable to parse requirement: found '!', expected: identifier"],
  ["a=b=c", "found '=', expected: ',' or 'end of string'"],
];

describe('parseSelector', () => {
  for (const [input, message] of kubectlParseErrors) {
    it(`rejects ${JSON.stringify(input)} with Kubernetes' message`, () => {
      assert.equal(tryParseSelector(input).error, message);
      assert.throws(() => parseSelector(input), (e: unknown) => e instanceof SelectorError && e.message === message);
    });
  }

  it('round-trips good selectors through toString (upstream TestSelectorParse)', () => {
    for (const s of ['x=a,y=b,z=c', '', 'x!=a,y=b', 'x=', 'x= ', 'x=,z= ', 'x= ,z= ', '!x', 'x>1', 'x>1,z<5']) {
      assert.equal(parseSelector(s).toString(), s.replaceAll(' ', ''));
    }
  });

  it('sorts requirements by key and in/notin values, dropping duplicates', () => {
    const sel = parseSelector('b=1,a in (z,y,y)');
    assert.equal(sel.toString(), 'a in (y,z),b=1');
    assert.deepEqual(sel.requirements[0], { key: 'a', operator: 'in', values: ['y', 'z'] });
  });

  it('reads all operators and whitespace', () => {
    const sel = parseSelector(' a in (b),c notin (d , e),!f,g , h==i, j != k ');
    assert.equal(sel.toString(), 'a in (b),c notin (d,e),!f,g,h==i,j!=k');
    assert.deepEqual(
      sel.requirements.map((r) => r.operator),
      ['in', 'notin', '!', 'exists', '==', '!='],
    );
  });

  it('treats empty entries in a value set as the empty value', () => {
    assert.deepEqual(parseSelector('a in (,x)').requirements[0]!.values, ['', 'x']);
    assert.deepEqual(parseSelector('a in (x,,y)').requirements[0]!.values, ['', 'x', 'y']);
    assert.deepEqual(parseSelector('a in (x,)').requirements[0]!.values, ['', 'x']);
    assert.deepEqual(parseSelector('a in ()').requirements[0]!.values, ['']);
    assert.equal(parseSelector('a notin ()').toString(), 'a notin ()');
  });

  it('accepts the keywords in/notin as keys and values', () => {
    assert.deepEqual(parseSelector('in=in').requirements[0], { key: 'in', operator: '=', values: ['in'] });
    assert.deepEqual(parseSelector('a in (in,notin)').requirements[0]!.values, ['in', 'notin']);
  });

  it('reports key errors against a caller-supplied path instead of <nil>', () => {
    assert.match(tryParseSelector('a/b/c=d', root('spec', 'selector')).error ?? '', /^unable to parse requirement: spec\.selector: Invalid value: "a\/b\/c"/);
  });

  it('is a 400 BadRequest StatusError', () => {
    assert.throws(
      () => parseSelector('a b'),
      (e: unknown) => e instanceof StatusError && e.code === 400 && e.reason === 'BadRequest',
    );
  });
});

describe('Selector.matches', () => {
  const labels = { app: 'web', tier: 'front', replicas: '3', empty: '' };
  const cases: [string, boolean][] = [
    ['', true],
    ['app=web', true],
    ['app==web', true],
    ['app=db', false],
    ['app!=db', true],
    ['app!=web', false],
    ['missing!=x', true],
    ['missing=', false],
    ['empty=', true],
    ['app in (db,web)', true],
    ['app in (db)', false],
    ['missing in (x)', false],
    ['app notin (db)', true],
    ['app notin (web)', false],
    ['missing notin (x)', true],
    ['app', true],
    ['missing', false],
    ['!missing', true],
    ['!app', false],
    ['replicas>2', true],
    ['replicas>3', false],
    ['replicas<4', true],
    ['replicas<3', false],
    ['app>1', false],
    ['missing<9', false],
    ['app=web,tier=front', true],
    ['app=web,tier=back', false],
  ];
  for (const [sel, expected] of cases) {
    it(`${JSON.stringify(sel)} -> ${expected}`, () => assert.equal(parseSelector(sel).matches(labels), expected));
  }

  it('treats missing labels as an empty set', () => {
    assert.equal(parseSelector('!a').matches(undefined), true);
    assert.equal(parseSelector('a').matches(undefined), false);
  });

  it('does not see inherited object properties as labels', () => {
    assert.equal(parseSelector('constructor').matches({}), false);
    assert.equal(parseSelector('toString=x').matches({}), false);
  });
});

describe('selectors from code', () => {
  it('requiresExactMatch finds =, == and one-value in', () => {
    const sel = parseSelector('a=1,b==2,c in (3),d in (4,5),e!=6');
    assert.equal(sel.requiresExactMatch('a'), '1');
    assert.equal(sel.requiresExactMatch('b'), '2');
    assert.equal(sel.requiresExactMatch('c'), '3');
    assert.equal(sel.requiresExactMatch('d'), undefined);
    assert.equal(sel.requiresExactMatch('e'), undefined);
    assert.equal(sel.requiresExactMatch('zz'), undefined);
  });

  it('everything/nothing', () => {
    assert.equal(everything().matches({ a: 'b' }), true);
    assert.equal(everything().isEmpty(), true);
    assert.equal(nothing().matches({}), false);
    assert.equal(nothing().isEmpty(), false);
    assert.equal(nothing().isNothing(), true);
    assert.equal(nothing().add(newRequirement('a', 'exists')).matches({ a: '' }), false);
  });

  it('selectorFromSet and add keep key order', () => {
    const sel = selectorFromSet({ z: '1', a: '2' }).add(newRequirement('m', 'exists'));
    assert.equal(sel.toString(), 'a=2,m,z=1');
    assert.equal(sel.matches({ a: '2', z: '1', m: 'x' }), true);
  });

  it('validatedSelectorFromSet reports bad values like upstream', () => {
    const long = 'axahm2EJ8Phiephe2eixohbee9eGeiyees1thuozi1xoh0GiuH3diewi8iem7Nui';
    assert.throws(
      () => validatedSelectorFromSet({ Key: long }),
      (e: unknown) => e instanceof SelectorError && e.message === `values[0][Key]: Invalid value: "${long}": must be no more than 63 characters`,
    );
  });

  it('newRequirement validates operator and value counts with NewRequirement messages', () => {
    assert.equal(
      requirementErrors('a', 'exists', ['x']).aggregate(),
      'values: Invalid value: []string{"x"}: values set must be empty for exists and does not exist',
    );
    assert.equal(requirementErrors('a', '=', []).aggregate(), 'values: Invalid value: []string{}: exact-match compatibility requires one single value');
    assert.equal(
      requirementErrors('a', 'bogus', []).aggregate(),
      'operator: Unsupported value: "bogus": supported values: "in", "notin", "=", "==", "!=", "gt", "lt", "exists", "!"',
    );
    assert.equal(
      requirementErrors('a', 'gt', ['1', '2']).aggregate(),
      "values: Invalid value: []string{\"1\", \"2\"}: for 'Gt', 'Lt' operators, exactly one value is required",
    );
    assert.throws(() => newRequirement('-bad', 'exists'), { message: /^key: Invalid value: "-bad": name part must consist of/ });
  });

  it('formatLabels prints a set sorted', () => {
    assert.equal(formatLabels({ b: '2', a: '1' }), 'a=1,b=2');
    assert.equal(formatLabels(undefined), '');
  });
});

describe('metav1.LabelSelector', () => {
  it('a missing selector matches nothing; an empty one everything', () => {
    assert.equal(labelSelectorAsSelector(undefined).isNothing(), true);
    assert.equal(labelSelectorMatches(null, { a: 'b' }), false);
    assert.equal(labelSelectorMatches({}, { a: 'b' }), true);
    assert.equal(labelSelectorMatches({ matchLabels: {}, matchExpressions: [] }, {}), true);
  });

  it('converts matchLabels and matchExpressions', () => {
    const ls = {
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['front', 'edge'] },
        { key: 'env', operator: 'NotIn', values: ['prod'] },
        { key: 'canary', operator: 'DoesNotExist' },
        { key: 'team', operator: 'Exists' },
      ],
    };
    const sel = labelSelectorAsSelector(ls);
    assert.equal(sel.toString(), 'app=web,!canary,env notin (prod),team,tier in (edge,front)');
    assert.equal(sel.matches({ app: 'web', tier: 'edge', team: 'x' }), true);
    assert.equal(sel.matches({ app: 'web', tier: 'edge', team: 'x', canary: '1' }), false);
    assert.equal(sel.matches({ app: 'web', tier: 'edge', team: 'x', env: 'prod' }), false);
    assert.equal(sel.matches({ app: 'web', tier: 'back', team: 'x' }), false);
    assert.equal(selectorToString(ls), sel.toString());
    assert.equal(selectorToString(sel), sel.toString());
    assert.equal(selectorToString(undefined), '');
  });

  it('rejects bad operators and empty In values with Kubernetes messages', () => {
    assert.throws(() => labelSelectorAsSelector({ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }), {
      message: '"Gt" is not a valid label selector operator',
    });
    assert.throws(() => labelSelectorAsSelector({ matchExpressions: [{ key: 'a', operator: 'In' }] }), {
      message: "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty",
    });
  });

  it('formatLabelSelector prints <none> and <error> like kubectl describe', () => {
    assert.equal(formatLabelSelector({}), '<none>');
    assert.equal(formatLabelSelector(undefined), '<none>');
    assert.equal(formatLabelSelector({ matchLabels: { 'a/b/c': 'd' } }), '<error>');
    assert.equal(formatLabelSelector({ matchLabels: { app: 'web' } }), 'app=web');
  });

  it('labelSelectorAsMap keeps only what a map can express', () => {
    assert.deepEqual(labelSelectorAsMap({ matchLabels: { a: '1' }, matchExpressions: [{ key: 'b', operator: 'In', values: ['2'] }] }), { a: '1', b: '2' });
    assert.equal(labelSelectorAsMap(undefined), undefined);
    assert.throws(() => labelSelectorAsMap({ matchExpressions: [{ key: 'b', operator: 'Exists' }] }), {
      message: 'operator "Exists" cannot be converted into the old label selector format',
    });
    assert.throws(() => labelSelectorAsMap({ matchExpressions: [{ key: 'b', operator: 'In', values: ['1', '2'] }] }), {
      message: 'operator "In" without a single value cannot be converted into the old label selector format',
    });
  });

  it('validateLabelSelector gives field errors with paths', () => {
    const errs = validateLabelSelector(
      {
        matchLabels: { 'bad key': 'v' },
        matchExpressions: [
          { key: 'a', operator: 'In', values: [] },
          { key: 'b', operator: 'Exists', values: ['x'] },
          { key: 'c', operator: 'Near' },
          { key: 'd', operator: 'In', values: ['ok', 'bad value'] },
        ],
      },
      root('spec', 'selector'),
    );
    const lines = errs.items.map((e) => e.message);
    assert.equal(lines.length, 5);
    assert.match(lines[0]!, /^spec\.selector\.matchLabels: Invalid value: "bad key": name part must consist of alphanumeric characters/);
    assert.equal(lines[1], "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'");
    assert.equal(lines[2], "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
    assert.equal(lines[3], 'spec.selector.matchExpressions[2].operator: Invalid value: "Near": not a valid selector operator');
    assert.match(lines[4]!, /^spec\.selector\.matchExpressions\[3\]\.values\[1\]: Invalid value: "bad value": a valid label must be an empty string/);
    assert.equal(validateLabelSelector(undefined, root('x')).length, 0);
  });

  it('validateLabels reports keys and values on the labels path', () => {
    const errs = validateLabels({ good: 'ok', 'x/y/z': 'v', k: 'v'.repeat(64) }, root('metadata', 'labels'));
    assert.equal(errs.length, 2);
    assert.match(errs.items[0]!.message, /^metadata\.labels: Invalid value: "x\/y\/z": a qualified name must consist/);
    assert.equal(errs.items[1]!.message, `metadata.labels: Invalid value: "${'v'.repeat(64)}": must be no more than 63 characters`);
  });
});
