import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import { assertRejectsInvalid } from '../../../../test/helpers/invalid.ts';
import { testEngines } from '../../../../test/helpers/store.ts';
import { systemViewer } from '../../../policy/viewer.ts';
import { importMisp } from './service.ts';

type Json = Record<string, any>;

// A third-party file (the MISP project's misp-stix test events): a restSearch envelope with two
// events, an AS and a domain attribute, no distribution. Read where it lies, never copied here.
const COLLECTION = path.resolve(import.meta.dirname, '../../../../../shared/testdata/misp/test_events_collection_1.json');

const md5 = (text: string) => crypto.createHash('md5').update(text).digest('hex');
const uuid = () => crypto.randomUUID();

/** A MISP event with `count` domain attributes; `bad` replaces the attribute at that index. */
function mispEvent(count: number, extra: Json = {}, bad?: { at: number; attribute: Json }): Json {
  const attributes = Array.from({ length: count }, (_, i) => ({ uuid: uuid(), type: 'domain', category: 'Network activity', value: `host-${i}.misp-test.example`, to_ids: '1' }));
  if (bad) attributes[bad.at] = bad.attribute as (typeof attributes)[number];
  return { Event: { uuid: uuid(), info: 'MISP test event', date: '2024-05-02', timestamp: '1714640000', threat_level_id: '3', analysis: '0', distribution: '1', published: true, Tag: [{ name: 'tlp:green' }], Attribute: attributes, ...extra } };
}

