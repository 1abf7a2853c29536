import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { startTestApp, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import { testEngines } from '../../../../test/helpers/store.ts';
import { validateBundle, validateStixObject } from '../../../domain/stix/objects.ts';
import { tlpMarkingId } from '../../../domain/stix/markings.ts';
import { stixIdOf, versionKey } from '../../../domain/stix/sanad-mapping.ts';
import { deterministicScoId } from '../../../domain/stix/identifiers.ts';

type Json = Record<string, any>;
const STIX_DATA = path.resolve(import.meta.dirname, '../../../../../shared/testdata/stix21');
const present = fs.existsSync(STIX_DATA);
const ABSENT = `third-party STIX test data not found at ${STIX_DATA}`;

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(path.join(dir, entry.name)) : entry.name.endsWith('.json') ? [path.join(dir, entry.name)] : []))
    .sort();
}

/** The objects of a document as a list, whatever its top level. */
function objectsOf(document: unknown): Json[] {
  if (Array.isArray(document)) return document as Json[];
  const json = document as Json;
  return Array.isArray(json.objects) ? json.objects : json.type === 'bundle' ? [] : [json];
}

// Files known to break STIX 2.1 rules, with the field the import must name.
const REFUSED: Record<string, { field: RegExp; reason: RegExp }> = {
  'oasis-tlp2/using-tlp2.0-green.json': { field: /^objects\[2\]\.created$/, reason: /month/ },
  // A STIX 2.0 bundle: its objects lack spec_version 2.1.
  'python-stix2-testdata/stix2_data/malware/malware--b42378e0-f147-496f-992a-26a49705395b/20170531213215263882.json': { field: /spec_version/, reason: /./ },
  // MITRE's copyright marking of 2017 was written without milliseconds.
  'python-stix2-testdata/stix2_data/marking-definition/marking-definition--fa42a846-8d90-4e51-bc29-71d5b4802168.json': { field: /created/, reason: /millisecond/ },
};

