// Warninglists over HTTP: the shipped starter lists, MISP-format lists the operators load, and what a
// loaded (then disabled) list does to new indicators and their correlations. Also the shipped taxonomies.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { STARTER_WARNINGLISTS } from '../../domain/warninglists.ts';
import { startTestApp, type Session, type TestApp } from '../../../test/helpers/app.ts';
import { testEngines } from '../../../test/helpers/store.ts';

type Json = Record<string, any>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const RESOLVERS = { name: 'Test resolvers', version: 3, description: 'x', type: 'cidr', list: ['9.9.9.0/24'], matching_attributes: ['ip-src', 'ip-dst'] };

for (const engine of await testEngines()) {
  describe(`warninglists and taxonomies (${engine})`, () => {
    let app: TestApp;
    let admin: Session;
    let secretariat: Session;
    let analyst: Session;
    let reader: Session;
    before(async () => {
      app = await startTestApp(engine);
      const team = await app.addOrganisation('WL-A', 'MY');
      admin = await app.login('admin@hub.example', 'correct horse battery staple');
      secretariat = await app.addUser(app.hubOrgId, 'secretariat');
      analyst = await app.addUser(team, 'analyst');
      reader = await app.addUser(team, 'reader');
    });
    after(() => app.close());

    const call = (session: Session | undefined, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
      app.request({ method, url: `/api/v1${url}`, session, ...(payload ? { payload } : {}) });
    const list = async (session: Session) => {
      const response = await call(session, 'GET', '/warninglists');
      assert.equal(response.statusCode, 200, response.body);
      return (response.json() as { items: Json[] }).items;
    };
    const loadedRows = (name: string) => app.ctx.store.db.selectFrom('warninglist').selectAll().where('name', '=', name).execute();
    /** Creates a GREEN community event holding `indicators`; returns its indicators, in the order given. */
    const eventWith = async (indicators: Json[]) => {
      const created = await call(analyst, 'POST', '/events', { info: `Resolver check ${indicators.map((i) => i.value).join(' ')}`, tlp: 'GREEN', distribution: 'community', indicators });
      assert.equal(created.statusCode, 201, created.body);
      const eventId = created.json().id as string;
      const listed = await call(analyst, 'GET', `/events/${eventId}/indicators?limit=1000`);
      assert.equal(listed.statusCode, 200, listed.body);
      const items = (listed.json() as { items: Json[] }).items;
      assert.equal(items.length, indicators.length);
      return { eventId, indicators: indicators.map((input) => items.find((i) => i.value === input.value)!) };
    };
    const correlations = async (indicatorId: string) => {
      const response = await call(analyst, 'GET', `/indicators/${indicatorId}/correlations`);
      assert.equal(response.statusCode, 200, response.body);
      return response.json() as Json;
    };

    test('every logged-in user sees the shipped starter lists; the anonymous get 401', async () => {
      const expected = STARTER_WARNINGLISTS.map((l) => ({
        id: null,
        name: l.name,
        version: l.version,
        description: l.description,
        type: l.type,
        entries: l.list.length,
        matchingAttributes: [...l.matching_attributes],
        source: 'shipped',
        enabled: true,
        loadedAt: null,
      }));
      assert.ok(expected.length >= 5);
      for (const session of [admin, secretariat, analyst, reader]) assert.deepEqual(await list(session), expected);
      const anonymous = await call(undefined, 'GET', '/warninglists');
      assert.equal(anonymous.statusCode, 401);
      assert.match(String(anonymous.headers['content-type']), /^application\/problem\+json/);
    });

    test('only the node operators load lists: an analyst gets 403 and nothing is stored', async () => {
      for (const session of [analyst, reader]) {
        const refused = await call(session, 'POST', '/warninglists', { ...RESOLVERS, name: 'Refused list' });
        assert.equal(refused.statusCode, 403, refused.body);
        assert.match(String(refused.headers['content-type']), /^application\/problem\+json/);
      }
      assert.equal((await call(undefined, 'POST', '/warninglists', { ...RESOLVERS, name: 'Refused list' })).statusCode, 401);
      assert.deepEqual(await loadedRows('Refused list'), []);
    });

    const malformed: [string, Json, string][] = [
      ['an unknown type', { ...RESOLVERS, type: 'glob' }, 'warninglist.type'],
      ['a cidr entry that is no prefix', { ...RESOLVERS, list: ['9.9.9.0/24', 'nonsense'] }, 'warninglist.list[1]'],
      ['a cidr entry with host bits set', { ...RESOLVERS, list: ['9.9.9.9/24'] }, 'warninglist.list[0]'],
      ['a missing name', { ...RESOLVERS, name: undefined }, 'warninglist.name'],
      ['a version that is not a whole number', { ...RESOLVERS, version: '3' }, 'warninglist.version'],
      ['a list that is not an array', { ...RESOLVERS, list: '9.9.9.0/24' }, 'warninglist.list'],
      ['a matching attribute that is not a string', { ...RESOLVERS, matching_attributes: ['ip-dst', 7] }, 'warninglist.matching_attributes[1]'],
    ];
    for (const [what, body, field] of malformed) {
      test(`a list with ${what} is refused with 422 naming ${field}`, async () => {
        const response = await call(admin, 'POST', '/warninglists', body);
        assert.equal(response.statusCode, 422, response.body);
        assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
        assert.equal(response.json().field, field);
        assert.deepEqual(await loadedRows(RESOLVERS.name), []);
      });
    }

    let resolversId: string;
    test('the admin loads a MISP-format list: 201 with its summary, listed after the shipped ones', async () => {
      const response = await call(admin, 'POST', '/warninglists', RESOLVERS);
      assert.equal(response.statusCode, 201, response.body);
      const loaded = response.json() as Json;
      assert.match(loaded.id, UUID);
      resolversId = loaded.id;
      assert.equal(typeof loaded.loadedAt, 'string');
      assert.deepEqual(
        { ...loaded, id: '', loadedAt: '' },
        { id: '', name: 'Test resolvers', version: 3, description: 'x', type: 'cidr', entries: 1, matchingAttributes: ['ip-src', 'ip-dst'], source: 'loaded', enabled: true, loadedAt: '', rescan: { checked: 0, changed: 0 } },
      );
      const items = await list(analyst);
      assert.equal(items.length, STARTER_WARNINGLISTS.length + 1);
      const { rescan: _rescan, ...listed } = loaded;
      assert.deepEqual(items.at(-1), listed);
      assert.equal(items.filter((i) => i.source === 'shipped').length, STARTER_WARNINGLISTS.length);
      const audit = await app.ctx.store.db.selectFrom('audit_log').select(['action', 'details']).where('object_id', '=', resolversId).execute();
      assert.deepEqual(audit.map((a) => [a.action, JSON.parse(a.details)]), [['warninglist.load', { name: 'Test resolvers', version: 3, entries: 1 }]]);
    });

    test('loading the same name again replaces the list: same id, new version, still one row', async () => {
      const response = await call(secretariat, 'POST', '/warninglists', { ...RESOLVERS, version: 4, description: 'Quad9 and friends', list: ['9.9.9.0/24', '149.112.112.0/24'] });
      assert.equal(response.statusCode, 201, response.body);
      const replaced = response.json() as Json;
      assert.equal(replaced.id, resolversId);
      assert.equal(replaced.version, 4);
      assert.equal(replaced.entries, 2);
      assert.equal(replaced.description, 'Quad9 and friends');
      const rows = await loadedRows('Test resolvers');
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.version, 4);
      const loaded = (await list(admin)).filter((i) => i.source === 'loaded');
      const { rescan, ...withoutRescan } = replaced;
      assert.deepEqual(loaded, [withoutRescan]);
      assert.ok(rescan.checked >= 0 && rescan.changed === 0);
    });

    let warnedIndicatorId: string;
    test('a new indicator on the loaded list carries a warning naming it, and does not correlate', async () => {
      const { indicators } = await eventWith([
        { type: 'ip-dst', value: '9.9.9.9' },
        { type: 'ip-dst', value: '9.9.8.8' },
        { type: 'domain', value: '9.9.9.9.resolver-check.org' },
      ]);
      const [listed, outside, otherType] = indicators;
      assert.equal(listed!.warning, 'Test resolvers');
      assert.equal(outside!.warning, null, 'an address outside the prefix is not flagged');
      assert.equal(otherType!.warning, null, 'a type the list does not apply to is not flagged');
      warnedIndicatorId = listed!.id;
      assert.deepEqual(await correlations(warnedIndicatorId), { skipped: 'warninglisted', teams: 0, countries: 0, total: 0, matches: [] });
      const single = await call(analyst, 'GET', `/indicators/${warnedIndicatorId}`);
      assert.equal(single.json().warning, 'Test resolvers');
    });

    test('only the node operators enable or disable a list; an unknown id is 404', async () => {
      for (const session of [analyst, reader]) {
        const refused = await call(session, 'PATCH', `/warninglists/${resolversId}`, { enabled: false });
        assert.equal(refused.statusCode, 403, refused.body);
      }
      assert.equal((await call(undefined, 'PATCH', `/warninglists/${resolversId}`, { enabled: false })).statusCode, 401);
      assert.equal((await call(admin, 'PATCH', '/warninglists/00000000-0000-4000-8000-000000000000', { enabled: false })).statusCode, 404);
      assert.equal((await loadedRows('Test resolvers'))[0]!.enabled, 1);
    });

    test('disabling and enabling a list re-checks the stored indicators, old and new', async () => {
      const disabled = await call(admin, 'PATCH', `/warninglists/${resolversId}`, { enabled: false });
      assert.equal(disabled.statusCode, 200, disabled.body);
      assert.equal(disabled.json().changed, 1, 'the one flagged indicator is cleared');
      assert.ok(disabled.json().checked >= 3);
      const summary = (await list(admin)).find((i) => i.id === resolversId)!;
      assert.equal(summary.enabled, false);
      assert.equal(summary.version, 4);

      const first = (await eventWith([{ type: 'ip-dst', value: '9.9.9.9' }])).indicators[0]!;
      assert.equal(first.warning, null);
      const second = await eventWith([{ type: 'ip-dst', value: '9.9.9.9' }]);
      const secondIndicator = second.indicators[0]!;
      assert.equal(secondIndicator.warning, null);
      const found = await correlations(secondIndicator.id);
      assert.equal(found.skipped, null);
      // The indicator flagged while the list was enabled was cleared too, and correlates again.
      assert.equal(found.total, 2);
      assert.deepEqual(found.matches.map((m: Json) => m.indicatorId).sort(), [first.id, warnedIndicatorId].sort());
      assert.equal((await call(analyst, 'GET', `/indicators/${warnedIndicatorId}`)).json().warning, null);

      const enabled = await call(admin, 'PATCH', `/warninglists/${resolversId}`, { enabled: true });
      assert.equal(enabled.statusCode, 200, enabled.body);
      assert.equal(enabled.json().changed, 3, 'every stored 9.9.9.9 is flagged again');
      assert.equal((await call(analyst, 'GET', `/indicators/${first.id}`)).json().warning, 'Test resolvers');
      assert.equal((await eventWith([{ type: 'ip-src', value: '9.9.9.10' }])).indicators[0]!.warning, 'Test resolvers');
    });

    test('GET /taxonomies lists the shipped tlp, pap, rsit and attack namespaces', async () => {
      const response = await call(reader, 'GET', '/taxonomies');
      assert.equal(response.statusCode, 200, response.body);
      const items = (response.json() as { items: Json[] }).items;
      assert.deepEqual(items.map((t) => t.namespace).sort(), ['attack', 'pap', 'rsit', 'tlp']);
      const tlp = items.find((t) => t.namespace === 'tlp')!;
      assert.deepEqual(tlp.predicates.map((p: Json) => p.value), ['clear', 'green', 'amber', 'amber+strict', 'red']);
    });
  });
}
