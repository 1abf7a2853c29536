import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { Invalid } from '../errors.ts';
import { INDICATOR_TYPES, indicatorTypeInfo, type IndicatorType } from '../indicators/types.ts';
import {
  MAX_PATTERN_BYTES,
  MAX_PATTERN_DEPTH,
  SCO_TYPES,
  checkPatternSemantics,
  formatPattern,
  parsePattern,
  patternForIndicator,
  simpleIndicators,
  type Comparison,
  type ComparisonExpression,
  type Literal,
  type ObjectPath,
  type ObservationExpression,
  type ObservationOperator,
  type OrderableLiteral,
  type PathStep,
  type Pattern,
  type Qualifier,
} from './pattern.ts';

// The 23 patterns of the STIX 2.1 specification, as collected by the OASIS pattern validator.
const SPEC_EXAMPLES = path.resolve(import.meta.dirname, '../../../../shared/testdata/stix-patterns/stix21-spec_examples.txt');
const SPEC_EXAMPLES_MISSING = `${SPEC_EXAMPLES} is absent; the shared test data holds the STIX 2.1 specification's example patterns`;

function specExamples(): string[] | undefined {
  if (!fs.existsSync(SPEC_EXAMPLES)) return undefined;
  return fs
    .readFileSync(SPEC_EXAMPLES, 'utf8')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '');
}

const WIN_REGISTRY_WARNING = 'object type win-registry-key is not a STIX 2.1 cyber-observable type (custom types start with x-)';

function assertInvalid(action: () => unknown, reason: string): void {
  assert.throws(action, (error: unknown) => {
    assert.ok(error instanceof Invalid, `expected Invalid, got ${String(error)}`);
    assert.equal(error.field, 'pattern');
    assert.ok(error.reason.includes(reason), `reason "${error.reason}" lacks "${reason}"`);
    return true;
  });
}

function assertRoundTrip(pattern: Pattern): void {
  const text = formatPattern(pattern);
  assert.deepEqual(parsePattern(text), pattern, text);
}

// Tree builders for expected values.
function p(objectType: string, property: string, ...steps: PathStep[]): ObjectPath {
  return { objectType, property, steps };
}
function eq(objectPath: ObjectPath, value: Literal): Comparison {
  return { kind: 'comparison', path: objectPath, negated: false, operator: '=', value };
}
function str(value: string): Literal {
  return { kind: 'string', value };
}
function int(value: number): Literal {
  return { kind: 'integer', value };
}
function obs(comparison: ComparisonExpression): ObservationExpression {
  return { kind: 'observation', comparison };
}
function all(...operands: ComparisonExpression[]): ComparisonExpression {
  return { kind: 'comparison-group', operator: 'AND', operands };
}
function any(...operands: ComparisonExpression[]): ComparisonExpression {
  return { kind: 'comparison-group', operator: 'OR', operands };
}
function join(operator: ObservationOperator, ...operands: ObservationExpression[]): ObservationExpression {
  return { kind: 'observation-group', operator, operands };
}
function qualify(observation: ObservationExpression, qualifier: Qualifier): ObservationExpression {
  return { kind: 'qualified', observation, qualifier };
}
const key = (name: string): PathStep => ({ kind: 'key', key: name });

// [a:n = 1], [a:n = 2], ... keep the precedence cases readable.
const A = (n: number): Comparison => eq(p('a', 'n'), int(n));
const O = (n: number): ObservationExpression => obs(A(n));

describe('STIX 2.1 specification examples', () => {
  test('every example parses, prints back to an equal tree, and prints canonically once', (t) => {
    const examples = specExamples();
    if (examples === undefined) {
      t.skip(SPEC_EXAMPLES_MISSING);
      return;
    }
    assert.equal(examples.length, 23);
    for (const example of examples) {
      const pattern = parsePattern(example);
      assertRoundTrip(pattern);
      const text = formatPattern(pattern);
      assert.equal(formatPattern(parsePattern(text)), text);
    }
  });

  test('only the two uses of win-registry-key, a misspelling of windows-registry-key, draw a warning', (t) => {
    const examples = specExamples();
    if (examples === undefined) {
      t.skip(SPEC_EXAMPLES_MISSING);
      return;
    }
    const warned = examples.filter((example) => checkPatternSemantics(parsePattern(example)).length > 0);
    assert.equal(warned.length, 2);
    for (const example of examples) {
      const expected = example.includes('win-registry-key:') ? [WIN_REGISTRY_WARNING] : [];
      assert.deepEqual(checkPatternSemantics(parsePattern(example)), expected, example);
    }
    // x-usb-device is a custom type, which the x- prefix allows.
    const custom = examples.find((example) => example.includes('x-usb-device:'));
    assert.ok(custom !== undefined);
    assert.deepEqual(checkPatternSemantics(parsePattern(custom)), []);
  });

  test('a qualifier binds tighter than FOLLOWEDBY, as the grammar says, so WITHIN here covers the second observation only', (t) => {
    const examples = specExamples();
    const example = examples?.find((line) => line.includes('localMachineTrustedPublisher'));
    if (example === undefined) {
      t.skip(SPEC_EXAMPLES_MISSING);
      return;
    }
    const pattern = parsePattern(example);
    assert.equal(pattern.kind, 'observation-group');
    assert.equal(pattern.kind === 'observation-group' && pattern.operands[1]?.kind, 'qualified');
    // The file writes MATCHES'...' without a space, which the grammar allows; printing adds it.
    assert.ok(formatPattern(pattern).includes("MATCHES '^.+>-add GlobalSign.cer -c -s -r localMachineTrustedPublisher$'"));
  });
});

