import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { TLP2_EXTENSION_DEFINITION_ID, TLP2_MARKING_IDS, tlpMarkingObject } from './markings.ts';
import { SDO_TYPES, stixFamily, validateBundle, validateStixObject } from './objects.ts';
import type { StixProblem } from './objects.ts';

const TESTDATA = path.resolve(import.meta.dirname, '../../../../shared/testdata/stix21');

function jsonFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return jsonFilesUnder(full);
      return entry.name.endsWith('.json') ? [full] : [];
    })
    .sort();
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

const IDENTITY = 'identity--f690c992-8e7d-4b9a-9303-3312616c0220';
const MALWARE = 'malware--16f4f3f9-1b68-4abb-bb66-7639d49f1e30';
const INDICATOR = 'indicator--33fe3b22-0201-47cf-85d0-97c02164528d';
const IPV4 = 'ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4';

function sdo(type: string, properties: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type,
    spec_version: '2.1',
    id: `${type}--6d179234-61fc-40c4-ae86-3d53308d8e65`,
    created: '2016-05-12T08:17:27.000Z',
    modified: '2016-05-12T08:17:27.000Z',
    ...properties,
  };
}

const indicator = (properties: Record<string, unknown> = {}) =>
  sdo('indicator', { pattern: "[ipv4-addr:value = '198.51.100.3']", pattern_type: 'stix', valid_from: '2014-05-08T09:00:00.000000Z', ...properties });

const withoutProperty = (object: Record<string, unknown>, property: string) => {
  const copy = { ...object };
  delete copy[property];
  return copy;
};

function expectProblems(object: unknown, problems: StixProblem[]): void {
  assert.deepEqual(validateStixObject(object), problems);
}

