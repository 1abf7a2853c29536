import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Invalid } from '../errors.ts';
import { parseRirLine, RirStatsAccumulator, RirTable, type RirRecord } from './rir-stats.ts';

function tableOf(...files: string[]): RirTable {
  const accumulator = new RirStatsAccumulator();
  for (const file of files) for (const line of file.split('\n')) accumulator.add(line);
  return accumulator.finish();
}

const APNIC = `# APNIC statistics: comments may come before the version line
2|apnic|20261122|6|19830613|20261121|+1000
apnic|*|asn|*|2|summary
apnic|*|ipv4|*|3|summary
apnic|*|ipv6|*|1|summary
apnic|MY|asn|64500|1|20100101|allocated|A1234
apnic|JP|asn|64501|4|20110412|assigned|A92E1062
apnic|MY|ipv4|203.0.113.0|256|20100101|allocated|A1234
apnic|JP|ipv4|198.51.100.0|768|20110412|allocated|A92E1062
apnic||ipv4|192.0.2.0|256||available|
apnic|AU|ipv6|2001:db8::|32|20050101|allocated|A91872ED
apnic|ZZ|ipv6|2001:db9::|32||reserved|`;

const ARIN = `2.3|arin|1763701200|3|19700101|20261121|-0500
arin|*|ipv4|*|1|summary
arin|US|ipv4|100.64.0.0|1024|19880223|allocated|e5e3b9c13678dfc483fb1f819d70883c
arin|US|asn|65536|10|20010920|assigned|ae3bb8f3d4a2dd8ee39b5f3b4d3f4c3a
arin||asn|65546|6||reserved|`;

const RIPE = `2|ripencc|1763679599|3|19830705|20261121|+0100
ripencc|*|ipv6|*|1|summary
ripencc|DE|ipv4|100.72.0.0|2048|20120601|allocated|f0c7b5d2-2ab5-4fbd-8a1b-9e1e5e8e9f10
ripencc|EU|ipv6|2a00:1450::|29|20090723|allocated|1b9c0e56-7d8e-4c2e-bb0e-7f5b1a2c3d4e
ripencc|ZZ|ipv4|100.80.0.0|256||available|`;

const LACNIC = `2|lacnic|20261121|2|19870101|20261120|-0300
lacnic|BR|ipv4|100.96.0.0|1536|20061103|allocated|123456
lacnic|BR|asn|64496|1|20061103|allocated|123456`;

// Extended files may carry further fields after the opaque id.
const AFRINIC = `2.3|afrinic|20261122|1|00000000|20261121|+0000
afrinic|ZA|ipv4|100.112.0.0|4096|20071126|allocated|F36B9F4B|e-stats`;

test('a registration line becomes a row with hex address bounds', () => {
  assert.deepEqual(parseRirLine('apnic|MY|ipv4|203.0.113.0|256|20100101|allocated|A1234', 1), {
    kind: 'ip',
    start: '00000000000000000000ffffcb007100',
    end: '00000000000000000000ffffcb0071ff',
    country: 'MY',
    registry: 'apnic',
  });
});

test('an IPv4 count that is not a power of two spans exactly that many addresses', () => {
  const record = parseRirLine('apnic|JP|ipv4|198.51.100.0|768|20110412|allocated|A92E1062', 1);
  assert.equal(record?.start, '00000000000000000000ffffc6336400');
  assert.equal(record?.end, '00000000000000000000ffffc63366ff');
  const table = tableOf(APNIC);
  assert.deepEqual(table.countryOfIp('198.51.100.0'), { country: 'JP', registry: 'apnic' });
  assert.deepEqual(table.countryOfIp('198.51.102.255'), { country: 'JP', registry: 'apnic' });
  assert.equal(table.countryOfIp('198.51.103.0'), undefined);
  assert.equal(table.countryOfIp('198.51.99.255'), undefined);
});

test('IPv6 blocks are given by prefix length, AS blocks by count', () => {
  assert.deepEqual(parseRirLine('apnic|AU|ipv6|2001:db8::|32|20050101|allocated|A91872ED', 7), {
    kind: 'ip',
    start: '20010db8000000000000000000000000',
    end: '20010db8ffffffffffffffffffffffff',
    country: 'AU',
    registry: 'apnic',
  });
  assert.deepEqual(parseRirLine('apnic|JP|asn|64501|4|20110412|assigned|A92E1062', 8), {
    kind: 'asn',
    start: '0000064501',
    end: '0000064504',
    country: 'JP',
    registry: 'apnic',
  });
});