describe('parsePattern', () => {
  test('one comparison in one observation', () => {
    assert.deepEqual(
      parsePattern("[file:hashes.'SHA-256' = 'aec0']"),
      obs(eq(p('file', 'hashes', key('SHA-256')), str('aec0'))),
    );
  });

  test('every comparison operator, with and without NOT, and the grammar alternatives == and <>', () => {
    const path = p('file', 'size');
    const cases: readonly (readonly [string, Comparison])[] = [
      ['file:size = 1', eq(path, int(1))],
      ['file:size == 1', eq(path, int(1))],
      ['file:size != 1', { kind: 'comparison', path, negated: false, operator: '!=', value: int(1) }],
      ['file:size <> 1', { kind: 'comparison', path, negated: false, operator: '!=', value: int(1) }],
      ['file:size < 1', { kind: 'comparison', path, negated: false, operator: '<', value: { kind: 'integer', value: 1 } }],
      ['file:size <= 1', { kind: 'comparison', path, negated: false, operator: '<=', value: { kind: 'integer', value: 1 } }],
      ['file:size > 1', { kind: 'comparison', path, negated: false, operator: '>', value: { kind: 'integer', value: 1 } }],
      ['file:size >= 1', { kind: 'comparison', path, negated: false, operator: '>=', value: { kind: 'integer', value: 1 } }],
      ['file:size NOT = 1', { kind: 'comparison', path, negated: true, operator: '=', value: int(1) }],
      ['file:size NOT > 1', { kind: 'comparison', path, negated: true, operator: '>', value: { kind: 'integer', value: 1 } }],
      ["file:size IN (1, 'a', true)", { kind: 'comparison', path, negated: false, operator: 'IN', values: [int(1), str('a'), { kind: 'boolean', value: true }] }],
      ['file:size NOT IN ()', { kind: 'comparison', path, negated: true, operator: 'IN', values: [] }],
      ["file:size LIKE 'a%'", { kind: 'comparison', path, negated: false, operator: 'LIKE', value: { kind: 'string', value: 'a%' } }],
      ["file:size NOT MATCHES '^a'", { kind: 'comparison', path, negated: true, operator: 'MATCHES', value: { kind: 'string', value: '^a' } }],
      ["file:size ISSUBSET '10.0.0.0/8'", { kind: 'comparison', path, negated: false, operator: 'ISSUBSET', value: { kind: 'string', value: '10.0.0.0/8' } }],
      ["file:size NOT ISSUPERSET '10.0.0.0/8'", { kind: 'comparison', path, negated: true, operator: 'ISSUPERSET', value: { kind: 'string', value: '10.0.0.0/8' } }],
    ];
    for (const [text, comparison] of cases) {
      const pattern = parsePattern(`[${text}]`);
      assert.deepEqual(pattern, obs(comparison), text);
      assertRoundTrip(pattern);
    }
  });

  test('EXISTS takes an object path', () => {
    assert.deepEqual(parsePattern('[EXISTS file:parent_directory_ref]'), obs({ kind: 'exists', path: p('file', 'parent_directory_ref') }));
    assert.equal(formatPattern(parsePattern('[ EXISTS  file:name AND file:size > 0 ]')), '[EXISTS file:name AND file:size > 0]');
  });

  test('inside an observation AND binds tighter than OR; parentheses regroup', () => {
    assert.deepEqual(parsePattern('[a:n = 1 AND a:n = 2 OR a:n = 3]'), obs(any(all(A(1), A(2)), A(3))));
    assert.deepEqual(parsePattern('[a:n = 1 OR a:n = 2 AND a:n = 3]'), obs(any(A(1), all(A(2), A(3)))));
    assert.deepEqual(parsePattern('[(a:n = 1 OR a:n = 2) AND a:n = 3]'), obs(all(any(A(1), A(2)), A(3))));
    assert.deepEqual(parsePattern('[((a:n = 1))]'), O(1));
  });

  test('between observations AND binds tightest, then OR, then FOLLOWEDBY', () => {
    assert.deepEqual(
      parsePattern('[a:n = 1] AND [a:n = 2] OR [a:n = 3] FOLLOWEDBY [a:n = 4]'),
      join('FOLLOWEDBY', join('OR', join('AND', O(1), O(2)), O(3)), O(4)),
    );
    assert.deepEqual(
      parsePattern('[a:n = 1] FOLLOWEDBY [a:n = 2] OR [a:n = 3] AND [a:n = 4]'),
      join('FOLLOWEDBY', O(1), join('OR', O(2), join('AND', O(3), O(4)))),
    );
    assert.deepEqual(
      parsePattern('([a:n = 1] FOLLOWEDBY [a:n = 2]) AND [a:n = 3]'),
      join('AND', join('FOLLOWEDBY', O(1), O(2)), O(3)),
    );
  });

  test('runs of one operator become one group, whatever the parentheses', () => {
    assert.deepEqual(parsePattern('[a:n = 1] AND ([a:n = 2] AND [a:n = 3])'), join('AND', O(1), O(2), O(3)));
    assert.deepEqual(parsePattern('[a:n = 1 OR (a:n = 2 OR a:n = 3)]'), obs(any(A(1), A(2), A(3))));
    assert.equal(formatPattern(parsePattern('([a:n = 1] OR [a:n = 2]) OR [a:n = 3]')), '[a:n = 1] OR [a:n = 2] OR [a:n = 3]');
  });

  test('qualifiers bind tighter than any observation operator and may follow one another', () => {
    assert.deepEqual(
      parsePattern('[a:n = 1] FOLLOWEDBY [a:n = 2] WITHIN 300 SECONDS'),
      join('FOLLOWEDBY', O(1), qualify(O(2), { kind: 'within', seconds: 300 })),
    );
    assert.deepEqual(
      parsePattern('([a:n = 1] FOLLOWEDBY [a:n = 2]) WITHIN 300 SECONDS'),
      qualify(join('FOLLOWEDBY', O(1), O(2)), { kind: 'within', seconds: 300 }),
    );
    assert.deepEqual(
      parsePattern('[a:n = 1] REPEATS 5 TIMES WITHIN 1800 SECONDS'),
      qualify(qualify(O(1), { kind: 'repeats', times: 5 }), { kind: 'within', seconds: 1800 }),
    );
    assert.deepEqual(
      parsePattern("[a:n = 1] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00.5Z'"),
      qualify(O(1), { kind: 'start-stop', start: '2016-06-01T00:00:00Z', stop: '2016-07-01T00:00:00.5Z' }),
    );
    assert.deepEqual(parsePattern('[a:n = 1] WITHIN 0.5 SECONDS'), qualify(O(1), { kind: 'within', seconds: 0.5 }));
    assert.deepEqual(parsePattern('[a:n = 1] WITHIN +.25 SECONDS'), qualify(O(1), { kind: 'within', seconds: 0.25 }));
    // A second qualifier of one kind needs parentheses around the first.
    const twice = parsePattern('([a:n = 1] WITHIN 5 SECONDS) WITHIN 10 SECONDS');
    assert.deepEqual(twice, qualify(qualify(O(1), { kind: 'within', seconds: 5 }), { kind: 'within', seconds: 10 }));
    assert.equal(formatPattern(twice), '([a:n = 1] WITHIN 5 SECONDS) WITHIN 10 SECONDS');
    assert.equal(formatPattern(parsePattern('([a:n = 1] WITHIN 5 SECONDS) REPEATS 2 TIMES')), '[a:n = 1] WITHIN 5 SECONDS REPEATS 2 TIMES');
  });

  test('object paths: nested keys, list indexes, any index, quoted keys, hyphenated object types', () => {
    assert.deepEqual(
      parsePattern("[email-message:body_multipart[*].body_raw_ref.'name'[0][-1][+2] = 'x']"),
      obs(
        eq(
          p('email-message', 'body_multipart', { kind: 'any-index' }, key('body_raw_ref'), key('name'), { kind: 'index', index: 0 }, { kind: 'index', index: -1 }, { kind: 'index', index: 2 }),
          str('x'),
        ),
      ),
    );
    assert.deepEqual(parsePattern("[x-thing:'first key'.MD5 = 1]"), obs(eq(p('x-thing', 'first key', key('MD5')), int(1))));
    // Keys that are keywords or not plain names are quoted on output.
    assert.equal(formatPattern(parsePattern("[x-a:AND.'b-c'.'d'.'' = 1]")), "[x-a:'AND'.'b-c'.d.'' = 1]");
    assert.equal(formatPattern(parsePattern('[ file : hashes . MD5 [ 0 ] = 1 ]')), '[file:hashes.MD5[0] = 1]');
  });

  test('string escapes: \\\' and \\\\ only, anything else between the quotes as is', () => {
    const pattern = parsePattern(String.raw`[file:name = 'it\'s C:\\temp\\ (100%) ünï "quoted"']`);
    assert.deepEqual(pattern, obs(eq(p('file', 'name'), str(`it's C:\\temp\\ (100%) ünï "quoted"`))));
    assert.equal(formatPattern(pattern), String.raw`[file:name = 'it\'s C:\\temp\\ (100%) ünï "quoted"']`);
    assert.deepEqual(parsePattern("[file:name = '']"), obs(eq(p('file', 'name'), str(''))));
    assert.deepEqual(parsePattern("[file:name = 'two\nlines']"), obs(eq(p('file', 'name'), str('two\nlines'))));
  });

  test('literals: integers, floats, booleans, hex, base64 binary and timestamps', () => {
    const value = (text: string): Literal => {
      const pattern = parsePattern(`[x-a:v = ${text}]`);
      assertRoundTrip(pattern);
      assert.ok(pattern.kind === 'observation' && pattern.comparison.kind === 'comparison' && pattern.comparison.operator === '=');
      return pattern.comparison.value;
    };
    assert.deepEqual(value('42'), int(42));
    assert.deepEqual(value('-42'), int(-42));
    assert.deepEqual(value('+42'), int(42));
    assert.deepEqual(value('0'), int(0));
    assert.deepEqual(value('-0'), int(0));
    assert.deepEqual(value(String(Number.MAX_SAFE_INTEGER)), int(Number.MAX_SAFE_INTEGER));
    assert.deepEqual(value('7.0'), { kind: 'float', value: 7 });
    assert.deepEqual(value('.5'), { kind: 'float', value: 0.5 });
    assert.deepEqual(value('-007.25'), { kind: 'float', value: -7.25 });
    assert.deepEqual(value('-0.0'), { kind: 'float', value: 0 });
    assert.deepEqual(value('true'), { kind: 'boolean', value: true });
    assert.deepEqual(value('false'), { kind: 'boolean', value: false });
    assert.deepEqual(value("h'FFD8'"), { kind: 'hex', value: 'ffd8' });
    assert.deepEqual(value("h''"), { kind: 'hex', value: '' });
    assert.deepEqual(value("b'AQIDBA=='"), { kind: 'binary', value: 'AQIDBA==' });
    assert.deepEqual(value("b'AQID'"), { kind: 'binary', value: 'AQID' });
    assert.deepEqual(value("t'2014-01-13T07:03:17Z'"), { kind: 'timestamp', value: '2014-01-13T07:03:17Z' });
    assert.deepEqual(value("t'2016-12-31T23:59:60.123456Z'"), { kind: 'timestamp', value: '2016-12-31T23:59:60.123456Z' });
    assert.deepEqual(value("t'2024-02-29T00:00:00Z'"), { kind: 'timestamp', value: '2024-02-29T00:00:00Z' });
  });

  test('floats print in positional notation, since the grammar has no exponents', () => {
    const printed = (value: number): string =>
      formatPattern(obs({ kind: 'comparison', path: p('x-a', 'v'), negated: false, operator: '>', value: { kind: 'float', value } }));
    assert.equal(printed(7), '[x-a:v > 7.0]');
    assert.equal(printed(1e21), '[x-a:v > 1000000000000000000000.0]');
    assert.equal(printed(1.5e-7), '[x-a:v > 0.00000015]');
    assert.equal(printed(-2.5e-10), '[x-a:v > -0.00000000025]');
    for (const value of [1e21, 1.5e-7, -2.5e-10, Number.MIN_VALUE, Number.MAX_VALUE, 0.1 + 0.2]) {
      assertRoundTrip(obs({ kind: 'comparison', path: p('x-a', 'v'), negated: false, operator: '>', value: { kind: 'float', value } }));
    }
  });

  test('whitespace of every kind, and /* */ and // comments, may separate tokens', () => {
    const spaced = "\u3000[\tfile:name\u00a0=\n'a'  /* why */ OR file:name = 'b' ]\r\n// trailing note";
    assert.deepEqual(parsePattern(spaced), obs(any(eq(p('file', 'name'), str('a')), eq(p('file', 'name'), str('b')))));
    assert.deepEqual(parsePattern("[file:name MATCHES'^a']AND[file:size>5]WITHIN 5SECONDS"), parsePattern("[file:name MATCHES '^a'] AND [file:size > 5] WITHIN 5 SECONDS"));
  });
});