describe('validateBundle on published content', () => {
  test('every OASIS example, including threat-reports/apt1.json, has no problem', (t) => {
    const dir = path.join(TESTDATA, 'oasis-examples');
    if (!existsSync(dir)) {
      t.skip(`test data not found at ${dir}`);
      return;
    }
    const shapes = Object.fromEntries(jsonFilesUnder(dir).map((file) => [path.relative(dir, file), validateBundle(readJson(file))]));
    assert.deepEqual(shapes, {
      'indicator-for-c2-ip-address.json': { shape: 'bundle', problems: [] },
      'indicator-to-campaign-relationship.json': { shape: 'bundle', problems: [] },
      'indicators-for-C2-with-COA.json': { shape: 'bundle', problems: [] },
      'infrastructure.json': { shape: 'bundle', problems: [] },
      // A bare campaign; its unknown marking ref is for the marking reader, not a structural problem.
      'interop-objectmarking-test.json': { shape: 'object', problems: [] },
      'malicious-email-indicator-with-attachment.json': { shape: 'bundle', problems: [] },
      'threat-reports/apt1.json': { shape: 'bundle', problems: [] },
    });
  });

  test('the OASIS TLP 2.0 examples: CLEAR and AMBER+STRICT are valid', (t) => {
    for (const file of ['tlp-clear.json', 'tlp-amber+strict.json']) {
      const full = path.join(TESTDATA, 'oasis-tlp2', file);
      if (!existsSync(full)) {
        t.skip(`test data not found at ${full}`);
        return;
      }
      assert.deepEqual(validateBundle(readJson(full)), { shape: 'bundle', problems: [] }, file);
    }
  });

  test('using-tlp2.0-green.json has exactly its two known defects', (t) => {
    const full = path.join(TESTDATA, 'oasis-tlp2', 'using-tlp2.0-green.json');
    if (!existsSync(full)) {
      t.skip(`test data not found at ${full}`);
      return;
    }
    // Its identity and relationship ids are version-1 UUIDs, which the schemas allow: not a problem.
    assert.deepEqual(validateBundle(readJson(full)), {
      shape: 'bundle',
      problems: [
        { path: 'type', reason: 'is required: a bundle has "type": "bundle"' },
        { path: 'objects[2].created', reason: 'month must have 2 digits, 01 to 12, found "101"' },
      ],
    });
  });

  test('python-stix2 stix2_data: bundles and bare objects, two files with problems', (t) => {
    const dir = path.join(TESTDATA, 'python-stix2-testdata', 'stix2_data');
    if (!existsSync(dir)) {
      t.skip(`test data not found at ${dir}`);
      return;
    }
    const results = Object.fromEntries(jsonFilesUnder(dir).map((file) => [path.relative(dir, file), validateBundle(readJson(file))]));
    const bundle = { shape: 'bundle', problems: [] };
    const object = { shape: 'object', problems: [] };
    assert.deepEqual(results, {
      'attack-pattern/attack-pattern--0a3ead4e-6d47-4ccb-854c-a6a4f9d96b22/20170531213019735010.json': bundle,
      'attack-pattern/attack-pattern--0f20e3cb-245b-4a61-8a91-2d93f7cb0e9b/20170531213026496201.json': bundle,
      'attack-pattern/attack-pattern--774a3188-6ba9-4dc4-879d-d54ee48a5ce9/20170531213029458940.json': bundle,
      'attack-pattern/attack-pattern--7e150503-88e7-4861-866b-ff1ac82c4475/20170531213045139269.json': bundle,
      'attack-pattern/attack-pattern--ae676644-d2d2-41b7-af7e-9bed1b55898c/20170531213041022897.json': bundle,
      'attack-pattern/attack-pattern--b3d682b6-98f2-4fb0-aa3b-b4df007ca70a/20170531213032662702.json': bundle,
      'course-of-action/course-of-action--95ddb356-7ba0-4bd9-a889-247262b8946f/20170531213026495974.json': bundle,
      'course-of-action/course-of-action--d9727aee-48b8-4fdb-89e2-4c49746ba4dd/20170531213041022744.json': object,
      // An SCO: no spec_version, which for SCOs defaults to 2.1.
      'directory/directory--572827aa-e0cd-44fd-afd5-a717a7585f39.json': object,
      'identity/identity--c78cb6e5-0c4b-4611-8297-d1b8b55e40b5/20170601000000000000.json': bundle,
      'identity/identity--c78cb6e5-0c4b-4611-8297-d1b8b55e40b5/20181101232448446000.json': object,
      'intrusion-set/intrusion-set--a653431d-6a5e-4600-8ad3-609b5af57064/20170531213149412497.json': bundle,
      'intrusion-set/intrusion-set--f3bdec95-3d62-42d9-a840-29630f6cdc1a/20170531213153197755.json': bundle,
      'malware/malware--6b616fc1-1505-48e3-8b2c-0d19337bff38.json': object,
      'malware/malware--6b616fc1-1505-48e3-8b2c-0d19337bff38/20170531213258226477.json': bundle,
      'malware/malware--6b616fc1-1505-48e3-8b2c-0d19337bff38/20181101232448456000.json': object,
      'malware/malware--6b616fc1-1505-48e3-8b2c-0d19337bff38/20181101232448457000.json': object,
      'malware/malware--92ec0cbd-2c30-44a2-b270-73f4ec949841/20170531213326565056.json': bundle,
      'malware/malware--96b08451-b27a-4ff6-893f-790e26393a8e/20170531213248482655.json': bundle,
      // A STIX 2.0 bundle: it says so with spec_version "2.0", and its malware has no spec_version.
      // STIX 2.1 reads a missing spec_version on an SDO as 2.0, so for a 2.1 import both are problems;
      // only SCOs default to 2.1.
      'malware/malware--b42378e0-f147-496f-992a-26a49705395b/20170531213215263882.json': {
        shape: 'bundle',
        problems: [
          { path: 'spec_version', reason: 'is "2.0": this is a STIX 2.0 bundle; a STIX 2.1 bundle has no spec_version' },
          { path: 'objects[0].spec_version', reason: 'is required on malware objects; without it the object is STIX 2.0' },
        ],
      },
      // MITRE's copyright statement: created has whole seconds, and STIX 2.1 requires milliseconds.
      'marking-definition/marking-definition--fa42a846-8d90-4e51-bc29-71d5b4802168.json': {
        shape: 'bundle',
        problems: [
          {
            path: 'objects[0].created',
            reason: 'must be precise to at least the millisecond (3 fractional digits), found "2017-06-01T00:00:00Z"',
          },
        ],
      },
      'relationship/relationship--0d4a7788-7f3b-4df8-a498-31a38003c883/20170531213327182784.json': bundle,
      'relationship/relationship--0e55ee98-0c6d-43d4-b424-b18a0036b227/20170531213327082801.json': bundle,
      'relationship/relationship--1e91cd45-a725-4965-abe3-700694374432/20170531213327018782.json': bundle,
      'relationship/relationship--3a3084f9-0302-4fd5-9b8a-e0db10f5345e/20170531213327100701.json': bundle,
      'relationship/relationship--3a3ed0b2-0c38-441f-ac40-53b873e545d1/20170531213327143973.json': bundle,
      'relationship/relationship--592d0c31-e61f-495e-a60e-70d7be59a719/20170531213327021562.json': bundle,
      'relationship/relationship--70dc6b5c-c524-429e-a6ab-0dd40f0482c1/20170531213327044387.json': bundle,
      'relationship/relationship--8797579b-e3be-4209-a71b-255a4d08243d/20170531213327051532.json': bundle,
      'tool/tool--03342581-f790-4f03-ba41-e82e67392e23/20170531213231601148.json': bundle,
      'tool/tool--242f3da3-4425-4d11-8f5c-b842886da966/20170531213212684914.json': bundle,
    });
    assert.equal(Object.keys(results).length, 31);
  });

  test('python-stix2 sco-examples-bundle.json: a bare array of 82 valid SCOs', (t) => {
    const full = path.join(TESTDATA, 'python-stix2-testdata', 'sco-examples-bundle.json');
    if (!existsSync(full)) {
      t.skip(`test data not found at ${full}`);
      return;
    }
    const scos = readJson(full) as unknown[];
    assert.equal(scos.length, 82);
    assert.deepEqual(validateBundle(scos), { shape: 'array', problems: [] });
  });
});

