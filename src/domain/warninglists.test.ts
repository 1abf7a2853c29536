import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { MAX_REGEX_LENGTH, STARTER_WARNINGLISTS, WarninglistMatcher, parseWarninglist } from './warninglists.ts';
import type { Warninglist, WarninglistType } from './warninglists.ts';
import { assertInvalid } from '../../test/helpers/invalid.ts';

function list(name: string, type: WarninglistType, entries: string[], matchingAttributes: string[] = []): Warninglist {
  return { name, version: 1, description: '', type, list: entries, matching_attributes: matchingAttributes };
}

const RFC1918 = 'Private IPv4 ranges (RFC 1918)';
const SPECIAL_IPV4 = 'Special-purpose IPv4 ranges';
const SPECIAL_IPV6 = 'Special-purpose IPv6 ranges';
const RESERVED_DOMAINS = 'Reserved documentation and special-use domains (RFC 2606, RFC 6761)';
const BENIGN_DOMAINS = 'Common benign domains';

describe('parseWarninglist', () => {
  test('reads MISP format and normalises the entries for their type', () => {
    const parsed = parseWarninglist({
      name: ' Resolvers ',
      version: 20240101,
      description: 'Public DNS resolvers',
      type: 'cidr',
      list: ['8.8.8.8', '2001:4860:4860::8888', '1.1.1.0/24'],
      matching_attributes: ['ip-src', 'ip-dst'],
      category: 'false-positive',
    });
    assert.deepEqual(parsed, {
      name: 'Resolvers',
      version: 20240101,
      description: 'Public DNS resolvers',
      type: 'cidr',
      list: ['8.8.8.8/32', '2001:4860:4860::8888/128', '1.1.1.0/24'],
      matching_attributes: ['ip-src', 'ip-dst'],
    });
  });

  test('writes hostnames as bare lower-case ASCII, top-level labels included', () => {
    const parsed = parseWarninglist({
      name: 'Hosts',
      version: 1,
      description: '',
      type: 'hostname',
      list: ['*.Example.COM.', '.example.org', 'bücher.example', 'TEST'],
    });
    assert.deepEqual(parsed.list, ['example.com', 'example.org', 'xn--bcher-kva.example', 'test']);
    assert.deepEqual(parsed.matching_attributes, []);
  });

  test('names the field at fault', () => {
    const valid = { name: 'L', version: 1, description: '', type: 'string', list: ['a'], matching_attributes: [] };
    assertInvalid(() => parseWarninglist(null), 'warninglist', 'must be an object in MISP warninglist format');
    assertInvalid(() => parseWarninglist([valid], 'upload'), 'upload', 'must be an object in MISP warninglist format');
    assertInvalid(() => parseWarninglist({ ...valid, type: 'ip' }), 'warninglist.type', 'must be one of cidr, hostname, string, substring, regex');
    assertInvalid(() => parseWarninglist({ ...valid, name: ' ' }), 'warninglist.name', 'must not be empty');
    assertInvalid(() => parseWarninglist({ ...valid, version: '1' }), 'warninglist.version', 'must be a whole number');
    assertInvalid(() => parseWarninglist({ ...valid, version: 1.5 }), 'warninglist.version', 'must be a whole number');
    assertInvalid(() => parseWarninglist({ ...valid, description: undefined }), 'warninglist.description', 'must be a string');
    assertInvalid(() => parseWarninglist({ ...valid, list: 'a' }), 'warninglist.list', 'must be a list of strings');
    assertInvalid(() => parseWarninglist({ ...valid, list: ['a', 2] }), 'warninglist.list[1]', 'must be a string');
    assertInvalid(() => parseWarninglist({ ...valid, matching_attributes: [''] }), 'warninglist.matching_attributes[0]', 'must not be empty');
    assertInvalid(() => parseWarninglist({ ...valid, type: 'substring', list: ['ok', ' '] }), 'warninglist.list[1]', 'must not be empty');
  });

  test('validates cidr, hostname and regex entries', () => {
    const of = (type: string, entries: string[]) => ({ name: 'L', version: 1, description: '', type, list: entries });
    assertInvalid(() => parseWarninglist(of('cidr', ['10.0.0.0/8', '10.0.0.1/8'])), 'warninglist.list[1]', 'host bits set: did you mean 10.0.0.0/8?');
    assertInvalid(() => parseWarninglist(of('cidr', ['example.com'])), 'warninglist.list[0]', /must be an IP address/);
    assertInvalid(() => parseWarninglist(of('hostname', ['8.8.8.8'])), 'warninglist.list[0]', 'an IP address belongs in a cidr warninglist');
    assertInvalid(() => parseWarninglist(of('hostname', ['exa mple.com'])), 'warninglist.list[0]', /bare domain name/);
    assertInvalid(() => parseWarninglist(of('hostname', ['-bad'])), 'warninglist.list[0]', 'is not a valid domain name');
    assertInvalid(() => parseWarninglist(of('regex', ['(unclosed'])), 'warninglist.list[0]', 'is not a valid regular expression');
    assertInvalid(() => parseWarninglist(of('regex', ['/a/g'])), 'warninglist.list[0]', 'unsupported regex flags "g": use i, m, s or u');
    assertInvalid(
      () => parseWarninglist(of('regex', ['a'.repeat(MAX_REGEX_LENGTH + 1)])),
      'warninglist.list[0]',
      'a regex must be at most 1000 characters',
    );
    assert.deepEqual(parseWarninglist(of('regex', ['a'.repeat(MAX_REGEX_LENGTH)])).list.length, 1);
  });

  test('the starter lists are valid and already canonical', () => {
    for (const starter of STARTER_WARNINGLISTS) assert.deepEqual(parseWarninglist(starter), starter, starter.name);
    assert.deepEqual(
      STARTER_WARNINGLISTS.map((l) => l.name),
      [RFC1918, SPECIAL_IPV4, SPECIAL_IPV6, RESERVED_DOMAINS, BENIGN_DOMAINS],
    );
    const benign = STARTER_WARNINGLISTS.find((l) => l.name === BENIGN_DOMAINS);
    assert.ok(benign !== undefined && benign.list.length >= 50 && benign.list.length <= 60);
    assert.equal(new Set(benign.list).size, benign.list.length);
  });
});

