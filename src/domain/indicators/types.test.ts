import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CATEGORIES, INDICATOR_TYPES, indicatorTypeInfo, isCategory, isIndicatorType, type IndicatorType } from './types.ts';

// The vocabulary Sanad promises to accept (and therefore to import from MISP).
const REQUIRED_TYPES = [
  'ip-src', 'ip-dst', 'ip-src|port', 'ip-dst|port', 'domain', 'hostname', 'domain|ip', 'url', 'uri', 'link',
  'email', 'email-src', 'email-dst', 'email-subject', 'md5', 'sha1', 'sha256', 'sha512', 'ssdeep', 'imphash',
  'tlsh', 'filename', 'filename|md5', 'filename|sha1', 'filename|sha256', 'mutex', 'regkey', 'regkey|value',
  'user-agent', 'AS', 'btc', 'xmr', 'iban', 'phone-number', 'vulnerability', 'weakness', 'yara', 'snort',
  'sigma', 'text', 'comment', 'other', 'port', 'ja3-fingerprint-md5', 'x509-fingerprint-sha1',
  'x509-fingerprint-sha256',
];

describe('indicator types', () => {
  test('cover the vocabulary Sanad supports', () => {
    assert.deepEqual(REQUIRED_TYPES.filter((type) => !isIndicatorType(type)), []);
    assert.equal(new Set(INDICATOR_TYPES).size, INDICATOR_TYPES.length);
  });

  test('there are the 16 MISP categories', () => {
    assert.equal(CATEGORIES.length, 16);
    assert.ok(isCategory('Network activity'));
    assert.ok(!isCategory('network activity'));
    assert.ok(!isCategory(7));
  });

  test('isIndicatorType accepts only known names', () => {
    assert.ok(isIndicatorType('sha256'));
    assert.ok(!isIndicatorType('SHA256'));
    assert.ok(!isIndicatorType('attachment'));
    assert.ok(!isIndicatorType('toString'));
    assert.ok(!isIndicatorType(undefined));
  });

  for (const type of INDICATOR_TYPES) {
    test(`${type}: default category allowed, categories known and in MISP order`, () => {
      const info = indicatorTypeInfo(type);
      assert.equal(info.type, type);
      assert.ok(info.categories.includes(info.defaultCategory), `${info.defaultCategory} not in ${info.categories.join(', ')}`);
      assert.deepEqual(info.categories, CATEGORIES.filter((category) => info.categories.includes(category)));
      assert.equal(info.composite, type.includes('|') ? 2 : 1);
    });
  }

  test('default categories follow MISP (misp-format.md §3)', () => {
    const expected: Partial<Record<IndicatorType, string>> = {
      'ip-src': 'Network activity',
      'ip-dst': 'Network activity',
      hostname: 'Network activity',
      domain: 'Network activity',
      'domain|ip': 'Network activity',
      url: 'Network activity',
      md5: 'Payload delivery',
      sha256: 'Payload delivery',
      filename: 'Payload delivery',
      'filename|sha256': 'Payload delivery',
      'email-src': 'Payload delivery',
      'email-subject': 'Payload delivery',
      email: 'Social network',
      regkey: 'Persistence mechanism',
      vulnerability: 'External analysis',
      btc: 'Financial fraud',
    };
    for (const [type, category] of Object.entries(expected)) {
      assert.equal(indicatorTypeInfo(type as IndicatorType).defaultCategory, category, type);
    }
  });

  test('detection-worthy types go to IDS by default, context does not', () => {
    const ids: IndicatorType[] = ['ip-src', 'ip-dst', 'domain', 'hostname', 'url', 'md5', 'sha256', 'filename|sha256', 'mutex', 'regkey', 'email-src', 'yara', 'snort', 'sigma'];
    const context: IndicatorType[] = ['text', 'comment', 'other', 'vulnerability', 'weakness', 'AS', 'user-agent', 'link', 'port', 'filename'];
    for (const type of ids) assert.equal(indicatorTypeInfo(type).toIdsDefault, true, type);
    for (const type of context) assert.equal(indicatorTypeInfo(type).toIdsDefault, false, type);
  });

  test('free-form notes and ports do not correlate; everything else does', () => {
    const silent = INDICATOR_TYPES.filter((type) => !indicatorTypeInfo(type).correlates);
    assert.deepEqual(silent.sort(), ['comment', 'other', 'port', 'text']);
    assert.equal(indicatorTypeInfo('email-subject').correlates, true);
  });

  test('Targeting data takes comments but not free text', () => {
    assert.ok(indicatorTypeInfo('comment').categories.includes('Targeting data'));
    assert.ok(!indicatorTypeInfo('text').categories.includes('Targeting data'));
    assert.equal(indicatorTypeInfo('comment').categories.length, 16);
  });
});
