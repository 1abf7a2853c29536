import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { PAP_LEVELS, TLP_LEVELS, mispTagToPap, mispTagToTlp, tlpToMispTag } from '../handling.ts';
import { parseTag } from './machine-tag.ts';
import { canonicalTag, listTaxonomies, rsitClasses, validateTaxonomyTag } from './shipped.ts';
import { assertInvalid } from '../../../test/helpers/invalid.ts';
import { RSIT_1003 } from '../../../test/helpers/rsit-1003.ts';


describe('listTaxonomies', () => {
  test('ships tlp, pap, rsit 1003 and attack', () => {
    const taxonomies = listTaxonomies();
    assert.deepEqual(
      taxonomies.map((t) => [t.namespace, t.version]),
      [
        ['tlp', 2],
        ['pap', 1],
        ['rsit', 1003],
        ['attack', 1],
      ],
    );
    for (const taxonomy of taxonomies) {
      for (const predicate of taxonomy.predicates) assert.ok(predicate.description.length > 0, predicate.value);
    }
  });
});

describe('rsitClasses', () => {
  test('all 11 classifications with the exact machine values of their 39 types', () => {
    const classes = rsitClasses();
    assert.equal(classes.length, 11);
    assert.deepEqual(Object.fromEntries(classes.map((c) => [c.classification, c.types.map((t) => t.type)])), RSIT_1003);
    assert.deepEqual(
      classes.map((c) => c.classification),
      Object.keys(RSIT_1003),
    );
    assert.equal(classes.flatMap((c) => c.types).length, 39);
  });

  test('carries short human names', () => {
    const intrusionAttempts = rsitClasses().find((c) => c.classification === 'intrusion-attempts');
    assert.deepEqual(intrusionAttempts, {
      classification: 'intrusion-attempts',
      description: 'Intrusion Attempts',
      types: [
        { type: 'ids-alert', description: 'Exploitation of Known Vulnerabilities' },
        { type: 'brute-force', description: 'Login Attempts' },
        { type: 'exploit', description: 'New Attack Signature' },
      ],
    });
  });

  test('every classification and type is a valid, already canonical tag', () => {
    for (const { classification, types } of rsitClasses()) {
      assert.equal(canonicalTag(`rsit:${classification}`), `rsit:${classification}`);
      for (const { type } of types) {
        const name = `rsit:${classification}="${type}"`;
        assert.equal(canonicalTag(name), name);
      }
    }
  });
});