test('version, summary, comment, blank and unregistered lines carry no registration', () => {
  for (const line of [
    '2|apnic|20261122|72345|19830613|20261121|+1000',
    '2.3|arin|1763701200|3|19700101|20261121|-0500',
    'apnic|*|ipv4|*|56093|summary',
    '# a comment',
    '',
    '   \r',
    'apnic||ipv4|192.0.2.0|256||available|',
    'ripencc|ZZ|ipv4|100.80.0.0|256||available|',
    'arin||asn|65546|6||reserved|',
    'iana|ZZ|ipv4|0.0.0.0|16777216|19810901|ianapool|iana',
  ]) {
    assert.equal(parseRirLine(line, 1), null, line);
  }
});

test('Windows line endings and lower-case country codes are accepted', () => {
  const record = parseRirLine('lacnic|br|asn|64496|1|20061103|allocated|123456\r', 1);
  assert.equal(record?.country, 'BR');
});

test('malformed lines are refused with the line number and what is wrong', () => {
  const cases: [string, string][] = [
    ['apnic|MY|ipv4|203.0.113.0|256', 'expected registry|cc|type|start|value|date|status, got 5 fields'],
    ['apnc|MY|ipv4|203.0.113.0|256|20100101|allocated|A1', 'unknown registry "apnc": expected afrinic, apnic, arin, iana, lacnic or ripencc'],
    ['apnic|MY|ipv4|203.0.113.0|256|20100101|legacy|A1', 'unknown status "legacy": expected allocated, assigned, available or reserved'],
    ['apnic||ipv4|203.0.113.0|256|20100101|allocated|A1', 'an allocated record needs a country code'],
    ['apnic|MYS|ipv4|203.0.113.0|256|20100101|assigned|A1', 'country code "MYS" must be two letters'],
    ['apnic|MY|ipx|203.0.113.0|256|20100101|allocated|A1', 'unknown type "ipx": expected ipv4, ipv6 or asn'],
    ['apnic|MY|ipv4|203.0.113|256|20100101|allocated|A1', '"203.0.113" is not an IPv4 address'],
    ['apnic|MY|ipv4|2001:db8::|256|20100101|allocated|A1', '"2001:db8::" is not an IPv4 address'],
    ['apnic|MY|ipv4|203.0.113.0|0|20100101|allocated|A1', 'address count must be a whole number of at least 1, got "0"'],
    ['apnic|MY|ipv4|203.0.113.0|/24|20100101|allocated|A1', 'address count must be a whole number of at least 1, got "/24"'],
    ['apnic|MY|ipv4|255.255.255.0|512|20100101|allocated|A1', '512 addresses from 255.255.255.0 run past 255.255.255.255'],
    ['apnic|AU|ipv6|2001:db8::zz|32|20050101|allocated|A1', '"2001:db8::zz" is not an IPv6 address'],
    ['apnic|AU|ipv6|203.0.113.0|24|20050101|allocated|A1', '"203.0.113.0" is not an IPv6 address'],
    ['apnic|AU|ipv6|2001:db8::|129|20050101|allocated|A1', 'prefix length must be a whole number from 0 to 128, got "129"'],
    ['apnic|AU|ipv6|2001:db8::1|32|20050101|allocated|A1', '2001:db8::1/32 has host bits set'],
    ['apnic|JP|asn|AS64501|1|20110412|assigned|A1', '"AS64501" is not an AS number'],
    ['apnic|JP|asn|4294967296|1|20110412|assigned|A1', '"4294967296" is not an AS number'],
    ['apnic|JP|asn|64501|-1|20110412|assigned|A1', 'AS number count must be a whole number of at least 1, got "-1"'],
    ['apnic|JP|asn|4294967290|10|20110412|assigned|A1', '10 AS numbers from AS4294967290 run past AS4294967295'],
  ];
  for (const [line, reason] of cases) {
    assert.throws(() => parseRirLine(line, 42), { name: 'Invalid', field: 'line 42', reason }, line);
  }
});

test('the accumulator counts lines across what it is fed, comments and headers included', () => {
  const accumulator = new RirStatsAccumulator();
  accumulator.add('# header');
  accumulator.add('2|apnic|20261122|1|19830613|20261121|+1000');
  assert.throws(() => accumulator.add('apnic|MY|ipv4|203.0.113.0|256'), (error: unknown) => {
    assert.ok(error instanceof Invalid);
    assert.equal(error.message, 'line 3: expected registry|cc|type|start|value|date|status, got 5 fields');
    return true;
  });
});