describe('parsePattern rejects invalid patterns with the offset and what was expected there', () => {
  const cases: readonly (readonly [string, string, string])[] = [
    ['empty pattern', '', 'at offset 0: the pattern is empty: expected an observation expression'],
    ['blank pattern', '  /* nothing */ ', 'the pattern is empty'],
    ['missing brackets', "file:name = 'x'", "at offset 0: expected '[' before the comparison"],
    ['missing closing bracket', "[file:name = 'x'", "at offset 16: expected AND, OR or ']' to close the '[' at offset 0, found the end of the pattern"],
    ['missing opening bracket', "[file:name = 'x'] AND file:name = 'y']", "at offset 22: expected '[' before the comparison"],
    ['empty observation', '[]', 'at offset 1: expected an object path such as file:name, \'(\' or EXISTS, found "]"'],
    ['unknown operator', "[file:name ~ 'x']", 'at offset 11: expected a comparison operator (=, !=, <, <=, >, >=, IN, LIKE, MATCHES, ISSUBSET or ISSUPERSET), found "~"'],
    ['unknown word operator', "[file:name CONTAINS 'x']", 'at offset 11: expected a comparison operator'],
    ['lower-case operator', "[file:name like 'x']", 'found "like" (keywords are upper-case)'],
    ['lower-case observation operator', "[file:name = 'x'] and [file:name = 'y']", 'found "and" (keywords are upper-case)'],
    ['date without time', "[file:created = t'2020-01-01']", "at offset 16: t'2020-01-01' is not a full date and time ending in Z; expected RFC 3339 in UTC"],
    ['timestamp with offset', "[file:created = t'2020-01-01T00:00:00+02:00']", 'is not a full date and time ending in Z'],
    ['no calendar date', "[file:created = t'2021-02-29T00:00:00Z']", 'is not a calendar date'],
    ['no time of day', "[file:created = t'2021-02-28T24:00:00Z']", 'is not a time of day'],
    ['unterminated timestamp', "[file:created = t'2021-02-28T00:00:00Z]", 'at offset 16: unterminated timestamp'],
    ['unterminated string', "[file:name = 'abc]", "at offset 13: unterminated string: expected a closing ' before the end of the pattern"],
    ['unknown escape', String.raw`[file:name = 'C:\Windows']`, "at offset 16: a backslash in a string must be followed by ' or \\"],
    ['escape at the very end', "[file:name = 'abc\\", 'at offset 17: a backslash in a string must be followed by'],
    ['WITHIN without SECONDS', "[file:name = 'x'] WITHIN 5", 'at offset 26: expected SECONDS after WITHIN 5, found the end of the pattern'],
    ['WITHIN with another unit', "[file:name = 'x'] WITHIN 5 MINUTES", 'expected SECONDS after WITHIN 5, found "MINUTES"'],
    ['WITHIN without a number', "[file:name = 'x'] WITHIN SECONDS", 'expected a number of seconds after WITHIN, found "SECONDS"'],
    ['WITHIN 0', "[file:name = 'x'] WITHIN 0 SECONDS", 'at offset 25: WITHIN takes a number greater than 0, not 0'],
    ['WITHIN negative', "[file:name = 'x'] WITHIN -5 SECONDS", 'WITHIN takes a number greater than 0, not -5'],
    ['REPEATS 0', "[file:name = 'x'] REPEATS 0 TIMES", 'REPEATS takes a number greater than 0, not 0'],
    ['REPEATS a fraction', "[file:name = 'x'] REPEATS 1.5 TIMES", 'REPEATS takes a whole number, not 1.5'],
    ['REPEATS without TIMES', "[file:name = 'x'] REPEATS 2", 'expected TIMES after REPEATS 2'],
    ['START without STOP', "[file:name = 'x'] START t'2016-06-01T00:00:00Z'", "expected STOP after START t'2016-06-01T00:00:00Z'"],
    ['START with a string', "[file:name = 'x'] START '2016-06-01T00:00:00Z' STOP t'2016-06-01T00:00:00Z'", "expected a timestamp such as t'2016-06-01T00:00:00Z' after START"],
    ['the same qualifier twice', "[file:name = 'x'] WITHIN 5 SECONDS WITHIN 6 SECONDS", 'at offset 35: a second WITHIN qualifier on the same observation expression'],
    ['unbalanced opening parenthesis', "([file:name = 'x']", "at offset 18: expected AND, OR, FOLLOWEDBY, a qualifier or ')' to close the '(' at offset 0"],
    ['unbalanced closing parenthesis', "[file:name = 'x'])", "at offset 17: unbalanced parentheses: this ')' closes no '('"],
    ['unbalanced parenthesis in a comparison', "[(file:name = 'x']", "expected AND, OR or ')' to close the '(' at offset 1, found \"]\""],
    ['stray closing parenthesis in a comparison', "[file:name = 'x')]", "expected AND, OR or ']' to close the '[' at offset 0, found \")\""],
    ['trailing text', "[file:name = 'x'] extra", 'expected AND, OR, FOLLOWEDBY, a qualifier (WITHIN, REPEATS, START) or the end of the pattern, found "extra"'],
    ['dangling operator', "[file:name = 'x'] AND", "at offset 21: expected '[' or '(' to start an observation expression, found the end of the pattern"],
    ['missing value', '[file:name = ]', 'at offset 13: expected a value'],
    ['missing colon', "[file.name = 'x']", "expected ':' after the object type file"],
    ['keyword as object type', "[AND:name = 'x']", 'expected an object path'],
    ['unquoted hyphen in a key', "[file:extensions.windows-pebinary-ext.imphash = 'x']", "property name windows-pebinary-ext contains '-': quote it"],
    ['bad list index', "[file:names[x] = 'x']", 'expected a list index (a whole number or *), found "x"'],
    ['unclosed list index', "[file:names[1 = 'x']", "expected ']' to close the list index opened at offset 11"],
    ['NOT before EXISTS', '[NOT EXISTS file:name]', 'NOT goes between the object path and the operator'],
    ['boolean ordered', '[file:size > true]', 'a boolean cannot be compared with >'],
    ['LIKE a number', '[file:name LIKE 5]', 'expected a quoted string after LIKE, found "5"'],
    ['IN without a set', "[file:name IN 'x']", "expected '(' to start the set after IN"],
    ['unclosed set', "[file:name IN ('x' 'y')]", "expected ',' or ')' to close the set opened at offset 14"],
    ['odd hex digits', "[file:magic_number_hex = h'abc']", "a hex value must be pairs of hex digits"],
    ['empty binary', "[artifact:payload_bin = b'']", 'a binary value must be non-empty padded base64'],
    ['unpadded binary', "[artifact:payload_bin = b'AQI']", 'a binary value must be non-empty padded base64'],
    ['leading zero', '[file:size = 0123]', 'at offset 13: integer 0123 has a leading zero'],
    ['integer beyond 2^53', '[file:size = 9007199254740993]', 'integer 9007199254740993 is out of range'],
    ['float beyond range', `[x-a:v = ${'9'.repeat(400)}.0]`, 'is out of range'],
    ['unterminated comment', "[file:name = 'x'] /* note", 'at offset 18: unterminated comment: expected */'],
  ];
  for (const [name, text, reason] of cases) {
    test(name, () => assertInvalid(() => parsePattern(text), reason));
  }

  test(`nesting is capped at ${MAX_PATTERN_DEPTH} levels of brackets and parentheses`, () => {
    const nested = (levels: number): string => `${'('.repeat(levels - 1)}[a:n = 1]${')'.repeat(levels - 1)}`;
    assert.deepEqual(parsePattern(nested(MAX_PATTERN_DEPTH)), O(1));
    assertInvalid(() => parsePattern(nested(MAX_PATTERN_DEPTH + 1)), `at offset ${MAX_PATTERN_DEPTH}: nesting deeper than ${MAX_PATTERN_DEPTH} levels`);
    const comparisons = `[${'('.repeat(MAX_PATTERN_DEPTH)}a:n = 1${')'.repeat(MAX_PATTERN_DEPTH)}]`;
    assertInvalid(() => parsePattern(comparisons), 'nesting deeper than');
    // Far past any stack: still a plain Invalid.
    assertInvalid(() => parsePattern('('.repeat(60_000)), 'nesting deeper than');
    assertInvalid(() => parsePattern(`[${'('.repeat(60_000)}`), 'nesting deeper than');
    assertInvalid(() => parsePattern(`[a:n = 1${' AND (a:n = 1'.repeat(4_000)}`), 'nesting deeper than');
  });

  test('input is capped at 64 KiB of UTF-8', () => {
    const filler = (bytes: number): string => `[file:name = '${'x'.repeat(bytes - "[file:name = '']".length)}']`;
    assert.equal(parsePattern(filler(MAX_PATTERN_BYTES)).kind, 'observation');
    assertInvalid(() => parsePattern(filler(MAX_PATTERN_BYTES + 1)), `is ${MAX_PATTERN_BYTES + 1} bytes long; at most ${MAX_PATTERN_BYTES} (64 KiB)`);
    // Three bytes each in UTF-8.
    assertInvalid(() => parsePattern('€'.repeat(22_000)), 'is 66000 bytes long');
  });

  test('a non-string input is refused as Invalid too', () => {
    assertInvalid(() => parsePattern(undefined as unknown as string), 'must be a string');
  });
});

