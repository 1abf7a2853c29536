import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Invalid } from '../errors.ts';
import { MAX_TAG_LENGTH, attackTechniqueId, formatTag, parseTag } from './machine-tag.ts';
import { assertInvalid } from '../../../test/helpers/invalid.ts';

describe('parseTag', () => {
  test('machine tags without a value', () => {
    assert.deepEqual(parseTag('tlp:amber'), { name: 'tlp:amber', namespace: 'tlp', predicate: 'amber' });
    assert.deepEqual(parseTag(' PAP:WHITE '), { name: 'pap:white', namespace: 'pap', predicate: 'white' });
    assert.deepEqual(parseTag('TLP:AMBER+STRICT'), { name: 'tlp:amber+strict', namespace: 'tlp', predicate: 'amber+strict' });
    assert.deepEqual(parseTag('tlp:ex:chr'), { name: 'tlp:ex:chr', namespace: 'tlp', predicate: 'ex:chr' });
  });

  test('machine tags with a value, quoted canonically', () => {
    const phishing = { name: 'rsit:fraud="phishing"', namespace: 'rsit', predicate: 'fraud', value: 'phishing' };
    assert.deepEqual(parseTag('rsit:fraud="phishing"'), phishing);
    assert.deepEqual(parseTag('RSIT:Fraud=phishing'), phishing);
    assert.deepEqual(parseTag('rsit:fraud = " phishing "'), phishing);
    assert.deepEqual(parseTag('misp-galaxy:mitre-attack-pattern="Phishing - T1566"'), {
      name: 'misp-galaxy:mitre-attack-pattern="Phishing - T1566"',
      namespace: 'misp-galaxy',
      predicate: 'mitre-attack-pattern',
      value: 'Phishing - T1566',
    });
    assert.deepEqual(parseTag('csirt_case_classification:incident-category="DDOS"'), {
      name: 'csirt_case_classification:incident-category="DDOS"',
      namespace: 'csirt_case_classification',
      predicate: 'incident-category',
      value: 'DDOS',
    });
  });

  test('free tags keep their case and only lose surrounding space', () => {
    assert.deepEqual(parseTag('  APT 28 '), { name: 'APT 28' });
    assert.deepEqual(parseTag('Operation: Night Fury'), { name: 'Operation: Night Fury' });
    assert.deepEqual(parseTag('phase:1 follow-up'), { name: 'phase:1 follow-up' });
    assert.deepEqual(parseTag('https://example.org/report'), { name: 'https://example.org/report' });
    assert.deepEqual(parseTag('Ransomware'), { name: 'Ransomware' });
  });

  test('refuses empty, over-long, malformed and control-character tags', () => {
    assertInvalid(() => parseTag(''), 'tag', 'must not be empty');
    assertInvalid(() => parseTag('   ', 'tags[2]'), 'tags[2]', 'must not be empty');
    assertInvalid(() => parseTag(42), 'tag', /must be a tag/);
    assertInvalid(() => parseTag('x'.repeat(MAX_TAG_LENGTH + 1)), 'tag', 'must be at most 255 characters');
    assertInvalid(() => parseTag('tlp:amber\u0000'), 'tag', 'must not contain control characters');
    assertInvalid(() => parseTag('evil\u202Etag'), 'tag', 'must not contain control characters');
    assertInvalid(() => parseTag('a\tb'), 'tag', 'must not contain control characters');
    assertInvalid(() => parseTag('rsit:fraud=""'), 'tag', 'a machine tag value must not be empty');
    assertInvalid(() => parseTag('rsit:fraud="  "'), 'tag', 'a machine tag value must not be empty');
    assertInvalid(() => parseTag('rsit:fraud='), 'tag', 'a machine tag is written namespace:predicate="value"');
    assertInvalid(() => parseTag('rsit:fraud="phishing'), 'tag', 'a machine tag is written namespace:predicate="value"');
    assertInvalid(() => parseTag('rsit:fraud=two words'), 'tag', 'a machine tag is written namespace:predicate="value"');
  });

  test('the length limit applies to the canonical spelling', () => {
    assert.equal(parseTag('x'.repeat(MAX_TAG_LENGTH)).name.length, MAX_TAG_LENGTH);
    const unquoted = `ns:p=${'v'.repeat(MAX_TAG_LENGTH - 'ns:p='.length)}`;
    assert.equal(unquoted.length, MAX_TAG_LENGTH);
    assertInvalid(() => parseTag(unquoted), 'tag', 'must be at most 255 characters');
  });

  test('parsing the canonical spelling gives the same tag', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.tuple(fc.stringMatching(/^[A-Za-z0-9][\w.-]{0,9}$/), fc.stringMatching(/^[A-Za-z0-9][^\s="]{0,9}$/), fc.option(fc.string()))
            .map(([namespace, predicate, value]) => (value === null ? `${namespace}:${predicate}` : `${namespace}:${predicate}="${value}"`)),
        ),
        (input) => {
          let tag;
          try {
            tag = parseTag(input);
          } catch (error) {
            assert.ok(error instanceof Invalid);
            return;
          }
          assert.deepEqual(parseTag(tag.name), tag);
        },
      ),
    );
  });
});

describe('formatTag', () => {
  test('writes the canonical form', () => {
    assert.equal(formatTag({ namespace: 'tlp', predicate: 'clear' }), 'tlp:clear');
    assert.equal(formatTag({ namespace: 'rsit', predicate: 'fraud', value: 'phishing' }), 'rsit:fraud="phishing"');
  });
});

describe('attackTechniqueId', () => {
  test('reads MITRE galaxy tags and the short attack form', () => {
    assert.equal(attackTechniqueId('misp-galaxy:mitre-attack-pattern="Phishing - T1566"'), 'T1566');
    assert.equal(attackTechniqueId('misp-galaxy:mitre-attack-pattern="Spearphishing Attachment - T1566.001"'), 'T1566.001');
    assert.equal(attackTechniqueId('misp-galaxy:mitre-enterprise-attack-attack-pattern="Spearphishing Link - T1192"'), 'T1192');
    assert.equal(attackTechniqueId('attack:technique="T1566.001"'), 'T1566.001');
    assert.equal(attackTechniqueId(parseTag('ATTACK:Technique=T1059')), 'T1059');
  });

  test('is undefined for anything else', () => {
    for (const tag of [
      'attack:technique="T15"',
      'attack:technique="t1566"',
      'attack:technique="T1566.1"',
      'attack:technique',
      'attack:tactic="TA0001"',
      'misp-galaxy:threat-actor="Sofacy - T1566"',
      'misp-galaxy:mitre-attack-pattern="Phishing"',
      'rsit:fraud="phishing"',
      'T1566',
    ]) {
      assert.equal(attackTechniqueId(tag), undefined, tag);
    }
  });
});
