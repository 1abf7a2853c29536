import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatReference, parseReference } from './reference.ts';
import { assertInvalid } from '../../../test/helpers/invalid.ts';

describe('formatReference', () => {
  test('pads the sequence to five digits and grows past 99999', () => {
    assert.equal(formatReference('MY', 2026, 42), 'MY-2026-00042');
    assert.equal(formatReference('MY', 2026, 1), 'MY-2026-00001');
    assert.equal(formatReference('MY', 2026, 99999), 'MY-2026-99999');
    assert.equal(formatReference('MY', 2026, 100000), 'MY-2026-100000');
    assert.equal(formatReference('OICCERT', 2027, 1234567), 'OICCERT-2027-1234567');
  });

  test('takes a country code or a node prefix of 2 to 8 upper-case letters', () => {
    assert.equal(formatReference('ABCDEFGH', 2026, 5), 'ABCDEFGH-2026-00005');
    for (const prefix of ['M', 'my', 'ABCDEFGHI', 'M1', 'MY-', '', 'MÝ']) {
      assertInvalid(() => formatReference(prefix, 2026, 1), 'prefix', 'must be 2 to 8 upper-case letters, such as MY');
    }
  });

  test('refuses a year that is not four digits and a sequence that is not a positive integer', () => {
    for (const year of [999, 10000, 2026.5, Number.NaN]) {
      assertInvalid(() => formatReference('MY', year, 1), 'year', 'must be a four-digit year');
    }
    for (const sequence of [0, -1, 1.5, Number.MAX_SAFE_INTEGER + 1, Number.NaN]) {
      assertInvalid(() => formatReference('MY', 2026, sequence), 'sequence', 'must be a positive integer');
    }
  });
});

describe('parseReference', () => {
  test('reads what formatReference writes', () => {
    assert.deepEqual(parseReference('MY-2026-00042'), { prefix: 'MY', year: 2026, sequence: 42 });
    assert.deepEqual(parseReference('OICCERT-2027-1234567'), { prefix: 'OICCERT', year: 2027, sequence: 1234567 });
  });

  test('accepts surrounding spaces and lower case', () => {
    assert.deepEqual(parseReference('  my-2026-00042 '), { prefix: 'MY', year: 2026, sequence: 42 });
  });

  test('refuses anything else', () => {
    for (const text of [
      '',
      'MY-2026-42',
      'MY-2026-0042',
      'MY-2026-000042',
      'MY-2026-00000',
      'MY-0999-00001',
      'M-2026-00042',
      'ABCDEFGHI-2026-00042',
      'MY 2026 00042',
      'MY-26-00042',
      'MY-2026-00042x',
      'MY-2026-99999999999999999',
    ]) {
      assertInvalid(() => parseReference(text), 'reference', 'must be a reference such as MY-2026-00042');
    }
    assertInvalid(() => parseReference(null as unknown as string, 'incident'), 'incident', 'must be a reference such as MY-2026-00042');
  });

  test('round-trips every valid reference', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Z]{2,8}$/),
        fc.integer({ min: 1000, max: 9999 }),
        fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        (prefix, year, sequence) => {
          const text = formatReference(prefix, year, sequence);
          assert.deepEqual(parseReference(text), { prefix, year, sequence });
        },
      ),
    );
  });
});