describe('checkPatternSemantics', () => {
  test('object types must be STIX 2.1 cyber-observables or custom x- types', () => {
    assert.equal(SCO_TYPES.length, 18);
    for (const type of SCO_TYPES) assert.deepEqual(checkPatternSemantics(parsePattern(`[${type}:x = 1]`)), [], type);
    assert.deepEqual(checkPatternSemantics(parsePattern('[x-acme-widget:x = 1]')), []);
    assert.deepEqual(checkPatternSemantics(parsePattern('[indicator:name = 1] OR [File:name = 1] OR [indicator:x = 2]')), [
      'object type indicator is not a STIX 2.1 cyber-observable type (custom types start with x-)',
      'object type File is not a STIX 2.1 cyber-observable type (custom types start with x-)',
    ]);
    assert.deepEqual(checkPatternSemantics(parsePattern('[EXISTS ipv4:value]')), [
      'object type ipv4 is not a STIX 2.1 cyber-observable type (custom types start with x-)',
    ]);
  });

  test('hash values must have the length of their algorithm', () => {
    assert.deepEqual(checkPatternSemantics(parsePattern(`[file:hashes.'SHA-256' = '${'a'.repeat(64)}' OR file:hashes.sha1 IN ('${'b'.repeat(40)}')]`)), []);
    assert.deepEqual(checkPatternSemantics(parsePattern("[file:hashes.MD5 = 'abc' OR x509-certificate:hashes.'SHA-1' != 'zz']")), [
      "file:hashes.MD5 'abc' is not a valid MD5 hash (32 hex digits)",
      "x509-certificate:hashes.'SHA-1' 'zz' is not a valid SHA-1 hash (40 hex digits)",
    ]);
    // Unknown algorithms and other operators are left alone.
    assert.deepEqual(checkPatternSemantics(parsePattern("[file:hashes.'x-custom' = 'abc' AND file:hashes.MD5 LIKE 'ab%']")), []);
  });

  test('ISSUBSET and ISSUPERSET compare IP prefixes', () => {
    assert.deepEqual(checkPatternSemantics(parsePattern("[ipv4-addr:value ISSUBSET '198.51.100.0/24' AND ipv6-addr:value ISSUPERSET '2001:db8::1']")), []);
    assert.deepEqual(checkPatternSemantics(parsePattern("[ipv4-addr:value ISSUBSET 'example.com']")), [
      "ISSUBSET compares IP prefixes, but 'example.com' is not an IP address or prefix",
    ]);
  });

  test('START must come before STOP', () => {
    assert.deepEqual(checkPatternSemantics(parsePattern("[a:n = 1] START t'2016-06-01T00:00:00Z' STOP t'2016-06-01T00:00:00.001Z'")), [
      'object type a is not a STIX 2.1 cyber-observable type (custom types start with x-)',
    ]);
    assert.deepEqual(checkPatternSemantics(parsePattern("[file:name = 'x'] START t'2016-12-31T23:59:60Z' STOP t'2017-01-01T00:00:00Z'")), []);
    assert.deepEqual(checkPatternSemantics(parsePattern("[file:name = 'x'] START t'2016-06-01T00:00:00.05Z' STOP t'2016-06-01T00:00:00.5Z'")), []);
    assert.deepEqual(checkPatternSemantics(parsePattern("[file:name = 'x'] START t'2016-06-01T00:00:00.5Z' STOP t'2016-06-01T00:00:00.500Z'")), [
      "START t'2016-06-01T00:00:00.5Z' is not before STOP t'2016-06-01T00:00:00.500Z': the observation can never fall in between",
    ]);
    assert.deepEqual(checkPatternSemantics(parsePattern("[file:name = 'x'] START t'2016-07-01T00:00:00Z' STOP t'2016-06-01T00:00:00Z'")), [
      "START t'2016-07-01T00:00:00Z' is not before STOP t'2016-06-01T00:00:00Z': the observation can never fall in between",
    ]);
  });
});