for (const engine of await testEngines()) {
  describe(`MISP exchange (${engine})`, () => {
    let app: TestApp;
    const team = { A: '', B: '', C: '' };
    let analystA: Session;
    let analystB: Session;
    let analystC: Session;
    let readerA: Session;
    let groupAB: string;

    before(async () => {
      app = await startTestApp(engine);
      team.A = await app.addOrganisation('MISP-A', 'MY');
      team.B = await app.addOrganisation('MISP-B', 'ID');
      team.C = await app.addOrganisation('MISP-C', 'SA');
      analystA = await app.addUser(team.A, 'analyst');
      analystB = await app.addUser(team.B, 'analyst');
      analystC = await app.addUser(team.C, 'analyst');
      readerA = await app.addUser(team.A, 'reader');
      const managerA = await app.addUser(team.A, 'org-admin');
      groupAB = (await app.request({ method: 'POST', url: '/api/v1/sharing-groups', session: managerA, payload: { name: 'MISP A and B', members: [{ orgId: team.B }] } })).json().id;
    });
    after(() => app.close());

    const importDoc = (body: string | Buffer, session: Session = analystA, query = '') =>
      app.request({ method: 'POST', url: `/api/v1/misp/import${query}`, session, payload: body, headers: { 'content-type': 'application/json' } });
    const get = (url: string, session?: Session, apiKey?: string) => app.request({ method: 'GET', url: `/api/v1${url}`, ...(session && { session }), ...(apiKey && { apiKey }) });
    const createEvent = async (session: Session, payload: Json) => {
      const response = await app.request({ method: 'POST', url: '/api/v1/events', session, payload });
      assert.equal(response.statusCode, 201, response.body);
      return response.json() as Json;
    };
    const indicatorsOf = async (session: Session, eventId: string) => (await get(`/events/${eventId}/indicators?limit=1000`, session)).json().items as Json[];
    const rowCounts = async () => {
      const count = async (table: 'event' | 'indicator' | 'sighting' | 'misp_element' | 'intel_object' | 'audit_log') =>
        Number((await app.ctx.store.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      return { events: await count('event'), indicators: await count('indicator'), sightings: await count('sighting'), elements: await count('misp_element'), objects: await count('intel_object'), audit: await count('audit_log') };
    };

    test('the misp-stix test collection imports: two events, their AS and domain attributes', async (t) => {
      if (!fs.existsSync(COLLECTION)) {
        t.skip(`third-party test file not found at ${COLLECTION}`);
        return;
      }
      const response = await importDoc(fs.readFileSync(COLLECTION));
      assert.equal(response.statusCode, 200, response.body);
      const result = response.json();
      assert.deepEqual(
        { events: result.events, created: result.created, updated: result.updated, skipped: result.skipped, attributes: result.attributes, objects: result.objects, sightings: result.sightings },
        { events: 2, created: 2, updated: 0, skipped: 0, attributes: 2, objects: 0, sightings: 0 },
      );
      // The MISP uuids become the events' ids; no distribution and no TLP tag: the cautious defaults.
      assert.deepEqual(result.items.map((i: Json) => i.id), ['e2e6a6ea-f69b-4d93-8564-f51d67cafe51', 'd402185f-c129-4f65-8678-43edb2cee1cf']);
      assert.deepEqual(result.items[0].notes, ['no tlp: tag: TLP:AMBER assumed', 'no distribution: organisation assumed']);
      const event = (await get('/events/d402185f-c129-4f65-8678-43edb2cee1cf', analystA)).json();
      assert.deepEqual([event.info, event.date, event.threatLevel, event.tlp, event.distribution, event.published, event.ownerOrgId], ['MISP-STIX-Converter test event with domain attribute', '2020-10-25', 'medium', 'AMBER', 'organisation', false, team.A]);
      const [domain] = await indicatorsOf(analystA, event.id);
      assert.deepEqual([domain!.type, domain!.category, domain!.value, domain!.toIds, domain!.comment], ['domain', 'Network activity', 'circl.lu', true, 'Domain test attribute']);
      const [as] = await indicatorsOf(analystA, 'e2e6a6ea-f69b-4d93-8564-f51d67cafe51');
      assert.deepEqual([as!.type, as!.value], ['AS', 'AS174']);
      // Kept to the importing team: another team sees neither.
      assert.equal((await get(`/events/${event.id}`, analystB)).statusCode, 404);

      const again = (await importDoc(fs.readFileSync(COLLECTION))).json();
      assert.deepEqual([again.created, again.updated, again.skipped], [0, 0, 2]);
      assert.match(again.items[0].reason, /^not newer than the copy held \(timestamp 1603642920 ≤ 1603642920\)$/);
    });

    test('round trip: a Sanad event to MISP JSON and back is the same event', async () => {
      const original = await createEvent(analystA, {
        info: 'Round trip: credential phishing',
        date: '2024-04-30',
        threatLevel: 'high',
        analysis: 'ongoing',
        tlp: 'AMBER',
        pap: 'GREEN',
        distribution: 'sharing_group',
        sharingGroupId: groupAB,
        published: true,
        tags: ['rsit:fraud="phishing"', 'misp-galaxy:threat-actor="APT 28"', 'OSINT'],
        indicators: [
          { type: 'url', value: 'https://login.round-trip.example/owa', comment: 'landing page', toIds: true, firstSeen: '2024-04-01T10:00:00.000Z', lastSeen: '2024-04-20T10:00:00.000Z' },
          { type: 'ip-dst', value: '203.0.113.9', tlp: 'RED', distribution: 'organisation', tags: ['kill-chain:c2'] },
          { type: 'email-src', value: 'billing@round-trip.example', category: 'Social network', toIds: false },
          { type: 'filename|sha256', value: 'invoice.exe|9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' },
        ],
        objects: [
          { name: 'file', comment: 'dropper', attributes: [{ relation: 'filename', type: 'filename', value: 'invoice.pdf.exe' }, { relation: 'md5', type: 'md5', value: 'd41d8cd98f00b204e9800998ecf8427e' }, { relation: 'size-in-bytes', type: 'other', value: '73802' }] },
          { name: 'domain-ip', attributes: [{ relation: 'domain', type: 'domain', value: 'c2.round-trip.example' }, { relation: 'ip', type: 'ip-dst', value: '198.51.100.23' }] },
        ],
      });
      const landing = (await indicatorsOf(analystA, original.id)).find((i) => i.type === 'url')!;
      for (const kind of ['sighting', 'false-positive']) {
        const sighted = await app.request({ method: 'POST', url: `/api/v1/indicators/${landing.id}/sightings`, session: analystB, payload: { kind, seenAt: '2024-04-21T08:00:00.250Z' } });
        assert.equal(sighted.statusCode, 201, sighted.body);
      }

      const exported = await get(`/events/${original.id}/misp`, analystA);
      assert.equal(exported.statusCode, 200, exported.body);
      assert.match(String(exported.headers['content-type']), /^application\/json/);
      const document = exported.json();
      assert.equal(document.Event.uuid, original.id);
      assert.equal(document.Event.distribution, '4');
      assert.equal(document.Event.sharing_group_id, groupAB);
      assert.deepEqual(document.Event.Tag.slice(0, 2).map((t: Json) => t.name), ['tlp:amber', 'PAP:GREEN']);
      assert.equal(document.Event.Object.length, 2);

      // Team B imports it: the uuid belongs to A's event, so B's copy gets an id of its own.
      const imported = await importDoc(exported.body, analystB);
      assert.equal(imported.statusCode, 200, imported.body);
      const result = imported.json();
      assert.deepEqual([result.created, result.attributes, result.objects, result.sightings], [1, 9, 2, 2]);
      const copyId = result.items[0].id;
      assert.notEqual(copyId, original.id);
      assert.ok(result.items[0].notes.includes('its uuid is held by another event on this node: imported under a new id'));

      const copy = (await get(`/events/${copyId}`, analystB)).json();
      const eventFields = (e: Json) => [e.info, e.date, e.threatLevel, e.analysis, e.tlp, e.pap, e.distribution, e.sharingGroupId, e.tags, e.published];
      assert.deepEqual(eventFields(copy), eventFields(original));
      assert.equal(copy.ownerOrgId, team.B);

      const comparable = (items: Json[]) =>
        items
          .map((i) => ({ type: i.type, category: i.category, value: i.value, toIds: i.toIds, comment: i.comment, firstSeen: i.firstSeen, lastSeen: i.lastSeen, tlp: i.tlp, distribution: i.distribution, sharingGroupId: i.sharingGroupId, tags: i.tags, objectName: i.objectName, objectRelation: i.objectRelation }))
          .sort((a, b) => `${a.type}${a.value}`.localeCompare(`${b.type}${b.value}`));
      const copyIndicators = await indicatorsOf(analystB, copyId);
      assert.deepEqual(comparable(copyIndicators), comparable(await indicatorsOf(analystA, original.id)));
      const copiedLanding = copyIndicators.find((i) => i.type === 'url')!;
      const sightings = (await get(`/indicators/${copiedLanding.id}/sightings`, analystB)).json();
      assert.deepEqual(sightings.items.map((s: Json) => [s.kind, s.seenAt, s.orgId]).sort(), [
        ['false-positive', '2024-04-21T08:00:00.000Z', team.B],
        ['sighting', '2024-04-21T08:00:00.000Z', team.B],
      ]);
      // Exported again, the copy names the same attributes and objects as the original did.
      const reexported = (await get(`/events/${copyId}/misp`, analystB)).json();
      const uuids = (d: Json) => [...d.Event.Attribute.map((a: Json) => a.uuid), ...d.Event.Object.flatMap((o: Json) => [o.uuid, ...o.Attribute.map((a: Json) => a.uuid)])].sort();
      assert.deepEqual(uuids(reexported), uuids(document));

      // The same file again: nothing newer, nothing written. A re-import by A of its own export neither.
      const again = (await importDoc(exported.body, analystB)).json();
      assert.deepEqual([again.skipped, again.items[0].id], [1, copyId]);
      assert.equal((await importDoc(exported.body, analystA)).json().items[0].reason, `not newer than the copy held (timestamp ${document.Event.timestamp} ≤ ${document.Event.timestamp})`);

      // A newer version replaces B's copy: the changed value is there, the removed one gone.
      const newer = structuredClone(document);
      newer.Event.timestamp = String(Number(document.Event.timestamp) + 60);
      newer.Event.info = 'Round trip: credential phishing (update)';
      newer.Event.Attribute = newer.Event.Attribute.filter((a: Json) => a.type !== 'email-src').map((a: Json) => (a.type === 'ip-dst' ? { ...a, value: '203.0.113.10' } : a));
      const updated = (await importDoc(JSON.stringify(newer), analystB)).json();
      assert.deepEqual([updated.updated, updated.items[0].id, updated.items[0].outcome], [1, copyId, 'updated']);
      const after = await indicatorsOf(analystB, copyId);
      assert.equal((await get(`/events/${copyId}`, analystB)).json().info, 'Round trip: credential phishing (update)');
      assert.deepEqual(after.filter((i) => i.objectName === null).map((i) => i.value).sort(), ['203.0.113.10', 'https://login.round-trip.example/owa', 'invoice.exe|9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08']);
      const audit = await app.ctx.store.db.selectFrom('audit_log').select(['action', 'object_id']).where('object_id', '=', copyId).orderBy('seq').execute();
      assert.deepEqual(audit.map((a) => a.action), ['event.misp_import', 'event.misp_update']);
    });

    test('an event larger than the export batches comes out whole: every attribute once, each object once', async () => {
      const event = await createEvent(analystA, {
        info: 'Large event',
        tlp: 'GREEN',
        distribution: 'community',
        published: true,
        indicators: Array.from({ length: 1200 }, (_, i) => ({ type: 'domain', value: `plain-${i}.large-misp.example` })),
        objects: Array.from({ length: 3 }, (_, j) => ({ name: 'url', attributes: Array.from({ length: 800 }, (_, i) => ({ relation: i === 0 ? 'url' : 'domain', type: i === 0 ? 'url' : 'domain', value: i === 0 ? `https://o${j}.large-misp.example/` : `o${j}-${i}.large-misp.example` })) })),
      });
      const document = (await get(`/events/${event.id}/misp`, analystB)).json();
      assert.equal(document.Event.Attribute.length, 1200);
      assert.equal(new Set(document.Event.Attribute.map((a: Json) => a.value)).size, 1200);
      assert.deepEqual(document.Event.Object.map((o: Json) => o.Attribute.length), [800, 800, 800]);
      assert.equal(new Set(document.Event.Object.map((o: Json) => o.uuid)).size, 3);
      // Objects in creation order, each holding only its own members.
      document.Event.Object.forEach((object: Json, j: number) => assert.ok(object.Attribute.every((a: Json) => new RegExp(`(^|//)o${j}[-.]`).test(a.value)), `object ${j}`));
    });

    const refusals: [string, () => string, string, RegExp][] = [
      ['malformed JSON', () => '{"response": [{"Event": {"info": "x", "Attribute": [', 'body', /ends early|not valid JSON/],
      ['trailing garbage', () => `${JSON.stringify(mispEvent(1))} x`, 'body', /not valid JSON/],
      ['a response that is not a list', () => '{"response": {"Attribute": []}}', 'response', /must be a list of events/],
      ['an unknown top-level field', () => JSON.stringify({ response: [mispEvent(1)], extra: 1 }), 'extra', /unknown field/],
      [
        'an unknown attribute type in the second event',
        () => JSON.stringify({ response: [mispEvent(3), mispEvent(5, {}, { at: 3, attribute: { type: 'no-such-type', value: 'x' } })] }),
        'response[1].Event.Attribute[3].type',
        /unknown indicator type "no-such-type"/,
      ],
      [
        'a bad value in the second event',
        () => JSON.stringify({ response: [mispEvent(3), mispEvent(5, {}, { at: 3, attribute: { type: 'ip-dst', value: '300.1.2.3' } })] }),
        'response[1].Event.Attribute[3].value',
        /IP address/,
      ],
      [
        'a category that does not fit the type',
        () => JSON.stringify([mispEvent(2, {}, { at: 1, attribute: { type: 'md5', category: 'Financial fraud', value: 'd41d8cd98f00b204e9800998ecf8427e' } })]),
        '[0].Event.Attribute[1].category',
        /does not fit type md5/,
      ],
      ['a comment longer than Sanad takes', () => JSON.stringify(mispEvent(2, {}, { at: 0, attribute: { type: 'domain', value: 'a.example', comment: 'x'.repeat(4001) } })), 'Event.Attribute[0].comment', /4000/],
      [
        'a sharing group the team is not in',
        () => JSON.stringify({ response: [mispEvent(1, { distribution: '4', sharing_group_id: '12', SharingGroup: { uuid: '5f1c2a3b-0000-4000-8000-0000000000ff', name: 'Elsewhere' } })] }),
        'response[0].Event.SharingGroup',
        /sharing group "Elsewhere" \(5f1c2a3b-0000-4000-8000-0000000000ff\) is not one your team belongs to on this node/,
      ],
      [
        'an object attribute on a relation its template lacks',
        () => JSON.stringify(mispEvent(1, { Object: [{ name: 'file', Attribute: [{ object_relation: 'md5', type: 'sha1', value: 'da39a3ee5e6b4b0d3255bfef95601890afd80709' }] }] })),
        'Event.Object[0].Attribute[0].type',
        /relation "md5" takes type md5/,
      ],
    ];
    for (const [what, body, field, reason] of refusals) {
      test(`refuses ${what}, naming ${field}, writing nothing`, async () => {
        const before = await rowCounts();
        const response = await importDoc(body());
        assert.equal(response.statusCode, 422, response.body);
        assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
        assert.equal(response.json().field, field);
        assert.match(response.json().reason, reason);
        assert.deepEqual(await rowCounts(), before);
      });
    }

    test('refuses a document larger than the limit, writing nothing', async () => {
      const before = await rowCounts();
      const body = JSON.stringify({ response: [mispEvent(50), mispEvent(50)] });
      const chunks = (async function* () {
        for (let i = 0; i < body.length; i += 1000) yield body.slice(i, i + 1000);
      })();
      await assertRejectsInvalid(() => importMisp(app.ctx, { viewer: systemViewer('test'), sourceIp: null }, chunks, { ownerOrgId: team.A, maxBytes: 5000 }), 'body', 'larger than 5000 bytes');
      assert.deepEqual(await rowCounts(), before);
    });

    test('a response of many events streams through in small chunks, event by event, with progress', async () => {
      const events = Array.from({ length: 300 }, (_, i) => mispEvent(3, { info: `Streamed event ${i}` }));
      const body = JSON.stringify({ response: events });
      const chunks = (async function* () {
        for (let i = 0; i < body.length; i += 4096) yield Buffer.from(body.slice(i, i + 4096));
      })();
      const reports: number[] = [];
      const result = await importMisp(app.ctx, { viewer: systemViewer('test'), sourceIp: null }, chunks, { ownerOrgId: team.B, onProgress: (p) => reports.push(p.events) });
      assert.deepEqual([result.events, result.created, result.attributes, result.bytes], [300, 300, 900, body.length]);
      assert.deepEqual(result.items.map((i) => i.index), events.map((_, i) => i));
      assert.equal(reports.at(-1), 300);
      assert.equal((await get(`/events/${events[299]!.Event.uuid}`, analystB)).json().info, 'Streamed event 299');
    });

    test('readers may not import; the operator imports for a named team', async () => {
      assert.equal((await importDoc(JSON.stringify(mispEvent(1)), readerA)).statusCode, 403);
      const chunks = (async function* () {
        yield JSON.stringify(mispEvent(2));
      })();
      const result = await importMisp(app.ctx, { viewer: systemViewer('test'), sourceIp: null }, chunks, { ownerOrgId: team.C, defaultTlp: 'GREEN' });
      assert.deepEqual([result.created, result.attributes], [1, 2]);
      assert.equal((await get(`/events/${result.items[0]!.id}`, analystC)).json().ownerOrgId, team.C);
    });

    describe('the MISP feed', () => {
      let groupEvent: Json;
      let openEvent: Json;
      let draftEvent: Json;
      before(async () => {
        groupEvent = await createEvent(analystA, {
          info: 'Feed: group only',
          tlp: 'AMBER',
          distribution: 'sharing_group',
          sharingGroupId: groupAB,
          published: true,
          indicators: [{ type: 'domain', value: 'group-secret.feed-test.example' }],
        });
        openEvent = await createEvent(analystA, { info: 'Feed: community', tlp: 'GREEN', distribution: 'community', published: true, tags: ['OSINT'], indicators: [{ type: 'domain', value: 'open.feed-test.example' }] });
        draftEvent = await createEvent(analystA, { info: 'Feed: draft', tlp: 'GREEN', distribution: 'community', published: false, indicators: [{ type: 'domain', value: 'draft.feed-test.example' }] });
      });

      test('a team outside the sharing group never finds its event: not in the manifest, 404 for the file, not in hashes.csv', async () => {
        const manifest = await get('/misp/feed/manifest.json', analystC);
        assert.equal(manifest.statusCode, 200, manifest.body);
        const entries = manifest.json();
        assert.ok(entries[openEvent.id], 'the community event is listed');
        assert.equal(entries[groupEvent.id], undefined);
        assert.equal(entries[draftEvent.id], undefined);
        assert.deepEqual(entries[openEvent.id], {
          Orgc: { uuid: team.A, name: 'MISP-A national CERT' },
          Tag: [
            { name: 'tlp:green', colour: '#33FF00', exportable: true },
            { name: 'PAP:WHITE', colour: '#ffffff', exportable: true },
            { name: 'OSINT' },
          ],
          info: 'Feed: community',
          date: openEvent.date,
          analysis: 0,
          threat_level_id: 4,
          timestamp: Math.floor(Date.parse(openEvent.modified) / 1000),
        });

        assert.equal((await get(`/misp/feed/${groupEvent.id}.json`, analystC)).statusCode, 404);
        assert.equal((await get(`/events/${groupEvent.id}/misp`, analystC)).statusCode, 404);
        const hashes = (await get('/misp/feed/hashes.csv', analystC)).body;
        assert.ok(hashes.includes(`${md5('open.feed-test.example')},${openEvent.id}`));
        assert.equal(hashes.includes(groupEvent.id), false);
        assert.equal(hashes.includes(md5('group-secret.feed-test.example')), false);
        assert.equal(hashes.includes(draftEvent.id), false);
        const listed = (await get('/misp/events?limit=1000', analystC)).json();
        assert.equal(listed.response.some((e: Json) => e.Event.uuid === groupEvent.id), false);
      });

      test('a member of the group finds it everywhere, with an API key as a MISP instance would use', async () => {
        const key = (await app.request({ method: 'POST', url: '/api/v1/api-keys', session: analystB, payload: { name: 'misp feed' } })).json().key as string;
        const manifest = (await get('/misp/feed/manifest.json', undefined, key)).json();
        assert.equal(manifest[groupEvent.id].info, 'Feed: group only');
        const file = await get(`/misp/feed/${groupEvent.id}.json`, undefined, key);
        assert.equal(file.statusCode, 200, file.body);
        assert.equal(file.json().Event.uuid, groupEvent.id);
        assert.deepEqual(file.json().Event.Attribute.map((a: Json) => a.value), ['group-secret.feed-test.example']);
        assert.ok((await get('/misp/feed/hashes.csv', undefined, key)).body.includes(`${md5('group-secret.feed-test.example')},${groupEvent.id}`));
        // A draft is not in the feed, even for its owner.
        assert.equal((await get(`/misp/feed/${draftEvent.id}.json`, analystA)).statusCode, 404);
        assert.equal((await get('/misp/feed/manifest.json', analystA)).json()[draftEvent.id], undefined);
      });

      test('the anonymous get nothing while the operator has not opened TLP:CLEAR', async () => {
        for (const url of ['/misp/feed/manifest.json', '/misp/feed/hashes.csv', `/misp/feed/${openEvent.id}.json`, '/misp/events']) {
          const response = await get(url);
          assert.equal(response.statusCode, 401, url);
          assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
        }
        assert.equal((await get('/misp/feed/not-a-uuid.json', analystA)).json().field, 'file');
      });

      test('GET /misp/events streams the events the caller may see as {"response": [...]}', async () => {
        const response = await get('/misp/events?limit=1000', analystB);
        assert.equal(response.statusCode, 200, response.body);
        const events = response.json().response.map((e: Json) => e.Event);
        const ids = events.map((e: Json) => e.uuid);
        assert.ok(ids.includes(groupEvent.id) && ids.includes(openEvent.id));
        assert.equal(ids.includes(draftEvent.id), false);
        const few = (await get('/misp/events?limit=1&tlp=GREEN', analystA)).json().response;
        assert.equal(few.length, 1);
        assert.equal((await get('/misp/events?tlp=PURPLE', analystA)).json().field, 'tlp');
      });
    });
  });

  describe(`MISP feed open to the anonymous (${engine})`, () => {
    let app: TestApp;
    before(async () => {
      app = await startTestApp(engine, { anonymousClearAccess: true });
    });
    after(() => app.close());

    test('only published TLP:CLEAR events of open distribution', async () => {
      const teamId = await app.addOrganisation('MISP-OPEN');
      const analyst = await app.addUser(teamId, 'analyst');
      const make = async (info: string, tlp: string) =>
        (await app.request({ method: 'POST', url: '/api/v1/events', session: analyst, payload: { info, tlp, distribution: 'community', published: true, indicators: [{ type: 'domain', value: `${tlp.toLowerCase()}.open-feed.example` }] } })).json().id as string;
      const clear = await make('Open to all', 'CLEAR');
      const green = await make('Community only', 'GREEN');
      const manifest = (await app.request({ method: 'GET', url: '/api/v1/misp/feed/manifest.json' })).json();
      assert.deepEqual(Object.keys(manifest), [clear]);
      assert.equal((await app.request({ method: 'GET', url: `/api/v1/misp/feed/${green}.json` })).statusCode, 404);
      assert.equal((await app.request({ method: 'GET', url: `/api/v1/misp/feed/${clear}.json` })).json().Event.Tag[0].name, 'tlp:clear');
      assert.equal((await app.request({ method: 'GET', url: '/api/v1/misp/feed/hashes.csv' })).body, `${md5('clear.open-feed.example')},${clear}\n`);
    });
  });
}
