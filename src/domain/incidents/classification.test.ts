import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseClassification } from './classification.ts';
import { assertInvalid } from '../../../test/helpers/invalid.ts';
import { RSIT_1003 } from '../../../test/helpers/rsit-1003.ts';


const ALL_CLASSES =
  'abusive-content, malicious-code, information-gathering, intrusion-attempts, intrusions, availability, ' +
  'information-content-security, fraud, vulnerable, other, test';

describe('normaliseClassification', () => {
  test('accepts all 11 classifications with each of their 39 types', () => {
    const entries = Object.entries(RSIT_1003);
    assert.equal(entries.length, 11);
    assert.equal(entries.flatMap(([, types]) => types).length, 39);
    for (const [classification, types] of entries) {
      for (const type of types) {
        assert.deepEqual(normaliseClassification({ classification, type }), {
          classification,
          type,
          tag: `rsit:${classification}="${type}"`,
        });
      }
    }
  });

  test('a classification alone has a null type and a tag without value', () => {
    const fraud = { classification: 'fraud', type: null, tag: 'rsit:fraud' };
    assert.deepEqual(normaliseClassification({ classification: 'fraud' }), fraud);
    assert.deepEqual(normaliseClassification({ classification: 'fraud', type: '  ' }), fraud);
    assert.deepEqual(normaliseClassification({ classification: 'fraud', type: null }), fraud);
  });

  test('reads any case and surrounding spaces', () => {
    assert.deepEqual(normaliseClassification({ classification: ' Malicious-Code ', type: 'C2-SERVER' }), {
      classification: 'malicious-code',
      type: 'c2-server',
      tag: 'rsit:malicious-code="c2-server"',
    });
    // The first RSIT machine file capitalised these two.
    assert.equal(
      normaliseClassification({ classification: 'information-content-security', type: 'Unauthorised-information-access' }).type,
      'unauthorised-information-access',
    );
  });

  test('reads the US spellings of IntelMQ and MISP as the British machine values', () => {
    assert.deepEqual(normaliseClassification({ classification: 'fraud', type: 'unauthorized-use-of-resources' }), {
      classification: 'fraud',
      type: 'unauthorised-use-of-resources',
      tag: 'rsit:fraud="unauthorised-use-of-resources"',
    });
    assert.equal(
      normaliseClassification({ classification: 'information-content-security', type: 'Unauthorized-Information-Modification' }).type,
      'unauthorised-information-modification',
    );
  });

  test('refuses an unknown classification, listing the valid ones', () => {
    for (const classification of ['phishing', '', ' ', 'rsit:fraud', 'malicious code']) {
      assertInvalid(() => normaliseClassification({ classification }), 'classification', `must be an RSIT classification: ${ALL_CLASSES}`);
    }
    assertInvalid(
      () => normaliseClassification({ classification: 42 as unknown as string }),
      'classification',
      `must be an RSIT classification: ${ALL_CLASSES}`,
    );
  });

  test("refuses a type that is not the classification's, listing its types", () => {
    assertInvalid(
      () => normaliseClassification({ classification: 'fraud', type: 'spam' }),
      'type',
      'must be an RSIT type of fraud: unauthorised-use-of-resources, copyright, masquerade, phishing',
    );
    assertInvalid(() => normaliseClassification({ classification: 'test', type: 'other' }), 'type', 'must be an RSIT type of test: test');
    // IntelMQ's extensions under `other` and the retired types of the first machine file are not RSIT 1003.
    assertInvalid(
      () => normaliseClassification({ classification: 'other', type: 'dga-domain' }),
      'type',
      'must be an RSIT type of other: other, undetermined',
    );
    assertInvalid(
      () => normaliseClassification({ classification: 'malicious-code', type: 'malware-dga-domain' }),
      'type',
      'must be an RSIT type of malicious-code: infected-system, c2-server, malware-distribution, malware-configuration',
    );
  });

  test('names the fields after the one given', () => {
    assertInvalid(
      () => normaliseClassification({ classification: 'nope' }, 'secondary[1].classification'),
      'secondary[1].classification',
      `must be an RSIT classification: ${ALL_CLASSES}`,
    );
    assertInvalid(
      () => normaliseClassification({ classification: 'test', type: 'nope' }, 'secondary[1].classification'),
      'secondary[1].type',
      'must be an RSIT type of test: test',
    );
  });
});
