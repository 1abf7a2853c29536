import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, ADMIN_EMAIL, ADMIN_PASSWORD, type Session, type TestApp } from '../../../test/helpers/app.ts';
import { testEngines } from '../../../test/helpers/store.ts';

type Json = Record<string, any>;

for (const engine of await testEngines()) {
  describe(`shared intelligence (${engine})`, () => {
    let app: TestApp;
    const team = { A: '', B: '', C: '' };
    let analystA: Session;
    let analystB: Session;
    let analystC: Session;
    let readerA: Session;
    let groupAB: string;

    before(async () => {
      app = await startTestApp(engine);
      team.A = await app.addOrganisation('INTEL-A', 'MY');
      team.B = await app.addOrganisation('INTEL-B', 'ID');
      team.C = await app.addOrganisation('INTEL-C', 'SA');
      analystA = await app.addUser(team.A, 'analyst');
      analystB = await app.addUser(team.B, 'analyst');
      analystC = await app.addUser(team.C, 'analyst');
      readerA = await app.addUser(team.A, 'reader');
      const managerA = await app.addUser(team.A, 'org-admin');
      const group = await app.request({ method: 'POST', url: '/api/v1/sharing-groups', session: managerA, payload: { name: 'A and B', members: [{ orgId: team.B }] } });
      groupAB = group.json().id;
    });
    after(() => app.close());

    const call = (session: Session | undefined, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
      app.request({ method, url: `/api/v1${url}`, session, ...(payload ? { payload } : {}) });
    const createEvent = async (session: Session, payload: Json) => {
      const response = await call(session, 'POST', '/events', payload);
      assert.equal(response.statusCode, 201, response.body);
      return response.json() as Json;
    };
    const indicatorsOf = async (session: Session, eventId: string) => ((await call(session, 'GET', `/events/${eventId}/indicators?limit=1000`)).json() as Json).items as Json[];
    const counts = async () => ({
      events: (await app.ctx.store.db.selectFrom('event').select('id').execute()).length,
      indicators: (await app.ctx.store.db.selectFrom('indicator').select('id').execute()).length,
    });

    const phishing = {
      info: 'Phishing wave against ministries',
      tlp: 'GREEN',
      distribution: 'community',
      threatLevel: 'medium',
      tags: ['rsit:fraud="phishing"', 'attack:technique="T1566.002"'],
      indicators: [
        { type: 'url', value: 'hxxps://login.evil-example[.]net/Path?x=1' },
        { type: 'domain', value: 'Evil-Example[.]NET' },
        { type: 'ip-dst', value: '45.33.32.156' },
        { type: 'sha256', value: 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855' },
        { type: 'ip-dst', value: '10.1.2.3', comment: 'internal relay' },
      ],
      objects: [{ name: 'file', attributes: [{ relation: 'filename', type: 'filename', value: 'invoice.pdf.exe' }, { relation: 'md5', type: 'md5', value: 'D41D8CD98F00B204E9800998ECF8427E' }] }],
    };
    let phishingEvent: Json;

    test('an analyst creates an event whose values are validated and normalised', async () => {
      phishingEvent = await createEvent(analystA, phishing);
      assert.equal(phishingEvent.ownerOrgId, team.A);
      assert.equal(phishingEvent.published, false);
      assert.deepEqual(phishingEvent.tags, ['attack:technique="T1566.002"', 'rsit:fraud="phishing"']);
      assert.equal(phishingEvent.indicatorCount, 7);
      const indicators = await indicatorsOf(analystA, phishingEvent.id);
      const byType = (type: string) => indicators.find((i) => i.type === type)!;
      assert.equal(byType('domain').normalised, 'evil-example.net');
      assert.equal(byType('sha256').normalised, 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
      assert.match(byType('url').normalised, /^https:\/\/login\.evil-example\.net\/Path\?x=1$/);
      assert.equal(byType('md5').objectName, 'file');
      assert.equal(byType('md5').objectRelation, 'md5');
      const relay = indicators.find((i) => i.value === '10.1.2.3')!;
      assert.ok(relay.warning, 'a private address is flagged by the starter warninglist');
      assert.equal(indicators.find((i) => i.value === '45.33.32.156')!.warning, null);
    });

    const refusals: [string, Json, string][] = [
      ['an impossible IP', { indicators: [{ type: 'ip-dst', value: '999.1.1.1' }] }, 'indicators[0].value'],
      ['a hash of the wrong length', { indicators: [{ type: 'sha256', value: 'abc123' }] }, 'indicators[0].value'],
      ['a URL without a host', { indicators: [{ type: 'url', value: 'http://' }] }, 'indicators[0].value'],
      ['an unknown type', { indicators: [{ type: 'colour', value: 'green' }] }, 'indicators[0].type'],
      ['an indicator looser than its event (TLP)', { tlp: 'AMBER', indicators: [{ type: 'domain', value: 'a.example.org', tlp: 'GREEN' }] }, 'indicators[0].tlp'],
      ['an indicator looser than its event (distribution)', { distribution: 'organisation', indicators: [{ type: 'domain', value: 'a.example.org', distribution: 'community' }] }, 'indicators[0].distribution'],
      ['TLP:RED to the whole community', { tlp: 'RED', distribution: 'community' }, 'distribution'],
      ['a sharing group left unnamed', { distribution: 'sharing_group' }, 'sharingGroupId'],
      ['TLP given as a tag', { tags: ['tlp:amber'] }, 'tags[0]'],
      ['an unknown RSIT value', { tags: ['rsit:fraud="gossip"'] }, 'tags[0]'],
      ['an object missing what its template requires', { objects: [{ name: 'url', attributes: [{ relation: 'port', type: 'port', value: '443' }] }] }, 'objects[0]'],
    ];
    for (const [what, change, field] of refusals) {
      test(`refuses ${what}, naming ${field}, writing nothing`, async () => {
        const before = await counts();
        const response = await call(analystA, 'POST', '/events', { info: 'Refused', tlp: 'GREEN', distribution: 'community', ...change });
        assert.ok(response.statusCode === 422 || response.statusCode === 400, `${response.statusCode} ${response.body}`);
        assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
        assert.ok(String(response.json().field).startsWith(field), `${response.json().field} should name ${field}`);
        assert.deepEqual(await counts(), before);
      });
    }

    test("a sharing group of other teams cannot be used", async () => {
      const managerC = await app.addUser(team.C, 'org-admin');
      const groupC = (await call(managerC, 'POST', '/sharing-groups', { name: 'C alone' })).json().id;
      const response = await call(analystA, 'POST', '/events', { info: 'x', tlp: 'AMBER', distribution: 'sharing_group', sharingGroupId: groupC });
      assert.equal(response.statusCode, 422);
      assert.equal(response.json().field, 'sharingGroupId');
    });

    test('readers cannot publish intelligence', async () => {
      assert.equal((await call(readerA, 'POST', '/events', { info: 'x', tlp: 'GREEN', distribution: 'community' })).statusCode, 403);
    });

    test('an unpublished event stays with its team; publishing shares it as its handling allows', async () => {
      assert.equal((await call(analystB, 'GET', `/events/${phishingEvent.id}`)).statusCode, 404);
      assert.equal((await call(readerA, 'GET', `/events/${phishingEvent.id}`)).statusCode, 200);
      const published = await call(analystA, 'POST', `/events/${phishingEvent.id}/publish`);
      assert.equal(published.statusCode, 200);
      assert.ok(published.json().modified > phishingEvent.modified, 'publishing is a new version');
      assert.equal((await call(analystB, 'GET', `/events/${phishingEvent.id}`)).statusCode, 200);
      assert.equal((await call(analystC, 'GET', `/events/${phishingEvent.id}`)).statusCode, 200);
      assert.equal((await call(undefined, 'GET', `/events/${phishingEvent.id}`)).statusCode, 401);
    });

    test('a sharing-group event reaches its members and nobody else; an indicator may narrow further', async () => {
      const event = await createEvent(analystA, {
        info: 'Ransomware affiliate infrastructure',
        tlp: 'AMBER',
        distribution: 'sharing_group',
        sharingGroupId: groupAB,
        published: true,
        indicators: [
          { type: 'hostname', value: 'c2.ransom-example.org' },
          { type: 'ip-dst', value: '45.33.0.0/16' },
          { type: 'domain', value: 'only-a.ransom-example.org', distribution: 'organisation' },
        ],
      });
      assert.equal((await call(analystB, 'GET', `/events/${event.id}`)).json().indicatorCount, 2);
      assert.equal((await call(analystA, 'GET', `/events/${event.id}`)).json().indicatorCount, 3);
      assert.equal((await call(analystC, 'GET', `/events/${event.id}`)).statusCode, 404);
      const listedForC = (await call(analystC, 'GET', '/events?limit=500')).json().items as Json[];
      assert.ok(!listedForC.some((e) => e.id === event.id));
      const redEvent = await createEvent(analystA, { info: 'Named recipients only', tlp: 'RED', distribution: 'organisation', published: true });
      assert.equal((await call(analystB, 'GET', `/events/${redEvent.id}`)).statusCode, 404);
    });

    test('only the owner team edits its events', async () => {
      const edit = await call(analystB, 'PATCH', `/events/${phishingEvent.id}`, { info: 'Hijacked' });
      assert.equal(edit.statusCode, 403);
      const own = await call(analystA, 'PATCH', `/events/${phishingEvent.id}`, { analysis: 'complete' });
      assert.equal(own.statusCode, 200, own.body);
      assert.equal(own.json().analysis, 'complete');
    });

    test('correlation finds the same value and containing blocks, only among what the viewer may see', async () => {
      const eventB = await createEvent(analystB, {
        info: 'Seen in our constituency',
        tlp: 'GREEN',
        distribution: 'community',
        published: true,
        indicators: [{ type: 'hostname', value: 'EVIL-EXAMPLE.net.' }, { type: 'ip-src', value: '45.33.32.156' }, { type: 'ip-src', value: '10.1.2.3' }],
      });
      const mine = await indicatorsOf(analystB, eventB.id);
      const host = mine.find((i) => i.type === 'hostname')!;
      const seenByB = (await call(analystB, 'GET', `/indicators/${host.id}/correlations`)).json();
      assert.equal(seenByB.skipped, null);
      assert.ok(seenByB.matches.some((m: Json) => m.eventId === phishingEvent.id && m.value === 'Evil-Example.NET'));
      assert.equal(seenByB.teams, 1);
      assert.equal(seenByB.countries, 1);

      const ip = mine.find((i) => i.value === '45.33.32.156')!;
      const ipMatchesForB = (await call(analystB, 'GET', `/indicators/${ip.id}/correlations`)).json().matches as Json[];
      assert.ok(ipMatchesForB.some((m) => m.value === '45.33.0.0/16'), 'B sees the block shared with its group');
      assert.ok(ipMatchesForB.some((m) => m.eventId === phishingEvent.id), 'and the same address in the community event');

      const relay = mine.find((i) => i.value === '10.1.2.3')!;
      assert.equal((await call(analystB, 'GET', `/indicators/${relay.id}/correlations`)).json().skipped, 'warninglisted');

      // C shares the address but may not see the group's block: its correlations never mention it.
      const eventC = await createEvent(analystC, { info: 'C too', tlp: 'GREEN', distribution: 'community', published: true, indicators: [{ type: 'ip-dst', value: '45.33.32.156' }] });
      const ipOfC = (await indicatorsOf(analystC, eventC.id))[0]!;
      const matchesForC = (await call(analystC, 'GET', `/indicators/${ipOfC.id}/correlations`)).json().matches as Json[];
      assert.ok(!matchesForC.some((m) => m.value === '45.33.0.0/16'));
      assert.ok(matchesForC.length >= 2);

      const related = (await call(analystB, 'GET', `/events/${eventB.id}/correlations`)).json();
      assert.ok(related.events.some((e: Json) => e.eventId === phishingEvent.id && e.sharedValues >= 2));
      assert.equal(related.teams, 2);
      assert.equal(related.countries, 2);
    });

    test('lookup answers many values in the order asked, defanged or not, with what the viewer may see', async () => {
      const response = await call(analystC, 'POST', '/lookup', { values: ['hxxp://nothing-here[.]example', 'EVIL-EXAMPLE[.]net', '45.33.32.156', 'c2.ransom-example.org'] });
      assert.equal(response.statusCode, 200, response.body);
      const results = response.json().results as Json[];
      assert.deepEqual(results.map((r) => r.value), ['hxxp://nothing-here[.]example', 'EVIL-EXAMPLE[.]net', '45.33.32.156', 'c2.ransom-example.org']);
      assert.equal(results[0]!.matches.length, 0);
      assert.ok(results[1]!.matches.some((m: Json) => m.eventId === phishingEvent.id));
      assert.ok(results[2]!.matches.length >= 2);
      assert.equal(results[3]!.matches.length, 0, 'the group-only hostname is invisible to C');
      const forB = (await call(analystB, 'GET', '/lookup?value=c2.ransom-example.org')).json().results[0];
      assert.equal(forB.matches.length, 1);
      assert.equal(forB.matches[0].tlp, 'AMBER');
      const tooMany = await call(analystB, 'POST', '/lookup', { values: Array.from({ length: 10_001 }, (_, i) => `v${i}.example`) });
      assert.equal(tooMany.statusCode, 400);
      assert.equal(tooMany.json().field, 'values');
    });

    test('sightings are reported by analysts who see the indicator and counted per kind', async () => {
      const target = (await indicatorsOf(analystB, phishingEvent.id)).find((i) => i.type === 'domain')!;
      assert.equal((await call(analystB, 'POST', `/indicators/${target.id}/sightings`, { kind: 'sighting', source: 'proxy logs' })).statusCode, 201);
      assert.equal((await call(analystC, 'POST', `/indicators/${target.id}/sightings`, { kind: 'false-positive' })).statusCode, 201);
      assert.equal((await call(readerA, 'POST', `/indicators/${target.id}/sightings`, { kind: 'sighting' })).statusCode, 403);
      const summary = (await call(analystA, 'GET', `/indicators/${target.id}/sightings`)).json();
      assert.equal(summary.summary.sighting, 1);
      assert.equal(summary.summary.falsePositive, 1);
      assert.deepEqual(summary.items.map((s: Json) => s.orgId).sort(), [team.B, team.C].sort());
      const lookedUp = (await call(analystA, 'GET', '/lookup?value=evil-example.net')).json().results[0].matches.find((m: Json) => m.indicatorId === target.id);
      assert.equal(lookedUp.sightings.sighting, 1);
    });

    test('deleting leaves a tombstone: gone for every reader, kept as a version for peers', async () => {
      const event = await createEvent(analystA, { info: 'Short-lived', tlp: 'GREEN', distribution: 'community', published: true, indicators: [{ type: 'domain', value: 'gone.example.org' }] });
      const key = 'dom:gone.example.org';
      const countBefore = await app.ctx.store.db.selectFrom('correlation_count').select('n').where('correlation_key', '=', key).executeTakeFirst();
      assert.equal(Number(countBefore?.n), 1);
      assert.equal((await call(analystB, 'DELETE', `/events/${event.id}`)).statusCode, 403);
      assert.equal((await call(analystA, 'DELETE', `/events/${event.id}`)).statusCode, 204);
      assert.equal((await call(analystA, 'GET', `/events/${event.id}`)).statusCode, 404);
      assert.equal((await call(analystB, 'GET', '/lookup?value=gone.example.org')).json().results[0].matches.length, 0);
      const row = await app.ctx.store.db.selectFrom('event').selectAll().where('id', '=', event.id).executeTakeFirstOrThrow();
      assert.equal(row.deleted, 1);
      assert.equal(row.info, '');
      assert.ok(row.modified > event.modified);
      const indicator = await app.ctx.store.db.selectFrom('indicator').selectAll().where('event_id', '=', event.id).executeTakeFirstOrThrow();
      assert.deepEqual([indicator.deleted, indicator.value], [1, '']);
      const countAfter = await app.ctx.store.db.selectFrom('correlation_count').select('n').where('correlation_key', '=', key).executeTakeFirst();
      assert.equal(Number(countAfter?.n), 0);
    });

    test('indicators are searched across events by type, tag, country and TLP, within what the viewer may see', async () => {
      const search = async (session: Session, query: string) => {
        const items: Json[] = [];
        let cursor: string | null = null;
        do {
          const url: string = `/indicators?limit=3&${query}${cursor ? `&cursor=${cursor}` : ''}`;
          const response = await call(session, 'GET', url);
          assert.equal(response.statusCode, 200, response.body);
          const page = response.json() as { items: Json[]; nextCursor: string | null };
          items.push(...page.items);
          cursor = page.nextCursor;
        } while (cursor);
        return items;
      };
      const hostnamesForB = await search(analystB, 'type=hostname');
      assert.ok(hostnamesForB.some((i) => i.value === 'c2.ransom-example.org'));
      assert.ok(hostnamesForB.every((i) => i.type === 'hostname'));
      const hostnamesForC = await search(analystC, 'type=hostname');
      assert.ok(!hostnamesForC.some((i) => i.value === 'c2.ransom-example.org'), 'the group-only hostname stays hidden');
      const tagged = await search(analystB, `tag=${encodeURIComponent('rsit:fraud="phishing"')}`);
      assert.ok(tagged.length >= 5 && tagged.every((i) => i.eventId === phishingEvent.id));
      const amber = await search(analystB, 'tlp=AMBER');
      assert.ok(amber.length >= 2 && amber.every((i) => i.tlp === 'AMBER'));
      const fromIndonesia = await search(analystA, 'country=ID');
      assert.ok(fromIndonesia.length >= 1);
      const ids = fromIndonesia.map((i) => i.id);
      assert.deepEqual(ids, [...ids].sort(), 'keyset order');
      assert.equal(new Set(ids).size, ids.length);
      assert.equal((await call(undefined, 'GET', '/indicators')).statusCode, 401);
      assert.equal((await call(analystB, 'GET', '/indicators?tlp=PURPLE')).statusCode, 400);
    });

    test('events are listed newest version first with filters and cursors', async () => {
      const byTag = (await call(analystB, 'GET', `/events?tag=${encodeURIComponent('rsit:fraud="phishing"')}`)).json().items as Json[];
      assert.deepEqual(byTag.map((e) => e.id), [phishingEvent.id]);
      const byCountry = (await call(analystB, 'GET', '/events?country=id')).json().items as Json[];
      assert.ok(byCountry.length >= 1 && byCountry.every((e) => e.ownerCountry === 'ID'));
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `/events?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const page = (await call(analystA, 'GET', url)).json() as { items: Json[]; nextCursor: string | null };
        seen.push(...page.items.map((e) => e.modified as string));
        cursor = page.nextCursor;
      } while (cursor);
      assert.deepEqual(seen, [...seen].sort().reverse());
    });
  });

  describe(`membership and shared intelligence (${engine})`, () => {
    test('a suspended team keeps its own records but receives nothing shared until reinstated', async () => {
      const app = await startTestApp(engine);
      try {
        const admin = await app.login(ADMIN_EMAIL, ADMIN_PASSWORD);
        const sharer = await app.addUser(await app.addOrganisation('MEMBER-S'), 'analyst');
        const teamT = await app.addOrganisation('MEMBER-T');
        const analystT = await app.addUser(teamT, 'analyst');
        const post = (session: Session, info: string) =>
          app.request({ method: 'POST', url: '/api/v1/events', session, payload: { info, tlp: 'GREEN', distribution: 'community', published: true } });
        const shared = (await post(sharer, 'Shared with the community')).json();
        const own = (await post(analystT, 'Our own')).json();
        const visible = async () => ((await app.request({ method: 'GET', url: '/api/v1/events', session: analystT })).json().items as Json[]).map((e) => e.id).sort();
        assert.deepEqual(await visible(), [shared.id, own.id].sort());
        const setStatus = (status: string) => app.request({ method: 'PATCH', url: `/api/v1/organisations/${teamT}`, session: admin, payload: { status } });
        assert.equal((await setStatus('suspended')).statusCode, 200);
        assert.deepEqual(await visible(), [own.id]);
        assert.equal((await app.request({ method: 'GET', url: `/api/v1/events/${shared.id}`, session: analystT })).statusCode, 404);
        assert.equal((await setStatus('member')).statusCode, 200);
        assert.deepEqual(await visible(), [shared.id, own.id].sort());
      } finally {
        await app.close();
      }
    });
  });

  describe(`anonymous access to TLP:CLEAR (${engine})`, () => {
    test('only when the operator allows it, and only published CLEAR for the community', async () => {
      const app = await startTestApp(engine, { anonymousClearAccess: true });
      try {
        const teamId = await app.addOrganisation('OPEN-A');
        const analyst = await app.addUser(teamId, 'analyst');
        const create = (tlp: string) =>
          app.request({ method: 'POST', url: '/api/v1/events', session: analyst, payload: { info: `${tlp} advisory`, tlp, distribution: 'community', published: true, indicators: [{ type: 'domain', value: `${tlp.toLowerCase()}.example.org` }] } });
        const clear = (await create('CLEAR')).json();
        const green = (await create('GREEN')).json();
        assert.equal((await app.request({ method: 'GET', url: `/api/v1/events/${clear.id}` })).statusCode, 200);
        assert.equal((await app.request({ method: 'GET', url: `/api/v1/events/${green.id}` })).statusCode, 404);
        const listed = (await app.request({ method: 'GET', url: '/api/v1/events' })).json().items as Json[];
        assert.deepEqual(listed.map((e) => e.id), [clear.id]);
      } finally {
        await app.close();
      }
    });
  });
}
