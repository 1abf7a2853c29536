// The TAXII 2.1 server answered over a real socket, by the strict client written from the
// specification (client.ts), and by hand where the point is a wrong request.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { startTestApp, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import { testEngines } from '../../../../test/helpers/store.ts';
import { TaxiiClient, TaxiiError, TAXII_ACCEPT } from './client.ts';

type Json = Record<string, any>;

const bundleObject = (n: number, extra: Json = {}) => ({
  type: 'indicator',
  spec_version: '2.1',
  id: `indicator--${String(n).padStart(8, '0')}-0000-4000-8000-000000000000`,
  created: '2026-03-01T00:00:00.000Z',
  modified: '2026-03-01T00:00:00.000Z',
  name: `c2 ${n}`,
  pattern: `[domain-name:value = 'c2-${n}.example']`,
  pattern_type: 'stix',
  valid_from: '2026-03-01T00:00:00Z',
  ...extra,
});

for (const engine of await testEngines()) {
  describe(`TAXII 2.1 server (${engine})`, () => {
    let app: TestApp;
    let base = '';
    let root = '';
    const keys = { A: '', B: '', C: '', readerA: '' };
    let analystA: Session;

    const apiKeyFor = async (session: Session, role = 'analyst') => {
      const response = await app.request({ method: 'POST', url: '/api/v1/api-keys', session, payload: { name: 'taxii', role } });
      assert.equal(response.statusCode, 201, response.body);
      return (response.json() as Json).key as string;
    };

    before(async () => {
      app = await startTestApp(engine);
      const teamA = await app.addOrganisation('TX-A', 'MY');
      const teamB = await app.addOrganisation('TX-B', 'ID');
      const teamC = await app.addOrganisation('TX-C', 'SA');
      analystA = await app.addUser(teamA, 'analyst');
      const analystB = await app.addUser(teamB, 'analyst');
      const analystC = await app.addUser(teamC, 'analyst');
      keys.A = await apiKeyFor(analystA);
      keys.B = await apiKeyFor(analystB);
      keys.C = await apiKeyFor(analystC);
      keys.readerA = await apiKeyFor(await app.addUser(teamA, 'reader'), 'reader');
      const group = await app.request({ method: 'POST', url: '/api/v1/sharing-groups', session: await app.addUser(teamA, 'org-admin'), payload: { name: 'TX pair', description: 'A and B', members: [{ orgId: teamB }] } });
      assert.equal(group.statusCode, 201, group.body);
      await app.server.listen({ port: 0, host: '127.0.0.1' });
      base = `http://127.0.0.1:${(app.server.server.address() as AddressInfo).port}`;
      root = `${base}/taxii2/api/`;
    });
    after(() => app.close());

    const client = (key?: string) => new TaxiiClient(key ? { password: key } : {});
    const collectionId = async (key: string, title: RegExp) => {
      const found = (await client(key).collections(root)).find((c) => title.test(c.title));
      assert.ok(found, `a collection titled ${title}`);
      return found.id;
    };

    test('discovery and the API root, only with credentials; errors in TAXII shape', async () => {
      const anonymous = await fetch(`${base}/taxii2/`, { headers: { accept: TAXII_ACCEPT } });
      assert.equal(anonymous.status, 401);
      assert.match(anonymous.headers.get('www-authenticate') ?? '', /^Basic/);
      assert.equal(anonymous.headers.get('content-type'), TAXII_ACCEPT);
      assert.equal(((await anonymous.json()) as Json).http_status, '401');
      const wrongKey = await fetch(`${base}/taxii2/`, { headers: { accept: TAXII_ACCEPT, authorization: `Basic ${Buffer.from('x:sk_wrong').toString('base64')}` } });
      assert.equal(wrongKey.status, 401);

      const discovery = await client(keys.A).discovery(base);
      assert.deepEqual(discovery.api_roots, [root]);
      assert.equal(discovery.default, root);
      const info = await client(keys.A).apiRoot(root);
      assert.ok(info.max_content_length > 0);
      // Bearer works as well as Basic.
      assert.equal((await fetch(root, { headers: { accept: TAXII_ACCEPT, authorization: `Bearer ${keys.A}` } })).status, 200);
    });

    test('an unsupported Accept is 406 and an unsupported Content-Type is 415, both as TAXII errors', async () => {
      for (const accept of ['application/json', 'application/taxii+json;version=2.0', 'text/html']) {
        const response = await fetch(root, { headers: { accept, authorization: `Bearer ${keys.A}` } });
        assert.equal(response.status, 406, accept);
        assert.equal(((await response.json()) as Json).title, 'Not acceptable');
      }
      const community = await collectionId(keys.A, /^Community/);
      const posted = await fetch(`${root}collections/${community}/objects/`, {
        method: 'POST',
        headers: { accept: TAXII_ACCEPT, authorization: `Bearer ${keys.A}`, 'content-type': 'application/json' },
        body: JSON.stringify({ objects: [bundleObject(1)] }),
      });
      assert.equal(posted.status, 415);
      assert.equal(posted.headers.get('content-type'), TAXII_ACCEPT);
      assert.equal(((await posted.json()) as Json).http_status, '415');
    });

    test('each caller has its own, the community, the federation and its sharing groups; nobody else reads them', async () => {
      const a = await client(keys.A).collections(root);
      const c = await client(keys.C).collections(root);
      assert.deepEqual(a.map((x) => x.id), [...a.map((x) => x.id)].sort(), 'sorted by id');
      assert.ok(a.some((x) => /Sharing group: TX pair/.test(x.title)));
      assert.ok(!c.some((x) => /TX pair/.test(x.title)));
      const own = a.find((x) => /: own$/.test(x.title))!;
      await assert.rejects(client(keys.C).collection(root, own.id), (error: unknown) => error instanceof TaxiiError && error.status === 404);
      const reader = await client(keys.readerA).collections(root);
      assert.ok(reader.every((x) => x.can_write === false && x.can_read === true), 'a reader reads and never writes');
    });

    test('posting objects answers 202 with a status; the status can be read back, with or without the trailing slash', async () => {
      const community = await collectionId(keys.A, /^Community/);
      const broken = { ...bundleObject(99), pattern: "[domain-name:value = 'x'" };
      const status = await client(keys.A).addObjects(root, community, [bundleObject(1), bundleObject(2), broken, { type: 'indicator' }]);
      assert.equal(status.status, 'complete');
      assert.deepEqual([status.total_count, status.success_count, status.failure_count, status.pending_count], [4, 2, 2, 0]);
      assert.match(status.failures![0]!.message!, /pattern/);
      const again = await client(keys.A).status(root, status.id);
      assert.equal(again.id, status.id);
      const withSlash = await fetch(`${root}status/${status.id}/`, { headers: { accept: TAXII_ACCEPT, authorization: `Bearer ${keys.A}` } });
      assert.equal(withSlash.status, 200);
      await assert.rejects(client(keys.B).status(root, status.id), (error: unknown) => error instanceof TaxiiError && error.status === 404, 'another team does not read the status');
      await assert.rejects(client(keys.readerA).addObjects(root, community, [bundleObject(3)]), (error: unknown) => error instanceof TaxiiError && error.status === 403);
    });

    test('objects page in order of addition, with next and added_after, filters and the date headers', async () => {
      const community = await collectionId(keys.A, /^Community/);
      await client(keys.A).addObjects(root, community, [bundleObject(10), bundleObject(11), bundleObject(12)]);
      await client(keys.A).addObjects(root, community, [bundleObject(13), bundleObject(10, { modified: '2026-04-01T00:00:00.000Z', name: 'c2 10 again' })]);
      // Sanad's own indicators are offered too, shared the same way.
      const created = await app.request({ method: 'POST', url: '/api/v1/events', session: analystA, payload: { info: 'own', tlp: 'GREEN', distribution: 'community', published: true, indicators: [{ type: 'ip-dst', value: '198.51.100.77' }, { type: 'text', value: 'no pattern for this' }] } });
      assert.equal(created.statusCode, 201, created.body);

      const seen: Json[] = [];
      let pages = 0;
      let lastAdded = '';
      for await (const page of client(keys.B).allObjects(root, community, { limit: 2 })) {
        pages += 1;
        assert.ok(page.objects.length <= 2);
        if (page.objects.length) {
          assert.ok(page.dateAddedFirst && page.dateAddedLast && page.dateAddedFirst <= page.dateAddedLast);
          assert.ok(page.dateAddedFirst >= lastAdded, 'pages come in order of addition');
          lastAdded = page.dateAddedLast;
        }
        seen.push(...page.objects);
      }
      const ids = seen.map((o) => `${o.id} ${o.modified}`);
      assert.equal(new Set(ids).size, ids.length, 'no object twice');
      assert.ok(pages >= 3);
      assert.ok(seen.some((o) => o.pattern === "[ipv4-addr:value = '198.51.100.77']"), 'a Sanad indicator travels as a STIX indicator');
      assert.ok(!seen.some((o) => String(o.name).includes('no pattern')), 'free text is not offered');
      const ten = seen.filter((o) => o.id === bundleObject(10).id);
      assert.deepEqual(ten.map((o) => o.name), ['c2 10 again'], 'the last version by default');

      const all = await client(keys.B).object(root, community, bundleObject(10).id, { match: { version: 'all' } });
      assert.deepEqual(all.objects.map((o) => o.modified).sort(), ['2026-03-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z']);
      const first = await client(keys.B).object(root, community, bundleObject(10).id, { match: { version: 'first' } });
      assert.deepEqual(first.objects.map((o) => o.name), ['c2 10']);
      const at = await client(keys.B).object(root, community, bundleObject(10).id, { match: { version: '2026-03-01T00:00:00.000Z' } });
      assert.deepEqual(at.objects.map((o) => o.name), ['c2 10']);
      const versions = await client(keys.B).versions(root, community, bundleObject(10).id);
      assert.deepEqual(versions.versions, ['2026-03-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z']);

      const byId = await client(keys.B).objectsPage(root, community, { match: { id: `${bundleObject(11).id},${bundleObject(12).id}` } });
      assert.deepEqual(byId.objects.map((o) => o.id).sort(), [bundleObject(11).id, bundleObject(12).id]);
      const byType = await client(keys.B).objectsPage(root, community, { match: { type: 'malware' } });
      assert.deepEqual(byType.objects, []);
      const otherSpec = await client(keys.B).objectsPage(root, community, { match: { spec_version: '2.0' } });
      assert.deepEqual(otherSpec.objects, []);

      const manifest = await client(keys.B).manifest(root, community, { limit: 1000 });
      assert.equal(manifest.objects.length, seen.length);
      assert.ok(manifest.objects.every((m) => m.media_type === 'application/stix+json;version=2.1'));
      const later = await client(keys.B).objectsPage(root, community, { addedAfter: manifest.dateAddedLast! });
      assert.deepEqual(later.objects, [], 'nothing added after the last addition');
    });

    test("a team's own collection and TLP:RED objects never reach another team; a forged cursor is refused", async () => {
      const ownA = await collectionId(keys.A, /: own$/);
      await client(keys.A).addObjects(root, ownA, [bundleObject(20)]);
      const community = await collectionId(keys.A, /^Community/);
      const red = { ...bundleObject(21), object_marking_refs: ['marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1'] };
      await client(keys.A).addObjects(root, community, [red]);
      for (const key of [keys.B, keys.C]) {
        for (const collection of await client(key).collections(root)) {
          const everything: Json[] = [];
          for await (const page of client(key).allObjects(root, collection.id, { limit: 1000 })) everything.push(...page.objects);
          assert.ok(!everything.some((o) => o.id === bundleObject(20).id || o.id === red.id), `${collection.title} holds nothing it should not`);
        }
      }
      const mine: Json[] = [];
      for await (const page of client(keys.A).allObjects(root, ownA, {})) mine.push(...page.objects);
      assert.ok(mine.some((o) => o.id === bundleObject(20).id));

      const forged = await fetch(`${root}collections/${community}/objects/?next=${encodeURIComponent('eyJkIjoiMjAwMCJ9.AAAA')}`, { headers: { accept: TAXII_ACCEPT, authorization: `Bearer ${keys.B}` } });
      assert.equal(forged.status, 400);
      assert.equal(((await forged.json()) as Json).details.field, 'next');
      const badFilter = await fetch(`${root}collections/${community}/objects/?match[version]=yesterday`, { headers: { accept: TAXII_ACCEPT, authorization: `Bearer ${keys.B}` } });
      assert.equal(badFilter.status, 400);
      const unknown = await fetch(`${root}collections/${community}/objects/?colour=red`, { headers: { accept: TAXII_ACCEPT, authorization: `Bearer ${keys.B}` } });
      assert.equal(unknown.status, 400);
    });
  });
}