describe('simpleIndicators', () => {
  const SHA256 = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
  const cases: readonly (readonly [string, readonly { type: IndicatorType; value: string }[]])[] = [
    ["[ipv4-addr:value = '198.51.100.1']", [{ type: 'ip-dst', value: '198.51.100.1' }]],
    ["[ipv4-addr:value = '203.0.113.0/24']", [{ type: 'ip-dst', value: '203.0.113.0/24' }]],
    ["[ipv6-addr:value = '2001:db8::/32']", [{ type: 'ip-dst', value: '2001:db8::/32' }]],
    ["[domain-name:value = 'evil.example']", [{ type: 'domain', value: 'evil.example' }]],
    ["[url:value = 'http://evil.example/a\\'b']", [{ type: 'url', value: "http://evil.example/a'b" }]],
    ["[email-addr:value = 'a@example.com']", [{ type: 'email-src', value: 'a@example.com' }]],
    ["[email-message:from_ref.value = 'a@example.com']", [{ type: 'email-src', value: 'a@example.com' }]],
    ["[email-message:to_refs[*].value = 'b@example.com']", [{ type: 'email-dst', value: 'b@example.com' }]],
    ["[email-message:subject = 'Invoice']", [{ type: 'email-subject', value: 'Invoice' }]],
    ["[file:name = 'invoice.exe']", [{ type: 'filename', value: 'invoice.exe' }]],
    ["[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']", [{ type: 'md5', value: 'd41d8cd98f00b204e9800998ecf8427e' }]],
    ["[file:hashes.'md5' = 'd41d8cd98f00b204e9800998ecf8427e']", [{ type: 'md5', value: 'd41d8cd98f00b204e9800998ecf8427e' }]],
    ["[file:hashes.'SHA-1' = 'da39']", [{ type: 'sha1', value: 'da39' }]],
    ["[file:hashes.SHA1 = 'da39']", [{ type: 'sha1', value: 'da39' }]],
    [`[file:hashes.'SHA-256' = '${SHA256}']`, [{ type: 'sha256', value: SHA256 }]],
    [`[file:hashes.sha256 = '${SHA256}']`, [{ type: 'sha256', value: SHA256 }]],
    ["[file:hashes.'SHA-512' = 'cf83']", [{ type: 'sha512', value: 'cf83' }]],
    ["[file:hashes.SSDEEP = '3:a:b']", [{ type: 'ssdeep', value: '3:a:b' }]],
    ["[file:hashes.ssdeep = '3:a:b']", [{ type: 'ssdeep', value: '3:a:b' }]],
    ["[mutex:name = 'Global\\\\evil']", [{ type: 'mutex', value: 'Global\\evil' }]],
    ['[autonomous-system:number = 64500]', [{ type: 'AS', value: 'AS64500' }]],
    ["[autonomous-system:number = '64500']", [{ type: 'AS', value: 'AS64500' }]],
    ["[windows-registry-key:key = 'HKLM\\\\Run']", [{ type: 'regkey', value: 'HKLM\\Run' }]],
    ["[network-traffic:extensions.'http-request-ext'.request_header.'User-Agent' = 'EvilBot/1.0']", [{ type: 'user-agent', value: 'EvilBot/1.0' }]],
    ["[network-traffic:extensions.'http-request-ext'.request_header.'user-agent' = 'EvilBot/1.0']", [{ type: 'user-agent', value: 'EvilBot/1.0' }]],
    ["[x509-certificate:hashes.'SHA-1' = 'da39']", [{ type: 'x509-fingerprint-sha1', value: 'da39' }]],
    ["[x509-certificate:hashes.'SHA-256' = 'aa']", [{ type: 'x509-fingerprint-sha256', value: 'aa' }]],
    ["[x509-certificate:hashes.MD5 = 'bb']", [{ type: 'x509-fingerprint-md5', value: 'bb' }]],
    [`[file:name = 'a.exe' AND file:hashes.'SHA-256' = '${SHA256}']`, [{ type: 'filename|sha256', value: `a.exe|${SHA256}` }]],
    [`[file:hashes.'SHA-256' = '${SHA256}' AND file:name = 'a.exe']`, [{ type: 'filename|sha256', value: `a.exe|${SHA256}` }]],
    ["[file:name = 'a.exe' AND file:hashes.MD5 = 'd41d']", [{ type: 'filename|md5', value: 'a.exe|d41d' }]],
    ["[file:name = 'a.exe' AND file:hashes.'SHA-1' = 'da39']", [{ type: 'filename|sha1', value: 'a.exe|da39' }]],
    [
      "[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '203.0.113.33/32']",
      [{ type: 'ip-dst', value: '203.0.113.33/32' }],
    ],
    [
      "[network-traffic:src_ref.value = '2001:db8::1' AND network-traffic:src_ref.type = 'ipv6-addr' AND network-traffic:src_port = 443]",
      [{ type: 'ip-src|port', value: '2001:db8::1|443' }],
    ],
    [
      "[domain-name:value = 'www.5z8.info' AND domain-name:resolves_to_refs[*].value = '198.51.100.1']",
      [{ type: 'domain|ip', value: 'www.5z8.info|198.51.100.1' }],
    ],
    [
      "[url:value = 'http://a.example/' OR url:value = 'http://b.example/'] OR ([domain-name:value = 'c.example'] OR [ipv4-addr:value = '192.0.2.1' OR (file:name = 'x' AND file:hashes.MD5 = 'y')])",
      [
        { type: 'url', value: 'http://a.example/' },
        { type: 'url', value: 'http://b.example/' },
        { type: 'domain', value: 'c.example' },
        { type: 'ip-dst', value: '192.0.2.1' },
        { type: 'filename|md5', value: 'x|y' },
      ],
    ],
  ];
  for (const [text, expected] of cases) {
    test(`reads ${text.length > 90 ? `${text.slice(0, 90)}…` : text}`, () => assert.deepEqual(simpleIndicators(parsePattern(text)), expected));
  }

  const kept: readonly (readonly [string, string])[] = [
    ['a qualifier', "[url:value = 'http://a.example/'] WITHIN 5 SECONDS"],
    ['FOLLOWEDBY', "[url:value = 'http://a.example/'] FOLLOWEDBY [url:value = 'http://b.example/']"],
    ['AND between observations', "[url:value = 'http://a.example/'] AND [url:value = 'http://b.example/']"],
    ['AND inside an observation that is no known pair', "[url:value = 'http://a.example/' AND url:value = 'http://b.example/']"],
    ['a file with two hashes', "[file:hashes.MD5 = 'a' AND file:hashes.'SHA-1' = 'b']"],
    ['a file name with a size', "[file:name = 'a' AND file:size = 5]"],
    ['!=', "[url:value != 'http://a.example/']"],
    ['NOT =', "[url:value NOT = 'http://a.example/']"],
    ['LIKE', "[url:value LIKE 'http://%']"],
    ['IN', "[url:value IN ('http://a.example/')]"],
    ['EXISTS', '[EXISTS url:value]'],
    ['an unknown property', '[file:size = 5]'],
    ['an unknown hash algorithm', "[file:hashes.'SHA3-256' = 'a']"],
    ['a non-string value', '[url:value = 5]'],
    ['an AS number that is not a number', "[autonomous-system:number = 'AS64500x']"],
    ['a port out of range', "[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '192.0.2.1' AND network-traffic:dst_port = 70000]"],
    ['a destination that is not an IP', "[network-traffic:dst_ref.type = 'domain-name' AND network-traffic:dst_ref.value = 'example.com']"],
    ['a destination of unknown kind', "[network-traffic:dst_ref.value = '192.0.2.1']"],
    ['a file name holding the separator', "[file:name = 'a|b' AND file:hashes.MD5 = 'c']"],
    ['one unreadable alternative among readable ones', "[url:value = 'http://a.example/' OR file:size = 5]"],
    ['OR over an AND', "[(url:value = 'http://a.example/' OR url:value = 'http://b.example/') AND url:value = 'http://c.example/']"],
    ['a hash of another object', "[artifact:hashes.MD5 = 'a']"],
  ];
  for (const [name, text] of kept) {
    test(`keeps the pattern for ${name}`, () => assert.equal(simpleIndicators(parsePattern(text)), null));
  }
});

