import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compareStixTimestamps, formatStixTimestamp, hasMillisecondPrecision, isStixTimestamp, parseStixTimestamp } from './timestamps.ts';
import { assertInvalid } from '../../../test/helpers/invalid.ts';

describe('STIX timestamps', () => {
  test('isStixTimestamp accepts RFC 3339 UTC with any number of fractional digits', () => {
    for (const text of [
      '2016-05-12T08:17:27Z',
      '2016-05-12T08:17:27.000Z',
      '2014-05-08T09:00:00.000000Z',
      '2014-10-31T15:52:13.127931Z',
      '2018-11-01T23:24:48.4561234567Z',
      '2024-02-29T00:00:00.000Z',
      '2016-12-31T23:59:60Z',
      '0000-01-01T00:00:00Z',
    ]) {
      assert.equal(isStixTimestamp(text), true, text);
    }
    for (const text of ['2016-05-12 08:17:27Z', '2016-05-12t08:17:27Z', '2016-05-12T08:17:27z', '2016-05-12T08:17:27+00:00', '2016-05-12', 42]) {
      assert.equal(isStixTimestamp(text), false, String(text));
    }
  });

  test('parseStixTimestamp refuses with the reason', () => {
    const cases: [string, string][] = [
      // The relationship in OASIS's using-tlp2.0-green.json example.
      ['2022-101-27T13:49:54.326Z', 'month must have 2 digits, 01 to 12, found "101"'],
      ['2022-13-01T00:00:00Z', 'month must be 01 to 12, found "13"'],
      ['2022-00-01T00:00:00Z', 'month must be 01 to 12, found "00"'],
      ['22-10-27T13:49:54Z', 'year must have 4 digits, found "22"'],
      ['2022-10-7T13:49:54Z', 'day must have 2 digits, 01 to 31, found "7"'],
      ['2023-02-29T00:00:00Z', 'day 29 does not exist in 2023-02'],
      ['2024-04-31T00:00:00Z', 'day 31 does not exist in 2024-04'],
      ['2022-10-27 13:49:54Z', 'date and time must be separated by T, found " "'],
      ['2022-10-27t13:49:54Z', 'date and time must be separated by an upper-case T'],
      ['2022-10-27T24:00:00Z', 'hour must be 00 to 23, found "24"'],
      ['2022-10-27T13:60:00Z', 'minute must be 00 to 59, found "60"'],
      ['2022-10-27T13:49:61Z', 'second must be 00 to 60, found "61"'],
      ['2022-10-27T13:49:54.Z', 'a decimal point must be followed by at least one digit'],
      ['2022-10-27T13:49:54.326z', 'must end with an upper-case Z'],
      ['2022-10-27T13:49:54.326', 'must end with Z: STIX timestamps are in UTC'],
      ['2022-10-27T13:49:54.326+02:00', 'must be in UTC and end with Z, not carry the offset "+02:00"'],
      ['2022-10-27T13:49:54.326Z ', 'must end with Z after the seconds, found "Z "'],
      ['yesterday', 'must be an RFC 3339 UTC timestamp like 2024-01-10T08:30:00.000Z'],
    ];
    for (const [text, reason] of cases) assertInvalid(() => parseStixTimestamp(text, 'created'), 'created', reason);
    assertInvalid(() => parseStixTimestamp(1_700_000_000, 'modified'), 'modified', /must be a timestamp string/);
  });

  test('parseStixTimestamp gives the instant to the microsecond and the precision written', () => {
    assert.deepEqual(parseStixTimestamp('2014-10-31T15:52:13.127931Z'), {
      iso: '2014-10-31T15:52:13.127931Z',
      epochMillis: Date.parse('2014-10-31T15:52:13.127Z'),
      epochMicros: BigInt(Date.parse('2014-10-31T15:52:13.127Z')) * 1000n + 931n,
      fraction: '127931',
      precision: 6,
    });
    const seconds = parseStixTimestamp('2016-05-12T08:17:27Z');
    assert.equal(seconds.iso, '2016-05-12T08:17:27.000Z');
    assert.equal(seconds.precision, 0);
    assert.equal(seconds.epochMillis, Date.parse('2016-05-12T08:17:27Z'));
    assert.equal(parseStixTimestamp('2016-05-12T08:17:27.5Z').iso, '2016-05-12T08:17:27.500Z');
  });

  test('parseStixTimestamp keeps years before 100 and before 1970 exact', () => {
    assert.equal(parseStixTimestamp('0099-01-01T00:00:00Z').epochMillis, Date.parse('0099-01-01T00:00:00Z'));
    assert.equal(parseStixTimestamp('1969-12-31T23:59:59.999999Z').epochMicros, -1n);
    assert.equal(isStixTimestamp('0000-02-29T00:00:00Z'), true, 'year 0 is a leap year');
    assert.equal(isStixTimestamp('1900-02-29T00:00:00Z'), false);
  });

  test('hasMillisecondPrecision asks for at least three fractional digits', () => {
    assert.equal(hasMillisecondPrecision('2017-06-01T00:00:00.000Z'), true);
    assert.equal(hasMillisecondPrecision('2017-06-01T00:00:00.000000Z'), true);
    assert.equal(hasMillisecondPrecision('2017-06-01T00:00:00Z'), false);
    assert.equal(hasMillisecondPrecision('2017-06-01T00:00:00.1Z'), false);
  });

  test('formatStixTimestamp always writes milliseconds, or whole seconds on request', () => {
    assert.equal(formatStixTimestamp(new Date(Date.UTC(2024, 0, 10, 8, 30))), '2024-01-10T08:30:00.000Z');
    assert.equal(formatStixTimestamp(new Date('2018-11-01T23:24:48.457Z')), '2018-11-01T23:24:48.457Z');
    assert.equal(formatStixTimestamp(new Date('2018-11-01T23:24:48.457Z'), false), '2018-11-01T23:24:48Z');
    const round = formatStixTimestamp(new Date('2014-05-08T09:00:00.000Z'));
    assert.equal(parseStixTimestamp(round).precision, 3);
    assertInvalid(() => formatStixTimestamp(new Date(Number.NaN)), 'timestamp', 'is not a valid date');
    assertInvalid(() => formatStixTimestamp(new Date('+010000-01-01T00:00:00Z')), 'timestamp', /0000 to 9999/);
  });

  test('compareStixTimestamps orders beyond the millisecond', () => {
    // Two versions of python-stix2's Rover malware are one millisecond apart; finer still must order.
    assert.equal(compareStixTimestamps('2018-11-01T23:24:48.456Z', '2018-11-01T23:24:48.457Z'), -1);
    assert.equal(compareStixTimestamps('2014-10-31T15:52:13.1279311Z', '2014-10-31T15:52:13.127931Z'), 1);
    assert.equal(compareStixTimestamps('2014-10-31T15:52:13.127930Z', '2014-10-31T15:52:13.127931Z'), -1);
    assert.equal(compareStixTimestamps('2016-05-12T08:17:27Z', '2016-05-12T08:17:27.000000Z'), 0);
    assert.equal(compareStixTimestamps('2016-05-12T08:17:27.1Z', '2016-05-12T08:17:27.09999Z'), 1);
    assert.equal(compareStixTimestamps('2016-05-12T08:17:28Z', '2016-05-12T08:17:27.999999999Z'), 1);
    assert.equal(compareStixTimestamps('1969-12-31T23:59:59.9Z', '1970-01-01T00:00:00Z'), -1);
    assert.equal(compareStixTimestamps('2016-12-31T23:59:60.5Z', '2016-12-31T23:59:59.9Z'), 1);
    assertInvalid(() => compareStixTimestamps('2016-05-12T08:17:27Z', 'now'), 'b', /RFC 3339/);
  });

  test('sorting with compareStixTimestamps gives the version order', () => {
    const versions = ['2018-11-16T22:54:20.390Z', '2017-05-31T21:32:58.226Z', '2018-11-01T23:24:48.457Z', '2018-11-01T23:24:48.456Z'];
    assert.deepEqual([...versions].sort(compareStixTimestamps), [
      '2017-05-31T21:32:58.226Z',
      '2018-11-01T23:24:48.456Z',
      '2018-11-01T23:24:48.457Z',
      '2018-11-16T22:54:20.390Z',
    ]);
  });
});
