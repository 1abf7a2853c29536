import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  MAX_ENTRIES_PER_LIST,
  constituencyEntries,
  normaliseAsn,
  normaliseConstituency,
  normaliseDomain,
  normaliseIpPrefix,
} from './constituency.ts';
import { assertInvalid } from '../../test/helpers/invalid.ts';

const F = 'prefix';

describe('normaliseIpPrefix', () => {
  test('keeps canonical IPv4 prefixes and completes bare addresses', () => {
    assert.deepEqual(normaliseIpPrefix('192.0.2.0/24', F), { kind: 'ipv4', value: '192.0.2.0/24' });
    assert.deepEqual(normaliseIpPrefix(' 198.51.100.7 ', F), { kind: 'ipv4', value: '198.51.100.7/32' });
    assert.deepEqual(normaliseIpPrefix('0.0.0.0/0', F), { kind: 'ipv4', value: '0.0.0.0/0' });
  });

  test('writes IPv6 in RFC 5952 form', () => {
    assert.deepEqual(normaliseIpPrefix('2001:DB8:0:0::/32', F), { kind: 'ipv6', value: '2001:db8::/32' });
    assert.deepEqual(normaliseIpPrefix('2001:0db8:0000:0000:0001:0000:0000:0001', F), {
      kind: 'ipv6',
      value: '2001:db8::1:0:0:1/128',
    });
    assert.deepEqual(normaliseIpPrefix('::/0', F), { kind: 'ipv6', value: '::/0' });
  });

  test('turns IPv4-mapped IPv6 into IPv4', () => {
    assert.deepEqual(normaliseIpPrefix('::ffff:192.0.2.1', F), { kind: 'ipv4', value: '192.0.2.1/32' });
    assert.deepEqual(normaliseIpPrefix('::FFFF:c000:200/120', F), { kind: 'ipv4', value: '192.0.2.0/24' });
  });

  test('rejects host bits, naming the network', () => {
    assertInvalid(() => normaliseIpPrefix('192.0.2.1/24', F), F, 'host bits set: did you mean 192.0.2.0/24?');
    assertInvalid(() => normaliseIpPrefix('2001:db8::1/32', F), F, 'host bits set: did you mean 2001:db8::/32?');
    assertInvalid(() => normaliseIpPrefix('::ffff:192.0.2.1/120', F), F, 'host bits set: did you mean 192.0.2.0/24?');
  });

  test('rejects prefix lengths out of range or malformed', () => {
    assertInvalid(() => normaliseIpPrefix('192.0.2.0/33', F), F, 'prefix length must be a whole number from 0 to 32');
    assertInvalid(() => normaliseIpPrefix('2001:db8::/129', F), F, 'prefix length must be a whole number from 0 to 128');
    for (const input of ['192.0.2.0/', '192.0.2.0/-1', '192.0.2.0/2.5', '192.0.2.0/0x18', '192.0.2.0/24/24']) {
      assertInvalid(() => normaliseIpPrefix(input, F), F, /prefix/);
    }
  });

  test('rejects ambiguous IPv4 spellings', () => {
    for (const input of ['010.0.0.1', '0x7f.0.0.1', '127.1', '2130706433', '::ffff:010.0.0.1']) {
      assertInvalid(() => normaliseIpPrefix(input, F), F, /^ambiguous IPv4 notation/);
    }
  });

  test('rejects zone indexes and garbage', () => {
    assertInvalid(() => normaliseIpPrefix('fe80::1%eth0', F), F, /zone index/);
    for (const input of ['', 'example.org', '256.0.0.0/8', '1.2.3', '2001:db8:::/48', '192.0.2.0 /24']) {
      assertInvalid(() => normaliseIpPrefix(input, F), F, /./);
    }
  });
});

describe('normaliseAsn', () => {
  test('accepts asplain, AS-prefixed and asdot spellings', () => {
    assert.equal(normaliseAsn(64500, F), 'AS64500');
    assert.equal(normaliseAsn('64500', F), 'AS64500');
    assert.equal(normaliseAsn('AS64500', F), 'AS64500');
    assert.equal(normaliseAsn(' as64500 ', F), 'AS64500');
    assert.equal(normaliseAsn('1.10', F), 'AS65546');
    assert.equal(normaliseAsn('AS0.100', F), 'AS100');
    assert.equal(normaliseAsn(4_294_967_294, F), 'AS4294967294');
  });

  test('rejects reserved numbers', () => {
    assertInvalid(() => normaliseAsn(0, F), F, 'AS0 is reserved (RFC 7607)');
    assertInvalid(() => normaliseAsn('AS23456', F), F, /AS_TRANS/);
    assertInvalid(() => normaliseAsn(65_535, F), F, 'AS65535 is reserved (RFC 7300)');
    assertInvalid(() => normaliseAsn('4294967295', F), F, 'AS4294967295 is reserved (RFC 7300)');
    assertInvalid(() => normaliseAsn('65535.65535', F), F, 'AS4294967295 is reserved (RFC 7300)');
  });

  test('rejects out-of-range and malformed numbers', () => {
    assertInvalid(() => normaliseAsn(4_294_967_296, F), F, 'AS number must be at most 4294967295');
    assertInvalid(() => normaliseAsn('65536.0', F), F, 'each half of an asdot AS number must be at most 65535');
    for (const input of [-1, 1.5, Number.NaN, '', 'AS', 'ASN64500', '64500a', '1.2.3', '0x10']) {
      assertInvalid(() => normaliseAsn(input, F), F, 'must be an AS number such as AS64500, 64500 or 1.10 (asdot)');
    }
  });
});