describe('patternForIndicator', () => {
  test('escapes quotes and backslashes in values', () => {
    assert.equal(patternForIndicator('filename', String.raw`it's C:\temp\a.exe`), String.raw`[file:name = 'it\'s C:\\temp\\a.exe']`);
    assert.equal(patternForIndicator('regkey', String.raw`HKLM\Software\Run`), String.raw`[windows-registry-key:key = 'HKLM\\Software\\Run']`);
  });

  test('writes the common patterns in the form other STIX tools use', () => {
    assert.equal(patternForIndicator('ip-src', '198.51.100.7'), "[ipv4-addr:value = '198.51.100.7']");
    assert.equal(patternForIndicator('ip-dst', '2001:db8::/32'), "[ipv6-addr:value = '2001:db8::/32']");
    assert.equal(patternForIndicator('hostname', 'login.example.com'), "[domain-name:value = 'login.example.com']");
    assert.equal(patternForIndicator('email-dst', 'a@example.org'), "[email-addr:value = 'a@example.org']");
    assert.equal(patternForIndicator('sha256', 'ab'), "[file:hashes.'SHA-256' = 'ab']");
    assert.equal(patternForIndicator('AS', 'AS64500'), '[autonomous-system:number = 64500]');
    assert.equal(
      patternForIndicator('ip-dst|port', '2001:db8::10 | 0443'),
      "[network-traffic:dst_ref.type = 'ipv6-addr' AND network-traffic:dst_ref.value = '2001:db8::10' AND network-traffic:dst_port = 443]",
    );
    assert.equal(patternForIndicator('filename|sha1', 'a.exe|da39'), "[file:name = 'a.exe' AND file:hashes.'SHA-1' = 'da39']");
    assert.equal(
      patternForIndicator('user-agent', 'EvilBot/1.0'),
      "[network-traffic:extensions.'http-request-ext'.request_header.'User-Agent' = 'EvilBot/1.0']",
    );
  });

  test('answers null for types without a STIX pattern', () => {
    for (const type of ['text', 'comment', 'other', 'yara', 'sigma', 'snort', 'link', 'uri', 'vulnerability', 'btc', 'port'] as const) {
      assert.equal(patternForIndicator(type, indicatorTypeInfo(type).example), null, type);
    }
  });

  test('refuses malformed composite values, ports and AS numbers', () => {
    const invalid = (action: () => unknown, reason: string): void => {
      assert.throws(action, (error: unknown) => error instanceof Invalid && error.field === 'value' && error.reason.includes(reason));
    };
    invalid(() => patternForIndicator('ip-dst|port', '192.0.2.1'), 'must be two values separated by |');
    invalid(() => patternForIndicator('ip-dst|port', '192.0.2.1|http'), 'the port must be a number from 0 to 65535');
    invalid(() => patternForIndicator('ip-src|port', '192.0.2.1|65536'), 'the port must be a number from 0 to 65535');
    invalid(() => patternForIndicator('AS', 'ASX'), 'AS number');
  });

  // Types that share a pattern read back as the one simpleIndicators picks.
  const READ_BACK_AS: Partial<Record<IndicatorType, IndicatorType>> = {
    'ip-src': 'ip-dst',
    hostname: 'domain',
    email: 'email-src',
    'email-dst': 'email-src',
  };

  test('every type with a pattern reads back through parsePattern and simpleIndicators', () => {
    const exported = INDICATOR_TYPES.filter((type) => patternForIndicator(type, indicatorTypeInfo(type).example) !== null);
    assert.ok(exported.length >= 35, `only ${exported.length} types export`);
    for (const type of exported) {
      const { example } = indicatorTypeInfo(type);
      const text = patternForIndicator(type, example) ?? '';
      const pattern = parsePattern(text);
      assert.equal(formatPattern(pattern), text);
      assert.deepEqual(checkPatternSemantics(pattern), [], text);
      assert.deepEqual(simpleIndicators(pattern), [{ type: READ_BACK_AS[type] ?? type, value: example }], text);
    }
  });

  test('any value survives the trip, whatever its characters', () => {
    const types: readonly IndicatorType[] = ['filename', 'url', 'email-subject', 'mutex', 'regkey', 'user-agent', 'domain'];
    fc.assert(
      fc.property(fc.constantFrom(...types), fc.string({ unit: 'binary', maxLength: 40 }), (type, value) => {
        const text = patternForIndicator(type, value) ?? '';
        assert.deepEqual(simpleIndicators(parsePattern(text)), [{ type, value }]);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 20 }).filter((name) => !name.includes('|') && name.trim() === name), fc.string({ unit: 'binary', maxLength: 20 }).map((data) => data.trim()), (name, data) => {
        const text = patternForIndicator('filename|sha256', `${name}|${data}`) ?? '';
        assert.deepEqual(simpleIndicators(parsePattern(text)), [{ type: 'filename|sha256', value: `${name}|${data}` }]);
      }),
      { numRuns: 300 },
    );
  });
});

