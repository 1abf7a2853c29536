import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { assertInvalid } from '../../../test/helpers/invalid.ts';
import {
  innerList,
  isInnerList,
  item,
  parseDictionary,
  parseItem,
  serializeBareItem,
  serializeDictionary,
  sfBoolean,
  sfBytes,
  sfDecimal,
  sfInteger,
  sfString,
  sfToken,
  type BareItem,
  type Dictionary,
  type Item,
  type Member,
  type Parameters,
} from './structured-fields.ts';

// Plain data for deepEqual: Maps as entry lists, bytes as arrays.
function plain(member: Member): unknown {
  const params = (p: Parameters) => [...p].map(([key, value]) => [key, bare(value)]);
  const bare = (value: BareItem) => ({ type: value.type, value: value.type === 'bytes' ? [...value.value] : value.value });
  if (isInnerList(member)) return { items: member.items.map(plain), params: params(member.params) };
  return { value: bare(member.value), params: params(member.params) };
}

function plainDictionary(dictionary: Dictionary): unknown {
  return [...dictionary].map(([key, member]) => [key, plain(member)]);
}

describe('structured field values (RFC 8941)', () => {
  test('parses a dictionary of items, inner lists, parameters and bare keys', () => {
    const parsed = parseDictionary('a=?0, b, c; foo=bar, d=(1 "two" :AQI=:);lvl=5, e=*tok/en:x, f=-12.5,g="q\\"\\\\"');
    assert.deepEqual(
      plainDictionary(parsed),
      plainDictionary(
        new Map<string, Member>([
          ['a', item(sfBoolean(false))],
          ['b', item(sfBoolean(true))],
          ['c', item(sfBoolean(true), new Map([['foo', sfToken('bar')]]))],
          ['d', innerList([item(sfInteger(1)), item(sfString('two')), item(sfBytes(new Uint8Array([1, 2])))], new Map([['lvl', sfInteger(5)]]))],
          ['e', item(sfToken('*tok/en:x'))],
          ['f', item(sfDecimal(-12.5))],
          ['g', item(sfString('q"\\'))],
        ]),
      ),
    );
  });

  test('serialises as the RFC specifies: bare keys for true, ", " between members', () => {
    const dictionary = new Map<string, Member>([
      ['sig1', innerList([item(sfString('@method')), item(sfString('content-digest'))], new Map<string, BareItem>([['created', sfInteger(1618884473)], ['keyid', sfString('k "1"')], ['flag', sfBoolean(true)]]))],
      ['b', item(sfBoolean(true), new Map([['x', sfBoolean(false)]]))],
      ['sha-256', item(sfBytes(new Uint8Array([0xff, 0x00])))],
    ]);
    assert.equal(serializeDictionary(dictionary), 'sig1=("@method" "content-digest");created=1618884473;keyid="k \\"1\\"";flag, b;x=?0, sha-256=:/wA=:');
  });

  test('writes decimals with up to three digits, rounding half to even', () => {
    const cases: [number, string][] = [
      [1, '1.0'],
      [-0.5, '-0.5'],
      [1.0625, '1.062'],
      [1.1875, '1.188'],
      [0.0001, '0.0'],
      [-0.0001, '0.0'],
      [123456789012.5, '123456789012.5'],
    ];
    for (const [value, text] of cases) assert.equal(serializeBareItem(sfDecimal(value)), text, String(value));
    assertInvalid(() => serializeBareItem(sfDecimal(1e12)), 'item', /12 integer digits/);
  });

  test('accepts whitespace where the RFC allows it, and nowhere else', () => {
    assert.equal(parseDictionary('  a=1 ,\tb=2  ').size, 2);
    assert.equal(parseDictionary('a=( 1  2 )').size, 1);
    assert.equal(parseDictionary('').size, 0);
    assertInvalid(() => parseDictionary('a =1', 'X'), 'X', /expected ","/);
    assertInvalid(() => parseDictionary('a= 1', 'X'), 'X', /cannot start a value/);
    assertInvalid(() => parseDictionary('a=(1\t2)', 'X'), 'X', /expected " " or "\)"/);
  });

  test('refuses what the grammar does not allow, naming the position', () => {
    const refused: [string, RegExp][] = [
      ['a=1,', /trailing ","/],
      ['a=1,,b=2', /expected a key/],
      ['A=1', /expected a key/],
      ['a=1 b=2', /expected ","/],
      ['a=1, a=2', /"a" appears twice/],
      ['a;p=1;p=2', /"p" appears twice/],
      ['a="unterminated', /not closed/],
      ['a="bad \\n escape"', /only \\" and \\\\ may be escaped/],
      ['a="tab\there"', /printable ASCII/],
      ['a="é"', /ASCII only/],
      ['a=1234567890123456', /at most 15 digits/],
      ['a=1234567890123.5', /at most 12 integer digits/],
      ['a=1.2345', /at most 3 fractional digits/],
      ['a=1.', /digits after "."/],
      ['a=-', /expected a digit/],
      ['a=:AQ*=:', /not base64/],
      ['a=:AQI', /not closed with ":"/],
      ['a=:A:', /not base64/],
      ['a=?2', /\?0 or \?1/],
      ['a=(1 2', /not closed with "\)"/],
      ['a=(1,2)', /expected " " or "\)"/],
      ['a=@x', /cannot start a value/],
      ['a=1;', /expected a key, found the end/],
      ['a=', /expected a value, found the end/],
    ];
    for (const [text, reason] of refused) assertInvalid(() => parseDictionary(text, 'Field'), 'Field', reason);
    assertInvalid(() => parseDictionary('a=1, b=%', 'Field'), 'Field', /\(at character 8\)$/);
  });

  test('accepts byte sequences without padding, as the RFC asks parsers to', () => {
    const member = parseDictionary('a=:AQI:').get('a') as Item;
    assert.deepEqual([...(member.value.value as Uint8Array)], [1, 2]);
  });

  test('parses a single item with parameters', () => {
    const parsed = parseItem('"x";a=1;b');
    assert.deepEqual(plain(parsed), plain(item(sfString('x'), new Map<string, BareItem>([['a', sfInteger(1)], ['b', sfBoolean(true)]]))));
    assertInvalid(() => parseItem('1 2', 'X'), 'X', /unexpected "2"/);
  });

  test('the serialiser refuses values it cannot write', () => {
    assertInvalid(() => serializeBareItem(sfString('line\nbreak'), 'keyid'), 'keyid', /printable ASCII/);
    assertInvalid(() => serializeBareItem(sfInteger(1e15)), 'item', /at most 15 digits/);
    assertInvalid(() => serializeBareItem(sfInteger(1.5)), 'item', /whole number/);
    assertInvalid(() => serializeBareItem(sfToken('1abc')), 'item', /not a token/);
    assertInvalid(() => serializeDictionary(new Map([['Upper', item(sfInteger(1))]]), 'label'), 'label', /not a key/);
  });

  test('property: whatever the serialiser writes, the parser reads back identically', () => {
    const key = fc.stringMatching(/^[a-z*][a-z0-9_\-.*]{0,6}$/);
    const bare: fc.Arbitrary<BareItem> = fc.oneof(
      fc.integer({ min: -999_999_999_999_999, max: 999_999_999_999_999 }).map(sfInteger),
      fc.integer({ min: -999_999_999_999_999, max: 999_999_999_999_999 }).map((n) => sfDecimal(n / 1000)),
      fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 12 }).map(sfString),
      fc.stringMatching(/^[A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]{0,8}$/).map(sfToken),
      fc.uint8Array({ maxLength: 20 }).map(sfBytes),
      fc.boolean().map(sfBoolean),
    );
    const params = fc.uniqueArray(fc.tuple(key, bare), { selector: ([name]) => name, maxLength: 3 }).map((entries) => new Map(entries));
    const anItem = fc.tuple(bare, params).map(([value, p]) => item(value, p));
    const member: fc.Arbitrary<Member> = fc.oneof(anItem, fc.tuple(fc.array(anItem, { maxLength: 4 }), params).map(([items, p]) => innerList(items, p)));
    const dictionary = fc.uniqueArray(fc.tuple(key, member), { selector: ([name]) => name, maxLength: 5 }).map((entries) => new Map(entries));
    fc.assert(
      fc.property(dictionary, (written) => {
        const text = serializeDictionary(written);
        const read = parseDictionary(text);
        assert.deepEqual(plainDictionary(read), plainDictionary(written));
        assert.equal(serializeDictionary(read), text);
      }),
      { numRuns: 300 },
    );
  });
});