test('a table from all five registries answers by address and by AS number', () => {
  const table = tableOf(APNIC, ARIN, RIPE, LACNIC, AFRINIC);
  assert.deepEqual(table.countryOfIp('203.0.113.77'), { country: 'MY', registry: 'apnic' });
  assert.deepEqual(table.countryOfIp('100.64.3.255'), { country: 'US', registry: 'arin' });
  assert.equal(table.countryOfIp('100.64.4.0'), undefined);
  assert.deepEqual(table.countryOfIp('100.72.7.1'), { country: 'DE', registry: 'ripencc' });
  assert.deepEqual(table.countryOfIp('100.96.5.1'), { country: 'BR', registry: 'lacnic' });
  assert.deepEqual(table.countryOfIp('100.112.15.255'), { country: 'ZA', registry: 'afrinic' });
  assert.deepEqual(table.countryOfIp('2001:db8:ffff::1'), { country: 'AU', registry: 'apnic' });
  // Registries use EU and AP for organisations without one country.
  assert.deepEqual(table.countryOfIp('2a00:1450:4001::1'), { country: 'EU', registry: 'ripencc' });
  assert.equal(table.countryOfIp('192.0.2.1'), undefined, 'available space has no country');
  assert.equal(table.countryOfIp('2001:db9::1'), undefined, 'reserved space has no country');
  assert.equal(table.countryOfIp('not an address'), undefined);

  assert.deepEqual(table.countryOfAsn(64500), { country: 'MY', registry: 'apnic' });
  assert.deepEqual(table.countryOfAsn(64504), { country: 'JP', registry: 'apnic' });
  assert.equal(table.countryOfAsn(64505), undefined);
  assert.deepEqual(table.countryOfAsn(65545), { country: 'US', registry: 'arin' });
  assert.equal(table.countryOfAsn(65546), undefined);
  assert.deepEqual(table.countryOfAsn(64496), { country: 'BR', registry: 'lacnic' });
  assert.deepEqual(table.conflicts, []);
});

test('a prefix has a country only when one registration holds all of it', () => {
  const table = tableOf(APNIC);
  assert.deepEqual(table.countryOfIp('198.51.101.0/24'), { country: 'JP', registry: 'apnic' });
  assert.equal(table.countryOfIp('198.51.100.0/22'), undefined);
});

test('rows sort as text and rebuild the same table', () => {
  const table = tableOf(LACNIC, APNIC);
  const rows = table.rows();
  for (const kind of ['ip', 'asn']) {
    const starts = rows.filter((row) => row.kind === kind).map((row) => row.start);
    assert.deepEqual(starts, [...starts].sort());
  }
  assert.deepEqual(
    rows.filter((row) => row.kind === 'ip').map((row) => `${row.registry} ${row.country}`),
    ['lacnic BR', 'apnic JP', 'apnic MY', 'apnic AU'],
  );
  assert.deepEqual(
    rows.filter((row) => row.kind === 'asn').map((row) => [row.start, row.end]),
    [
      ['0000064496', '0000064496'],
      ['0000064500', '0000064500'],
      ['0000064501', '0000064504'],
    ],
  );
  const rebuilt = RirTable.fromRows(rows);
  assert.deepEqual(rebuilt.rows(), rows);
  assert.deepEqual(rebuilt.countryOfIp('100.96.1.1'), { country: 'BR', registry: 'lacnic' });
  assert.deepEqual(rebuilt.countryOfAsn(64503), { country: 'JP', registry: 'apnic' });
});

test('rows from storage are checked', () => {
  const row: RirRecord = { kind: 'asn', start: '64500', end: '0000064500', country: 'MY', registry: 'apnic' };
  assert.throws(() => RirTable.fromRows([row]), {
    name: 'Invalid',
    field: 'rows[0]',
    reason: 'start and end must be 10 decimal digits, start first',
  });
});

test('overlapping registrations of different countries are set aside as conflicts, not guessed between', () => {
  const table = tableOf(
    'ripencc|DE|ipv4|100.72.0.0|2048|20120601|allocated|x',
    'arin|US|ipv4|100.72.4.0|256|20240101|allocated|y',
    'apnic|MY|ipv4|203.0.113.0|256|20100101|allocated|A1234',
    'lacnic|BR|asn|64496|10|20061103|allocated|1',
    'arin|US|asn|64500|1|20061103|allocated|2',
  );
  assert.equal(table.countryOfIp('100.72.4.1'), undefined);
  assert.equal(table.countryOfIp('100.72.0.1'), undefined);
  assert.equal(table.countryOfAsn(64500), undefined);
  assert.deepEqual(table.countryOfIp('203.0.113.1'), { country: 'MY', registry: 'apnic' });
  assert.deepEqual(
    table.conflicts.map((record) => `${record.registry} ${record.country}`),
    ['ripencc DE', 'arin US', 'lacnic BR', 'arin US'],
  );
  assert.equal(table.rows().length, 5, 'conflicting rows are kept for storage');
});

test('the same registration read twice counts once', () => {
  const table = tableOf(APNIC, APNIC);
  assert.deepEqual(table.conflicts, []);
  assert.deepEqual(table.rows(), tableOf(APNIC).rows());
});
