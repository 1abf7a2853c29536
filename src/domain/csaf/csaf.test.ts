// The pure CSAF side of advisories: CVSS v3.1 scoring (against the CSAF validator's own computation,
// for every base vector there is), the mapper's documents for each profile (schema and every mandatory
// test of csaf-validator-lib), the TLP mapping, and the checks that run before a save or a publication.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Invalid } from '../errors.ts';
import { SAMPLE_CONTENT } from '../../../test/helpers/advisories.ts';
import { ADVISORY_CATEGORIES, checkAdvisoryContent, checkProfile, type AdvisoryContent, type AdvisoryDraft } from './advisory.ts';
import { cvss31, cvss31BaseScore, parseCvss31Vector } from './cvss.ts';
import { toCsafDocument, withDistributionLabel, type CsafDocument } from './document.ts';
import { readCsafDocument } from './read.ts';
import { csafLabelFor, importedTlp } from './tlp.ts';
import { csafFileName, formatTrackingId, trackingPrefix } from './tracking.ts';
import { csafRefusal, fieldOfPointer, validateCsaf } from './validate.ts';

const T1 = '2026-03-01T10:00:00.000Z';
const T2 = '2026-03-05T08:30:00.000Z';

function draftOf(category: (typeof ADVISORY_CATEGORIES)[number], content: AdvisoryContent = SAMPLE_CONTENT[category]): AdvisoryDraft {
  return { title: `Sample ${category}`, category, lang: 'en', ...checkAdvisoryContent(content) };
}

function documentOf(draft: AdvisoryDraft, overrides: { status?: 'draft' | 'interim' | 'final'; versions?: number } = {}): CsafDocument {
  const versions = overrides.versions ?? 1;
  const history = Array.from({ length: versions }, (_, i) => ({ date: i === 0 ? T1 : T2, number: String(i + 1), summary: i === 0 ? 'Initial release' : `Version ${i + 1}` }));
  return toCsafDocument({
    draft,
    publisher: { category: 'coordinator', name: 'Example national CERT', namespace: 'urn:sanad:test-hub:ex-cert' },
    tracking: { id: 'EX-CERT-2026-0001', status: overrides.status ?? 'final', version: String(versions), initialReleaseDate: T1, currentReleaseDate: versions > 1 ? T2 : T1, revisionHistory: history },
    label: 'AMBER',
    generator: { name: 'Sanad', version: '0.1.0', date: T2 },
  });
}

const refusal = (run: () => unknown): Invalid => {
  try {
    run();
  } catch (error) {
    if (error instanceof Invalid) return error;
    throw error;
  }
  assert.fail('expected a refusal');
};

