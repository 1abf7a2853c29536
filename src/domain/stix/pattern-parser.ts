// Recursive-descent parser for STIX 2.1 patterns, following the grammar of STIX 2.1 section 9 (the
// OASIS STIXPattern.g4). Why hand-written: the grammar is small, and this way every error names its
// character offset and what was expected there, without a parser-generator runtime.
import { Invalid } from '../errors.ts';
import type {
  ComparisonExpression,
  EqualityOperator,
  Literal,
  ObjectPath,
  ObservationExpression,
  ObservationOperator,
  OrderOperator,
  PathStep,
  Pattern,
  Qualifier,
  StringOperator,
} from './pattern.ts';
import { KEYWORDS, plainDecimal, shorten } from './pattern-printer.ts';

const FIELD = 'pattern';
export const MAX_PATTERN_BYTES = 64 * 1024;
/** Brackets and parentheses open at once; bounds recursion in the parser and in every tree walk. */
export const MAX_PATTERN_DEPTH = 64;

const WORD_OPERATORS: ReadonlySet<string> = new Set(['IN', 'LIKE', 'MATCHES', 'ISSUBSET', 'ISSUPERSET']);
const OPERATOR_LIST = '=, !=, <, <=, >, >=, IN, LIKE, MATCHES, ISSUBSET or ISSUPERSET';

// The grammar's whitespace: ASCII spacing plus the Unicode space separators.
const SPACE: ReadonlySet<string> = new Set(' \t\r\n\v\f\u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000');

// Object types may contain hyphens; property names only when quoted.
const WORD = /[A-Za-z_][A-Za-z0-9_-]*/y;
const HEX = /^(?:[0-9A-Fa-f]{2})*$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{4}|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2}==)$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?Z$/;
const TIMESTAMP_EXAMPLE = "t'2016-06-01T00:00:00Z'";

/**
 * Parses a STIX 2.1 pattern. Throws {@link Invalid} on field `pattern`, with the character offset and
 * what was expected there; nothing else is thrown.
 */
export function parsePattern(text: string): Pattern {
  if (typeof text !== 'string') throw new Invalid(FIELD, 'must be a string');
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_PATTERN_BYTES) throw new Invalid(FIELD, `is ${bytes} bytes long; at most ${MAX_PATTERN_BYTES} (64 KiB) are accepted`);
  return new Parser(text).pattern();
}

interface NumberToken {
  readonly kind: 'integer' | 'float';
  readonly value: number;
  readonly text: string;
  readonly negative: boolean;
}

class Parser {
  private pos = 0;
  private depth = 0;

  constructor(private readonly text: string) {}

  pattern(): Pattern {
    this.skipSpace();
    if (this.pos >= this.text.length) {
      this.failAt(this.pos, "the pattern is empty: expected an observation expression such as [ipv4-addr:value = '198.51.100.1']");
    }
    const pattern = this.followedBy();
    this.skipSpace();
    if (this.pos < this.text.length) {
      if (this.text[this.pos] === ')') this.failAt(this.pos, "unbalanced parentheses: this ')' closes no '('");
      this.expected('AND, OR, FOLLOWEDBY, a qualifier (WITHIN, REPEATS, START) or the end of the pattern');
    }
    return pattern;
  }

  // ------------------------------------------------------------ observations

  private followedBy(): ObservationExpression {
    return this.observationChain('FOLLOWEDBY', () => this.observationOr());
  }

  private observationOr(): ObservationExpression {
    return this.observationChain('OR', () => this.observationAnd());
  }

  private observationAnd(): ObservationExpression {
    return this.observationChain('AND', () => this.qualified());
  }

  private observationChain(operator: ObservationOperator, operand: () => ObservationExpression): ObservationExpression {
    const first = operand();
    if (!this.acceptKeyword(operator)) return first;
    const operands = [first];
    do operands.push(operand());
    while (this.acceptKeyword(operator));
    return {
      kind: 'observation-group',
      operator,
      operands: operands.flatMap((o) => (o.kind === 'observation-group' && o.operator === operator ? o.operands : [o])),
    };
  }

