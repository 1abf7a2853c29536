// Third-party CSAF 2.0 documents through Sanad's import (POST /api/v1/advisories/import), read from
// /work/shared/testdata/csaf20 (origins in SOURCES.md; never copied into the repository; skipped when
// absent): the csaf-validator-lib conformance fixtures, a real BSI advisory and an OASIS VEX example.
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type Session, type TestApp } from './helpers/app.ts';
import { testEngines } from './helpers/store.ts';
import { CSAF_TESTDATA, csafTestdata, readJson } from './helpers/advisories.ts';
import { validateCsaf } from '../src/domain/csaf/validate.ts';

const FIXTURES = path.join(CSAF_TESTDATA, 'csaf-validator-lib-fixtures');

interface Fixture {
  file: string;
  /** `6.1.16` from `mandatoryTest_6_1_16/…`: the test the fixture was written for. */
  test: string;
  expectation: 'failing' | 'valid';
}

function fixtures(): Fixture[] {
  if (!fs.existsSync(FIXTURES)) return [];
  return fs
    .readdirSync(FIXTURES)
    .sort()
    .flatMap((dir) =>
      (['failing', 'valid'] as const).flatMap((expectation) => {
        const folder = path.join(FIXTURES, dir, expectation);
        if (!fs.existsSync(folder)) return [];
        return fs
          .readdirSync(folder)
          .filter((f) => f.endsWith('.json'))
          .sort()
          .map((f) => ({ file: path.join(folder, f), test: dir.replace(/^mandatoryTest_/, '').replaceAll('_', '.'), expectation }));
      }),
    );
}

// Two "valid" fixtures were written by the library's authors to pass one test only, and break others:
// Sanad runs every mandatory test on an import, so it refuses them, naming the test they break.
const REFUSED_FOR_ANOTHER_TEST: Record<string, string> = {
  'mandatoryTest_6_1_16/valid/valid-01.json': '6.1.19',
  'mandatoryTest_6_1_3/valid/empty-relationships.json': '6.1.21',
};