describe('normaliseDomain', () => {
  test('lower-cases, drops the trailing dot and refangs', () => {
    assert.equal(normaliseDomain(' Example.ORG. ', F), 'example.org');
    assert.equal(normaliseDomain('cert[.]example(.)gov', F), 'cert.example.gov');
    assert.equal(normaliseDomain('example[dot]org', F), 'example.org');
  });

  test('converts internationalised names to punycode', () => {
    assert.equal(normaliseDomain('Bücher.example', F), 'xn--bcher-kva.example');
    assert.equal(normaliseDomain('مثال.إختبار', F), 'xn--mgbh0fb.xn--kgbechtv');
    assert.equal(normaliseDomain('xn--bcher-kva.example', F), 'xn--bcher-kva.example');
  });

  test('rejects wildcards, URLs and single labels', () => {
    assertInvalid(() => normaliseDomain('*.example.org', F), F, /^wildcards are not needed/);
    assertInvalid(() => normaliseDomain('https://example.org/', F), F, 'must be a bare domain name, not a URL or address');
    assertInvalid(() => normaliseDomain('ex%41mple.org', F), F, 'must be a bare domain name, not a URL or address');
    assertInvalid(() => normaliseDomain('localhost', F), F, 'must have at least two labels, such as example.org');
  });

  test('rejects bad labels and lengths', () => {
    assertInvalid(() => normaliseDomain('-cert.example', F), F, 'label "-cert" must use letters, digits and inner hyphens only');
    assertInvalid(() => normaliseDomain('cert-.example', F), F, /inner hyphens/);
    assertInvalid(() => normaliseDomain('under_score.example', F), F, /inner hyphens/);
    assertInvalid(() => normaliseDomain('a..example', F), F, 'must not contain empty labels');
    assertInvalid(() => normaliseDomain(`${'a'.repeat(64)}.example`, F), F, 'labels must be at most 63 characters');
    const tooLong = `${Array.from({ length: 4 }, () => 'a'.repeat(63)).join('.')}.example`;
    assertInvalid(() => normaliseDomain(tooLong, F), F, 'must be at most 253 characters');
    assertInvalid(() => normaliseDomain('192.0.2.1', F), F, /IP addresses belong in ipPrefixes/);
    assertInvalid(() => normaliseDomain('xn--zz.example', F), F, 'is not a valid domain name');
    assertInvalid(() => normaliseDomain('', F), F, 'must be a domain name such as example.org');
  });
});