describe('WarninglistMatcher with the starter lists', () => {
  const matcher = new WarninglistMatcher(STARTER_WARNINGLISTS);

  test('private, reserved and documentation addresses hit', () => {
    assert.deepEqual(matcher.match('ip-dst', '10.1.2.3'), [{ list: RFC1918, entry: '10.0.0.0/8' }]);
    assert.deepEqual(matcher.match('ip-src', '172.31.255.255'), [{ list: RFC1918, entry: '172.16.0.0/12' }]);
    assert.deepEqual(matcher.match('ip-src', '100.64.0.1'), [{ list: SPECIAL_IPV4, entry: '100.64.0.0/10' }]);
    assert.deepEqual(matcher.match('ip-src', '198.51.100.7'), [{ list: SPECIAL_IPV4, entry: '198.51.100.0/24' }]);
    assert.deepEqual(matcher.match('ip-dst', '2001:db8::1'), [{ list: SPECIAL_IPV6, entry: '2001:db8::/32' }]);
    assert.deepEqual(matcher.match('ip-dst', 'fd12:3456::1'), [{ list: SPECIAL_IPV6, entry: 'fc00::/7' }]);
    assert.deepEqual(matcher.match('ip-dst', '::1'), [{ list: SPECIAL_IPV6, entry: '::1/128' }]);
  });

  test('nested entries all hit, the wider first', () => {
    assert.deepEqual(matcher.match('ip-dst', '255.255.255.255'), [
      { list: SPECIAL_IPV4, entry: '240.0.0.0/4' },
      { list: SPECIAL_IPV4, entry: '255.255.255.255/32' },
    ]);
  });

  test('public addresses miss', () => {
    for (const address of ['8.8.8.8', '172.32.0.1', '11.0.0.0', '2001:4860:4860::8888', '2001:db9::1']) {
      assert.deepEqual(matcher.match('ip-dst', address), [], address);
    }
  });

  test('an IPv4-mapped IPv6 address is matched as IPv4', () => {
    assert.deepEqual(matcher.match('ip-dst', '::ffff:192.168.1.1'), [{ list: RFC1918, entry: '192.168.0.0/16' }]);
  });

  test('hostnames hit their own entry and their parent domains, never look-alikes', () => {
    assert.deepEqual(matcher.match('domain', 'example.com'), [{ list: RESERVED_DOMAINS, entry: 'example.com' }]);
    assert.deepEqual(matcher.match('hostname', 'www.example.com'), [{ list: RESERVED_DOMAINS, entry: 'example.com' }]);
    assert.deepEqual(matcher.match('hostname', 'a.b.c.example.org'), [{ list: RESERVED_DOMAINS, entry: 'example.org' }]);
    assert.deepEqual(matcher.match('domain', 'evil-example.com'), []);
    assert.deepEqual(matcher.match('domain', 'example.com.evil.net'), []);
    assert.deepEqual(matcher.match('domain', 'intranet.test'), [{ list: RESERVED_DOMAINS, entry: 'test' }]);
    assert.deepEqual(matcher.match('domain', 'update.windowsupdate.com'), [{ list: BENIGN_DOMAINS, entry: 'windowsupdate.com' }]);
    assert.deepEqual(matcher.match('domain', 'notgoogle.com'), []);
  });

  test('URLs are checked by their host, with or without a scheme', () => {
    assert.deepEqual(matcher.match('url', 'http://www.example.com/path?q=1'), [{ list: RESERVED_DOMAINS, entry: 'example.com' }]);
    assert.deepEqual(matcher.match('link', 'https://en.wikipedia.org/wiki/TLP'), [{ list: BENIGN_DOMAINS, entry: 'wikipedia.org' }]);
    assert.deepEqual(matcher.match('url', 'example.net/login'), [{ list: RESERVED_DOMAINS, entry: 'example.net' }]);
    assert.deepEqual(matcher.match('url', 'localhost:8080/x'), [{ list: RESERVED_DOMAINS, entry: 'localhost' }]);
    assert.deepEqual(matcher.match('url', 'http://10.0.0.1/admin'), [{ list: RFC1918, entry: '10.0.0.0/8' }]);
    assert.deepEqual(matcher.match('url', 'http://[2001:db8::1]:8080/'), [{ list: SPECIAL_IPV6, entry: '2001:db8::/32' }]);
    assert.deepEqual(matcher.match('url', 'http://evil-example.com/example.com'), []);
  });

  test('e-mail addresses are checked by their domain against the reserved domains only', () => {
    assert.deepEqual(matcher.match('email-src', 'alice@mail.example.org'), [{ list: RESERVED_DOMAINS, entry: 'example.org' }]);
    assert.deepEqual(matcher.match('email-dst', 'bob@google.com'), []);
  });

  test('composite values are checked part by part', () => {
    assert.deepEqual(matcher.match('domain|ip', 'evil.invalid|8.8.8.8'), [{ list: RESERVED_DOMAINS, entry: 'invalid' }]);
    assert.deepEqual(matcher.match('domain|ip', 'evil.net|192.168.1.1'), [{ list: RFC1918, entry: '192.168.0.0/16' }]);
    assert.deepEqual(matcher.match('ip-dst|port', '192.168.1.1|443'), [{ list: RFC1918, entry: '192.168.0.0/16' }]);
    assert.deepEqual(matcher.match('ip-dst|port', '8.8.8.8|443'), []);
  });

  test('lists apply only to their matching attributes', () => {
    assert.deepEqual(matcher.match('md5', '10.1.2.3'), []);
    assert.deepEqual(matcher.match('text', 'example.com'), []);
  });
});

