import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PAP_LEVELS, TLP_LEVELS } from '../handling.ts';
import { uuidV5 } from './identifiers.ts';
import {
  PAP_MARKING_IDS,
  SANAD_STIX_NAMESPACE,
  TLP1_MARKING_IDS,
  TLP2_EXTENSION_DEFINITION_ID,
  TLP2_MARKING_IDS,
  derivePapMarkingId,
  handlingFromMarkingRefs,
  papFromMarkingRefs,
  papMarkingId,
  papMarkingObject,
  tlp1MarkingId,
  tlp1MarkingObject,
  tlpFromMarkingRefs,
  tlpMarkingId,
  tlpMarkingObject,
  wellKnownMarking,
} from './markings.ts';
import { validateStixObject } from './objects.ts';
import { assertInvalid } from '../../../test/helpers/invalid.ts';

const TESTDATA = path.resolve(import.meta.dirname, '../../../../shared/testdata/stix21');

function readTestData(relative: string): unknown {
  return JSON.parse(readFileSync(path.join(TESTDATA, relative), 'utf8'));
}

describe('TLP marking definitions', () => {
  test('the TLP 2.0 ids and extension are those of the OASIS CTI TC', () => {
    assert.equal(TLP2_EXTENSION_DEFINITION_ID, 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d');
    assert.deepEqual(TLP2_MARKING_IDS, {
      CLEAR: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
      GREEN: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
      AMBER: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
      'AMBER+STRICT': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
      RED: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
    });
    for (const tlp of TLP_LEVELS) assert.equal(tlpMarkingId(tlp), TLP2_MARKING_IDS[tlp]);
  });

  for (const [file, tlp] of [
    ['oasis-tlp2/tlp-clear.json', 'CLEAR'],
    ['oasis-tlp2/tlp-amber+strict.json', 'AMBER+STRICT'],
  ] as const) {
    test(`tlpMarkingObject(${tlp}) is the published object, property order included (${file})`, (t) => {
      if (!existsSync(path.join(TESTDATA, file))) {
        t.skip(`test data not found at ${path.join(TESTDATA, file)}`);
        return;
      }
      const published = (readTestData(file) as { objects: unknown[] }).objects[0];
      assert.deepEqual(tlpMarkingObject(tlp), published);
      // JSON.parse keeps property order, so equal serialisations mean a byte-equivalent export.
      assert.equal(JSON.stringify(tlpMarkingObject(tlp)), JSON.stringify(published));
    });
  }

  test('every TLP 2.0 object has the shape of the published ones and validates', () => {
    for (const tlp of TLP_LEVELS) {
      const marking = tlpMarkingObject(tlp);
      assert.deepEqual(Object.keys(marking), ['type', 'spec_version', 'id', 'created', 'name', 'extensions']);
      assert.equal(marking.name, `TLP:${tlp}`);
      assert.deepEqual(marking.extensions, {
        [TLP2_EXTENSION_DEFINITION_ID]: { extension_type: 'property-extension', tlp_2_0: tlp.toLowerCase() },
      });
      assert.deepEqual(validateStixObject(marking), []);
    }
  });

  test('TLP 1.0 objects are those STIX 2.1 defines; CLEAR is WHITE; AMBER+STRICT has none', () => {
    assert.deepEqual(tlp1MarkingObject('CLEAR'), {
      type: 'marking-definition',
      spec_version: '2.1',
      id: 'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9',
      created: '2017-01-20T00:00:00.000Z',
      definition_type: 'tlp',
      name: 'TLP:WHITE',
      definition: { tlp: 'white' },
    });
    assert.deepEqual(Object.keys(tlp1MarkingObject('RED')), ['type', 'spec_version', 'id', 'created', 'definition_type', 'name', 'definition']);
    assert.equal(tlp1MarkingId('GREEN'), 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da');
    assert.equal(tlp1MarkingId('AMBER'), 'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82');
    assert.equal(tlp1MarkingId('RED'), 'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed');
    assertInvalid(() => tlp1MarkingId('AMBER+STRICT'), 'tlp', /no TLP 1.0 equivalent/);
    assertInvalid(() => tlp1MarkingObject('AMBER+STRICT'), 'tlp', /no TLP 1.0 equivalent/);
    for (const tlp of ['CLEAR', 'GREEN', 'AMBER', 'RED'] as const) assert.deepEqual(validateStixObject(tlp1MarkingObject(tlp)), []);
  });
});

describe('PAP marking definitions', () => {
  test('ids are UUIDv5 under the Sanad namespace, fixed in the code', () => {
    assert.equal(SANAD_STIX_NAMESPACE, uuidV5('6ba7b811-9dad-11d1-80b4-00c04fd430c8', 'urn:sanad:stix'));
    for (const pap of PAP_LEVELS) {
      assert.equal(papMarkingId(pap), derivePapMarkingId(pap));
      assert.equal(PAP_MARKING_IDS[pap], derivePapMarkingId(pap));
    }
    assert.equal(new Set(Object.values(PAP_MARKING_IDS)).size, 4);
  });

  test('each is a statement marking that validates', () => {
    const amber = papMarkingObject('AMBER');
    assert.equal(amber.id, 'marking-definition--28f5f09d-f5a5-5432-a342-07b27e103af0');
    assert.equal(amber.name, 'PAP:AMBER');
    assert.equal(amber.definition_type, 'statement');
    assert.match((amber.definition as { statement: string }).statement, /^PAP:AMBER \(Permissible Actions Protocol\): passive/);
    for (const pap of PAP_LEVELS) assert.deepEqual(validateStixObject(papMarkingObject(pap)), []);
  });
});

describe('reading object_marking_refs', () => {
  const RED1 = TLP1_MARKING_IDS.RED;

  test('the strictest TLP wins across both generations; WHITE reads as CLEAR', () => {
    assert.deepEqual(tlpFromMarkingRefs([TLP1_MARKING_IDS.WHITE]), { tlp: 'CLEAR', unknown: [] });
    assert.deepEqual(tlpFromMarkingRefs([TLP2_MARKING_IDS.GREEN, TLP1_MARKING_IDS.AMBER]), { tlp: 'AMBER', unknown: [] });
    assert.deepEqual(tlpFromMarkingRefs([TLP2_MARKING_IDS['AMBER+STRICT'], TLP1_MARKING_IDS.AMBER]), { tlp: 'AMBER+STRICT', unknown: [] });
    assert.deepEqual(tlpFromMarkingRefs([TLP2_MARKING_IDS.CLEAR, RED1, TLP2_MARKING_IDS.GREEN]), { tlp: 'RED', unknown: [] });
    assert.deepEqual(tlpFromMarkingRefs([]), { tlp: null, unknown: [] });
  });

  test('unknown refs are returned once each, never guessed', () => {
    const statement = 'marking-definition--fa42a846-8d90-4e51-bc29-71d5b4802168';
    assert.deepEqual(tlpFromMarkingRefs([statement, TLP2_MARKING_IDS.GREEN, statement, 'not an id']), {
      tlp: 'GREEN',
      unknown: [statement, 'not an id'],
    });
    // Ids compare exactly: an upper-case copy of TLP:RED's id is not TLP:RED.
    assert.deepEqual(tlpFromMarkingRefs([RED1.toUpperCase().replace('MARKING-DEFINITION', 'marking-definition')]).tlp, null);
  });

  test('interop-objectmarking-test.json: the id one character off TLP:RED is unknown, not RED', (t) => {
    const file = 'oasis-examples/interop-objectmarking-test.json';
    if (!existsSync(path.join(TESTDATA, file))) {
      t.skip(`test data not found at ${path.join(TESTDATA, file)}`);
      return;
    }
    const refs = (readTestData(file) as { object_marking_refs: string[] }).object_marking_refs;
    const lookalike = 'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ec';
    assert.deepEqual(refs, [RED1, lookalike]);
    assert.deepEqual(tlpFromMarkingRefs(refs), { tlp: 'RED', unknown: [lookalike] });
    // Alone, it gives no TLP at all: the caller has an unknown marking and must fail closed.
    assert.deepEqual(tlpFromMarkingRefs([lookalike]), { tlp: null, unknown: [lookalike] });
  });

  test('using-tlp2.0-green.json: a well-known TLP 2.0 id is read without the object in the bundle', (t) => {
    const file = 'oasis-tlp2/using-tlp2.0-green.json';
    if (!existsSync(path.join(TESTDATA, file))) {
      t.skip(`test data not found at ${path.join(TESTDATA, file)}`);
      return;
    }
    const objects = (readTestData(file) as { objects: { object_marking_refs?: string[] }[] }).objects;
    const refs = objects.flatMap((object) => object.object_marking_refs ?? []);
    assert.deepEqual(tlpFromMarkingRefs(refs), { tlp: 'GREEN', unknown: [] });
  });

  test('PAP is read beside TLP, and neither counts the other as unknown', () => {
    const refs = [PAP_MARKING_IDS.GREEN, TLP2_MARKING_IDS.AMBER, PAP_MARKING_IDS.RED, 'marking-definition--00abedb4-aa42-466c-9c01-fed23315a9b7'];
    assert.deepEqual(handlingFromMarkingRefs(refs), {
      tlp: 'AMBER',
      pap: 'RED',
      unknown: ['marking-definition--00abedb4-aa42-466c-9c01-fed23315a9b7'],
    });
    assert.deepEqual(papFromMarkingRefs(refs), { pap: 'RED', unknown: ['marking-definition--00abedb4-aa42-466c-9c01-fed23315a9b7'] });
    assert.deepEqual(papFromMarkingRefs([PAP_MARKING_IDS.CLEAR, PAP_MARKING_IDS.AMBER]), { pap: 'AMBER', unknown: [] });
    assert.deepEqual(tlpFromMarkingRefs([PAP_MARKING_IDS.CLEAR]), { tlp: null, unknown: [] });
  });

  test('wellKnownMarking returns the published object behind each fixed id', () => {
    assert.deepEqual(wellKnownMarking(TLP2_MARKING_IDS.RED), tlpMarkingObject('RED'));
    assert.deepEqual(wellKnownMarking(TLP1_MARKING_IDS.WHITE), tlp1MarkingObject('CLEAR'));
    assert.deepEqual(wellKnownMarking(PAP_MARKING_IDS.GREEN), papMarkingObject('GREEN'));
    assert.equal(wellKnownMarking('marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ec'), undefined);
  });
});
