// labels.Parse: a port of Kubernetes' label selector lexer and recursive-descent parser, with the
// same tokens and error messages. Import from labels.ts.

import type { FieldPath } from './field.js';
import { type Operator, type Requirement, type Selector, SelectorError, binaryOperators, labelKeyError, requirementErrors, selectorFromRequirements } from './label-requirement.js';

type Token = 'error' | 'eos' | '(' | ')' | ',' | '!' | '=' | '==' | '!=' | '>' | '<' | 'in' | 'notin' | 'ident';

interface Item {
  tok: Token;
  lit: string;
}

const literalTokens = new Map<string, Token>([
  [')', ')'],
  [',', ','],
  ['!', '!'],
  ['==', '=='],
  ['=', '='],
  ['>', '>'],
  ['in', 'in'],
  ['<', '<'],
  ['!=', '!='],
  ['notin', 'notin'],
  ['(', '('],
]);

const isWhitespace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isSpecial = (c: string): boolean => '=!(),><'.includes(c);

const lex = (s: string): Item[] => {
  const items: Item[] = [];
  let pos = 0;
  for (;;) {
    while (pos < s.length && isWhitespace(s[pos]!)) pos++;
    if (pos >= s.length) {
      items.push({ tok: 'eos', lit: '' });
      return items;
    }
    if (isSpecial(s[pos]!)) {
      // Longest run of special characters that still forms a token ("!=" rather than "!").
      let buf = '';
      let last: Item | undefined;
      while (pos < s.length && isSpecial(s[pos]!)) {
        buf += s[pos++];
        const tok = literalTokens.get(buf);
        if (tok) last = { tok, lit: buf };
        else if (last) {
          pos--;
          break;
        }
      }
      items.push(last ?? { tok: 'error', lit: `error expected: keyword found '${buf}'` });
    } else {
      let buf = '';
      while (pos < s.length && !isSpecial(s[pos]!) && !isWhitespace(s[pos]!)) buf += s[pos++];
      items.push({ tok: literalTokens.get(buf) ?? 'ident', lit: buf });
    }
  }
};

class ParseFailure {
  constructor(readonly message: string) {}
}

const fail = (message: string): never => {
  throw new ParseFailure(message);
};

class Parser {
  private pos = 0;
  constructor(
    private readonly items: Item[],
    private readonly path: FieldPath | undefined,
  ) {}

  /** In a values context the keywords "in"/"notin" are ordinary identifiers. */
  private peek(values: boolean): Item {
    const item = this.items[Math.min(this.pos, this.items.length - 1)]!;
    return values && (item.tok === 'in' || item.tok === 'notin') ? { tok: 'ident', lit: item.lit } : item;
  }

  private next(values: boolean): Item {
    const item = this.peek(values);
    this.pos++;
    return item;
  }

  parse(): Requirement[] {
    const reqs: Requirement[] = [];
    for (;;) {
      const { tok, lit } = this.peek(true);
      if (tok === 'eos') return reqs;
      if (tok !== 'ident' && tok !== '!') fail(`found '${lit}', expected: !, identifier, or 'end of string'`);
      try {
        reqs.push(this.requirement());
      } catch (e) {
        if (e instanceof ParseFailure) fail(`unable to parse requirement: ${e.message}`);
        throw e;
      }
      const after = this.next(true);
      if (after.tok === 'eos') return reqs;
      if (after.tok !== ',') fail(`found '${after.lit}', expected: ',' or 'end of string'`);
      const following = this.peek(true);
      if (following.tok !== 'ident' && following.tok !== '!') fail(`found '${following.lit}', expected: identifier after ','`);
    }
  }

  private requirement(): Requirement {
    const { key, operator } = this.keyAndInferredOperator();
    let op: Operator;
    let values: string[];
    if (operator === 'exists' || operator === '!') {
      op = operator;
      values = [];
    } else {
      op = this.operator();
      values = op === 'in' || op === 'notin' ? this.valueSet() : this.exactValue();
    }
    const errs = requirementErrors(key, op, values, this.path);
    if (!errs.isEmpty()) fail(errs.aggregate()!);
    return { key, operator: op, values };
  }

  private keyAndInferredOperator(): { key: string; operator: Operator | '' } {
    let operator: Operator | '' = '';
    let item = this.next(true);
    if (item.tok === '!') {
      operator = '!';
      item = this.next(true);
    }
    if (item.tok !== 'ident') fail(`found '${item.lit}', expected: identifier`);
    const keyErr = labelKeyError(item.lit, this.path);
    if (keyErr) fail(keyErr.message);
    const following = this.peek(true).tok;
    if ((following === 'eos' || following === ',') && operator !== '!') operator = 'exists';
    return { key: item.lit, operator };
  }

  private operator(): Operator {
    const { tok, lit } = this.next(false);
    const ops: Partial<Record<Token, Operator>> = { in: 'in', '=': '=', '==': '==', '>': 'gt', '<': 'lt', notin: 'notin', '!=': '!=' };
    return ops[tok] ?? fail(`found '${lit}', expected: ${binaryOperators.join(', ')}`);
  }

  private valueSet(): string[] {
    const open = this.next(true);
    if (open.tok !== '(') fail(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.peek(true);
    if (tok === ')') {
      this.next(true);
      return [''];
    }
    if (tok !== 'ident' && tok !== ',') fail(`found '${lit}', expected: ',', ')' or identifier`);
    const values = this.identifiers();
    if (this.next(true).tok !== ')') fail(`found '${lit}', expected: ')'`);
    return [...values].sort();
  }

  /** Identifiers up to ')'; empty entries ("(,a)", "(a,,b)", "(a,)") mean the empty value. */
  private identifiers(): Set<string> {
    const values = new Set<string>();
    for (;;) {
      const { tok, lit } = this.next(true);
      if (tok === 'ident') {
        values.add(lit);
        const following = this.peek(true);
        if (following.tok === ',') continue;
        if (following.tok === ')') return values;
        fail(`found '${following.lit}', expected: ',' or ')'`);
      } else if (tok === ',') {
        if (values.size === 0) values.add('');
        const following = this.peek(true).tok;
        if (following === ')') {
          values.add('');
          return values;
        }
        if (following === ',') values.add('');
      } else {
        fail(`found '${lit}', expected: ',', or identifier`);
      }
    }
  }

  private exactValue(): string[] {
    const { tok } = this.peek(true);
    if (tok === 'eos' || tok === ',') return [''];
    const item = this.next(true);
    if (item.tok === 'ident') return [item.lit];
    return fail(`found '${item.lit}', expected: identifier`);
  }
}

/**
 * labels.Parse. Throws SelectorError with Kubernetes' message, e.g. for "a b":
 * "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt".
 * The empty string selects everything.
 */
export const parseSelector = (selector: string, path?: FieldPath): Selector => {
  try {
    return selectorFromRequirements(new Parser(lex(selector), path).parse());
  } catch (e) {
    if (e instanceof ParseFailure) throw new SelectorError(e.message);
    throw e;
  }
};

export type SelectorParseResult = { selector: Selector; error?: undefined } | { selector?: undefined; error: string };

/** parseSelector without exceptions: the selector, or Kubernetes' error message. */
export const tryParseSelector = (selector: string, path?: FieldPath): SelectorParseResult => {
  try {
    return { selector: parseSelector(selector, path) };
  } catch (e) {
    if (e instanceof SelectorError) return { error: e.message };
    throw e;
  }
};