describe('validateStixObject: types and ids', () => {
  test('a valid indicator has no problem', () => {
    expectProblems(indicator(), []);
  });

  test('refuses what is not an object', () => {
    assert.deepEqual(validateStixObject('indicator', 'objects[0]'), [{ path: 'objects[0]', reason: 'must be a JSON object' }]);
    expectProblems([], [{ path: '', reason: 'must be a JSON object' }]);
  });

  test('type is required and must be a type name', () => {
    expectProblems(withoutProperty(indicator(), 'type'), [{ path: 'type', reason: 'is required' }]);
    expectProblems(
      { ...indicator(), type: 'Indicator' },
      [
        { path: 'type', reason: 'must be a type name: 3 to 250 of a-z, 0-9 and single hyphens, found "Indicator"' },
      ],
    );
  });

  test('a type that STIX does not define needs an extension, or the deprecated x- prefix', () => {
    const id = 'sanad-case--6d179234-61fc-40c4-ae86-3d53308d8e65';
    expectProblems({ type: 'sanad-case', id }, [
      {
        path: 'type',
        reason:
          '"sanad-case" is not a STIX 2.1 type; a new type must be declared by an extension-definition (extension_type new-sdo, new-sco or new-sro) or, deprecated, start with x-',
      },
    ]);
    const extension = 'extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e';
    const declared = sdo('sanad-case', { extensions: { [extension]: { extension_type: 'new-sdo' } } });
    expectProblems(declared, []);
    assert.equal(stixFamily('sanad-case', declared), 'sdo');
    // Declared as an SDO, it takes the SDO's common properties.
    expectProblems(withoutProperty(declared, 'created'), [{ path: 'created', reason: 'is required' }]);
    // MITRE ATT&CK's x- objects are accepted and preserved.
    expectProblems(sdo('x-mitre-tactic', { x_mitre_shortname: 'collection', name: 'Collection' }), []);
    assert.equal(stixFamily('x-mitre-tactic'), 'custom');
  });

  test('a bundle cannot sit inside another', () => {
    expectProblems({ type: 'bundle', id: 'bundle--44af6c39-c09b-49c5-9de2-394224b04982' }, [
      { path: 'type', reason: 'a bundle cannot be nested inside another bundle' },
    ]);
  });

  test('id is required, well formed and of the object type', () => {
    expectProblems(withoutProperty(indicator(), 'id'), [{ path: 'id', reason: 'is required' }]);
    expectProblems({ ...indicator(), id: 'indicator--1234' }, [{ path: 'id', reason: 'must be <type>--<RFC 4122 UUID>, found "indicator--1234"' }]);
    expectProblems({ ...indicator(), id: MALWARE }, [{ path: 'id', reason: 'must start with "indicator--" to match the type' }]);
  });
});

