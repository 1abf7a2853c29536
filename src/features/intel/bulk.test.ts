import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type Session, type TestApp } from '../../../test/helpers/app.ts';
import { testEngines } from '../../../test/helpers/store.ts';

type Json = Record<string, any>;

/** A native event document with `count` domains; `bad` puts an impossible IP at that position. */
function document(count: number, options: { bad?: number; headerLast?: boolean; extra?: Json } = {}): string {
  const header = { info: `Bulk ${count}`, tlp: 'GREEN', distribution: 'community', published: true, ...options.extra };
  const indicators = Array.from({ length: count }, (_, i) => (i === options.bad ? { type: 'ip-dst', value: '300.0.0.1' } : { type: 'domain', value: `host-${i}.bulk-example.org` }));
  const body = { indicators };
  return JSON.stringify(options.headerLast ? { ...body, ...header } : { ...header, ...body });
}

for (const engine of await testEngines()) {
  describe(`bulk import and streamed export (${engine})`, () => {
    let app: TestApp;
    let analystA: Session;
    let analystC: Session;
    let groupEventId: string;
    before(async () => {
      app = await startTestApp(engine);
      const teamA = await app.addOrganisation('BULK-A');
      const teamB = await app.addOrganisation('BULK-B');
      const teamC = await app.addOrganisation('BULK-C');
      analystA = await app.addUser(teamA, 'analyst');
      analystC = await app.addUser(teamC, 'analyst');
      const managerA = await app.addUser(teamA, 'org-admin');
      const group = (await app.request({ method: 'POST', url: '/api/v1/sharing-groups', session: managerA, payload: { name: 'Bulk A+B', members: [{ orgId: teamB }] } })).json();
      const groupEvent = await app.request({
        method: 'POST',
        url: '/api/v1/events',
        session: analystA,
        payload: { info: 'Group only', tlp: 'AMBER', distribution: 'sharing_group', sharingGroupId: group.id, published: true, indicators: [{ type: 'domain', value: 'secret.bulk-example.org' }] },
      });
      groupEventId = groupEvent.json().id;
    });
    after(() => app.close());

    const importDoc = (payload: string, session = analystA) =>
      app.request({ method: 'POST', url: '/api/v1/events/import', session, payload, headers: { 'content-type': 'application/json' } });
    const rowCounts = async () => ({
      events: (await app.ctx.store.db.selectFrom('event').select('id').execute()).length,
      indicators: (await app.ctx.store.db.selectFrom('indicator').select('id').execute()).length,
    });

    test('imports an event larger than one batch, in one piece', async () => {
      const response = await importDoc(document(4500));
      assert.equal(response.statusCode, 201, response.body);
      const event = response.json();
      assert.equal(event.indicatorCount, 4500);
      assert.equal(event.info, 'Bulk 4500');
      const audit = await app.ctx.store.db.selectFrom('audit_log').select(['action', 'details']).where('object_id', '=', event.id).execute();
      assert.deepEqual(audit.map((a) => a.action), ['event.import']);
      assert.equal(JSON.parse(audit[0]!.details).indicators, 4500);
    });

    test('the event fields may come after the indicators', async () => {
      const response = await importDoc(document(10, { headerLast: true }));
      assert.equal(response.statusCode, 201, response.body);
      assert.equal(response.json().indicatorCount, 10);
    });

    const refusals: [string, string, string][] = [
      ['a bad value after the first batch', document(4500, { bad: 2500 }), 'indicators[2500].value'],
      ['an unknown top-level field', document(3, { extra: { colour: 'green' } }), 'colour'],
      ['an indicator with an unknown field', JSON.stringify({ info: 'x', tlp: 'GREEN', distribution: 'community', indicators: [{ type: 'domain', value: 'a.example.org', size: 3 }] }), 'indicators[0].size'],
      ['a missing TLP', JSON.stringify({ info: 'x', distribution: 'community', indicators: [] }), 'tlp'],
      ['malformed JSON', '{"info": "x", "tlp": "GREEN", "indicators": [', 'body'],
      ['not an object', '[1, 2, 3]', 'body'],
    ];
    for (const [what, payload, field] of refusals) {
      test(`refuses ${what}, naming ${field}, leaving nothing behind`, async () => {
        const before = await rowCounts();
        const response = await importDoc(payload);
        assert.equal(response.statusCode, 422, response.body);
        assert.equal(response.json().field, field);
        assert.deepEqual(await rowCounts(), before);
      });
    }

    test('exports stream only what the caller may see, in each format', async () => {
      const text = await app.request({ method: 'GET', url: '/api/v1/indicators/export?format=text&type=domain', session: analystC });
      assert.equal(text.statusCode, 200);
      assert.match(String(text.headers['content-type']), /^text\/plain/);
      const lines = text.body.trim().split('\n');
      assert.equal(lines.length, 4510);
      assert.ok(!lines.includes('secret.bulk-example.org'));
      const ownText = (await app.request({ method: 'GET', url: '/api/v1/indicators/export?format=text&type=domain', session: analystA })).body.trim().split('\n');
      assert.ok(ownText.includes('secret.bulk-example.org'));

      const csv = await app.request({ method: 'GET', url: `/api/v1/indicators/export?format=csv&eventId=${groupEventId}`, session: analystA });
      assert.match(String(csv.headers['content-type']), /^text\/csv/);
      const [header, row] = csv.body.trim().split('\n');
      assert.equal(header, 'uuid,event_uuid,category,type,value,comment,to_ids,modified,tlp,pap,warning');
      assert.match(row!, /,domain,secret\.bulk-example\.org,,1,.*,AMBER,CLEAR,$/);

      const json = await app.request({ method: 'GET', url: '/api/v1/indicators/export?format=json&type=domain', session: analystC });
      const parsed = JSON.parse(json.body) as Json[];
      assert.equal(parsed.length, 4510);
      assert.ok(parsed.every((i) => i.tlp === 'GREEN'));

      const exports = await app.ctx.store.db.selectFrom('audit_log').select('action').where('action', '=', 'indicator.export').execute();
      assert.equal(exports.length, 4);
      assert.equal((await app.request({ method: 'GET', url: '/api/v1/indicators/export?format=xml', session: analystC })).statusCode, 400);
      assert.equal((await app.request({ method: 'GET', url: '/api/v1/indicators/export' })).statusCode, 401);
    });
  });
}