  private qualified(): ObservationExpression {
    let expression = this.observationPrimary();
    // As in the OASIS validator, a kind of qualifier applies once in a row (parentheses allow more), which
    // also bounds how deep qualifiers nest.
    const seen = new Set<Qualifier['kind']>();
    for (;;) {
      this.skipSpace();
      const at = this.pos;
      const qualifier = this.qualifier();
      if (qualifier === undefined) return expression;
      if (seen.has(qualifier.kind)) {
        this.failAt(at, `a second ${QUALIFIER_NAMES[qualifier.kind]} qualifier on the same observation expression; put the first in parentheses to qualify it again`);
      }
      seen.add(qualifier.kind);
      expression = { kind: 'qualified', observation: expression, qualifier };
    }
  }

  private observationPrimary(): ObservationExpression {
    this.skipSpace();
    const at = this.pos;
    const next = this.text[at];
    if (next === '[') {
      this.enter(at);
      const comparison = this.comparisonOr();
      this.leave(']', at, "AND, OR or ']'", "'['");
      return { kind: 'observation', comparison };
    }
    if (next === '(') {
      this.enter(at);
      const inner = this.followedBy();
      this.leave(')', at, "AND, OR, FOLLOWEDBY, a qualifier or ')'", "'('");
      return inner;
    }
    if (this.wordAt(at) !== '' && this.peekAfterWord(at) === ':') {
      this.failAt(at, "expected '[' before the comparison: comparisons go inside an observation expression [ ... ]");
    }
    return this.expected("'[' or '(' to start an observation expression");
  }

  private qualifier(): Qualifier | undefined {
    if (this.acceptKeyword('WITHIN')) {
      const seconds = this.qualifierNumber('WITHIN', 'a number of seconds');
      this.expectKeyword('SECONDS', `SECONDS after WITHIN ${this.numberText(seconds)}`);
      return { kind: 'within', seconds };
    }
    if (this.acceptKeyword('REPEATS')) {
      const times = this.qualifierNumber('REPEATS', 'a whole number of times');
      this.expectKeyword('TIMES', `TIMES after REPEATS ${times}`);
      return { kind: 'repeats', times };
    }
    if (this.acceptKeyword('START')) {
      const start = this.timestamp('after START');
      this.expectKeyword('STOP', `STOP after START t'${start}'`);
      const stop = this.timestamp('after STOP');
      return { kind: 'start-stop', start, stop };
    }
    return undefined;
  }

  private qualifierNumber(keyword: 'WITHIN' | 'REPEATS', what: string): number {
    this.skipSpace();
    const at = this.pos;
    const token = this.numberToken();
    if (token === undefined) return this.expected(`${what} after ${keyword}`);
    if (token.kind === 'float' && keyword === 'REPEATS') this.failAt(at, `REPEATS takes a whole number, not ${token.text}`);
    // Sanad rejects 0 although the grammar allows it: such a qualifier can never be met.
    if (token.negative || token.value <= 0) this.failAt(at, `${keyword} takes a number greater than 0, not ${token.text}`);
    if (token.value > Number.MAX_SAFE_INTEGER) this.failAt(at, `${keyword} ${token.text} is too large`);
    return token.value;
  }

  private numberText(value: number): string {
    return Number.isInteger(value) ? String(value) : plainDecimal(value);
  }

  // ------------------------------------------------------------- comparisons

  private comparisonOr(): ComparisonExpression {
    return this.comparisonChain('OR', () => this.comparisonAnd());
  }

  private comparisonAnd(): ComparisonExpression {
    return this.comparisonChain('AND', () => this.comparisonPrimary());
  }

  private comparisonChain(operator: 'AND' | 'OR', operand: () => ComparisonExpression): ComparisonExpression {
    const first = operand();
    if (!this.acceptKeyword(operator)) return first;
    const operands = [first];
    do operands.push(operand());
    while (this.acceptKeyword(operator));
    return {
      kind: 'comparison-group',
      operator,
      operands: operands.flatMap((o) => (o.kind === 'comparison-group' && o.operator === operator ? o.operands : [o])),
    };
  }