describe('validateStixObject: common properties', () => {
  test('property names: 3 to 250 of a-z, 0-9 and _, with or without the x_ prefix', () => {
    expectProblems(indicator({ x_sanad_score: 80, sanad_score: 80 }), []);
    expectProblems(indicator({ Sanad: 1, ab: 2, 'x-score': 3, [`x_${'a'.repeat(249)}`]: 4 }), [
      { path: 'Sanad', reason: 'property names must be 3 to 250 characters of a-z, 0-9 and _' },
      { path: 'ab', reason: 'property names must be 3 to 250 characters of a-z, 0-9 and _' },
      { path: 'x-score', reason: 'property names must be 3 to 250 characters of a-z, 0-9 and _' },
      { path: `x_${'a'.repeat(249)}`, reason: 'property names must be 3 to 250 characters of a-z, 0-9 and _' },
    ]);
  });

  test('null values and empty lists are left out instead', () => {
    expectProblems(indicator({ description: null, x_tags: [] }), [
      { path: 'description', reason: 'must be left out rather than null' },
      { path: 'x_tags', reason: 'must not be an empty list; an optional property is left out instead' },
    ]);
  });

  test('spec_version: required "2.1" on SDOs, SROs and meta objects; optional on SCOs', () => {
    expectProblems(withoutProperty(indicator(), 'spec_version'), [
      { path: 'spec_version', reason: 'is required on indicator objects; without it the object is STIX 2.0' },
    ]);
    expectProblems(indicator({ spec_version: '2.0' }), [{ path: 'spec_version', reason: 'is "2.0": only STIX 2.1 content is accepted' }]);
    expectProblems(indicator({ spec_version: 2.1 }), [{ path: 'spec_version', reason: 'must be "2.1", found 2.1' }]);
    const marking = withoutProperty(tlpMarkingObject('RED') as unknown as Record<string, unknown>, 'spec_version');
    assert.deepEqual(
      validateStixObject(marking).map((problem) => problem.path),
      ['spec_version', ''],
      'missing on a marking definition, and so no longer the published object',
    );
    expectProblems({ type: 'ipv4-addr', id: IPV4, value: '198.51.100.3' }, []);
    expectProblems({ type: 'ipv4-addr', id: IPV4, value: '198.51.100.3', spec_version: '2.0' }, [
      { path: 'spec_version', reason: 'is "2.0": only STIX 2.1 content is accepted' },
    ]);
  });

  test('created and modified: required, valid, at least milliseconds, modified not before created', () => {
    expectProblems(withoutProperty(withoutProperty(indicator(), 'created'), 'modified'), [
      { path: 'created', reason: 'is required' },
      { path: 'modified', reason: 'is required' },
    ]);
    expectProblems(indicator({ created: '2016-05-12T08:17:27Z', modified: '2016-05-12T08:17:27.1Z' }), [
      { path: 'created', reason: 'must be precise to at least the millisecond (3 fractional digits), found "2016-05-12T08:17:27Z"' },
      { path: 'modified', reason: 'must be precise to at least the millisecond (3 fractional digits), found "2016-05-12T08:17:27.1Z"' },
    ]);
    expectProblems(indicator({ created: '2016-05-12 08:17:27.000Z' }), [
      { path: 'created', reason: 'date and time must be separated by T, found " "' },
    ]);
    expectProblems(indicator({ created: '2016-05-12T08:17:27.001Z', modified: '2016-05-12T08:17:27.000999Z' }), [
      { path: 'modified', reason: 'must not be earlier than created (2016-05-12T08:17:27.001Z)' },
    ]);
    expectProblems(indicator({ created: '2016-05-12T08:17:27.000Z', modified: '2016-05-12T08:17:27.000000Z' }), []);
    expectProblems(indicator({ created: '2016-05-12T08:17:27.000000Z', modified: '2016-05-12T08:17:27.000001Z' }), []);
  });

  test('marking definitions have created but no modified; SCOs have neither, nor created_by_ref', () => {
    const statement = {
      type: 'marking-definition',
      spec_version: '2.1',
      id: 'marking-definition--fa42a846-8d90-4e51-bc29-71d5b4802168',
      created: '2017-06-01T00:00:00.000Z',
      definition_type: 'statement',
      definition: { statement: 'Copyright 2017, The MITRE Corporation' },
    };
    expectProblems(statement, []);
    expectProblems(withoutProperty(statement, 'created'), [{ path: 'created', reason: 'is required' }]);
    expectProblems({ ...statement, modified: '2017-06-01T00:00:00.000Z' }, [
      { path: 'modified', reason: 'marking definitions are never versioned and have no modified' },
    ]);
    expectProblems(
      { type: 'ipv4-addr', id: IPV4, value: '198.51.100.3', created: '2017-06-01T00:00:00.000Z', modified: '2017-06-01T00:00:00.000Z', created_by_ref: IDENTITY },
      [
        { path: 'created', reason: 'cyber-observables have no created' },
        { path: 'modified', reason: 'cyber-observables have no modified' },
        { path: 'created_by_ref', reason: 'cyber-observables have no created_by_ref' },
      ],
    );
  });

  test('created_by_ref names an identity; revoked, labels, confidence and lang have their types', () => {
    expectProblems(indicator({ created_by_ref: IDENTITY, revoked: false, labels: ['a'], confidence: 0, lang: 'ar' }), []);
    expectProblems(indicator({ created_by_ref: MALWARE, revoked: 'yes', labels: [1], confidence: 101, lang: 1 }), [
      { path: 'created_by_ref', reason: `must be the id of an identity, found "${MALWARE}"` },
      { path: 'revoked', reason: 'must be true or false' },
      { path: 'labels', reason: 'must be a list of strings' },
      { path: 'confidence', reason: 'must be an integer from 0 to 100' },
      { path: 'lang', reason: 'must be a language tag string (RFC 5646)' },
    ]);
    expectProblems(indicator({ confidence: 50.5 }), [{ path: 'confidence', reason: 'must be an integer from 0 to 100' }]);
  });

  test('external_references: source_name and one of description, url, external_id', () => {
    expectProblems(indicator({ external_references: [{ source_name: 'capec', external_id: 'CAPEC-163' }] }), []);
    expectProblems(indicator({ external_references: { source_name: 'capec' } }), [
      { path: 'external_references', reason: 'must be a list of external references' },
    ]);
    expectProblems(indicator({ external_references: [{ source_name: 'capec' }, { url: 'https://example.org' }, 'capec', { source_name: 'x', url: 7 }] }), [
      { path: 'external_references[0]', reason: 'needs at least one of description, url and external_id besides source_name' },
      { path: 'external_references[1].source_name', reason: 'is required' },
      { path: 'external_references[2]', reason: 'must be an object' },
      { path: 'external_references[3].url', reason: 'must be a string' },
    ]);
  });

  test('object_marking_refs holds marking-definition ids', () => {
    expectProblems(indicator({ object_marking_refs: [TLP2_MARKING_IDS.GREEN] }), []);
    expectProblems(indicator({ object_marking_refs: [TLP2_MARKING_IDS.GREEN, IDENTITY, 'TLP:RED'] }), [
      { path: 'object_marking_refs[1]', reason: `must be the id of a marking-definition, found "${IDENTITY}"` },
      { path: 'object_marking_refs[2]', reason: 'must be a STIX id, found "TLP:RED"' },
    ]);
    expectProblems(indicator({ object_marking_refs: TLP2_MARKING_IDS.GREEN }), [{ path: 'object_marking_refs', reason: 'must be a list of STIX ids' }]);
  });

  test('granular_markings: selectors and exactly one of marking_ref and lang', () => {
    expectProblems(indicator({ granular_markings: [{ marking_ref: TLP2_MARKING_IDS.RED, selectors: ['description'] }, { lang: 'ar', selectors: ['name'] }] }), []);
    expectProblems(
      indicator({
        granular_markings: [
          { marking_ref: TLP2_MARKING_IDS.RED },
          { marking_ref: TLP2_MARKING_IDS.RED, lang: 'ar', selectors: ['name'] },
          { selectors: ['name'] },
          { marking_ref: IDENTITY, selectors: [] },
        ],
      }),
      [
        { path: 'granular_markings[0].selectors', reason: 'is required: a non-empty list of selector strings' },
        { path: 'granular_markings[1]', reason: 'must have exactly one of marking_ref and lang' },
        { path: 'granular_markings[2]', reason: 'must have exactly one of marking_ref and lang' },
        { path: 'granular_markings[3].selectors', reason: 'is required: a non-empty list of selector strings' },
        { path: 'granular_markings[3].marking_ref', reason: `must be the id of a marking-definition, found "${IDENTITY}"` },
      ],
    );
  });

  test('extensions: extension-definition ids, or the predefined extensions of the SCO type', () => {
    const definition = 'extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e';
    expectProblems(indicator({ extensions: { [definition]: { extension_type: 'property-extension', rank: 1 } } }), []);
    expectProblems(indicator({ extensions: { 'x-sanad-ext': {}, [definition]: 'yes', 'extension-definition--1': {} } }), [
      { path: 'extensions.x-sanad-ext', reason: 'must be named by an extension-definition id' },
      { path: `extensions.${definition}`, reason: 'must be an object' },
      { path: 'extensions.extension-definition--1', reason: 'must be named by a valid extension-definition id' },
    ]);
    expectProblems(indicator({ extensions: { [definition]: { extension_type: 'new-thing' } } }), [
      {
        path: `extensions.${definition}.extension_type`,
        reason: 'must be one of new-sdo, new-sco, new-sro, property-extension, toplevel-property-extension, found "new-thing"',
      },
    ]);
    expectProblems(indicator({ extensions: {} }), [{ path: 'extensions', reason: 'must be left out rather than empty' }]);
    const file = { type: 'file', id: 'file--ba8965d8-e4ec-5f9c-a4df-1c460994ca58', name: 'foo.zip' };
    expectProblems({ ...file, extensions: { 'archive-ext': { contains_refs: [] } } }, []);
    expectProblems({ ...file, extensions: { 'tcp-ext': {} } }, [
      {
        path: 'extensions.tcp-ext',
        reason: 'is neither an extension-definition id nor one of the file extensions (archive-ext, ntfs-ext, pdf-ext, raster-image-ext, windows-pebinary-ext)',
      },
    ]);
  });
});