for (const engine of await testEngines()) {
  describe(`TAXII 2.1 server opened to the anonymous for TLP:CLEAR (${engine})`, () => {
    let app: TestApp;
    let base = '';
    before(async () => {
      app = await startTestApp(engine, { anonymousClearAccess: true });
      const analyst = await app.addUser(await app.addOrganisation('TX-OPEN', 'MY'), 'analyst');
      for (const [tlp, value] of [['CLEAR', 'clear.example-taxii.org'], ['GREEN', 'green.example-taxii.org']] as const) {
        const created = await app.request({ method: 'POST', url: '/api/v1/events', session: analyst, payload: { info: tlp, tlp, distribution: 'community', published: true, indicators: [{ type: 'domain', value }] } });
        assert.equal(created.statusCode, 201, created.body);
      }
      await app.server.listen({ port: 0, host: '127.0.0.1' });
      base = `http://127.0.0.1:${(app.server.server.address() as AddressInfo).port}`;
    });
    after(() => app.close());

    test('without credentials: the open collections, read-only, holding TLP:CLEAR only', async () => {
      const anonymous = new TaxiiClient();
      const root = `${base}/taxii2/api/`;
      const collections = await anonymous.collections(root);
      assert.deepEqual(collections.map((c) => c.title).sort(), ['Community', 'Federation']);
      assert.ok(collections.every((c) => c.can_read && !c.can_write));
      const community = collections.find((c) => c.title === 'Community')!;
      const page = await anonymous.objectsPage(root, community.id);
      assert.deepEqual(page.objects.map((o) => o.pattern), ["[domain-name:value = 'clear.example-taxii.org']"]);
      await assert.rejects(anonymous.addObjects(root, community.id, [bundleObject(1)]), (error: unknown) => error instanceof TaxiiError && error.status === 401);
    });
  });
}