  private comparisonPrimary(): ComparisonExpression {
    this.skipSpace();
    const at = this.pos;
    if (this.text[at] === '(') {
      this.enter(at);
      const inner = this.comparisonOr();
      this.leave(')', at, "AND, OR or ')'", "'('");
      return inner;
    }
    if (this.acceptKeyword('EXISTS')) return { kind: 'exists', path: this.objectPath() };
    if (this.wordAt(at) === 'NOT') this.failAt(at, 'NOT goes between the object path and the operator, as in file:name NOT = \'x\'');
    const path = this.objectPath();
    const negated = this.acceptKeyword('NOT');
    this.skipSpace();
    const operatorAt = this.pos;
    const operator = this.comparisonOperator();
    const base = { kind: 'comparison', path, negated } as const;
    switch (operator) {
      case '=':
      case '!=':
        return { ...base, operator, value: this.literal() };
      case '<':
      case '<=':
      case '>':
      case '>=': {
        this.skipSpace();
        const valueAt = this.pos;
        const value = this.literal();
        if (value.kind === 'boolean') this.failAt(valueAt, `a boolean cannot be compared with ${operator}`);
        return { ...base, operator, value };
      }
      case 'IN':
        return { ...base, operator, values: this.setLiteral() };
      case 'LIKE':
      case 'MATCHES':
      case 'ISSUBSET':
      case 'ISSUPERSET': {
        this.skipSpace();
        if (this.text[this.pos] !== "'") return this.expected(`a quoted string after ${operator}`);
        return { ...base, operator, value: { kind: 'string', value: this.quoted() } };
      }
      default:
        return this.failAt(operatorAt, `unknown operator ${String(operator)}`);
    }
  }

  private comparisonOperator(): EqualityOperator | OrderOperator | 'IN' | StringOperator {
    const at = this.pos;
    const two = this.text.slice(at, at + 2);
    const twoCharacter: Readonly<Record<string, EqualityOperator | OrderOperator>> = { '==': '=', '!=': '!=', '<>': '!=', '<=': '<=', '>=': '>=' };
    const matched = twoCharacter[two];
    if (matched !== undefined) {
      this.pos += 2;
      return matched;
    }
    const one = this.text[at];
    if (one === '=' || one === '<' || one === '>') {
      this.pos += 1;
      return one;
    }
    const word = this.wordAt(at);
    if (WORD_OPERATORS.has(word)) {
      this.pos += word.length;
      return word as 'IN' | StringOperator;
    }
    return this.expected(`a comparison operator (${OPERATOR_LIST})`);
  }

  private setLiteral(): Literal[] {
    this.skipSpace();
    const open = this.pos;
    if (this.text[open] !== '(') return this.expected("'(' to start the set after IN");
    this.pos += 1;
    const values: Literal[] = [];
    this.skipSpace();
    if (this.text[this.pos] === ')') {
      this.pos += 1;
      return values;
    }
    for (;;) {
      values.push(this.literal());
      this.skipSpace();
      const next = this.text[this.pos];
      this.pos += 1;
      if (next === ')') return values;
      if (next !== ',') {
        this.pos -= 1;
        return this.expected(`',' or ')' to close the set opened at offset ${open}`);
      }
    }
  }

  // ------------------------------------------------------------ object paths

  private objectPath(): ObjectPath {
    this.skipSpace();
    const at = this.pos;
    const objectType = this.wordAt(at);
    if (objectType === '' || KEYWORDS.has(objectType)) return this.expected("an object path such as file:name, '(' or EXISTS");
    this.pos += objectType.length;
    this.skipSpace();
    if (this.text[this.pos] !== ':') return this.expected(`':' after the object type ${objectType}`);
    this.pos += 1;
    const property = this.propertyName();
    const steps: PathStep[] = [];
    for (;;) {
      this.skipSpace();
      const next = this.text[this.pos];
      if (next === '.') {
        this.pos += 1;
        steps.push({ kind: 'key', key: this.propertyName() });
      } else if (next === '[') {
        steps.push(this.indexStep());
      } else {
        return { objectType, property, steps };
      }
    }
  }

  private propertyName(): string {
    this.skipSpace();
    const at = this.pos;
    if (this.text[at] === "'") return this.quoted();
    const word = this.wordAt(at);
    if (word === '') return this.expected('a property name');
    if (word.includes('-')) this.failAt(at, `property name ${word} contains '-': quote it, as in '${word}'`);
    this.pos += word.length;
    return word;
  }