for (const engine of await testEngines()) {
  describe(`CSAF 2.0 third-party documents (${engine})`, () => {
    let app: TestApp;
    let analyst: Session;
    let otherAnalyst: Session;
    before(async () => {
      app = await startTestApp(engine);
      analyst = await app.addUser(await app.addOrganisation('FIX-CERT'), 'analyst');
      otherAnalyst = await app.addUser(await app.addOrganisation('FIX-OTHER'), 'analyst');
    });
    after(() => app.close());

    const importDocument = (session: Session, document: unknown, query = '') => app.request({ method: 'POST', url: `/api/v1/advisories/import${query}`, session, payload: document as object });
    const exportDocument = async (session: Session, id: string) => {
      const response = await app.request({ method: 'GET', url: `/api/v1/advisories/${id}/csaf`, session });
      assert.equal(response.statusCode, 200, response.body);
      return response.json();
    };

    test('csaf-validator-lib fixtures: every failing document refused naming its test; valid ones never refused for theirs', async (t) => {
      const all = fixtures();
      if (all.length === 0) {
        t.skip(`no fixtures at ${FIXTURES} (see /work/shared/testdata/SOURCES.md)`);
        return;
      }
      const counts = { refused: 0, accepted: 0, refusedForAnother: 0 };
      for (const fixture of all) {
        const name = path.relative(FIXTURES, fixture.file);
        const response = await importDocument(analyst, readJson(fixture.file));
        if (fixture.expectation === 'failing') {
          assert.equal(response.statusCode, 422, `${name}: ${response.body}`);
          assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
          const problem = response.json();
          assert.match(problem.reason, new RegExp(`\\b${fixture.test.replaceAll('.', '\\.')}\\b`), `${name} names test ${fixture.test}: ${problem.reason}`);
          assert.ok(problem.field, `${name}: the problem names the JSON path`);
          counts.refused += 1;
          continue;
        }
        const ownTestFails = (await validateCsaf(readJson(fixture.file))).some((f) => f.test === fixture.test);
        assert.equal(ownTestFails, false, `${name} passes test ${fixture.test}`);
        const other = REFUSED_FOR_ANOTHER_TEST[name];
        if (other) {
          assert.equal(response.statusCode, 422, `${name}: ${response.body}`);
          assert.match(response.json().reason, new RegExp(`\\b${other.replaceAll('.', '\\.')}\\b`));
          counts.refusedForAnother += 1;
        } else {
          assert.equal(response.statusCode, 201, `${name}: ${response.body}`);
          counts.accepted += 1;
        }
      }
      assert.deepEqual(counts, { refused: 13, accepted: 7, refusedForAnother: 2 });
    });

    test('bsi-2022-0001: TLP WHITE imports as CLEAR and re-exports the same document', async (t) => {
      const file = csafTestdata('bsi-2022-0001.json');
      if (!file) {
        t.skip(`bsi-2022-0001.json not found under ${CSAF_TESTDATA}`);
        return;
      }
      const original = readJson(file) as { document: { tracking: Record<string, unknown> & { revision_history: object[] }; distribution: { tlp: { label: string } } } };
      const response = await importDocument(analyst, original);
      assert.equal(response.statusCode, 201, response.body);
      const { advisory, version } = response.json();
      assert.equal(version, 1);
      assert.equal(advisory.tlp, 'CLEAR');
      assert.equal(advisory.distribution, 'community');
      assert.equal(advisory.trackingId, 'BSI-2022-0001');
      assert.equal(advisory.category, 'csaf_security_advisory');
      assert.equal(advisory.csafFileName, 'bsi-2022-0001.json');
      assert.equal(advisory.vulnerabilities[0].cve, 'CVE-2022-27193');
      assert.deepEqual(advisory.vulnerabilities[0].productStatus.knownAffected, ['CSAFPID-0001', 'CSAFPID-0002', 'CSAFPID-0003', 'CSAFPID-0004', 'CSAFPID-0005']);
      assert.equal(advisory.productTree[0].vendor, 'CSAF Tools');
      const exported = await exportDocument(otherAnalyst, advisory.id);
      assert.deepEqual(exported, original);
      assert.equal(exported.document.distribution.tlp.label, 'WHITE');

      // The publisher's next version becomes version 2 of the same advisory, under the team's handling;
      // the first stays retrievable.
      const narrowed = await app.request({ method: 'PATCH', url: `/api/v1/advisories/${advisory.id}`, session: analyst, payload: { distribution: 'organisation' } });
      assert.equal(narrowed.statusCode, 200, narrowed.body);
      const next = structuredClone(original);
      Object.assign(next.document.tracking, { version: '2', current_release_date: '2022-04-01T09:00:00.000Z' });
      next.document.tracking.revision_history.push({ date: '2022-04-01T09:00:00.000Z', number: '2', summary: 'Fixed product list' });
      const second = await importDocument(analyst, next);
      assert.equal(second.statusCode, 201, second.body);
      assert.equal(second.json().version, 2);
      assert.equal(second.json().advisory.id, advisory.id);
      assert.equal(second.json().advisory.distribution, 'organisation');
      assert.equal(second.json().advisory.tlp, 'CLEAR');
      assert.deepEqual(await exportDocument(analyst, advisory.id), next);
      assert.equal((await app.request({ method: 'GET', url: `/api/v1/advisories/${advisory.id}`, session: otherAnalyst })).statusCode, 404);
      const first = await app.request({ method: 'GET', url: `/api/v1/advisories/${advisory.id}/versions/1/csaf`, session: analyst });
      assert.deepEqual(first.json(), original);
      assert.equal((await importDocument(analyst, original)).statusCode, 409, 'an older version than the one held');
    });

    test('2022-evd-uc-01-na-001 (no distribution): imported as AMBER unless the caller says otherwise, never as CLEAR', async (t) => {
      const file = csafTestdata('2022-evd-uc-01-na-001.json');
      if (!file) {
        t.skip(`2022-evd-uc-01-na-001.json not found under ${CSAF_TESTDATA}`);
        return;
      }
      const original = readJson(file) as { document: Record<string, unknown> };
      const response = await importDocument(analyst, original);
      assert.equal(response.statusCode, 201, response.body);
      const { advisory } = response.json();
      assert.equal(advisory.tlp, 'AMBER');
      assert.equal(advisory.category, 'csaf_vex');
      assert.deepEqual(advisory.vulnerabilities[0].productStatus, { knownNotAffected: ['CSAFPID-0001'] });
      const exported = await exportDocument(analyst, advisory.id);
      assert.deepEqual(exported, { ...original, document: { ...original.document, distribution: { tlp: { label: 'AMBER', url: 'https://www.first.org/tlp/' } } } });
      assert.deepEqual(await validateCsaf(exported), []);

      const chosen = await importDocument(otherAnalyst, original, '?tlp=RED');
      assert.equal(chosen.statusCode, 201, chosen.body);
      assert.equal(chosen.json().advisory.tlp, 'RED');
      assert.equal(chosen.json().advisory.distribution, 'organisation', 'TLP:RED goes to named recipients only');
      assert.equal((await exportDocument(otherAnalyst, chosen.json().advisory.id)).document.distribution.tlp.label, 'RED');
    });
  });
}
