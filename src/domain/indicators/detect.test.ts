import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { extractIndicators, recogniseObservable, recogniseValue } from './detect.ts';

const SHA256 = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';

const ADVISORY = `CERT-XX advisory 2024-017 (TLP:CLEAR). Between 2 and 5 May 2024 the actor sent phishing mails from
billing[@]evil-invoices[.]com with the subject "Unpaid invoice" and an attachment invoice_4471.pdf.exe
(SHA256 ${SHA256.toUpperCase()}, MD5 d41d8cd98f00b204e9800998ecf8427e).
The loader downloads hxxps://cdn.evil-invoices[.]com/gate.php?id=7, then beacons to 198.51.100[.]23:443
and 2001:db8::dead:beef; scanning came from 203.0.113.0/24. Lateral movement exploits CVE-2023-23397
and cve-2021-44228. The second stage is fetched from update-service[.]net/dl/stage2.bin and talks to
c2.update-service[.]net. Block evil-invoices[.]com and 198.51.100.23. At 10:30:00 UTC the operators
deleted report.docx and setup.exe; see the full write-up at https://cert.example.org/advisories/2024-017.`;

describe('extractIndicators', () => {
  test('finds every indicator of a defanged advisory, once each, in order of appearance', () => {
    assert.deepEqual(extractIndicators(ADVISORY), [
      { type: 'email-src', value: 'billing@evil-invoices.com', normalised: 'billing@evil-invoices.com' },
      { type: 'sha256', value: SHA256.toUpperCase(), normalised: SHA256 },
      { type: 'md5', value: 'd41d8cd98f00b204e9800998ecf8427e', normalised: 'd41d8cd98f00b204e9800998ecf8427e' },
      {
        type: 'url',
        value: 'https://cdn.evil-invoices.com/gate.php?id=7',
        normalised: 'https://cdn.evil-invoices.com/gate.php?id=7',
      },
      { type: 'ip-dst', value: '198.51.100.23', normalised: '198.51.100.23' },
      { type: 'ip-dst', value: '2001:db8::dead:beef', normalised: '2001:db8::dead:beef' },
      { type: 'ip-dst', value: '203.0.113.0/24', normalised: '203.0.113.0/24' },
      { type: 'vulnerability', value: 'CVE-2023-23397', normalised: 'CVE-2023-23397' },
      { type: 'vulnerability', value: 'cve-2021-44228', normalised: 'CVE-2021-44228' },
      { type: 'url', value: 'update-service.net/dl/stage2.bin', normalised: 'http://update-service.net/dl/stage2.bin' },
      { type: 'domain', value: 'c2.update-service.net', normalised: 'c2.update-service.net' },
      { type: 'domain', value: 'evil-invoices.com', normalised: 'evil-invoices.com' },
      {
        type: 'url',
        value: 'https://cert.example.org/advisories/2024-017',
        normalised: 'https://cert.example.org/advisories/2024-017',
      },
    ]);
  });

  test('returns nothing for text without indicators', () => {
    assert.deepEqual(extractIndicators(''), []);
    const prose =
      'The team met at 10:30:00, e.g. to discuss v1.2.3 and the MAC 00:1a:2b:3c:4d:5e. It went well.Then we left; ' +
      'results are in report.pdf, notes.txt, libcrypto.so and install.sh. Ratio 3.14, score 300.1.1.1, path C::Users.';
    assert.deepEqual(extractIndicators(prose), []);
  });

  test('deduplicates by type and normalised value', () => {
    const found = extractIndicators('198.51.100.7, 198.51.100[.]7 and 198(.)51(.)100(.)7; Example.COM and example[.]com');
    assert.deepEqual(found, [
      { type: 'ip-dst', value: '198.51.100.7', normalised: '198.51.100.7' },
      { type: 'domain', value: 'Example.COM', normalised: 'example.com' },
    ]);
  });

  test('recognises the usual defangings', () => {
    const text = 'hxxp[:]//a.example[.]com/x hXXps[://]b[.]example/y john.doe(at)example(dot)org c[dot]example[dot]net';
    assert.deepEqual(
      extractIndicators(text).map(({ type, normalised }) => `${type} ${normalised}`),
      ['url http://a.example.com/x', 'url https://b.example/y', 'email-src john.doe@example.org', 'domain c.example.net'],
    );
  });

  test('takes file names for files, unless the author defanged them', () => {
    assert.deepEqual(extractIndicators('open invoice.pdf or payload.zip'), []);
    assert.deepEqual(
      extractIndicators('phishing from secure-login[.]zip').map(({ type, normalised }) => `${type} ${normalised}`),
      ['domain secure-login.zip'],
    );
  });

  test('accepts country-code, common generic and IDN top-level domains', () => {
    assert.deepEqual(
      extractIndicators('mail.example.co.uk, portal.example.xyz, bücher.de, news.example.mil and example.verylongunknowntld').map(
        ({ normalised }) => normalised,
      ),
      ['mail.example.co.uk', 'portal.example.xyz', 'xn--bcher-kva.de', 'news.example.mil'],
    );
  });

  test('finds indicators in Arabic prose', () => {
    assert.deepEqual(
      extractIndicators('تم رصد النطاق evil-domain[.]example في الحملة وعنوان 203.0.113.5 أيضا').map(({ normalised }) => normalised),
      ['evil-domain.example', '203.0.113.5'],
    );
  });

  test("leaves a sentence's punctuation outside URLs, but keeps brackets the URL opened", () => {
    assert.deepEqual(
      extractIndicators('(see hxxp://a[.]example/x). Also [http://b.example/wiki/Foo_(bar)], and "https://c.example/?q=1".').map(
        ({ value }) => value,
      ),
      ['http://a.example/x', 'http://b.example/wiki/Foo_(bar)', 'https://c.example/?q=1'],
    );
  });

  test('classifies hashes by length and ignores other hex runs', () => {
    const hex = (n: number) => 'a1'.repeat(n / 2);
    const found = extractIndicators(`${hex(32)} ${hex(40)} ${hex(64)} ${hex(128)} ${hex(34)} x${hex(32)} ${hex(32)}_1`);
    assert.deepEqual(
      found.map(({ type }) => type),
      ['md5', 'sha1', 'sha256', 'sha512'],
    );
  });

  test('finds IPv6 addresses and prefixes but not bare "::"', () => {
    assert.deepEqual(
      extractIndicators('from fe80::1, 2001:DB8:0:0::/64 and ::ffff:192.0.2.1; not :: nor std::vector').map(({ normalised }) => normalised),
      ['fe80::1', '2001:db8::/64', '192.0.2.1'],
    );
  });

  test('skips invalid candidates and keeps looking', () => {
    assert.deepEqual(
      extractIndicators('198.51.100.7/24 is not a network, 198.51.100.0/24 is; http:// alone is nothing').map(({ normalised }) => normalised),
      ['198.51.100.0/24'],
    );
  });
});

