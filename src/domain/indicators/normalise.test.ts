import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Invalid } from '../errors.ts';
import { correlationKey, correlationKeys, normaliseIndicator } from './normalise.ts';
import { refang } from './refang.ts';
import { INDICATOR_TYPES, indicatorTypeInfo, type IndicatorType } from './types.ts';

const SHA256 = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
const SHA512 =
  'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e';
const TLSH_BODY = 'a5f0c00302a5e5c9af8ef0b5b8f3f2a59b6a1f8bd06b1f1c39e6cd2e7245b1e5a8f24c';
const XMR = '44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A';
const SIGMA = 'title: Evil process\nlogsource:\n  category: process_creation\ndetection:\n  sel:\n    Image|endswith: \\evil.exe\n  condition: sel';

function assertInvalid(action: () => unknown, field: string, reason: string): void {
  assert.throws(action, (error: unknown) => {
    assert.ok(error instanceof Invalid, `expected Invalid, got ${String(error)}`);
    assert.equal(error.field, field);
    assert.ok(error.reason.includes(reason), `reason "${error.reason}" lacks "${reason}"`);
    return true;
  });
}

// [type, input, display value, normalised]
const GOOD: readonly (readonly [IndicatorType, string, string, string])[] = [
  ['ip-src', '198.51.100.7', '198.51.100.7', '198.51.100.7'],
  ['ip-src', ' 198.51.100[.]7 ', '198.51.100.7', '198.51.100.7'],
  ['ip-src', '198.51.100.7/32', '198.51.100.7/32', '198.51.100.7'],
  ['ip-src', '10.0.0.0/8', '10.0.0.0/8', '10.0.0.0/8'],
  ['ip-src', '2001:DB8:0:0:0:0:0:1', '2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
  ['ip-src', '2001:0db8::/32', '2001:0db8::/32', '2001:db8::/32'],
  ['ip-src', '2001:db8::1/128', '2001:db8::1/128', '2001:db8::1'],
  ['ip-src', '::ffff:192.0.2.1', '::ffff:192.0.2.1', '192.0.2.1'],
  ['ip-dst', '203(.)0(.)113(.)9', '203.0.113.9', '203.0.113.9'],
  ['ip-dst', '203.0.113[.]0/24', '203.0.113.0/24', '203.0.113.0/24'],
  ['ip-src|port', '198.51.100.7|443', '198.51.100.7|443', '198.51.100.7|443'],
  ['ip-src|port', '198.51.100[.]7 | 0443', '198.51.100.7 | 0443', '198.51.100.7|443'],
  ['ip-dst|port', '2001:DB8::1|443', '2001:DB8::1|443', '2001:db8::1|443'],
  ['ip-dst|port', '::ffff:192.0.2.1|8080', '::ffff:192.0.2.1|8080', '192.0.2.1|8080'],
  ['domain', 'Example.COM.', 'Example.COM.', 'example.com'],
  ['domain', 'evil[.]example[dot]com', 'evil.example.com', 'evil.example.com'],
  ['domain', 'bücher.de', 'bücher.de', 'xn--bcher-kva.de'],
  ['hostname', 'Login.Example.com', 'Login.Example.com', 'login.example.com'],
  ['hostname', 'c2(.)evil{.}net', 'c2.evil.net', 'c2.evil.net'],
  ['hostname|port', 'C2.Example.net|8443', 'C2.Example.net|8443', 'c2.example.net|8443'],
  ['domain|ip', 'Example[.]com|198.51.100[.]7', 'Example.com|198.51.100.7', 'example.com|198.51.100.7'],
  ['url', 'hxxps://Evil[.]Example:443/Login', 'https://Evil.Example:443/Login', 'https://evil.example/Login'],
  ['url', 'hXXp[://]evil[.]example/a', 'http://evil.example/a', 'http://evil.example/a'],
  ['url', 'hxxp[:]//evil[.]example', 'http://evil.example', 'http://evil.example/'],
  ['url', 'HTTP://EXAMPLE.COM', 'HTTP://EXAMPLE.COM', 'http://example.com/'],
  ['url', 'http://example.com:80/a?b=C#frag', 'http://example.com:80/a?b=C#frag', 'http://example.com/a?b=C'],
  ['url', 'https://example.com:8443/', 'https://example.com:8443/', 'https://example.com:8443/'],
  ['url', 'http://example.com./a/../b/./c', 'http://example.com./a/../b/./c', 'http://example.com/b/c'],
  ['url', 'http://example.com/%7euser/%2f%e2%82%ac?q=%2f', 'http://example.com/%7euser/%2f%e2%82%ac?q=%2f', 'http://example.com/~user/%2F%E2%82%AC?q=%2f'],
  ['url', 'https://bücher.de/straße', 'https://bücher.de/straße', 'https://xn--bcher-kva.de/stra%C3%9Fe'],
  ['url', 'example.com/path', 'example.com/path', 'http://example.com/path'],
  ['url', 'evil[.]example:8080', 'evil.example:8080', 'http://evil.example:8080/'],
  ['url', 'ldap://198.51.100.7:1389/Exploit', 'ldap://198.51.100.7:1389/Exploit', 'ldap://198.51.100.7:1389/Exploit'],
  ['url', 'LDAP://Evil.EXAMPLE', 'LDAP://Evil.EXAMPLE', 'ldap://evil.example/'],
  ['url', 'http://[2001:DB8::1]:8080/x', 'http://[2001:DB8::1]:8080/x', 'http://[2001:db8::1]:8080/x'],
  ['url', 'http://[::ffff:192.0.2.1]/', 'http://[::ffff:192.0.2.1]/', 'http://192.0.2.1/'],
  ['url', 'ftp://files.example.com:21/x', 'ftp://files.example.com:21/x', 'ftp://files.example.com/x'],
  ['url', 'http://user:pw@Example.com/', 'http://user:pw@Example.com/', 'http://user:pw@example.com/'],
  ['link', 'https://Example.org/report', 'https://Example.org/report', 'https://example.org/report'],
  ['uri', ' /wp-admin/admin-ajax.php?action=X ', '/wp-admin/admin-ajax.php?action=X', '/wp-admin/admin-ajax.php?action=X'],
  ['uri', 'images/pixel.gif', 'images/pixel.gif', 'images/pixel.gif'],
  ['email', 'Someone@Example.COM', 'Someone@Example.COM', 'someone@example.com'],
  ['email', 'info@bücher.de', 'info@bücher.de', 'info@xn--bcher-kva.de'],
  ['email-src', 'billing[@]evil[.]example', 'billing@evil.example', 'billing@evil.example'],
  ['email-dst', 'Finance[at]Example[dot]org', 'Finance@Example.org', 'finance@example.org'],
  ['email-dst', 'a[[.]]b@example.com', 'a.b@example.com', 'a.b@example.com'],
  ['email-subject', '  Re: Unpaid INVOICE  ', 'Re: Unpaid INVOICE', 'Re: Unpaid INVOICE'],
  ['md5', 'D41D8CD98F00B204E9800998ECF8427E', 'D41D8CD98F00B204E9800998ECF8427E', 'd41d8cd98f00b204e9800998ecf8427e'],
  ['sha1', 'DA39A3EE5E6B4B0D3255BFEF95601890AFD80709', 'DA39A3EE5E6B4B0D3255BFEF95601890AFD80709', 'da39a3ee5e6b4b0d3255bfef95601890afd80709'],
  ['sha256', ` ${SHA256.toUpperCase()} `, SHA256.toUpperCase(), SHA256],
  ['sha512', SHA512.toUpperCase(), SHA512.toUpperCase(), SHA512],
  ['ssdeep', '096:s4Ud1Lj96tHHl:s4Ud1Lj96', '096:s4Ud1Lj96tHHl:s4Ud1Lj96', '96:s4Ud1Lj96tHHl:s4Ud1Lj96'],
  ['ssdeep', '3::', '3::', '3::'],
  ['imphash', 'F34D5F2D4577ED6D9CEEC516C1F5A744', 'F34D5F2D4577ED6D9CEEC516C1F5A744', 'f34d5f2d4577ed6d9ceec516c1f5a744'],
  ['tlsh', TLSH_BODY, TLSH_BODY, `T1${TLSH_BODY.toUpperCase()}`],
  ['tlsh', `t1${TLSH_BODY}`, `t1${TLSH_BODY}`, `T1${TLSH_BODY.toUpperCase()}`],
  ['tlsh', `T1${TLSH_BODY}ab`, `T1${TLSH_BODY}ab`, `T1${TLSH_BODY.toUpperCase()}AB`],
  ['filename', ' Invoice.PDF.exe ', 'Invoice.PDF.exe', 'invoice.pdf.exe'],
  ['filename', 'C:\\Users\\Public\\Upd.EXE', 'C:\\Users\\Public\\Upd.EXE', 'c:\\users\\public\\upd.exe'],
  ['filename|md5', 'Invoice.EXE|D41D8CD98F00B204E9800998ECF8427E', 'Invoice.EXE|D41D8CD98F00B204E9800998ECF8427E', 'invoice.exe|d41d8cd98f00b204e9800998ecf8427e'],
  ['filename|sha1', 'a.dll|DA39A3EE5E6B4B0D3255BFEF95601890AFD80709', 'a.dll|DA39A3EE5E6B4B0D3255BFEF95601890AFD80709', 'a.dll|da39a3ee5e6b4b0d3255bfef95601890afd80709'],
  ['filename|sha256', `Invoice.exe | ${SHA256.toUpperCase()}`, `Invoice.exe | ${SHA256.toUpperCase()}`, `invoice.exe|${SHA256}`],
  ['filename|sha512', `a.bin|${SHA512}`, `a.bin|${SHA512}`, `a.bin|${SHA512}`],
  ['filename|imphash', 'a.exe|F34D5F2D4577ED6D9CEEC516C1F5A744', 'a.exe|F34D5F2D4577ED6D9CEEC516C1F5A744', 'a.exe|f34d5f2d4577ed6d9ceec516c1f5a744'],
  ['filename|ssdeep', 'a.exe|24:abc:de', 'a.exe|24:abc:de', 'a.exe|24:abc:de'],
  ['filename|tlsh', `a.exe|${TLSH_BODY}`, `a.exe|${TLSH_BODY}`, `a.exe|T1${TLSH_BODY.toUpperCase()}`],
  ['x509-fingerprint-md5', 'B1946AC92492D2347C6235B4D2611184', 'B1946AC92492D2347C6235B4D2611184', 'b1946ac92492d2347c6235b4d2611184'],
  [
    'x509-fingerprint-sha1',
    'DA:39:A3:EE:5E:6B:4B:0D:32:55:BF:EF:95:60:18:90:AF:D8:07:09',
    'DA:39:A3:EE:5E:6B:4B:0D:32:55:BF:EF:95:60:18:90:AF:D8:07:09',
    'da39a3ee5e6b4b0d3255bfef95601890afd80709',
  ],
  ['x509-fingerprint-sha256', SHA256.toUpperCase(), SHA256.toUpperCase(), SHA256],
  ['ja3-fingerprint-md5', 'E7D705A3286E19EA42F587B344EE6865', 'E7D705A3286E19EA42F587B344EE6865', 'e7d705a3286e19ea42f587b344ee6865'],
  ['mutex', ' Global\\EvilMutex ', 'Global\\EvilMutex', 'Global\\EvilMutex'],
  ['regkey', 'HKLM\\Software\\Run\\', 'HKLM\\Software\\Run\\', 'hkey_local_machine\\software\\run'],
  ['regkey', 'HKCU:\\Software\\X', 'HKCU:\\Software\\X', 'hkey_current_user\\software\\x'],
  ['regkey', '\\REGISTRY\\MACHINE\\SOFTWARE\\X', '\\REGISTRY\\MACHINE\\SOFTWARE\\X', 'hkey_local_machine\\software\\x'],
  ['regkey', 'HKEY_USERS\\\\S-1-5-21\\\\Run', 'HKEY_USERS\\\\S-1-5-21\\\\Run', 'hkey_users\\s-1-5-21\\run'],
  ['regkey', 'HKLM\\Run\\ \\', 'HKLM\\Run\\ \\', 'hkey_local_machine\\run'],
  ['regkey', 'Software\\Classes\\mscfile', 'Software\\Classes\\mscfile', 'software\\classes\\mscfile'],
  ['regkey|value', 'HKLM\\Software\\Run|C:\\Evil.exe', 'HKLM\\Software\\Run|C:\\Evil.exe', 'hkey_local_machine\\software\\run|C:\\Evil.exe'],
  ['regkey|value', 'HKCR\\x|a|b', 'HKCR\\x|a|b', 'hkey_classes_root\\x|a|b'],
  ['user-agent', ' Mozilla/5.0 (X11) ', 'Mozilla/5.0 (X11)', 'Mozilla/5.0 (X11)'],
  ['AS', 'as64500', 'as64500', 'AS64500'],
  ['AS', '64500', '64500', 'AS64500'],
  ['AS', 'AS1.10', 'AS1.10', 'AS65546'],
  ['port', '0443', '0443', '443'],
  ['port', '0', '0', '0'],
  ['port', '65535', '65535', '65535'],
  ['yara', '\nrule x {\n condition: true\n}\n', 'rule x {\n condition: true\n}', 'rule x {\n condition: true\n}'],
  ['snort', 'alert tcp any any -> any 4444 (sid:1;)', 'alert tcp any any -> any 4444 (sid:1;)', 'alert tcp any any -> any 4444 (sid:1;)'],
  ['sigma', SIGMA, SIGMA, SIGMA],
  ['vulnerability', 'cve-2021-44228', 'cve-2021-44228', 'CVE-2021-44228'],
  ['vulnerability', 'CVE-2024-123456', 'CVE-2024-123456', 'CVE-2024-123456'],
  ['weakness', 'cwe-79', 'cwe-79', 'CWE-79'],
  ['btc', '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa', '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa', '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa'],
  ['btc', '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy', '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy', '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy'],
  ['btc', 'BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ', 'BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ', 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq'],
  ['xmr', XMR, XMR, XMR],
  ['iban', 'gb82 west 1234 5698 7654 32', 'gb82 west 1234 5698 7654 32', 'GB82WEST12345698765432'],
  ['iban', 'DE89 3704 0044 0532 0130 00', 'DE89 3704 0044 0532 0130 00', 'DE89370400440532013000'],
  ['iban', 'XK051212012345678906', 'XK051212012345678906', 'XK051212012345678906'],
  ['phone-number', '+44 20 7946 0958', '+44 20 7946 0958', '+442079460958'],
  ['phone-number', '(020) 7946-0958', '(020) 7946-0958', '02079460958'],
  ['text', '  Seen twice.\nBoth at night.  ', 'Seen twice.\nBoth at night.', 'Seen twice.\nBoth at night.'],
  ['comment', 'Shared by a partner [.] team', 'Shared by a partner [.] team', 'Shared by a partner [.] team'],
  ['other', 'TCP', 'TCP', 'TCP'],
];

// [type, input, reason substring]
const BAD: readonly (readonly [IndicatorType, string, string])[] = [
  ['ip-src', '198.51.100.7/24', 'host bits set: did you mean 198.51.100.0/24?'],
  ['ip-src', '010.0.0.1', 'ambiguous IPv4 notation'],
  ['ip-src', '256.1.1.1', 'must be an IP address or prefix'],
  ['ip-dst', '198.51.100.0/33', 'prefix length must be a whole number from 0 to 32'],
  ['ip-dst', 'fe80::1%eth0', 'zone index'],
  ['ip-src|port', '198.51.100.7', 'must be two values joined by "|", such as 198.51.100.7|51234'],
  ['ip-src|port', '198.51.100.7|65536', 'must be a port number from 0 to 65535'],
  ['ip-dst|port', '10.0.0.0/8|443', 'must be a single IP address, not a prefix'],
  ['ip-dst|port', 'example.com|443', 'must be an IP address'],
  ['domain', '198.51.100.7', 'is an IP address: use type ip-dst or ip-src'],
  ['domain', '*.example.com', 'not a wildcard'],
  ['domain', 'localhost', 'must have at least two labels'],
  ['domain', 'exa_mple.com', 'letters, digits and inner hyphens'],
  ['domain', 'http://example.com', 'not a URL'],
  ['hostname', '198.51.100.999', 'the top-level label cannot be all digits'],
  ['hostname|port', 'example.com|http', 'must be a port number'],
  ['domain|ip', 'example.com|', 'must be two values joined by "|"'],
  ['domain|ip', 'example.com|10.0.0.0/8', 'must be a single IP address, not a prefix'],
  ['url', 'http://', 'must have a host'],
  ['url', 'http://user@:80/', 'must have a host'],
  ['url', 'http://exa mple.com/', 'the host must not contain spaces'],
  ['url', 'http://example.com/a\tb', 'must not contain tabs or line breaks'],
  ['url', '/just/a/path', 'a path on its own is type uri'],
  ['url', 'mailto:someone@example.com', 'must be a URL with a host'],
  ['url', 'foo/bar', 'must start with a scheme such as https://'],
  ['url', 'http://[::1', 'is not a valid URL'],
  ['url', 'http://a..example/', 'has an invalid host'],
  ['url', '..', 'has an invalid host'],
  ['url', 'http://example.com:99999/', 'is not a valid URL'],
  ['link', 'https://exa<mple.com/', 'is not a valid URL'],
  ['uri', 'https://example.com/x', 'is a full URL: use type url'],
  ['uri', '/a b', 'must not contain spaces'],
  ['email', 'not-an-address', 'not an e-mail address'],
  ['email-src', 'a@b@example.com', 'not an e-mail address'],
  ['email-dst', 'user@localhost', 'not an e-mail address'],
  ['email-dst', 'user@exa_mple.com', 'letters, digits and inner hyphens'],
  ['md5', 'z41d8cd98f00b204e9800998ecf8427e', 'md5 must be hexadecimal'],
  ['sha256', SHA256.slice(1), 'expected 64 hex characters for sha256, got 63'],
  ['sha1', 'da39a3ee5e6b4b0d3255bfef95601890afd807090', 'expected 40 hex characters for sha1, got 41'],
  ['sha512', SHA512.slice(1), 'expected 128 hex characters for sha512, got 127'],
  ['imphash', 'f34d5f2d4577ed6d9ceec516c1f5a74', 'expected 32 hex characters for imphash, got 31'],
  ['ja3-fingerprint-md5', 'e7d705a3286e19ea42f587b344ee68650', 'expected 32 hex characters for ja3-fingerprint-md5, got 33'],
  ['x509-fingerprint-sha256', 'AB:CD', 'expected 64 hex characters for x509-fingerprint-sha256, got 4'],
  ['filename|sha256', `invoice.exe|${SHA256.slice(1)}`, 'expected 64 hex characters for sha256, got 63'],
  ['filename|md5', '|d41d8cd98f00b204e9800998ecf8427e', 'must be two values joined by "|"'],
  ['ssdeep', 'not-a-fuzzy-hash', 'must be an ssdeep hash: blocksize:hash:hash'],
  ['ssdeep', '97:abc:def', 'ssdeep block size 97 is not 3 times a power of two'],
  ['tlsh', `T1${TLSH_BODY.slice(1)}`, 'must be a TLSH digest'],
  ['AS', 'AS0', 'AS0 is reserved'],
  ['AS', 'ASX', 'must be an AS number'],
  ['btc', '0xabc', 'must be a Bitcoin address'],
  ['btc', 'bc1Qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', 'must be a Bitcoin address'],
  ['xmr', XMR.slice(1), 'must be a Monero address'],
  ['iban', 'GB82 WEST 1234 5698 7654 33', 'IBAN check digits do not match'],
  ['iban', 'ZZ82WEST12345698765432', 'ZZ is not a country code'],
  ['iban', 'GB82', 'must be an IBAN'],
  ['phone-number', 'call me', 'must be a phone number'],
  ['phone-number', '12+34', 'must be a phone number'],
  ['phone-number', '12', 'must have 3 to 20 digits'],
  ['phone-number', '+1234567890123456', 'must have 3 to 15 digits'],
  ['vulnerability', 'CVE-2021-123', 'must be a CVE identifier such as CVE-2021-44228'],
  ['vulnerability', 'Log4Shell', 'must be a CVE identifier'],
  ['weakness', 'CWE79', 'must be a CWE identifier such as CWE-79'],
  ['port', '-1', 'must be a port number from 0 to 65535'],
  ['port', '65536', 'must be a port number from 0 to 65535'],
  ['regkey', '\\\\', 'must be a registry key'],
  ['regkey|value', 'HKLM\\Software\\Run', 'must be two values joined by "|"'],
  ['mutex', 'Global\\a\nb', 'must be a single line'],
  ['user-agent', 'Mozilla\r\nX-Injected: 1', 'must be a single line'],
  ['filename', 'a\u0000b.exe', 'must not contain NUL characters'],
  ['text', '   ', 'must not be empty'],
  ['sha256', '', 'must not be empty'],
];

describe('normaliseIndicator', () => {
  for (const [type, input, value, normalised] of GOOD) {
    test(`${type}: ${JSON.stringify(input)} → ${JSON.stringify(normalised)}`, () => {
      const result = normaliseIndicator(type, input);
      assert.equal(result.value, value);
      assert.equal(result.normalised, normalised);
    });
  }

  test('every supported type has at least one good example above', () => {
    const covered = new Set(GOOD.map(([type]) => type));
    assert.deepEqual(INDICATOR_TYPES.filter((type) => !covered.has(type)), []);
  });

  test("every type's own example is valid", () => {
    for (const type of INDICATOR_TYPES) assert.doesNotThrow(() => normaliseIndicator(type, indicatorTypeInfo(type).example), type);
  });

  test('composite values carry their normalised parts', () => {
    assert.deepEqual(normaliseIndicator('filename|sha256', `Invoice.exe|${SHA256.toUpperCase()}`).parts, ['invoice.exe', SHA256]);
    assert.deepEqual(normaliseIndicator('ip-dst|port', '2001:DB8::1|0443').parts, ['2001:db8::1', '443']);
    assert.deepEqual(normaliseIndicator('regkey|value', 'HKLM\\x|a|b').parts, ['hkey_local_machine\\x', 'a|b']);
    assert.equal(normaliseIndicator('sha256', SHA256).parts, undefined);
  });

  test('only network locators are refanged', () => {
    assert.equal(normaliseIndicator('text', 'evil[.]example').value, 'evil[.]example');
    assert.equal(normaliseIndicator('yara', 'rule x { strings: $a = /a[.]b/ condition: $a }').normalised, 'rule x { strings: $a = /a[.]b/ condition: $a }');
  });

  test('size limits: 128 KiB for ordinary values, 1 MiB for rules and text', () => {
    const kib = 1024;
    assert.doesNotThrow(() => normaliseIndicator('comment', 'a'.repeat(128 * kib)));
    assertInvalid(() => normaliseIndicator('comment', 'a'.repeat(128 * kib + 1)), 'value', 'must be at most 128 KiB');
    assertInvalid(() => normaliseIndicator('user-agent', 'é'.repeat(64 * kib + 1)), 'value', 'must be at most 128 KiB');
    assert.doesNotThrow(() => normaliseIndicator('yara', 'a'.repeat(1024 * kib)));
    for (const type of ['yara', 'snort', 'sigma', 'text'] as const) {
      assertInvalid(() => normaliseIndicator(type, 'a'.repeat(1024 * kib + 1)), 'value', 'must be at most 1 MiB');
    }
  });

  test('names the field it was given', () => {
    assertInvalid(() => normaliseIndicator('md5', 'nope'), 'value', 'md5 must be hexadecimal');
    assertInvalid(() => normaliseIndicator('md5', 'nope', 'indicators[4].value'), 'indicators[4].value', 'md5 must be hexadecimal');
  });

  test('rejects a value that is not a string', () => {
    assertInvalid(() => normaliseIndicator('md5', 42 as unknown as string), 'value', 'must be a string');
  });
});

describe('normaliseIndicator rejects', () => {
  for (const [type, input, reason] of BAD) {
    test(`${type}: ${JSON.stringify(input.length > 60 ? `${input.slice(0, 57)}...` : input)}`, () => {
      assertInvalid(() => normaliseIndicator(type, input, 'attributes[2].value'), 'attributes[2].value', reason);
    });
  }
});

describe('correlation keys', () => {
  // [type, input, keys]
  const KEYS: readonly (readonly [IndicatorType, string, string[]])[] = [
    ['ip-src', '198.51.100.7', ['ip:198.51.100.7']],
    ['ip-dst', '198.51.100[.]7', ['ip:198.51.100.7']],
    ['ip-dst', '10.0.0.0/8', ['ip:10.0.0.0/8']],
    ['ip-dst|port', '198.51.100.7|443', ['ip:198.51.100.7']],
    ['ip-src|port', '2001:db8::1|22', ['ip:2001:db8::1']],
    ['domain', 'Example.com', ['dom:example.com']],
    ['hostname', 'example.com.', ['dom:example.com']],
    ['hostname|port', 'example.com|80', ['dom:example.com']],
    ['domain|ip', 'example.com|198.51.100.7', ['dom:example.com', 'ip:198.51.100.7']],
    ['url', 'hxxp://example[.]com', ['url:http://example.com/']],
    ['link', 'http://example.com', ['url:http://example.com/']],
    ['email', 'A@Example.com', ['email:a@example.com']],
    ['email-src', 'a@example.com', ['email:a@example.com']],
    ['email-dst', 'a@example.com', ['email:a@example.com']],
    ['sha256', SHA256.toUpperCase(), [`sha256:${SHA256}`]],
    ['filename|sha256', `Invoice.exe|${SHA256}`, [`sha256:${SHA256}`, 'filename:invoice.exe']],
    ['filename', 'INVOICE.exe', ['filename:invoice.exe']],
    ['regkey|value', 'HKLM\\Run|1', ['regkey:hkey_local_machine\\run']],
    ['email-subject', 'Invoice', ['email-subject:Invoice']],
    ['vulnerability', 'cve-2021-44228', ['vulnerability:CVE-2021-44228']],
    ['comment', 'note', []],
    ['text', 'note', []],
    ['other', 'note', []],
    ['port', '443', []],
  ];
  for (const [type, input, keys] of KEYS) {
    test(`${type}: ${input} → ${keys.join(', ') || 'none'}`, () => {
      const { normalised } = normaliseIndicator(type, input);
      assert.deepEqual(correlationKeys(type, normalised), keys);
      assert.equal(correlationKey(type, normalised), keys[0] ?? null);
    });
  }

  test('every correlating type has a key, and no other type has one', () => {
    for (const type of INDICATOR_TYPES) {
      const { normalised } = normaliseIndicator(type, indicatorTypeInfo(type).example);
      assert.equal(correlationKey(type, normalised) !== null, indicatorTypeInfo(type).correlates, type);
    }
  });
});

describe('properties', () => {
  const idempotent = (type: IndicatorType, input: string): void => {
    const once = normaliseIndicator(type, input).normalised;
    assert.equal(normaliseIndicator(type, once).normalised, once);
  };

  test('IPv4: idempotent, canonical, and ip-src and ip-dst share the key', () => {
    fc.assert(
      fc.property(fc.ipV4(), (address) => {
        idempotent('ip-src', address);
        const src = normaliseIndicator('ip-src', address).normalised;
        const dst = normaliseIndicator('ip-dst', address.replaceAll('.', '[.]')).normalised;
        assert.equal(src, address);
        assert.equal(correlationKey('ip-src', src), correlationKey('ip-dst', dst));
        assert.equal(normaliseIndicator('ip-dst', `::ffff:${address}`).normalised, address);
      }),
    );
  });

  test('IPv6: idempotent, lower-case, and ip-src and ip-dst share the key', () => {
    fc.assert(
      fc.property(fc.ipV6(), fc.boolean(), (address, upper) => {
        const input = upper ? address.toUpperCase() : address;
        idempotent('ip-dst', input);
        const { normalised } = normaliseIndicator('ip-dst', input);
        assert.equal(normalised, normalised.toLowerCase());
        assert.equal(correlationKey('ip-src', normaliseIndicator('ip-src', address).normalised), correlationKey('ip-dst', normalised));
      }),
    );
  });

  test('IPv4 networks: idempotent', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff_ffff }), fc.integer({ min: 0, max: 32 }), (bits, length) => {
        const network = length === 0 ? 0 : (bits >>> (32 - length)) << (32 - length);
        const address = [24, 16, 8, 0].map((shift) => (network >>> shift) & 0xff).join('.');
        idempotent('ip-src', `${address}/${length}`);
      }),
    );
  });

  test('domains: idempotent, defanging-proof, and domain and hostname share the key', () => {
    fc.assert(
      fc.property(fc.domain(), fc.boolean(), (domain, upper) => {
        const input = upper ? domain.toUpperCase() : domain;
        idempotent('domain', input);
        const plain = normaliseIndicator('domain', input).normalised;
        const defanged = normaliseIndicator('hostname', `${domain.replaceAll('.', '[.]')}.`).normalised;
        assert.equal(plain, domain.toLowerCase());
        assert.equal(correlationKey('domain', plain), correlationKey('hostname', defanged));
      }),
    );
  });

  test('hashes: idempotent, lower-case, and a filename|hash correlates with the bare hash', () => {
    const hashTypes = [
      ['md5', 32],
      ['sha1', 40],
      ['sha256', 64],
      ['sha512', 128],
    ] as const;
    const hex = fc.constantFrom(...'0123456789abcdefABCDEF');
    fc.assert(
      fc.property(fc.constantFrom(...hashTypes), fc.array(hex, { minLength: 128, maxLength: 128 }), ([type, length], digits) => {
        const hash = digits.slice(0, length).join('');
        idempotent(type, hash);
        const bare = normaliseIndicator(type, hash).normalised;
        assert.equal(bare, hash.toLowerCase());
        const named = normaliseIndicator(`filename|${type}`, `Dropper.exe|${hash}`).normalised;
        assert.equal(correlationKey(`filename|${type}`, named), correlationKey(type, bare));
      }),
    );
  });

  test('URLs: idempotent, and url and link share the key', () => {
    const urls = fc.webUrl({
      validSchemes: ['http', 'https', 'ftp'],
      authoritySettings: { withIPv4: true, withIPv6: true, withPort: true, withUserInfo: true },
      withQueryParameters: true,
      withFragments: true,
    });
    fc.assert(
      fc.property(urls, (url) => {
        idempotent('url', url);
        const { normalised } = normaliseIndicator('url', url);
        assert.equal(correlationKey('url', normalised), correlationKey('link', normaliseIndicator('link', url).normalised));
        assert.ok(!normalised.includes('#'), normalised);
      }),
    );
  });

  test('defanged URLs normalise like live ones', () => {
    fc.assert(
      fc.property(fc.domain(), fc.webPath(), (domain, path) => {
        const live = normaliseIndicator('url', `https://${domain}${path}`).normalised;
        const defanged = normaliseIndicator('url', `hxxps[://]${domain.replaceAll('.', '[.]')}${path}`).normalised;
        assert.equal(defanged, live);
      }),
    );
  });

  test('e-mail addresses: idempotent and lower-case', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (address) => {
        idempotent('email-src', address);
        // Generated local parts may contain "{.}", which reads as a defanged dot.
        assert.equal(normaliseIndicator('email-src', address).normalised, refang(address).toLowerCase());
      }),
    );
  });
});