describe('WarninglistMatcher with custom lists', () => {
  test('a list holding 8.8.8.8/32 hits where the starter lists miss', () => {
    const matcher = new WarninglistMatcher([...STARTER_WARNINGLISTS, list('Google DNS', 'cidr', ['8.8.8.8/32'], ['ip-dst'])]);
    assert.deepEqual(matcher.match('ip-dst', '8.8.8.8'), [{ list: 'Google DNS', entry: '8.8.8.8/32' }]);
    assert.deepEqual(matcher.match('ip-src', '8.8.8.8'), []);
    assert.deepEqual(matcher.match('ip-dst', '8.8.4.4'), []);
  });

  test('a list without matching attributes applies to every type', () => {
    const matcher = new WarninglistMatcher([list('Everywhere', 'string', ['GREEN'])]);
    assert.deepEqual(matcher.match('text', 'GREEN'), [{ list: 'Everywhere', entry: 'GREEN' }]);
    assert.deepEqual(matcher.match('comment', 'GREEN'), [{ list: 'Everywhere', entry: 'GREEN' }]);
    assert.deepEqual(matcher.match('comment', 'green'), []);
  });

  test('string, substring and regex lists', () => {
    const matcher = new WarninglistMatcher([
      list('Empty hashes', 'string', ['d41d8cd98f00b204e9800998ecf8427e'], ['md5']),
      list('Tracking parameters', 'substring', ['utm_source='], ['url']),
      list('Windows paths', 'regex', ['/^c:\\\\windows\\\\/i'], ['filename']),
      list('Bare regex', 'regex', ['^Mozilla/5\\.0 \\(compatible; Googlebot'], ['user-agent']),
    ]);
    assert.deepEqual(matcher.match('md5', 'd41d8cd98f00b204e9800998ecf8427e'), [{ list: 'Empty hashes', entry: 'd41d8cd98f00b204e9800998ecf8427e' }]);
    assert.deepEqual(matcher.match('md5', 'd41d8cd98f00b204e9800998ecf8427f'), []);
    assert.deepEqual(matcher.match('url', 'https://shop.test/?utm_source=mail'), [{ list: 'Tracking parameters', entry: 'utm_source=' }]);
    assert.deepEqual(matcher.match('filename', 'C:\\Windows\\System32\\cmd.exe'), [{ list: 'Windows paths', entry: '/^c:\\\\windows\\\\/i' }]);
    assert.deepEqual(matcher.match('filename', 'D:\\Windows\\x.exe'), []);
    assert.equal(matcher.match('user-agent', 'Mozilla/5.0 (compatible; Googlebot/2.1)').length, 1);
  });

  test('the same entry in two lists hits twice; twice in one list, once', () => {
    const matcher = new WarninglistMatcher([
      list('A', 'hostname', ['example.com', 'EXAMPLE.com']),
      list('B', 'hostname', ['example.com']),
      list('C', 'cidr', ['192.0.2.0/24', '192.0.2.0/24']),
      list('D', 'cidr', ['192.0.2.0/24']),
    ]);
    assert.deepEqual(matcher.match('domain', 'www.example.com'), [
      { list: 'A', entry: 'example.com' },
      { list: 'B', entry: 'example.com' },
    ]);
    assert.deepEqual(matcher.match('ip-dst', '192.0.2.1'), [
      { list: 'C', entry: '192.0.2.0/24' },
      { list: 'D', entry: '192.0.2.0/24' },
    ]);
  });

  test('refuses a list that would not compile, naming the entry', () => {
    assertInvalid(() => new WarninglistMatcher([list('Bad', 'regex', ['ok', '(['])]), 'warninglists[0].list[1]', 'is not a valid regular expression');
  });
});