for (const engine of await testEngines()) {
  describe(`STIX 2.1 import and export (${engine})`, () => {
    let app: TestApp;
    let analystA: Session;
    let analystB: Session;
    let teamA = '';

    before(async () => {
      app = await startTestApp(engine);
      teamA = await app.addOrganisation('STX-A', 'MY');
      const teamB = await app.addOrganisation('STX-B', 'ID');
      analystA = await app.addUser(teamA, 'analyst');
      analystB = await app.addUser(teamB, 'analyst');
    });
    after(() => app.close());

    const importText = (session: Session, text: string, query = '') =>
      app.request({ method: 'POST', url: `/api/v1/stix/import${query}`, session, payload: text, headers: { 'content-type': 'application/json' } });
    const exportEvent = async (session: Session, eventId: string) => {
      const response = await app.request({ method: 'GET', url: `/api/v1/events/${eventId}/stix`, session });
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(response.headers['content-type'], 'application/stix+json;version=2.1');
      return response.json() as Json;
    };
    const eventCount = async () => Number((await app.ctx.store.db.selectFrom('event').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

    test('every third-party file imports and re-exports its objects unchanged, or is refused with the field at fault', async (t) => {
      if (!present) return t.skip(ABSENT);
      let imported = 0;
      for (const file of filesUnder(STIX_DATA)) {
        const name = path.relative(STIX_DATA, file);
        const text = fs.readFileSync(file, 'utf8');
        const before = await eventCount();
        const response = await importText(analystA, text);
        const refusal = REFUSED[name];
        if (refusal) {
          assert.equal(response.statusCode, 422, `${name}: ${response.body}`);
          const problem = response.json() as Json;
          assert.match(problem.field, refusal.field, `${name}: ${response.body}`);
          assert.match(problem.reason, refusal.reason, `${name}: ${response.body}`);
          assert.equal(await eventCount(), before, `${name}: a refused import writes nothing`);
          continue;
        }
        assert.equal(response.statusCode, 201, `${name}: ${response.body}`);
        const result = response.json() as Json;
        const input = objectsOf(JSON.parse(text));
        assert.equal(result.objects + result.skipped, input.length, name);
        if (result.objects === 0) {
          assert.equal(result.eventId, null, `${name}: nothing new, no event`);
          continue;
        }
        imported += 1;
        const bundle = await exportEvent(analystA, result.eventId);
        assert.deepEqual(validateBundle(bundle).problems, [], `${name}: the export is valid STIX 2.1`);
        const exported = new Map((bundle.objects as Json[]).map((o) => [o.id, o]));
        const comparedHere = new Set<string>();
        for (const object of input) {
          const newest = input.filter((o) => o.id === object.id).reduce((a, b) => (versionKey(b) > versionKey(a) ? b : a));
          const held = exported.get(object.id);
          // Versions held from an earlier file are not in this event; the ones stored here come back unchanged.
          if (held) {
            assert.deepEqual(held, newest, `${name}: ${object.id} comes back as it came`);
            comparedHere.add(object.id);
          }
        }
        // Every object whose newest version this import holds comes back (an older version arriving
        // late stays as history, out of the export).
        const newestHere = await app.ctx.store.db.selectFrom('stix_object').select('id').distinct().where('event_id', '=', result.eventId).where('latest', '=', 1).execute();
        assert.deepEqual([...comparedHere].sort(), newestHere.map((r) => r.id).sort(), `${name}: the objects stored from it come back in the export`);
      }
      assert.ok(imported >= 10, 'most files import');
    });

    test('simple patterns and observables become indicators that lookups find; complex patterns stay whole', async (t) => {
      if (!present) return t.skip(ABSENT);
      const text = fs.readFileSync(path.join(STIX_DATA, 'oasis-examples/threat-reports/apt1.json'), 'utf8');
      // Imported by a second team, so that versions held by the first test do not hide it.
      const response = await importText(analystB, text, '?tlp=GREEN&distribution=community&published=true');
      assert.equal(response.statusCode, 201, response.body);
      const result = response.json() as Json;
      assert.ok(result.indicators >= 9, `indicators read from the patterns: ${result.indicators}`);
      const event = (await app.request({ method: 'GET', url: `/api/v1/events/${result.eventId}`, session: analystB })).json() as Json;
      assert.match(event.info, /APT1/, 'a document with one report names the event after it');
      const lookup = (await app.request({ method: 'GET', url: `/api/v1/lookup?value=${encodeURIComponent('hugesoft.org')}`, session: analystA })).json() as Json;
      assert.ok(JSON.stringify(lookup).includes(result.eventId), `another team finds the indicator: ${JSON.stringify(lookup).slice(0, 300)}`);
      const bundle = await exportEvent(analystA, result.eventId);
      const certificate = (bundle.objects as Json[]).find((o) => o.type === 'indicator' && String(o.pattern).includes('x509-certificate:issuer'));
      assert.ok(certificate, 'an indicator whose pattern Sanad cannot index still travels');
    });

    test('a re-import stores nothing twice; a newer version replaces what was read from the older one', async () => {
      const id = 'indicator--4c6f1a8e-3d7b-4a44-9f51-7a1b8c7d0e11';
      const version = (modified: string, value: string) =>
        JSON.stringify({ type: 'bundle', id: `bundle--${crypto.randomUUID()}`, objects: [{ type: 'indicator', spec_version: '2.1', id, created: '2025-01-01T00:00:00.000Z', modified, pattern: `[domain-name:value = '${value}']`, pattern_type: 'stix', valid_from: '2026-01-01T00:00:00Z' }] });
      const first = (await importText(analystA, version('2026-01-01T00:00:00.000Z', 'old-c2.example'))).json() as Json;
      assert.equal(first.objects, 1);
      const againResponse = await importText(analystA, version('2026-01-01T00:00:00.000Z', 'old-c2.example'));
      assert.equal(againResponse.statusCode, 201, againResponse.body);
      const again = againResponse.json() as Json;
      assert.deepEqual([again.objects, again.skipped, again.eventId], [0, 1, null]);
      const newer = (await importText(analystA, version('2026-02-01T00:00:00.000Z', 'new-c2.example'))).json() as Json;
      assert.equal(newer.objects, 1);
      const rows = await app.ctx.store.db.selectFrom('stix_object').select(['version', 'latest']).where('id', '=', id).orderBy('version').execute();
      assert.deepEqual(rows.map((r) => r.latest), [0, 1], 'both versions kept, the newest flagged');
      const live = await app.ctx.store.db.selectFrom('indicator').select(['value', 'deleted']).where('stix_id', '=', id).orderBy('value').execute();
      assert.deepEqual(live.filter((r) => r.deleted === 0).map((r) => r.value), ['new-c2.example']);
      // An older version arriving late is kept as history and changes nothing.
      const late = (await importText(analystA, version('2025-12-01T00:00:00.000Z', 'older.example'))).json() as Json;
      assert.equal(late.objects, 1);
      const stillLive = await app.ctx.store.db.selectFrom('indicator').select('value').where('stix_id', '=', id).where('deleted', '=', 0).execute();
      assert.deepEqual(stillLive.map((r) => r.value), ['new-c2.example']);
    });

    test('an unknown marking reference is never taken for a TLP level: the object stays with its team', async (t) => {
      if (!present) return t.skip(ABSENT);
      const text = fs.readFileSync(path.join(STIX_DATA, 'oasis-examples/interop-objectmarking-test.json'), 'utf8');
      // A team of its own: the first test's team holds these versions already.
      const analystC = await app.addUser(await app.addOrganisation('STX-C', 'SA'), 'analyst');
      const response = await importText(analystC, text, '?tlp=GREEN&distribution=community&published=true');
      assert.equal(response.statusCode, 201, response.body);
      const result = response.json() as Json;
      assert.ok(result.warnings.some((w: string) => /not defined/.test(w)), JSON.stringify(result.warnings));
      const campaignId = (JSON.parse(text) as Json).id;
      const own = await exportEvent(analystC, result.eventId);
      assert.ok((own.objects as Json[]).some((o) => o.id === campaignId), 'the importing team keeps it');
      const other = await exportEvent(analystB, result.eventId);
      assert.ok(!(other.objects as Json[]).some((o) => o.id === campaignId), 'no other team receives it');
    });

    test("a Sanad event exports as valid STIX: indicators with patterns, observables with deterministic ids, the report and TLP markings", async () => {
      const created = await app.request({
        method: 'POST',
        url: '/api/v1/events',
        session: analystA,
        payload: {
          info: 'Phishing wave',
          tlp: 'AMBER',
          published: true,
          distribution: 'community',
          tags: ['rsit:fraud="phishing"'],
          indicators: [
            { type: 'domain', value: 'login-portal.example' },
            { type: 'ip-dst', value: '203.0.113.9', tlp: 'RED', distribution: 'organisation' },
            { type: 'sha256', value: 'ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c' },
            { type: 'text', value: 'seen in three ministries' },
          ],
        },
      });
      assert.equal(created.statusCode, 201, created.body);
      const eventId = (created.json() as Json).id;
      assert.ok(eventId, created.body);
      // Another team reports seeing the domain twice.
      const domain = ((await app.request({ method: 'GET', url: `/api/v1/events/${eventId}/indicators`, session: analystA })).json() as Json).items.find((i: Json) => i.type === 'domain');
      for (const seenAt of ['2026-03-01T10:00:00.000Z', '2026-03-02T10:00:00.000Z']) {
        const reported = await app.request({ method: 'POST', url: `/api/v1/indicators/${domain.id}/sightings`, session: analystB, payload: { kind: 'sighting', seenAt } });
        assert.equal(reported.statusCode, 201, reported.body);
      }
      const bundle = await exportEvent(analystA, eventId);
      assert.deepEqual(validateBundle(bundle).problems, []);
      const objects = bundle.objects as Json[];
      for (const object of objects) assert.deepEqual(validateStixObject(object), [], object.id);
      const patterns = objects.filter((o) => o.type === 'indicator').map((o) => o.pattern).sort();
      assert.deepEqual(patterns, [
        "[domain-name:value = 'login-portal.example']",
        "[file:hashes.'SHA-256' = 'ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c']",
        "[ipv4-addr:value = '203.0.113.9']",
      ]);
      const ip = objects.find((o) => o.type === 'ipv4-addr');
      assert.equal(ip?.id, deterministicScoId('ipv4-addr', { value: '203.0.113.9' }), 'observables carry their deterministic id');
      assert.ok(objects.some((o) => o.id === tlpMarkingId('RED')), 'the stricter indicator brings its marking');
      const sighting = objects.find((o) => o.type === 'sighting');
      assert.ok(sighting, 'the other team\'s sightings travel');
      assert.deepEqual([sighting.count, sighting.first_seen, sighting.last_seen], [2, '2026-03-01T10:00:00.000Z', '2026-03-02T10:00:00.000Z']);
      assert.equal(sighting.sighting_of_ref, objects.find((o) => o.type === 'indicator' && String(o.pattern).includes('login-portal'))?.id);
      assert.ok(objects.some((o) => o.id === sighting.where_sighted_refs[0] && o.type === 'identity'), 'the sighting team is in the bundle');
      const report = objects.find((o) => o.type === 'report');
      assert.equal(report?.id, stixIdOf('report', 'event', eventId));
      assert.ok(objects.filter((o) => o.type !== 'report').every((o) => report!.object_refs.includes(o.id)), 'the report names every object');
      // Another team sees the event but not the RED indicator, nor its observable.
      const other = (await exportEvent(analystB, eventId)).objects as Json[];
      assert.ok(!other.some((o) => o.type === 'ipv4-addr' || String(o.pattern).includes('203.0.113.9')));
      // Re-importing the export keeps every object as it was.
      const back = await importText(analystB, JSON.stringify(bundle));
      assert.equal(back.statusCode, 201, back.body);
    });

    test('bad documents are refused with the field at fault, and write nothing', async () => {
      const bundleOf = (...objects: Json[]) => JSON.stringify({ type: 'bundle', id: 'bundle--5d0092c5-5f74-4287-9642-33f4c354e56d', objects });
      const indicator = { type: 'indicator', spec_version: '2.1', id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', created: '2026-01-01T00:00:00.000Z', modified: '2026-01-01T00:00:00.000Z', pattern: "[ipv4-addr:value = '198.51.100.1']", pattern_type: 'stix', valid_from: '2026-01-01T00:00:00Z' };
      const cases: [string, string, RegExp][] = [
        ['a pattern that does not parse', bundleOf(indicator, { ...indicator, id: 'indicator--0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9', pattern: "[ipv4-addr:value = '1.2.3.4'" }), /^objects\[1\]\.pattern$/],
        ['a wrong id', bundleOf({ ...indicator, id: 'indicator-8e2e2d2b' }), /^objects\[0\]\.id$/],
        ['a timestamp without Z', bundleOf({ ...indicator, modified: '2026-01-01T00:00:00.000' }), /^objects\[0\]\.modified$/],
        ['no bundle type', JSON.stringify({ id: 'bundle--5d0092c5-5f74-4287-9642-33f4c354e56d', objects: [indicator] }), /^type$/],
        ['malformed JSON', '{"type": "bundle", "objects": [', /^body$/],
        ['not JSON at all', 'hello', /^body$/],
      ];
      for (const [label, text, field] of cases) {
        const before = await eventCount();
        const response = await importText(analystA, text);
        assert.ok(response.statusCode === 422 || response.statusCode === 400, `${label}: ${response.statusCode} ${response.body}`);
        assert.match((response.json() as Json).field, field, `${label}: ${response.body}`);
        assert.equal(await eventCount(), before, `${label}: nothing written`);
      }
      const reader = await app.addUser(teamA, 'reader');
      assert.equal((await importText(reader, bundleOf(indicator))).statusCode, 403);
      assert.equal((await app.request({ method: 'POST', url: '/api/v1/stix/import', payload: bundleOf(indicator), headers: { 'content-type': 'application/json' } })).statusCode, 401);
    });

    test('arbitrary documents never make the import fail other than with a 4xx', async () => {
      const stixish = fc.oneof(
        fc.json(),
        fc.record({ type: fc.constantFrom('bundle', 'indicator', 'report', 'x-custom'), id: fc.oneof(fc.string(), fc.uuid().map((u) => `indicator--${u}`)), objects: fc.array(fc.jsonValue(), { maxLength: 3 }) }).map((o) => JSON.stringify(o)),
      );
      await fc.assert(
        fc.asyncProperty(stixish, async (text) => {
          const response = await importText(analystA, text);
          assert.ok(response.statusCode < 500, `${response.statusCode} ${response.body} for ${text.slice(0, 200)}`);
        }),
        { numRuns: 60 },
      );
    });
  });
}