describe('validateStixObject: per-type required properties', () => {
  test('SDOs that need only a name', () => {
    for (const type of ['attack-pattern', 'campaign', 'course-of-action', 'identity', 'incident', 'infrastructure', 'intrusion-set', 'threat-actor', 'tool', 'vulnerability']) {
      expectProblems(sdo(type, { name: 'x' }), []);
      expectProblems(sdo(type), [{ path: 'name', reason: 'is required' }]);
      expectProblems(sdo(type, { name: 7 }), [{ path: 'name', reason: 'must be a string' }]);
    }
    assert.equal(SDO_TYPES.length, 19);
  });

  test('first_seen and last_seen are timestamps in order', () => {
    expectProblems(sdo('campaign', { name: 'x', first_seen: '2016-01-01T00:00:00Z', last_seen: '2016-01-01T00:00:00Z' }), []);
    expectProblems(sdo('intrusion-set', { name: 'x', first_seen: '2016-01-02T00:00:00Z', last_seen: '2016-01-01T00:00:00Z' }), [
      { path: 'last_seen', reason: 'must be no earlier than first_seen (2016-01-02T00:00:00Z)' },
    ]);
    expectProblems(sdo('threat-actor', { name: 'x', first_seen: 'last year' }), [
      { path: 'first_seen', reason: 'must be an RFC 3339 UTC timestamp like 2024-01-10T08:30:00.000Z' },
    ]);
  });

  test('indicator: pattern, pattern_type, valid_from, and valid_until after valid_from', () => {
    expectProblems(sdo('indicator'), [
      { path: 'pattern', reason: 'is required' },
      { path: 'pattern_type', reason: 'is required' },
      { path: 'valid_from', reason: 'is required' },
    ]);
    expectProblems(indicator({ valid_until: '2014-05-08T09:00:00Z' }), [
      { path: 'valid_until', reason: 'must be later than valid_from (2014-05-08T09:00:00.000000Z)' },
    ]);
    expectProblems(indicator({ valid_until: '2014-05-08T09:00:00.000001Z' }), []);
  });

  test('malware: is_family always; a name for families only', () => {
    expectProblems(sdo('malware', { is_family: false }), []);
    expectProblems(sdo('malware', { is_family: true }), [{ path: 'name', reason: 'is required' }]);
    expectProblems(sdo('malware', { name: 'Poison Ivy' }), [{ path: 'is_family', reason: 'is required' }]);
    expectProblems(sdo('malware', { name: 'Poison Ivy', is_family: 'yes' }), [{ path: 'is_family', reason: 'must be true or false' }]);
  });

  test('report, grouping, note and opinion', () => {
    expectProblems(sdo('report', { name: 'APT1', published: '2013-02-19T00:00:00Z', object_refs: [INDICATOR] }), []);
    expectProblems(sdo('report', { name: 'APT1', published: '2013-02-19', object_refs: ['APT1'] }), [
      { path: 'published', reason: 'must be an RFC 3339 UTC timestamp like 2024-01-10T08:30:00.000Z' },
      { path: 'object_refs[0]', reason: 'must be a STIX id, found "APT1"' },
    ]);
    expectProblems(sdo('report'), [
      { path: 'name', reason: 'is required' },
      { path: 'published', reason: 'is required' },
      { path: 'object_refs', reason: 'is required' },
    ]);
    expectProblems(sdo('grouping', { object_refs: [INDICATOR] }), [{ path: 'context', reason: 'is required' }]);
    expectProblems(sdo('grouping', { context: 'suspicious-activity', object_refs: [] }), [
      { path: 'object_refs', reason: 'must not be an empty list; an optional property is left out instead' },
    ]);
    expectProblems(sdo('note', { content: 'seen twice' }), [{ path: 'object_refs', reason: 'is required' }]);
    expectProblems(sdo('opinion', { opinion: 'agree', object_refs: [INDICATOR] }), []);
    expectProblems(sdo('opinion', { opinion: 'maybe', object_refs: [INDICATOR] }), [
      { path: 'opinion', reason: 'must be one of strongly-disagree, disagree, neutral, agree, strongly-agree' },
    ]);
  });

  test('observed-data: observation window, count, and object_refs or the deprecated objects', () => {
    const observed = { first_observed: '2020-10-25T16:22:00Z', last_observed: '2020-11-25T16:22:00Z', number_observed: 1 };
    expectProblems(sdo('observed-data', { ...observed, object_refs: [IPV4] }), []);
    expectProblems(sdo('observed-data', { ...observed, objects: { 0: { type: 'ipv4-addr', value: '198.51.100.3' } } }), []);
    expectProblems(sdo('observed-data', { ...observed, number_observed: 0 }), [
      { path: 'number_observed', reason: 'must be an integer from 1 to 999999999' },
      { path: 'object_refs', reason: 'exactly one of object_refs and the deprecated objects is required' },
    ]);
    expectProblems(sdo('observed-data', { ...observed, first_observed: '2020-12-01T00:00:00Z', object_refs: [IPV4] }), [
      { path: 'last_observed', reason: 'must be no earlier than first_observed (2020-12-01T00:00:00Z)' },
    ]);
  });

  test('location: region, country, or latitude and longitude', () => {
    expectProblems(sdo('location', { country: 'JO' }), []);
    expectProblems(sdo('location', { latitude: 31.95, longitude: 35.93 }), []);
    expectProblems(sdo('location', { name: 'Amman' }), [{ path: 'region', reason: 'a location needs region, country, or latitude and longitude' }]);
    expectProblems(sdo('location', { country: 'JO', latitude: 95 }), [
      { path: 'longitude', reason: 'latitude and longitude go together' },
      { path: 'latitude', reason: 'must be a number from -90 to 90' },
    ]);
  });

  test('malware-analysis: product, and result or analysis_sco_refs', () => {
    expectProblems(sdo('malware-analysis', { product: 'clamav', result: 'malicious' }), []);
    expectProblems(sdo('malware-analysis', { product: 'clamav' }), [{ path: 'result', reason: 'a malware analysis needs result or analysis_sco_refs' }]);
  });

  test('relationship: type in a-z, 0-9 and hyphens; source_ref and target_ref', () => {
    const relationship = sdo('relationship', { relationship_type: 'indicates', source_ref: INDICATOR, target_ref: MALWARE });
    expectProblems(relationship, []);
    expectProblems(sdo('relationship'), [
      { path: 'relationship_type', reason: 'is required' },
      { path: 'source_ref', reason: 'is required' },
      { path: 'target_ref', reason: 'is required' },
    ]);
    expectProblems({ ...relationship, relationship_type: 'Indicates', target_ref: 'Poison Ivy' }, [
      { path: 'relationship_type', reason: 'must be a-z, 0-9 and hyphens, like uses or indicates' },
      { path: 'target_ref', reason: 'must be a STIX id, found "Poison Ivy"' },
    ]);
    expectProblems({ ...relationship, start_time: '2016-01-01T00:00:00Z', stop_time: '2016-01-01T00:00:00Z' }, [
      { path: 'stop_time', reason: 'must be later than start_time (2016-01-01T00:00:00Z)' },
    ]);
  });

  test('sighting: sighting_of_ref names an SDO; its refs have their types', () => {
    expectProblems(sdo('sighting', { sighting_of_ref: INDICATOR, where_sighted_refs: [IDENTITY], count: 3 }), []);
    expectProblems(sdo('sighting'), [{ path: 'sighting_of_ref', reason: 'is required' }]);
    expectProblems(sdo('sighting', { sighting_of_ref: IPV4, where_sighted_refs: [MALWARE], count: -1 }), [
      { path: 'sighting_of_ref', reason: 'must reference a STIX domain object, such as an indicator or malware' },
      { path: 'count', reason: 'must be an integer from 0 to 999999999' },
      { path: 'where_sighted_refs[0]', reason: `must be the id of an identity or location, found "${MALWARE}"` },
    ]);
  });

  test('marking-definition: a definition or an extension; well-known ids must be the published objects', () => {
    const base = { type: 'marking-definition', spec_version: '2.1', id: 'marking-definition--fa42a846-8d90-4e51-bc29-71d5b4802168', created: '2017-06-01T00:00:00.000Z' };
    expectProblems(base, [{ path: 'definition', reason: 'a marking definition needs definition_type and definition, or an extension' }]);
    expectProblems({ ...base, definition_type: 'statement' }, [{ path: 'definition', reason: 'definition_type and definition go together' }]);
    expectProblems({ ...base, definition_type: 'tlp', definition: { tlp: 'amber+strict' } }, [
      { path: 'definition', reason: 'a TLP definition is {"tlp": "white" | "green" | "amber" | "red"}' },
    ]);
    expectProblems({ ...base, definition_type: 'statement', definition: { text: 'x' } }, [
      { path: 'definition', reason: 'a statement definition is {"statement": "…"}' },
    ]);
    const forged = { ...tlpMarkingObject('RED'), name: 'TLP:GREEN', extensions: { [TLP2_EXTENSION_DEFINITION_ID]: { extension_type: 'property-extension', tlp_2_0: 'green' } } };
    assert.deepEqual(validateStixObject(forged, 'objects[4]'), [
      { path: 'objects[4]', reason: 'must be exactly the published TLP:RED marking definition; differs in name, extensions' },
    ]);
    // TLP 1.0 as MISP exports it: no spec_version and no name.
    const misp = {
      type: 'marking-definition',
      id: 'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9',
      created: '2017-01-20T00:00:00.000Z',
      definition_type: 'tlp',
      definition: { tlp: 'white' },
    };
    expectProblems(misp, [
      { path: 'spec_version', reason: 'is required on marking-definition objects; without it the object is STIX 2.0' },
      { path: '', reason: 'must be exactly the published TLP:WHITE marking definition; differs in spec_version, name' },
    ]);
  });

  test('extension-definition and language-content', () => {
    const extension = sdo('extension-definition', {
      id: 'extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e',
      created_by_ref: IDENTITY,
      name: 'Sanad case',
      schema: 'https://example.org/schema.json',
      version: '1.0.0',
      extension_types: ['new-sdo'],
    });
    expectProblems(extension, []);
    expectProblems({ ...withoutProperty(extension, 'created_by_ref'), extension_types: ['new-case'] }, [
      { path: 'created_by_ref', reason: 'is required' },
      { path: 'extension_types', reason: 'must list some of new-sdo, new-sco, new-sro, property-extension, toplevel-property-extension' },
    ]);
    expectProblems(sdo('language-content', { object_ref: INDICATOR, contents: { ar: { name: 'مؤشر' } } }), []);
    expectProblems(sdo('language-content', { contents: ['ar'] }), [
      { path: 'object_ref', reason: 'is required' },
      { path: 'contents', reason: 'must be a dictionary of languages' },
    ]);
  });

  test('SCOs: the properties each type cannot do without', () => {
    const sco = (type: string, properties: Record<string, unknown> = {}) => ({ type, id: `${type}--28bb3599-77cd-5a82-a950-b5bc3caf07c4`, ...properties });
    for (const type of ['ipv4-addr', 'ipv6-addr', 'domain-name', 'email-addr', 'mac-addr', 'url']) {
      expectProblems(sco(type), [{ path: 'value', reason: 'is required' }]);
    }
    expectProblems(sco('autonomous-system', { number: 'AS15139' }), [{ path: 'number', reason: `must be an integer from 0 to ${Number.MAX_SAFE_INTEGER}` }]);
    expectProblems(sco('directory'), [{ path: 'path', reason: 'is required' }]);
    expectProblems(sco('mutex'), [{ path: 'name', reason: 'is required' }]);
    expectProblems(sco('software'), [{ path: 'name', reason: 'is required' }]);
    expectProblems(sco('email-message'), [{ path: 'is_multipart', reason: 'is required' }]);
    expectProblems(sco('file', { size: 10 }), [{ path: 'name', reason: 'a file needs hashes or name' }]);
    expectProblems(sco('artifact', { payload_bin: 'AA==', url: 'https://example.org/a' }), [
      { path: 'payload_bin', reason: 'exactly one of payload_bin and url is required' },
      { path: 'hashes', reason: 'is required when the artifact is given by url' },
    ]);
    expectProblems(sco('network-traffic', { protocols: ['tcp'] }), [{ path: 'src_ref', reason: 'network traffic needs src_ref or dst_ref' }]);
    expectProblems(sco('process'), []);
    expectProblems(sco('user-account'), []);
  });
});

