import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { startTestApp, type Session, type TestApp } from '../../../test/helpers/app.ts';
import { testEngines } from '../../../test/helpers/store.ts';
import { recogniseFormat } from './door.ts';

type Json = Record<string, any>;
const TESTDATA = path.resolve(import.meta.dirname, '../../../../shared/testdata');

const stixObject = { type: 'indicator', spec_version: '2.1', id: 'indicator--0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', created: '2026-02-01T00:00:00.000Z', modified: '2026-02-01T00:00:00.000Z', pattern: "[domain-name:value = 'door.example-intel.org']", pattern_type: 'stix', valid_from: '2026-02-01T00:00:00Z' };
const mispEvent = { uuid: '5a1f0c2e-3b4d-4c5e-8f6a-7b8c9d0e1f2a', info: 'Door MISP', timestamp: '1767225600', threat_level_id: '2', Tag: [{ name: 'tlp:green' }], Attribute: [{ type: 'domain', category: 'Network activity', value: 'misp-door.example-intel.org' }] };
const sanadEvent = { info: 'Door native', tlp: 'GREEN', distribution: 'community', indicators: [{ type: 'domain', value: 'native-door.example-intel.org' }] };

describe('recognising a document by its content', () => {
  test('each format in each of its shapes, whatever the key order', () => {
    const cases: [unknown, string | undefined][] = [
      [{ type: 'bundle', id: 'bundle--6f5f1c3e-2a59-4f0e-9d1e-3f0b8a7c1d2e', objects: [stixObject] }, 'stix'],
      [{ objects: [stixObject], id: 'bundle--6f5f1c3e-2a59-4f0e-9d1e-3f0b8a7c1d2e', type: 'bundle' }, 'stix'],
      [stixObject, 'stix'],
      [[stixObject, stixObject], 'stix'],
      [{ Event: mispEvent }, 'misp'],
      [{ response: [{ Event: mispEvent }] }, 'misp'],
      [[{ Event: mispEvent }], 'misp'],
      [mispEvent, 'misp'],
      [sanadEvent, 'sanad'],
      [{ document: { category: 'csaf_base', csaf_version: '2.0', title: 't' } }, 'csaf'],
      [{ document: { title: 'not csaf' } }, undefined],
      [{ colour: 'red' }, undefined],
      [[1, 2, 3], undefined],
      [['info', 'tlp'], undefined],
    ];
    for (const [document, format] of cases) assert.equal(recogniseFormat(JSON.stringify(document, null, 1)), format, JSON.stringify(document).slice(0, 120));
    assert.equal(recogniseFormat('hello'), undefined);
    assert.equal(recogniseFormat(''), undefined);
  });

  test('the third-party files are recognised as what they are', (t) => {
    if (!fs.existsSync(TESTDATA)) return t.skip(`third-party test data not found at ${TESTDATA}`);
    const expected: [string, string][] = [
      ['stix21/oasis-examples/threat-reports/apt1.json', 'stix'],
      ['stix21/python-stix2-testdata/sco-examples-bundle.json', 'stix'],
      ['stix21/oasis-examples/interop-objectmarking-test.json', 'stix'],
      ['misp/test_events_collection_1.json', 'misp'],
      ['csaf20/bsi-2022-0001.json', 'csaf'],
      ['csaf20/2022-evd-uc-01-na-001.json', 'csaf'],
    ];
    for (const [file, format] of expected) assert.equal(recogniseFormat(fs.readFileSync(path.join(TESTDATA, file), 'utf8').slice(0, 64 * 1024)), format, file);
  });

  test('never throws, whatever the text', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.json(), fc.json().map((j) => j.slice(0, Math.floor(j.length / 2)))), (text) => void recogniseFormat(text)), { numRuns: 3000 });
  });
});

for (const engine of await testEngines()) {
  describe(`POST /api/v1/import (${engine})`, () => {
    let app: TestApp;
    let analyst: Session;
    before(async () => {
      app = await startTestApp(engine);
      analyst = await app.addUser(await app.addOrganisation('DOOR-A', 'MY'), 'analyst');
    });
    after(() => app.close());

    const post = (body: string, query = '') => app.request({ method: 'POST', url: `/api/v1/import${query}`, session: analyst, payload: body, headers: { 'content-type': 'application/json' } });
    const eventCount = async () => Number((await app.ctx.store.db.selectFrom('event').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

    test('each format goes through its own import and says what it imported', async (t) => {
      const stix = await post(JSON.stringify({ type: 'bundle', id: 'bundle--6f5f1c3e-2a59-4f0e-9d1e-3f0b8a7c1d2e', objects: [stixObject] }), '?tlp=GREEN&distribution=community');
      assert.equal(stix.statusCode, 201, stix.body);
      assert.deepEqual([(stix.json() as Json).format, (stix.json() as Json).summary.objects, (stix.json() as Json).summary.indicators], ['stix', 1, 1]);
      const misp = await post(JSON.stringify({ response: [{ Event: mispEvent }] }));
      assert.equal(misp.statusCode, 201, misp.body);
      assert.deepEqual([(misp.json() as Json).format, (misp.json() as Json).summary.created, (misp.json() as Json).summary.attributes], ['misp', 1, 1]);
      const native = await post(JSON.stringify(sanadEvent));
      assert.equal(native.statusCode, 201, native.body);
      assert.deepEqual([(native.json() as Json).format, (native.json() as Json).title, (native.json() as Json).summary.indicators], ['sanad', 'Door native', 1]);
      if (!fs.existsSync(TESTDATA)) return t.skip(`third-party test data not found at ${TESTDATA}`);
      const csaf = await post(fs.readFileSync(path.join(TESTDATA, 'csaf20/bsi-2022-0001.json'), 'utf8'));
      assert.equal(csaf.statusCode, 201, csaf.body);
      assert.equal((csaf.json() as Json).format, 'csaf');
      assert.equal((csaf.json() as Json).summary.trackingId, 'BSI-2022-0001');
    });

    test('an unknown document, or one of another format than asked, is refused and writes nothing', async () => {
      const before = await eventCount();
      for (const [body, query, reason] of [
        [JSON.stringify({ colour: 'red' }), '', /not a STIX 2.1 bundle/],
        ['', '', /empty/],
        [JSON.stringify(sanadEvent), '?format=stix', /is sanad, not stix/],
      ] as const) {
        const response = await post(body, query);
        assert.ok(response.statusCode === 422 || response.statusCode === 400, `${response.statusCode} ${response.body}`);
        assert.equal((response.json() as Json).field, 'body');
        assert.match((response.json() as Json).reason, reason);
      }
      assert.equal(await eventCount(), before);
    });
  });
}