describe('CVSS v3.1', () => {
  test('known vectors score as FIRST publishes them', () => {
    const score = (v: string) => cvss31BaseScore(parseCvss31Vector(v));
    assert.equal(score('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'), 9.8);
    assert.equal(score('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H'), 10);
    assert.equal(score('CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:N/A:L'), 6.1);
    assert.equal(score('CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N'), 6.1);
    assert.equal(score('CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:N'), 0);
  });

  test('a stated score must be the vector’s; malformed vectors are refused with their field', () => {
    assert.equal(cvss31('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8, 's').baseSeverity, 'CRITICAL');
    const wrong = refusal(() => cvss31('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 7.5, 'scores[0]'));
    assert.equal(wrong.field, 'scores[0].baseScore');
    assert.match(wrong.reason, /9\.8/);
    for (const vector of ['CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'CVSS:3.1/AC:L/AV:N/PR:N/UI:N/S:U/C:H/I:H/A:H', 'CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H']) {
      assert.equal(refusal(() => cvss31(vector, undefined, 'scores[0]')).field, 'scores[0].vector', vector);
    }
  });

  test('every base vector scores exactly as the CSAF validator computes it (tests 6.1.9 and 6.1.10)', async () => {
    const values = { AV: 'NALP', AC: 'LH', PR: 'NLH', UI: 'NR', S: 'UC', C: 'HLN', I: 'HLN', A: 'HLN' };
    let vectors = ['CVSS:3.1'];
    for (const [metric, letters] of Object.entries(values)) vectors = vectors.flatMap((v) => [...letters].map((l) => `${v}/${metric}:${l}`));
    assert.equal(vectors.length, 2592);
    const doc = { vulnerabilities: vectors.map((vector) => ({ scores: [{ cvss_v3: cvss31(vector, undefined, 's'), products: ['P'] }] })) };
    const { mandatoryTest_6_1_9, mandatoryTest_6_1_10 } = (await import('@secvisogram/csaf-validator-lib/mandatoryTests.js')) as Record<string, (d: unknown) => { isValid: boolean; errors: unknown[] }>;
    for (const check of [mandatoryTest_6_1_9!, mandatoryTest_6_1_10!]) {
      const result = check(doc);
      assert.deepEqual(result.errors.slice(0, 3), []);
      assert.equal(result.isValid, true);
    }
    // The comparison is real: one score off by a tenth fails it.
    const cvss = doc.vulnerabilities[100]!.scores[0]!.cvss_v3;
    cvss.baseScore = Math.round(cvss.baseScore * 10 + 1) / 10;
    assert.equal(mandatoryTest_6_1_9!(doc).isValid, false);
  });
});

describe('CSAF documents from advisories', () => {
  for (const category of ADVISORY_CATEGORIES) {
    test(`${category}: passes the schema and every mandatory test, as final, interim and draft`, async () => {
      const draft = draftOf(category);
      checkProfile(draft);
      for (const [status, versions] of [['final', 1], ['interim', 2], ['draft', 2]] as const) {
        const failures = await validateCsaf(documentOf(draft, { status, versions }));
        assert.deepEqual(failures, [], `${category} ${status}`);
      }
    });
  }

  test('the document carries the content in CSAF terms and reads back into Sanad terms', () => {
    const draft = draftOf('csaf_security_advisory');
    const doc = documentOf(draft);
    assert.equal(doc.document.distribution?.tlp?.label, 'AMBER');
    const vulnerability = doc.vulnerabilities![0]!;
    assert.equal(vulnerability.cve, 'CVE-2026-10001');
    assert.deepEqual(vulnerability.product_status, { fixed: ['EGV-4.1.3'], known_affected: ['EGV-4.1.2'] });
    assert.deepEqual(vulnerability.scores![0]!.cvss_v3, {
      version: '3.1',
      vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
      baseScore: 9.8,
      baseSeverity: 'CRITICAL',
      attackVector: 'NETWORK',
      attackComplexity: 'LOW',
      privilegesRequired: 'NONE',
      userInteraction: 'NONE',
      scope: 'UNCHANGED',
      confidentialityImpact: 'HIGH',
      integrityImpact: 'HIGH',
      availabilityImpact: 'HIGH',
    });
    const leaf = doc.product_tree!.branches![0]!.branches![0]!.branches![0]!;
    assert.deepEqual(leaf.product, {
      name: 'Example Networks EdgeGate VPN 4.1.2',
      product_id: 'EGV-4.1.2',
      product_identification_helper: { cpe: 'cpe:2.3:a:example-networks:edgegate_vpn:4.1.2:*:*:*:*:*:*:*' },
    });
    const read = readCsafDocument(doc);
    assert.equal(read.trackingId, 'EX-CERT-2026-0001');
    assert.equal(read.label, 'AMBER');
    const { title: _t, category: _c, lang: _l, ...content } = draft;
    assert.deepEqual(read.content, {
      ...content,
      vulnerabilities: content.vulnerabilities.map((v) => ({ flags: [], acknowledgments: [], remediations: [], threats: [], ...v })),
    });
  });

  test('TLP: CLEAR is written WHITE; AMBER+STRICT is refused, or raised to RED when asked, never AMBER', () => {
    assert.equal(csafLabelFor('CLEAR'), 'WHITE');
    assert.equal(csafLabelFor('GREEN'), 'GREEN');
    assert.equal(csafLabelFor('RED'), 'RED');
    assert.equal(refusal(() => csafLabelFor('AMBER+STRICT')).field, 'tlp');
    assert.equal(csafLabelFor('AMBER+STRICT', 'red'), 'RED');
    const doc = documentOf(draftOf('csaf_base'));
    const relabelled = withDistributionLabel(doc, 'RED', 'raised');
    assert.deepEqual(relabelled.document.distribution, { text: 'raised', tlp: { label: 'RED', url: 'https://www.first.org/tlp/' } });
    assert.equal(doc.document.distribution?.tlp?.label, 'AMBER', 'the stored document is not changed');
    assert.equal(withDistributionLabel(doc, 'AMBER'), doc);
  });

  test('an import takes the label, or a stricter TLP the caller asks for; no label means AMBER', () => {
    assert.equal(importedTlp('WHITE', undefined), 'CLEAR');
    assert.equal(importedTlp(undefined, undefined), 'AMBER');
    assert.equal(importedTlp('GREEN', 'AMBER+STRICT'), 'AMBER+STRICT');
    assert.equal(importedTlp(undefined, 'CLEAR'), 'CLEAR');
    assert.match(refusal(() => importedTlp('AMBER', 'GREEN')).reason, /widen/);
  });

  test('tracking ids and file names', () => {
    assert.equal(trackingPrefix('MyCERT (KL)'), 'MYCERT-KL');
    assert.equal(formatTrackingId('MYCERT', 2026, 7), 'MYCERT-2026-0007');
    assert.equal(formatTrackingId('MYCERT', 2026, 12345), 'MYCERT-2026-12345');
    assert.equal(csafFileName('BSI-2022_0001'), 'bsi-2022_0001.json');
    assert.equal(csafFileName('Example Company -- ESA-2022:1'), 'example_company_--_esa-2022_1.json');
  });

  test('a refused document names the JSON path and the test', async () => {
    const doc = documentOf(draftOf('csaf_security_advisory')) as unknown as { document: { tracking: { version: string } } };
    doc.document.tracking.version = '2';
    const failures = await validateCsaf(doc);
    const refused = csafRefusal(failures);
    assert.equal(refused.field, 'document.tracking.version');
    assert.match(refused.reason, /^fails CSAF mandatory test 6\.1\.16 \(Latest Document Version\)/);
    assert.equal(fieldOfPointer('/vulnerabilities/0/scores/1/cvss_v3'), 'vulnerabilities[0].scores[1].cvss_v3');
    assert.equal(fieldOfPointer('/document', 'title'), 'document.title');
  });
});

describe('checks before a save and before publication', () => {
  const content = SAMPLE_CONTENT.csaf_security_advisory;
  const vulnerability = content.vulnerabilities[0]!;
  const withVulnerability = (changes: Partial<typeof vulnerability>): AdvisoryContent => ({ ...content, vulnerabilities: [{ ...vulnerability, ...changes }] });

  test('structure: product ids, CVE ids, CVSS, contradicting status, version ranges', () => {
    const cases: [AdvisoryContent, string][] = [
      [withVulnerability({ productStatus: { knownAffected: ['EGV-9'] } }), 'vulnerabilities[0].productStatus.knownAffected[0]'],
      [withVulnerability({ cve: 'CVE-26-1' }), 'vulnerabilities[0].cve'],
      [withVulnerability({ scores: [{ vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', baseScore: 5, products: ['EGV-4.1.2'] }] }), 'vulnerabilities[0].scores[0].baseScore'],
      [withVulnerability({ productStatus: { knownAffected: ['EGV-4.1.2'], knownNotAffected: ['EGV-4.1.2'] } }), 'vulnerabilities[0].productStatus.knownNotAffected[0]'],
      [withVulnerability({ remediations: [{ category: 'workaround', details: 'x', productIds: ['nope'] }] }), 'vulnerabilities[0].remediations[0].productIds[0]'],
      [{ ...content, vulnerabilities: [vulnerability, { ...vulnerability, cve: 'CVE-2026-10001' }] }, 'vulnerabilities[1].cve'],
      [{ ...content, productTree: [{ vendor: 'V', products: [{ name: 'P', versions: [{ version: '<= 4.0', productId: 'X' }] }] }], vulnerabilities: [] }, 'productTree[0].products[0].versions[0].version'],
      [{ ...content, productTree: [...content.productTree, { vendor: 'V', products: [{ name: 'P', versions: [{ version: '1', productId: 'EGV-4.1.2' }] }] }] }, 'productTree[1].products[0].versions[0].productId'],
    ];
    for (const [bad, field] of cases) assert.equal(refusal(() => checkAdvisoryContent(bad)).field, field);
  });

  test('profiles: a security advisory and a VEX document need what their CSAF profile requires', () => {
    const advisory = (c: AdvisoryContent, category: AdvisoryDraft['category'] = 'csaf_security_advisory') => () => checkProfile({ title: 'T', category, lang: 'en', ...c });
    assert.equal(refusal(advisory({ ...content, vulnerabilities: [] })).field, 'vulnerabilities');
    assert.equal(refusal(advisory({ ...content, productTree: [] })).field, 'productTree');
    assert.equal(refusal(advisory(withVulnerability({ notes: [] }))).field, 'vulnerabilities[0].notes');
    assert.equal(refusal(advisory(withVulnerability({ productStatus: {} }))).field, 'vulnerabilities[0].productStatus');
    const vex = SAMPLE_CONTENT.csaf_vex;
    const vexVulnerability = vex.vulnerabilities[0]!;
    const vexWith = (changes: Partial<typeof vexVulnerability>) => ({ ...vex, vulnerabilities: [{ ...vexVulnerability, ...changes }] });
    assert.equal(refusal(advisory(vexWith({ flags: [] }), 'csaf_vex')).field, 'vulnerabilities[0].productStatus.knownNotAffected[0]');
    assert.equal(refusal(advisory(vexWith({ remediations: [] }), 'csaf_vex')).field, 'vulnerabilities[0].productStatus.knownAffected[0]');
    assert.equal(refusal(advisory(vexWith({ cve: undefined }), 'csaf_vex')).field, 'vulnerabilities[0].cve');
    assert.equal(refusal(advisory(vexWith({ productStatus: { recommended: ['EGV-4.1.3'] } }), 'csaf_vex')).field, 'vulnerabilities[0].productStatus');
    checkProfile({ title: 'Base', category: 'csaf_base', lang: 'en', notes: [], references: [], acknowledgments: [], productTree: [], vulnerabilities: [] });
  });
});