describe('normaliseConstituency', () => {
  test('normalises, deduplicates and sorts every list', () => {
    const constituency = normaliseConstituency({
      ipPrefixes: [
        '2001:db8::/32',
        '192.0.2.0/24',
        '10.0.0.0/8',
        '192.0.2.0/24',
        '10.0.0.0/16',
        '::ffff:10.0.0.0/104',
        '9.0.0.0/8',
      ],
      asns: ['AS65546', '1.10', 64500, 'as3'],
      domains: ['B.example', 'a.example', 'b.example.', 'a[.]example'],
    });
    assert.deepEqual(constituency, {
      ipPrefixes: ['9.0.0.0/8', '10.0.0.0/8', '10.0.0.0/16', '192.0.2.0/24', '2001:db8::/32'],
      asns: ['AS3', 'AS64500', 'AS65546'],
      domains: ['a.example', 'b.example'],
    });
  });

  test('treats missing lists as empty', () => {
    assert.deepEqual(normaliseConstituency({}), { ipPrefixes: [], asns: [], domains: [] });
  });

  test('names the failing entry', () => {
    assertInvalid(
      () => normaliseConstituency({ ipPrefixes: ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.1/24'] }),
      'constituency.ipPrefixes[2]',
      'host bits set: did you mean 203.0.113.0/24?',
    );
    assertInvalid(() => normaliseConstituency({ asns: [64500, 0] }), 'constituency.asns[1]', /reserved/);
    assertInvalid(
      () => normaliseConstituency({ domains: ['*.example'] }, 'members[0].constituency'),
      'members[0].constituency.domains[0]',
      /wildcards/,
    );
  });

  test('limits each list', () => {
    const tooMany = Array.from({ length: MAX_ENTRIES_PER_LIST + 1 }, (_, i) => i + 1);
    assertInvalid(() => normaliseConstituency({ asns: tooMany }), 'constituency.asns', 'must have at most 10000 entries');
    assert.equal(normaliseConstituency({ asns: tooMany.slice(1) }).asns.length, MAX_ENTRIES_PER_LIST);
  });

  test('constituencyEntries flattens with kinds', () => {
    const entries = constituencyEntries({
      ipPrefixes: ['192.0.2.0/24', '2001:db8::/32'],
      asns: ['AS64500'],
      domains: ['cert.example'],
    });
    assert.deepEqual(entries, [
      { kind: 'ipv4', value: '192.0.2.0/24' },
      { kind: 'ipv6', value: '2001:db8::/32' },
      { kind: 'asn', value: 'AS64500' },
      { kind: 'domain', value: 'cert.example' },
    ]);
  });
});

// ------------------------------------------------------------- properties

const ipv4Prefix = fc.record({ address: fc.nat({ max: 0xffff_ffff }), length: fc.integer({ min: 0, max: 32 }) });

function ipv4Mask(length: number): number {
  return length === 0 ? 0 : (0xffff_ffff << (32 - length)) >>> 0;
}

function dottedQuad(address: number): string {
  return [24, 16, 8, 0].map((shift) => (address >>> shift) & 0xff).join('.');
}

const ipv6Prefix = fc.record({
  groups: fc.array(fc.nat({ max: 0xffff }), { minLength: 8, maxLength: 8 }),
  length: fc.integer({ min: 0, max: 128 }),
});

function maskIpv6Groups(groups: number[], length: number): number[] {
  return groups.map((group, i) => {
    const keptBits = Math.min(Math.max(length - i * 16, 0), 16);
    return group & ((0xffff << (16 - keptBits)) & 0xffff);
  });
}

describe('properties', () => {
  test('every masked IPv4 prefix round-trips unchanged', () => {
    fc.assert(
      fc.property(ipv4Prefix, ({ address, length }) => {
        const prefix = `${dottedQuad((address & ipv4Mask(length)) >>> 0)}/${length}`;
        assert.deepEqual(normaliseIpPrefix(prefix, F), { kind: 'ipv4', value: prefix });
      }),
    );
  });

  test('an IPv4 address with host bits set is rejected with a suggestion that is itself valid', () => {
    fc.assert(
      fc.property(ipv4Prefix, ({ address, length }) => {
        const network = (address & ipv4Mask(length)) >>> 0;
        fc.pre(network !== address);
        const expected = `${dottedQuad(network)}/${length}`;
        const input = `${dottedQuad(address)}/${length}`;
        assertInvalid(() => normaliseIpPrefix(input, F), F, `host bits set: did you mean ${expected}?`);
        assert.equal(normaliseIpPrefix(expected, F).value, expected);
      }),
    );
  });

  test('normalising IPv6 prefixes is idempotent and keeps the kind', () => {
    fc.assert(
      fc.property(ipv6Prefix, ({ groups, length }) => {
        const spelled = maskIpv6Groups(groups, length).map((group) => group.toString(16).toUpperCase().padStart(4, '0'));
        const once = normaliseIpPrefix(`${spelled.join(':')}/${length}`, F);
        assert.deepEqual(normaliseIpPrefix(once.value, F), once);
        assert.equal(once.value, once.value.toLowerCase());
        assert.ok(once.value.endsWith(`/${once.kind === 'ipv6' ? length : length - 96}`));
      }),
    );
  });

  test('normalising any valid address is idempotent', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), (address) => {
        const once = normaliseIpPrefix(address, F);
        assert.deepEqual(normaliseIpPrefix(once.value, F), once);
      }),
    );
  });

  test('asplain and asdot spellings of an ASN agree', () => {
    const reserved = new Set([0, 23_456, 65_535, 4_294_967_295]);
    fc.assert(
      fc.property(fc.nat({ max: 4_294_967_295 }), (asn) => {
        fc.pre(!reserved.has(asn));
        const asdot = `${Math.floor(asn / 65_536)}.${asn % 65_536}`;
        assert.equal(normaliseAsn(asn, F), `AS${asn}`);
        assert.equal(normaliseAsn(`as${asn}`, F), `AS${asn}`);
        assert.equal(normaliseAsn(asdot, F), `AS${asn}`);
      }),
    );
  });

  test('the normalised constituency ignores input order and duplicates', () => {
    const addressLists = fc.uniqueArray(fc.ipV4(), { maxLength: 20 });
    const asnLists = fc.uniqueArray(fc.integer({ min: 1, max: 23_000 }), { maxLength: 20 });
    fc.assert(
      fc.property(addressLists, asnLists, (addresses, asns) => {
        const sorted = normaliseConstituency({ ipPrefixes: addresses, asns });
        const reversedWithDuplicates = <T,>(list: T[]) => [...list].reverse().concat(list);
        const shuffled = normaliseConstituency({ ipPrefixes: reversedWithDuplicates(addresses), asns: reversedWithDuplicates(asns) });
        assert.deepEqual(shuffled, sorted);
        assert.equal(sorted.ipPrefixes.length, addresses.length);
        assert.deepEqual(normaliseConstituency(sorted), sorted);
      }),
    );
  });
});