// ------------------------------------------------------------- properties

const FAMILIES = { ipv4: 32, ipv6: 128 } as const;
type Family = keyof typeof FAMILIES;

function addressText(family: Family, value: bigint): string {
  const bytes = Array.from({ length: FAMILIES[family] / 8 }, (_, i) => Number((value >> BigInt(FAMILIES[family] - 8 * (i + 1))) & 0xffn));
  const address = ipaddr.fromByteArray(bytes);
  return address instanceof ipaddr.IPv6 ? address.toRFC5952String() : address.toString();
}

function prefixRange(family: Family, address: bigint, length: number): { first: bigint; last: bigint; text: string } {
  const hostBits = BigInt(FAMILIES[family] - length);
  const first = (address >> hostBits) << hostBits;
  const last = first | ((1n << hostBits) - 1n);
  return { first, last, text: `${addressText(family, first)}/${length}` };
}

const familyPrefix = fc.constantFrom<Family>('ipv4', 'ipv6').chain((family) =>
  fc.record({
    family: fc.constant(family),
    address: fc.bigInt({ min: 0n, max: (1n << BigInt(FAMILIES[family])) - 1n }),
    length: fc.integer({ min: 0, max: FAMILIES[family] }),
    offset: fc.bigInt({ min: 0n, max: (1n << BigInt(FAMILIES[family])) - 1n }),
  }),
);