  private indexStep(): PathStep {
    const open = this.pos;
    this.pos += 1;
    this.skipSpace();
    let step: PathStep;
    if (this.text[this.pos] === '*') {
      this.pos += 1;
      step = { kind: 'any-index' };
    } else {
      const at = this.pos;
      const token = this.numberToken();
      if (token === undefined || token.kind !== 'integer') {
        this.pos = at;
        return this.expected('a list index (a whole number or *)');
      }
      step = { kind: 'index', index: token.value };
    }
    this.skipSpace();
    if (this.text[this.pos] !== ']') return this.expected(`']' to close the list index opened at offset ${open}`);
    this.pos += 1;
    return step;
  }

  // ---------------------------------------------------------------- literals

  private literal(): Literal {
    this.skipSpace();
    const at = this.pos;
    const next = this.text[at];
    const quoteFollows = this.text[at + 1] === "'";
    if (next === "'") return { kind: 'string', value: this.quoted() };
    if (next === 't' && quoteFollows) return { kind: 'timestamp', value: this.timestamp('') };
    if (next === 'h' && quoteFollows) return { kind: 'hex', value: this.hex() };
    if (next === 'b' && quoteFollows) return { kind: 'binary', value: this.binary() };
    const word = this.wordAt(at);
    if (word === 'true' || word === 'false') {
      this.pos += word.length;
      return { kind: 'boolean', value: word === 'true' };
    }
    const token = this.numberToken();
    if (token !== undefined) return { kind: token.kind, value: token.value };
    return this.expected("a value: a 'string', a number, true, false, h'hex', b'base64' or t'timestamp'");
  }

  /** A quoted string at the current position, unescaped. */
  private quoted(): string {
    const open = this.pos;
    let value = '';
    let chunk = open + 1;
    for (let i = chunk; ; ) {
      const character = this.text[i];
      if (character === undefined) this.failAt(open, "unterminated string: expected a closing ' before the end of the pattern");
      if (character === "'") {
        this.pos = i + 1;
        return value + this.text.slice(chunk, i);
      }
      if (character === '\\') {
        const escaped = this.text[i + 1];
        if (escaped !== "'" && escaped !== '\\') {
          this.failAt(i, "a backslash in a string must be followed by ' or \\ (write \\\\ for a backslash)");
        }
        value += this.text.slice(chunk, i) + escaped;
        i += 2;
        chunk = i;
      } else {
        i += 1;
      }
    }
  }

  /** The text between the quotes of h'..', b'..' or t'..'; no escapes are allowed there. */
  private prefixed(name: string): { at: number; content: string } {
    const at = this.pos;
    const close = this.text.indexOf("'", at + 2);
    if (close < 0) this.failAt(at, `unterminated ${name}: expected a closing ' before the end of the pattern`);
    this.pos = close + 1;
    return { at, content: this.text.slice(at + 2, close) };
  }

  private hex(): string {
    const { at, content } = this.prefixed('hex value');
    if (!HEX.test(content)) this.failAt(at, "a hex value must be pairs of hex digits, as in h'ffd8'");
    return content.toLowerCase();
  }

  private binary(): string {
    const { at, content } = this.prefixed('binary value');
    if (!BASE64.test(content)) this.failAt(at, "a binary value must be non-empty padded base64, as in b'AQIDBA=='");
    return content;
  }

  private timestamp(context: string): string {
    this.skipSpace();
    if (this.text[this.pos] !== 't' || this.text[this.pos + 1] !== "'") {
      return this.expected(`a timestamp such as ${TIMESTAMP_EXAMPLE}${context === '' ? '' : ` ${context}`}`);
    }
    const { at, content } = this.prefixed('timestamp');
    const reason = timestampProblem(content);
    if (reason !== undefined) this.failAt(at, `t'${shorten(content)}' ${reason}; expected RFC 3339 in UTC such as ${TIMESTAMP_EXAMPLE}`);
    return content;
  }

