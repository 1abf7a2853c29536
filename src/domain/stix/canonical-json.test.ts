import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson } from './canonical-json.ts';
import { assertInvalid } from '../../../test/helpers/invalid.ts';

describe('canonicalJson (RFC 8785)', () => {
  test('writes the RFC sample: sorted keys, ECMAScript numbers, minimal string escapes, no whitespace', () => {
    const sample = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",' +
        ' "literals": [null, true, false]}',
    );
    assert.equal(
      canonicalJson(sample),
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  test('sorts keys by UTF-16 code units, not by code points', () => {
    // U+1F600 is the surrogate pair D83D DE00, so it sorts before U+FB33 although its code point is higher.
    const object = { '\u20ac': 1, '\r': 2, '\ufb33': 3, '1': 4, '\ud83d\ude00': 5, '\u0080': 6, '\u00f6': 7 };
    assert.equal(canonicalJson(object), '{"\\r":2,"1":4,"\u0080":6,"\u00f6":7,"\u20ac":1,"\ud83d\ude00":5,"\ufb33":3}');
  });

  test('sorts nested objects and keeps array order', () => {
    assert.equal(canonicalJson({ b: [{ z: 1, a: 2 }, 3], a: { d: null, c: 'x' } }), '{"a":{"c":"x","d":null},"b":[{"a":2,"z":1},3]}');
  });

  test('numbers follow Number.prototype.toString', () => {
    const cases: [number, string][] = [
      [0, '0'],
      [-0, '0'],
      [1, '1'],
      [-1.5, '-1.5'],
      [0.1 + 0.2, '0.30000000000000004'],
      [1e20, '100000000000000000000'],
      [1e21, '1e+21'],
      [1e-6, '0.000001'],
      [1e-7, '1e-7'],
      [5e-324, '5e-324'],
      [Number.MAX_VALUE, '1.7976931348623157e+308'],
      [9007199254740993, '9007199254740992'],
      [15139, '15139'],
    ];
    for (const [value, text] of cases) assert.equal(canonicalJson(value), text, `${value}`);
  });

  test('leaves non-ASCII text unescaped and escapes controls in lower-case hex', () => {
    assert.equal(canonicalJson('quêry\u2028ك'), '"quêry\u2028ك"');
    assert.equal(canonicalJson('\u0000\u0008\u0009\u000a\u000c\u000d\u001f\u007f'), '"\\u0000\\b\\t\\n\\f\\r\\u001f\u007f"');
    assert.equal(canonicalJson('C:\\Windows "x"'), '"C:\\\\Windows \\"x\\""');
  });

  test('leaves out properties whose value is undefined', () => {
    assert.equal(canonicalJson({ a: undefined, b: 1 }), '{"b":1}');
  });

  test('refuses what is not I-JSON, naming the place', () => {
    assertInvalid(() => canonicalJson({ a: [1, Number.NaN] }), 'json.a[1]', 'must be a finite number');
    assertInvalid(() => canonicalJson(Number.POSITIVE_INFINITY), 'json', 'must be a finite number');
    assertInvalid(() => canonicalJson({ s: 'a\ud800b' }), 'json.s', /lone UTF-16 surrogate/);
    assertInvalid(() => canonicalJson({ '\udc00': 1 }), 'json.\udc00', /lone UTF-16 surrogate/);
    assertInvalid(() => canonicalJson([undefined]), 'json[0]', 'must be a JSON value, not undefined');
    assertInvalid(() => canonicalJson(new Date(0), 'when'), 'when', /plain object/);
    assertInvalid(() => canonicalJson(10n), 'json', 'must be a JSON value, not bigint');
    assertInvalid(() => canonicalJson(() => 1), 'json', 'must be a JSON value, not function');
  });
});