describe('WarninglistMatcher properties', () => {
  test('every address inside a CIDR entry hits it; the addresses just outside do not', () => {
    fc.assert(
      fc.property(familyPrefix, ({ family, address, length, offset }) => {
        const range = prefixRange(family, address, length);
        // IPv4-mapped IPv6 addresses (::ffff:0:0/96) are matched as the IPv4 address they carry, on
        // purpose; IPv6 blocks that reach into that range are not what this property is about.
        const mappedStart = 0xffffn << 32n;
        const mappedEnd = mappedStart | 0xffff_ffffn;
        fc.pre(family === 'ipv4' || range.last + 1n < mappedStart || range.first - 1n > mappedEnd);
        const matcher = new WarninglistMatcher([list('L', 'cidr', [range.text])]);
        const type = 'ip-dst';
        const inside = range.first + (offset % (range.last - range.first + 1n));
        assert.deepEqual(matcher.match(type, addressText(family, inside)), [{ list: 'L', entry: range.text }]);
        assert.deepEqual(matcher.match(type, addressText(family, range.first)).length, 1);
        assert.deepEqual(matcher.match(type, addressText(family, range.last)).length, 1);
        if (range.first > 0n) assert.deepEqual(matcher.match(type, addressText(family, range.first - 1n)), []);
        if (range.last < (1n << BigInt(FAMILIES[family])) - 1n) {
          assert.deepEqual(matcher.match(type, addressText(family, range.last + 1n)), []);
        }
      }),
    );
  });

  test('with many nested and overlapping entries, the hits are exactly the entries containing the address', () => {
    // Addresses share their high bits so that entries nest, touch and overlap often.
    const base = 0xc0a8_0000n;
    const nearAddress = fc.bigInt({ min: 0n, max: 0xffffn }).map((low) => base | low);
    const entry = fc.record({ address: nearAddress, length: fc.integer({ min: 12, max: 32 }) });
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 12 }), fc.array(nearAddress, { minLength: 1, maxLength: 8 }), (entries, queries) => {
        const ranges = entries.map(({ address, length }) => prefixRange('ipv4', address, length));
        const matcher = new WarninglistMatcher(ranges.map((range, i) => list(`L${i}`, 'cidr', [range.text])));
        for (const query of queries) {
          const expected = ranges.flatMap((range, i) => (range.first <= query && query <= range.last ? [`L${i}`] : []));
          const actual = matcher.match('ip-src', addressText('ipv4', query)).map((hit) => hit.list);
          assert.deepEqual(actual.sort(), expected.sort());
        }
      }),
    );
  });
});