  /** A number in the grammar's spelling: optional sign, no leading zeros on integers, digits after a point. */
  private numberToken(): NumberToken | undefined {
    const at = this.pos;
    let i = at;
    const sign = this.text[i];
    if (sign === '+' || sign === '-') i += 1;
    const digitsFrom = i;
    while (isDigit(this.text[i])) i += 1;
    const whole = this.text.slice(digitsFrom, i);
    let kind: NumberToken['kind'] = 'integer';
    if (this.text[i] === '.' && isDigit(this.text[i + 1])) {
      kind = 'float';
      i += 1;
      while (isDigit(this.text[i])) i += 1;
    } else if (whole === '') {
      return undefined;
    } else if (whole.length > 1 && whole.startsWith('0')) {
      this.failAt(at, `integer ${shorten(this.text.slice(at, i))} has a leading zero`);
    }
    const text = this.text.slice(at, i);
    const parsed = Number(text);
    if (kind === 'integer' && !Number.isSafeInteger(parsed)) this.failAt(at, `integer ${shorten(text)} is out of range (at most ${Number.MAX_SAFE_INTEGER} either way)`);
    if (!Number.isFinite(parsed)) this.failAt(at, `number ${shorten(text)} is out of range`);
    this.pos = i;
    // -0 and 0 are the same value; keeping one spelling lets printed patterns parse back equal.
    return { kind, value: parsed === 0 ? 0 : parsed, text, negative: sign === '-' };
  }

  // ----------------------------------------------------------------- scanning

  private skipSpace(): void {
    for (;;) {
      const next = this.text[this.pos];
      if (next !== undefined && SPACE.has(next)) {
        this.pos += 1;
      } else if (next === '/' && this.text[this.pos + 1] === '*') {
        const end = this.text.indexOf('*/', this.pos + 2);
        if (end < 0) this.failAt(this.pos, 'unterminated comment: expected */');
        this.pos = end + 2;
      } else if (next === '/' && this.text[this.pos + 1] === '/') {
        while (this.pos < this.text.length && this.text[this.pos] !== '\n' && this.text[this.pos] !== '\r') this.pos += 1;
      } else {
        return;
      }
    }
  }

  private wordAt(at: number): string {
    WORD.lastIndex = at;
    return WORD.exec(this.text)?.[0] ?? '';
  }

  private peekAfterWord(at: number): string | undefined {
    const saved = this.pos;
    this.pos = at + this.wordAt(at).length;
    this.skipSpace();
    const next = this.text[this.pos];
    this.pos = saved;
    return next;
  }

  private acceptKeyword(keyword: string): boolean {
    this.skipSpace();
    if (this.wordAt(this.pos) !== keyword) return false;
    this.pos += keyword.length;
    return true;
  }

  private expectKeyword(keyword: string, expected: string): void {
    if (!this.acceptKeyword(keyword)) this.expected(expected);
  }

  private enter(at: number): void {
    this.depth += 1;
    if (this.depth > MAX_PATTERN_DEPTH) this.failAt(at, `nesting deeper than ${MAX_PATTERN_DEPTH} levels of brackets and parentheses`);
    this.pos = at + 1;
  }

  private leave(close: ']' | ')', openedAt: number, expected: string, opener: string): void {
    this.skipSpace();
    if (this.text[this.pos] !== close) this.expected(`${expected} to close the ${opener} at offset ${openedAt}`);
    this.pos += 1;
    this.depth -= 1;
  }

  private expected(what: string): never {
    this.skipSpace();
    const found = this.describe(this.pos);
    const word = this.wordAt(this.pos);
    const hint = word !== '' && !KEYWORDS.has(word) && KEYWORDS.has(word.toUpperCase()) ? ' (keywords are upper-case)' : '';
    return this.failAt(this.pos, `expected ${what}, found ${found}${hint}`);
  }

  private failAt(at: number, message: string): never {
    throw new Invalid(FIELD, `at offset ${at}: ${message}`);
  }

  private describe(at: number): string {
    if (at >= this.text.length) return 'the end of the pattern';
    const word = this.wordAt(at);
    if (word !== '') return JSON.stringify(shorten(word));
    const codePoint = this.text.codePointAt(at) ?? 0;
    return JSON.stringify(String.fromCodePoint(codePoint));
  }
}

const QUALIFIER_NAMES: Readonly<Record<Qualifier['kind'], string>> = { within: 'WITHIN', repeats: 'REPEATS', 'start-stop': 'START/STOP' };

function isDigit(character: string | undefined): boolean {
  return character !== undefined && character >= '0' && character <= '9';
}

function timestampProblem(text: string): string | undefined {
  const match = TIMESTAMP.exec(text);
  if (match === null) return 'is not a full date and time ending in Z';
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return 'is not a calendar date';
  // 60 is a leap second.
  if (hour > 23 || minute > 59 || second > 60) return 'is not a time of day';
  return undefined;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !isLeapYear(year) ? 1 : 0);
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