describe('validateBundle: top-level shapes', () => {
  const objects = [indicator(), sdo('malware', { is_family: false })];

  test('a valid bundle, a bare object and a bare array', () => {
    assert.deepEqual(validateBundle({ type: 'bundle', id: 'bundle--44af6c39-c09b-49c5-9de2-394224b04982', objects }), { shape: 'bundle', problems: [] });
    assert.deepEqual(validateBundle({ type: 'bundle', id: 'bundle--44af6c39-c09b-49c5-9de2-394224b04982' }), { shape: 'bundle', problems: [] });
    assert.deepEqual(validateBundle(indicator()), { shape: 'object', problems: [] });
    assert.deepEqual(validateBundle(objects), { shape: 'array', problems: [] });
  });

  test('problems inside carry the path of the object', () => {
    assert.deepEqual(validateBundle([indicator(), withoutProperty(indicator(), 'pattern')]), {
      shape: 'array',
      problems: [{ path: '[1].pattern', reason: 'is required' }],
    });
    assert.deepEqual(validateBundle({ type: 'bundle', id: 'bundle--44af6c39-c09b-49c5-9de2-394224b04982', objects: [indicator(), 'x'] }), {
      shape: 'bundle',
      problems: [{ path: 'objects[1]', reason: 'must be a JSON object' }],
    });
  });

  test('bundle rules: type, id, no spec_version, objects a non-empty list', () => {
    assert.deepEqual(validateBundle({ id: 'bundle--44af6c39', objects: 'none', spec_version: '2.1', Objects: [1] }), {
      shape: 'bundle',
      problems: [
        { path: 'type', reason: 'is required: a bundle has "type": "bundle"' },
        { path: 'id', reason: 'must be bundle--<RFC 4122 UUID>, found "bundle--44af6c39"' },
        { path: 'spec_version', reason: 'must be left out: a STIX 2.1 bundle has no spec_version' },
        { path: 'Objects', reason: 'property names must be 3 to 250 characters of a-z, 0-9 and _' },
        { path: 'objects', reason: 'must be a list of STIX objects' },
      ],
    });
    assert.deepEqual(validateBundle({ type: 'bundle', objects: [] }), {
      shape: 'bundle',
      problems: [
        { path: 'id', reason: 'is required' },
        { path: 'objects', reason: 'must be left out rather than an empty list' },
      ],
    });
  });

  test('anything else is no STIX document', () => {
    assert.deepEqual(validateBundle('bundle'), { shape: null, problems: [{ path: '', reason: 'must be a STIX bundle, a STIX object or an array of STIX objects' }] });
    assert.deepEqual(validateBundle(null).shape, null);
    assert.deepEqual(validateBundle([]), { shape: 'array', problems: [{ path: '', reason: 'an empty array holds no STIX object' }] });
  });
});