// ------------------------------------------------------------------ properties

// Trees as parsePattern builds them: groups are flattened, -0 is 0, hex is lower-case.
function observationGroup(operator: ObservationOperator, operands: readonly ObservationExpression[]): ObservationExpression {
  return { kind: 'observation-group', operator, operands: operands.flatMap((o) => (o.kind === 'observation-group' && o.operator === operator ? o.operands : [o])) };
}
function comparisonGroup(operator: 'AND' | 'OR', operands: readonly ComparisonExpression[]): ComparisonExpression {
  return { kind: 'comparison-group', operator, operands: operands.flatMap((o) => (o.kind === 'comparison-group' && o.operator === operator ? o.operands : [o])) };
}

const KEY_NAMES = fc.oneof(
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.constantFrom('SHA-256', 'AND', 'true', 'NOT', '', "it's", '\\'),
);
const pathStep: fc.Arbitrary<PathStep> = fc.oneof(
  KEY_NAMES.map((name): PathStep => ({ kind: 'key', key: name })),
  fc.maxSafeInteger().map((index): PathStep => ({ kind: 'index', index })),
  fc.constant<PathStep>({ kind: 'any-index' }),
);
const objectPath: fc.Arbitrary<ObjectPath> = fc
  .tuple(fc.constantFrom(...SCO_TYPES, 'x-acme-widget', 'X_Odd-Type'), KEY_NAMES, fc.array(pathStep, { maxLength: 3 }))
  .map(([objectType, property, steps]) => ({ objectType, property, steps }));