describe('validateTaxonomyTag', () => {
  test('returns known tags in canonical form', () => {
    assert.deepEqual(validateTaxonomyTag('RSIT:Fraud="Phishing"'), {
      name: 'rsit:fraud="phishing"',
      namespace: 'rsit',
      predicate: 'fraud',
      value: 'phishing',
    });
    assert.deepEqual(validateTaxonomyTag('rsit:availability'), {
      name: 'rsit:availability',
      namespace: 'rsit',
      predicate: 'availability',
    });
    assert.deepEqual(validateTaxonomyTag(parseTag('tlp:amber+strict')), {
      name: 'tlp:amber+strict',
      namespace: 'tlp',
      predicate: 'amber+strict',
    });
    assert.equal(validateTaxonomyTag('attack:technique="T1566.001"').name, 'attack:technique="T1566.001"');
  });

  test('passes tags of other namespaces and free tags as parsed', () => {
    assert.deepEqual(validateTaxonomyTag('misp-galaxy:threat-actor="APT 28"'), parseTag('misp-galaxy:threat-actor="APT 28"'));
    assert.deepEqual(validateTaxonomyTag('ecsirt:fraud="phishing"'), parseTag('ecsirt:fraud="phishing"'));
    assert.deepEqual(validateTaxonomyTag(' Ransomware '), { name: 'Ransomware' });
  });

  test('refuses unknown predicates, listing a few valid tags', () => {
    assertInvalid(
      () => validateTaxonomyTag('tlp:purple', 'tags[0]'),
      'tags[0]',
      'unknown tlp tag "tlp:purple"; valid tags include tlp:clear, tlp:green, tlp:amber, tlp:amber+strict, tlp:red',
    );
    assertInvalid(
      () => validateTaxonomyTag('rsit:phishing'),
      'tag',
      'unknown rsit tag "rsit:phishing"; valid tags include rsit:abusive-content, rsit:malicious-code, rsit:information-gathering, rsit:intrusion-attempts, rsit:intrusions, …',
    );
    assertInvalid(() => validateTaxonomyTag('pap:amber+strict'), 'tag', /^unknown pap tag "pap:amber\+strict"; valid tags include pap:clear, pap:green, pap:amber, pap:red$/);
  });

  test('refuses unknown values, listing a few valid ones', () => {
    assertInvalid(
      () => validateTaxonomyTag('rsit:fraud="spam"'),
      'tag',
      'unknown value "spam" for rsit:fraud; valid values include unauthorised-use-of-resources, copyright, masquerade, phishing',
    );
    // Values of the first RSIT machine file that have no successor are not mapped silently.
    assertInvalid(() => validateTaxonomyTag('rsit:malicious-code="malware-dga-domain"'), 'tag', /^unknown value "malware-dga-domain"/);
    assertInvalid(() => validateTaxonomyTag('rsit:vulnerable="other"'), 'tag', /^unknown value "other" for rsit:vulnerable/);
  });

  test('refuses values where none belongs, and missing or malformed ATT&CK ids', () => {
    assertInvalid(() => validateTaxonomyTag('tlp:amber="strict"'), 'tag', 'tlp:amber takes no value');
    const attack = 'attack:technique needs a value: Technique or sub-technique id, such as T1566 or T1566.001 (/^T\\d{4}(?:\\.\\d{3})?$/)';
    assertInvalid(() => validateTaxonomyTag('attack:technique'), 'tag', attack);
    assertInvalid(() => validateTaxonomyTag('attack:technique="T15"'), 'tag', attack);
    assertInvalid(() => validateTaxonomyTag('attack:technique="Phishing - T1566"'), 'tag', attack);
    assertInvalid(() => validateTaxonomyTag('attack:tactic="TA0001"'), 'tag', /^unknown attack tag/);
  });
});

describe('canonicalTag', () => {
  test('maps TLP and PAP aliases', () => {
    assert.equal(canonicalTag('tlp:white'), 'tlp:clear');
    assert.equal(canonicalTag('TLP:WHITE'), 'tlp:clear');
    assert.equal(canonicalTag('TLP:Amber'), 'tlp:amber');
    assert.equal(canonicalTag('PAP:WHITE'), 'pap:clear');
    assert.equal(canonicalTag('PAP:CLEAR'), 'pap:clear');
    assert.equal(canonicalTag('PAP:RED'), 'pap:red');
  });

  test('maps old and US RSIT spellings to version 1003', () => {
    const cases: [string, string][] = [
      ['rsit:fraud="unauthorized-use-of-resources"', 'rsit:fraud="unauthorised-use-of-resources"'],
      ['rsit:information-content-security="Unauthorised-information-access"', 'rsit:information-content-security="unauthorised-information-access"'],
      [
        'rsit:information-content-security="Unauthorised-information-modification"',
        'rsit:information-content-security="unauthorised-information-modification"',
      ],
      ['rsit:information-content-security="unauthorized-information-access"', 'rsit:information-content-security="unauthorised-information-access"'],
      ['RSIT:Intrusion-Attempts="Brute-Force"', 'rsit:intrusion-attempts="brute-force"'],
    ];
    for (const [input, canonical] of cases) assert.equal(canonicalTag(input), canonical, input);
  });

  test('leaves other tags as parsed', () => {
    assert.equal(canonicalTag('Misp-Galaxy:Threat-Actor="APT 28"'), 'misp-galaxy:threat-actor="APT 28"');
    assert.equal(canonicalTag('APT 28'), 'APT 28');
  });

  test('agrees with the handling module’s MISP tags', () => {
    for (const level of TLP_LEVELS) {
      assert.equal(canonicalTag(tlpToMispTag(level)), tlpToMispTag(level));
      assert.equal(mispTagToTlp(canonicalTag(tlpToMispTag(level))), level);
    }
    for (const level of PAP_LEVELS) assert.equal(mispTagToPap(canonicalTag(`PAP:${level}`)), level);
  });
});