describe('recogniseValue', () => {
  test('answers exactly as the first find of the full scan, for plain shapes and everything else', () => {
    const fixed = [
      'D41D8CD98F00B204E9800998ECF8427E', 'da39a3ee5e6b4b0d3255bfef95601890afd80709', '0'.repeat(64), 'f'.repeat(128), 'a'.repeat(33),
      '10.1.2.3', '256.1.1.1', '01.2.3.4', '1.2.3.4.5', '192.0.2.1/24', 'HTTPS://Evil.Example/a?b=1', 'http://evil[.]example/x', 'hxxp://evil[.]example/',
      'http://x.example/a(b)', 'http://x.example/a.', 'ftp://files.example', 'http://', 'http://ex ample.com', 'evil.example', 'user@mail.example',
      'CVE-2024-12345', '2001:db8::1', 'invoice.pdf', 'not an indicator', '',
    ];
    for (const value of fixed) assert.deepEqual(recogniseValue(value), extractIndicators(value)[0], value);
    const hex = fc.stringMatching(/^[0-9a-fA-F]{30,130}$/);
    const ipv4 = fc.tuple(fc.nat(300), fc.nat(300), fc.nat(300), fc.nat(300)).map((parts) => parts.join('.'));
    const url = fc.tuple(fc.constantFrom('http', 'https', 'ftp', 'HTTP'), fc.webUrl().map((u) => u.replace(/^[a-z]+:\/\//, '')), fc.constantFrom('', '.', ')', '/', '?q=1'))
      .map(([scheme, rest, tail]) => `${scheme}://${rest}${tail}`);
    fc.assert(fc.property(fc.oneof(hex, ipv4, url, fc.string()), (value) => {
      assert.deepEqual(recogniseValue(value), extractIndicators(value)[0]);
    }), { numRuns: 2000 });
  });
});

test('observables also take AS numbers, which free text never yields', () => {
  assert.deepEqual(recogniseObservable(' as64500 '), { type: 'AS', value: 'as64500', normalised: 'AS64500' });
  assert.equal(extractIndicators('AS64500')[0], undefined);
  assert.deepEqual(recogniseObservable('10.1.2.3'), recogniseValue('10.1.2.3'));
});