const timestamp = fc
  .tuple(fc.date({ min: new Date('0000-01-01T00:00:00.000Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }), fc.constantFrom('', '.5', '.123456789'))
  .map(([date, fraction]) => date.toISOString().replace(/\.\d+Z$/, `${fraction}Z`));
const stringLiteral = fc.string({ unit: 'binary', maxLength: 12 }).map((value) => ({ kind: 'string' as const, value }));
const orderableLiteral: fc.Arbitrary<OrderableLiteral> = fc.oneof(
  stringLiteral,
  fc.maxSafeInteger().map((value): OrderableLiteral => ({ kind: 'integer', value })),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((value): OrderableLiteral => ({ kind: 'float', value: value === 0 ? 0 : value })),
  fc.uint8Array({ maxLength: 6 }).map((bytes): OrderableLiteral => ({ kind: 'hex', value: Buffer.from(bytes).toString('hex') })),
  fc.uint8Array({ minLength: 1, maxLength: 6 }).map((bytes): OrderableLiteral => ({ kind: 'binary', value: Buffer.from(bytes).toString('base64') })),
  timestamp.map((value): OrderableLiteral => ({ kind: 'timestamp', value })),
);
const literal: fc.Arbitrary<Literal> = fc.oneof(orderableLiteral, fc.boolean().map((value): Literal => ({ kind: 'boolean', value })));

const leafComparison: fc.Arbitrary<ComparisonExpression> = fc.oneof(
  fc.tuple(objectPath, fc.boolean(), fc.constantFrom('=', '!=') , literal).map(([path, negated, operator, value]): ComparisonExpression => ({ kind: 'comparison', path, negated, operator, value })),
  fc.tuple(objectPath, fc.boolean(), fc.constantFrom('<', '<=', '>', '>='), orderableLiteral).map(([path, negated, operator, value]): ComparisonExpression => ({ kind: 'comparison', path, negated, operator, value })),
  fc.tuple(objectPath, fc.boolean(), fc.constantFrom('LIKE', 'MATCHES', 'ISSUBSET', 'ISSUPERSET'), stringLiteral).map(([path, negated, operator, value]): ComparisonExpression => ({ kind: 'comparison', path, negated, operator, value })),
  fc.tuple(objectPath, fc.boolean(), fc.array(literal, { maxLength: 3 })).map(([path, negated, values]): ComparisonExpression => ({ kind: 'comparison', path, negated, operator: 'IN', values })),
  objectPath.map((path): ComparisonExpression => ({ kind: 'exists', path })),
);

const qualifier: fc.Arbitrary<Qualifier> = fc.oneof(
  fc.oneof(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), fc.double({ min: Number.MIN_VALUE, max: Number.MAX_SAFE_INTEGER, noNaN: true })).map((seconds): Qualifier => ({ kind: 'within', seconds })),
  fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }).map((times): Qualifier => ({ kind: 'repeats', times })),
  fc.tuple(timestamp, timestamp).map(([start, stop]): Qualifier => ({ kind: 'start-stop', start, stop })),
);

const { pattern: anyPattern } = fc.letrec<{ comparison: ComparisonExpression; pattern: ObservationExpression }>((tie) => ({
  comparison: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    leafComparison,
    fc.tuple(fc.constantFrom('AND' as const, 'OR' as const), fc.array(tie('comparison'), { minLength: 2, maxLength: 3 })).map(([operator, operands]) => comparisonGroup(operator, operands)),
  ),
  pattern: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    tie('comparison').map((comparison): ObservationExpression => ({ kind: 'observation', comparison })),
    fc.tuple(fc.constantFrom<ObservationOperator>('AND', 'OR', 'FOLLOWEDBY'), fc.array(tie('pattern'), { minLength: 2, maxLength: 3 })).map(([operator, operands]) => observationGroup(operator, operands)),
    fc.tuple(tie('pattern'), qualifier).map(([observation, q]): ObservationExpression => ({ kind: 'qualified', observation, qualifier: q })),
  ),
}));

// Parses, and when that succeeds checks the round trip; anything thrown but Invalid fails the property.
function parsesOrRefuses(text: string): void {
  let pattern: Pattern;
  try {
    pattern = parsePattern(text);
  } catch (error) {
    assert.ok(error instanceof Invalid, `threw ${String(error)} for ${JSON.stringify(text)}`);
    assert.equal(error.field, 'pattern');
    const offset = /^at offset (\d+):/.exec(error.reason)?.[1];
    if (offset !== undefined) assert.ok(Number(offset) <= text.length, error.reason);
    return;
  }
  assertRoundTrip(pattern);
  checkPatternSemantics(pattern);
  simpleIndicators(pattern);
}

const SEEDS = [
  "[file:hashes.'SHA-256' = 'aec0' OR file:hashes.MD5 = 'cead'] AND [file:name = 'x']",
  "([file:name = 'a'] FOLLOWEDBY [x-b:c[*].d = h'ff']) WITHIN 300 SECONDS",
  "[network-traffic:dst_ref.value ISSUBSET '2001:db8::/64'] REPEATS 5 TIMES START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'",
  "[(file:name = 'it\\'s' OR file:size > -1.5) AND NOT file:x IN (1, true, b'AQID')] /* c */",
  '[EXISTS a:b[0]] OR [a:c NOT LIKE \'%\']',
];
const TOKENS = [
  '[', ']', '(', ')', "'", '\\', ':', '.', ',', '*', '=', '!=', '<', '>=', ' ', ' ', '\n', '/*', '*/', '//',
  'file', 'name', 'hashes', "'SHA-256'", 'x-a', 'AND', 'OR', 'NOT', 'FOLLOWEDBY', 'IN', 'LIKE', 'MATCHES', 'EXISTS',
  'WITHIN', 'SECONDS', 'REPEATS', 'TIMES', 'START', 'STOP', '5', '-0', '.5', '0', "'x'", "t'2020-01-01T00:00:00Z'", "h'ff'", "b'AQID'", 'true',
];

describe('properties', () => {
  test('any tree prints to text that parses back to the same tree', { timeout: 120_000 }, () => {
    fc.assert(
      fc.property(anyPattern, (pattern) => {
        assertRoundTrip(pattern);
      }),
      { numRuns: 2000 },
    );
  });

  test('arbitrary text is parsed or refused with Invalid, never anything else', { timeout: 120_000 }, () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 80 }), parsesOrRefuses), { numRuns: 2000 });
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 30 }).map((tokens) => tokens.join('')), parsesOrRefuses),
      { numRuns: 2000 },
    );
  });

  test('mutations of valid patterns are parsed or refused with Invalid, never anything else', { timeout: 120_000 }, () => {
    const seeds = [...(specExamples() ?? []), ...SEEDS];
    const edit = fc.oneof(
      fc.record({ at: fc.nat(), insert: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ unit: 'binary', maxLength: 2 })), remove: fc.constant(0) }),
      fc.record({ at: fc.nat(), insert: fc.constant(''), remove: fc.integer({ min: 1, max: 6 }) }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fc.array(edit, { minLength: 1, maxLength: 4 }), (seed, edits) => {
        let text = seed;
        for (const { at, insert, remove } of edits) {
          const position = at % (text.length + 1);
          text = text.slice(0, position) + insert + text.slice(position + remove);
        }
        parsesOrRefuses(text);
      }),
      { numRuns: 2000 },
    );
  });
});
