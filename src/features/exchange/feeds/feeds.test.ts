// Feeds pulled from real remotes: a second Sanad node (its TAXII 2.1 server and its MISP feed) and a
// small HTTP server of the test's own for CSV and free-text files, over sockets, on both engines.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import { testEngines } from '../../../../test/helpers/store.ts';
import { Conflict } from '../../../domain/errors.ts';
import { systemViewer } from '../../../policy/viewer.ts';
import { TaxiiClient } from '../taxii/client.ts';
import { claimFeedPull, pullDueFeeds, pullFeedNow } from './puller.ts';
import type { Feed } from './schemas.ts';

type Json = Record<string, any>;

const operator = { viewer: systemViewer('feeds test'), sourceIp: null };

const stixIndicator = (name: string) => ({
  type: 'indicator',
  spec_version: '2.1',
  id: `indicator--${crypto.randomUUID()}`,
  created: '2026-03-01T00:00:00.000Z',
  modified: '2026-03-01T00:00:00.000Z',
  name,
  pattern: `[domain-name:value = '${name}.feeds-c2.net']`,
  pattern_type: 'stix',
  valid_from: '2026-03-01T00:00:00Z',
});

interface FileServer {
  base: string;
  /** Requests seen: path, status answered, and the Authorization header sent. */
  seen: { path: string; status: number; authorization: string | undefined }[];
  files: Map<string, { body: string | Buffer; type: string; etag?: boolean; delayMs?: number }>;
  close(): Promise<void>;
}

/** Serves `files` by path; a file with `etag` answers 304 to a matching If-None-Match. */
async function startFileServer(): Promise<FileServer> {
  const seen: FileServer['seen'] = [];
  const files: FileServer['files'] = new Map();
  const server = http.createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0]!;
    const file = files.get(path);
    const answer = (status: number, headers: Record<string, string> = {}, body?: string | Buffer) => {
      seen.push({ path, status, authorization: request.headers.authorization });
      response.writeHead(status, headers);
      response.end(body);
    };
    if (!file) return answer(404, { 'content-type': 'text/plain' }, 'not here');
    const etag = `"${crypto.createHash('sha1').update(file.body).digest('hex')}"`;
    setTimeout(() => {
      if (file.etag && request.headers['if-none-match'] === etag) return answer(304, { etag });
      answer(200, { 'content-type': file.type, ...(file.etag ? { etag } : {}) }, file.body);
    }, file.delayMs ?? 0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    files,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

for (const engine of await testEngines()) {
  describe(`feeds (${engine})`, () => {
    let remote: TestApp;
    let local: TestApp;
    let files: FileServer;
    let remoteBase = '';
    let remoteKey = '';
    let remoteAnalyst: Session;
    const team = { A: '', B: '' };
    const people = {} as Record<'adminA' | 'analystA' | 'readerA' | 'adminB' | 'operator', Session>;

    before(async () => {
      remote = await startTestApp(engine);
      const publisher = await remote.addOrganisation('REMOTE-P', 'ID');
      remoteAnalyst = await remote.addUser(publisher, 'analyst');
      const key = await remote.request({ method: 'POST', url: '/api/v1/api-keys', session: remoteAnalyst, payload: { name: 'feed', role: 'analyst' } });
      assert.equal(key.statusCode, 201, key.body);
      remoteKey = (key.json() as Json).key;
      await remote.server.listen({ port: 0, host: '127.0.0.1' });
      remoteBase = `http://127.0.0.1:${(remote.server.server.address() as AddressInfo).port}`;

      files = await startFileServer();
      local = await startTestApp(engine, { feedAllowedHosts: ['127.0.0.1'] });
      team.A = await local.addOrganisation('FEED-A', 'MY');
      team.B = await local.addOrganisation('FEED-B', 'SA');
      people.adminA = await local.addUser(team.A, 'org-admin');
      people.analystA = await local.addUser(team.A, 'analyst');
      people.readerA = await local.addUser(team.A, 'reader');
      people.adminB = await local.addUser(team.B, 'org-admin');
      people.operator = await local.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    });
    after(async () => {
      await local.close();
      await remote.close();
      await files.close();
    });

    const call = (session: Session | undefined, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
      local.request({ method, url: `/api/v1${url}`, session, ...(payload ? { payload } : {}) });
    const addFeed = async (payload: Json, session = people.adminA): Promise<Feed> => {
      const response = await call(session, 'POST', '/feeds', payload);
      assert.equal(response.statusCode, 201, response.body);
      return response.json() as Feed;
    };
    const pull = async (feed: Feed, session = people.analystA): Promise<Feed> => {
      const response = await call(session, 'POST', `/feeds/${feed.id}/pull`);
      assert.equal(response.statusCode, 200, response.body);
      return response.json() as Feed;
    };
    const eventsOf = async (orgId: string) =>
      (await local.ctx.store.db.selectFrom('event').select('id').where('owner_org_id', '=', orgId).where('deleted', '=', 0).execute()).map((r) => r.id).sort();
    const pulledEvents = async (feedId: string) => (await local.ctx.store.db.selectFrom('feed_event').select('event_id').where('feed_id', '=', feedId).orderBy('pulled_at').execute()).map((r) => r.event_id);
    const event = async (id: string) => {
      const response = await call(people.analystA, 'GET', `/events/${id}`);
      assert.equal(response.statusCode, 200, response.body);
      return response.json() as Json;
    };

    test('an address outside the allow-list is refused; credentials are sent to the remote and never shown', async () => {
      for (const url of ['https://feeds.elsewhere.example/list.csv', `http://localhost:${new URL(files.base).port}/list.csv`, 'ftp://127.0.0.1/list.csv', 'http://user:pw@127.0.0.1/list.csv']) {
        const refused = await call(people.adminA, 'POST', '/feeds', { kind: 'csv', url, csv: { valueColumn: 1 } });
        assert.equal(refused.statusCode, 422, `${url}: ${refused.body}`);
        assert.equal((refused.json() as Json).field, 'url');
      }
      const secret = `s3cret-${crypto.randomUUID()}`;
      files.files.set('/private.txt', { body: 'private-feed-host.net\n', type: 'text/plain' });
      const created = await addFeed({ name: 'private list', kind: 'freetext', url: `${files.base}/private.txt`, credentials: { type: 'bearer', token: secret }, enabled: false });
      assert.deepEqual(created.credentials, { type: 'bearer', set: true });
      const pulled = await pull(created);
      assert.equal(pulled.state.status, 'succeeded', pulled.state.lastError ?? '');
      assert.equal(files.seen.find((s) => s.path === '/private.txt')?.authorization, `Bearer ${secret}`);
      for (const response of [
        await call(people.adminA, 'GET', '/feeds'),
        await call(people.adminA, 'GET', `/feeds/${created.id}`),
        await call(people.operator, 'GET', '/feeds'),
        await call(people.operator, 'GET', '/audit?limit=200'),
      ]) {
        assert.equal(response.statusCode, 200, response.body);
        assert.ok(!response.body.includes(secret), 'the secret never leaves the node');
      }
      const stored = await local.ctx.store.db.selectFrom('feed').select('auth_secret').where('id', '=', created.id).executeTakeFirstOrThrow();
      assert.ok(stored.auth_secret && !stored.auth_secret.includes(secret), 'stored sealed, not as written');
      // A TAXII server takes HTTP Basic: an API key is its password.
      const bearerTaxii = await call(people.adminA, 'POST', '/feeds', { kind: 'taxii', url: `${remoteBase}/taxii2/api/`, collectionId: 'x', credentials: { type: 'bearer', token: 'k' } });
      assert.equal(bearerTaxii.statusCode, 422, bearerTaxii.body);
      const changed = await call(people.adminA, 'PATCH', `/feeds/${created.id}`, { credentials: null });
      assert.deepEqual((changed.json() as Feed).credentials, { type: null, set: false });
    });

    test('TAXII: the first pull brings the collection with the feed\'s handling, the next only what was added since', async () => {
      const root = `${remoteBase}/taxii2/api/`;
      const client = new TaxiiClient({ password: remoteKey });
      const community = (await client.collections(root)).find((c) => c.title.startsWith('Community'))!;
      await client.addObjects(root, community.id, [stixIndicator('first-a'), stixIndicator('first-b'), stixIndicator('first-c')]);
      let held = 0;
      for await (const page of client.allObjects(root, community.id)) held += page.objects.length;

      const feed = await addFeed({ name: 'remote community', kind: 'taxii', url: root.slice(0, -1), collectionId: community.id, credentials: { type: 'basic', password: remoteKey }, tlp: 'AMBER', pap: 'RED' });
      assert.equal(feed.url, root, 'an API root ends with "/"');
      const before = await eventsOf(team.A);
      const first = await pull(feed);
      assert.equal(first.state.status, 'succeeded', first.state.lastError ?? '');
      assert.deepEqual(first.state.counts, { objects: held, events: 1, indicators: held, skipped: 0, invalid: 0 });
      assert.match(first.state.cursor ?? '', /^objects added after /);
      const [eventId] = await pulledEvents(feed.id);
      assert.deepEqual(await eventsOf(team.A), [...before, eventId!].sort());
      const written = await event(eventId!);
      assert.equal(written.ownerOrgId, team.A);
      assert.equal(written.tlp, 'AMBER');
      assert.equal(written.pap, 'RED');
      assert.equal(written.distribution, 'organisation');
      assert.equal(written.published, false);
      assert.equal(written.indicatorCount, held);

      await client.addObjects(root, community.id, [stixIndicator('second-a'), stixIndicator('second-b')]);
      const second = await pull(feed);
      assert.deepEqual(second.state.counts, { objects: 2, events: 1, indicators: 2, skipped: 0, invalid: 0 });
      const third = await pull(feed);
      assert.equal(third.state.status, 'unchanged');
      assert.deepEqual(third.state.counts, { objects: 0, events: 0, indicators: 0, skipped: 0, invalid: 0 });
      assert.equal((await pulledEvents(feed.id)).length, 2);

      // Another team neither sees nor pulls it; the node's operators do both.
      assert.equal((await call(people.adminB, 'GET', `/feeds/${feed.id}`)).statusCode, 404);
      assert.equal((await call(people.adminB, 'POST', `/feeds/${feed.id}/pull`)).statusCode, 404);
      assert.ok(!((await call(people.adminB, 'GET', '/feeds')).json() as { items: Feed[] }).items.some((f) => f.id === feed.id));
      assert.ok(((await call(people.operator, 'GET', '/feeds')).json() as { items: Feed[] }).items.some((f) => f.id === feed.id));
      assert.equal((await call(people.operator, 'POST', `/feeds/${feed.id}/pull`)).statusCode, 200);
      // Every pull is audited, with who asked.
      const audit = ((await call(people.operator, 'GET', '/audit?limit=200')).json() as { items: Json[] }).items.filter((e) => e.action === 'feed.pull' && e.objectId === feed.id);
      assert.equal(audit.length, 4);
    });

    test('TAXII: a pull stops at its budget and the next goes on from the server\'s page token, nothing fetched twice', async () => {
      const root = `${remoteBase}/taxii2/api/`;
      const client = new TaxiiClient({ password: remoteKey });
      const community = (await client.collections(root)).find((c) => c.title.startsWith('Community'))!;
      // One post: five objects added at the same instant, more than one small pull holds.
      await client.addObjects(root, community.id, Array.from({ length: 5 }, (_, i) => stixIndicator(`budget-${i}`)));
      let held = 0;
      for await (const page of client.allObjects(root, community.id)) held += page.objects.length;
      // Team B's: it holds none of these objects yet (team A holds some from its own feed).
      const feed = await addFeed({ name: 'remote in small pulls', kind: 'taxii', url: root, collectionId: community.id, credentials: { type: 'basic', password: remoteKey }, enabled: false, orgId: team.B }, people.operator);
      let taken = 0;
      let pulls = 0;
      for (;;) {
        const outcome = await pullFeedNow(local.ctx, operator, feed.id, { limits: { maxTaxiiObjects: 2 } });
        assert.notEqual(outcome.status, 'failed', outcome.error ?? '');
        if (outcome.status === 'unchanged') break;
        assert.ok(outcome.counts.objects <= 2, `${outcome.counts.objects} objects in one pull`);
        assert.equal(outcome.counts.skipped, 0);
        taken += outcome.counts.objects;
        pulls += 1;
        assert.ok(pulls <= held, 'every pull moves on');
      }
      assert.equal(taken, held);
      assert.equal(pulls, Math.ceil(held / 2));
    });

    test('MISP feed: events newer than the timestamps seen, each with the feed\'s handling as a floor', async () => {
      const publish = async (value: string) => {
        const created = await remote.request({
          method: 'POST',
          url: '/api/v1/events',
          session: remoteAnalyst,
          payload: { info: `Remote ${value}`, tlp: 'GREEN', distribution: 'organisation', published: true, indicators: [{ type: 'domain', value }, { type: 'ip-dst', value: '203.0.113.9' }] },
        });
        assert.equal(created.statusCode, 201, created.body);
        return (created.json() as Json).id as string;
      };
      const one = await publish('misp-one.feeds-c2.net');
      await publish('misp-two.feeds-c2.net');
      const manifest = (await (await fetch(`${remoteBase}/api/v1/misp/feed/manifest.json`, { headers: { authorization: `Bearer ${remoteKey}` } })).json()) as Json;
      const listed = Object.keys(manifest).length;

      const feed = await addFeed({ name: 'remote misp', kind: 'misp', url: `${remoteBase}/api/v1/misp/feed/manifest.json`, credentials: { type: 'bearer', token: remoteKey }, tlp: 'AMBER' });
      assert.equal(feed.url, `${remoteBase}/api/v1/misp/feed/`);
      const first = await pull(feed);
      assert.equal(first.state.status, 'succeeded', first.state.lastError ?? '');
      assert.equal(first.state.counts.events, listed);
      assert.equal(first.state.counts.invalid, 0);
      assert.equal(first.state.cursor, `${listed} events seen`);
      const copy = await event(one);
      assert.equal(copy.ownerOrgId, team.A);
      assert.equal(copy.tlp, 'AMBER', 'TLP:GREEN on the remote, AMBER by the feed: the stricter');
      assert.equal(copy.distribution, 'organisation');
      assert.equal(copy.indicatorCount, 2);

      const three = await publish('misp-three.feeds-c2.net');
      const second = await pull(feed);
      assert.equal(second.state.status, 'succeeded', second.state.lastError ?? '');
      assert.deepEqual(second.state.counts, { objects: 0, events: 1, indicators: 2, skipped: 0, invalid: 0 });
      assert.equal((await event(three)).info, 'Remote misp-three.feeds-c2.net');
      assert.equal((await pull(feed)).state.status, 'unchanged');
    });

    test('CSV: types from a column, bad lines counted and named; unchanged not fetched again, changed adds only its new values', async () => {
      files.files.set('/list.csv', {
        type: 'text/csv',
        etag: true,
        body: ['value,type', '# a comment', 'csv-one.feeds-c2.net,domain', '198.51.100.23,ip-dst', 'not a domain!,domain', 'csv-one.feeds-c2.net,domain', 'x,no-such-type', ',domain'].join('\n'),
      });
      const feed = await addFeed({ name: 'csv list', kind: 'csv', url: `${files.base}/list.csv`, csv: { valueColumn: 1, typeColumn: 2, header: true }, tlp: 'GREEN', distribution: 'community', publish: true });
      const first = await pull(feed);
      assert.equal(first.state.status, 'succeeded', first.state.lastError ?? '');
      assert.deepEqual(first.state.counts, { objects: 0, events: 1, indicators: 2, skipped: 1, invalid: 3 });
      assert.ok(first.state.notes.some((n) => n.startsWith('line 5:')), first.state.notes.join('; '));
      assert.ok(first.state.notes.some((n) => n.startsWith('line 7:') && n.includes('no-such-type')), first.state.notes.join('; '));
      const [eventId] = await pulledEvents(feed.id);
      const written = await event(eventId!);
      assert.equal(written.tlp, 'GREEN');
      assert.equal(written.distribution, 'community');
      assert.equal(written.published, true);

      const unchanged = await pull(feed);
      assert.equal(unchanged.state.status, 'unchanged');
      assert.equal(files.seen.filter((s) => s.path === '/list.csv').at(-1)?.status, 304);

      const file = files.files.get('/list.csv')!;
      file.body = `${file.body as string}\ncsv-two.feeds-c2.net,domain\n`;
      const changed = await pull(feed);
      assert.deepEqual(changed.state.counts, { objects: 0, events: 1, indicators: 1, skipped: 3, invalid: 3 });
      assert.equal((await pulledEvents(feed.id)).length, 2);
    });

    test('free text: values recognised, defanged or not, in any line', async () => {
      files.files.set('/iocs.txt', { type: 'text/plain', body: 'C2 at hxxp://free-one[.]feeds-c2[.]net/gate.php\n# comment\n203.0.113.77 and 44d88612fea8a8f36de82e1278abb02f\nnothing to see here\n' });
      const feed = await addFeed({ name: 'free text', kind: 'freetext', url: `${files.base}/iocs.txt` });
      const first = await pull(feed);
      assert.equal(first.state.status, 'succeeded', first.state.lastError ?? '');
      assert.deepEqual(first.state.counts, { objects: 0, events: 1, indicators: 3, skipped: 0, invalid: 1 });
      const [eventId] = await pulledEvents(feed.id);
      const indicators = ((await call(people.analystA, 'GET', `/events/${eventId}/indicators`)).json() as { items: Json[] }).items;
      assert.deepEqual(indicators.map((i) => i.type).sort(), ['ip-dst', 'md5', 'url']);
      // Served without an ETag: the same content is recognised by its hash and not imported again.
      assert.equal((await pull(feed)).state.status, 'unchanged');
    });

    test('a remote that is down or answers garbage records a clear error and writes nothing', async () => {
      files.files.set('/garbage.csv', { type: 'text/csv', body: Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28]) });
      files.files.set('/broken/manifest.json', { type: 'application/json', body: '{"this is": not json' });
      files.files.set('/html/collections/c1/objects/', { type: 'text/html', body: '<html>hello</html>' });
      files.files.set('/redirect.csv', { type: 'text/csv', body: '' });
      const down = await closedPort();
      const cases: [Json, RegExp][] = [
        [{ kind: 'taxii', url: `http://127.0.0.1:${down}/taxii2/api/`, collectionId: 'c1' }, /ECONNREFUSED/],
        [{ kind: 'misp', url: `http://127.0.0.1:${down}/feed/` }, /ECONNREFUSED/],
        [{ kind: 'csv', url: `${files.base}/garbage.csv`, csv: { valueColumn: 1 } }, /not UTF-8 text/],
        [{ kind: 'misp', url: `${files.base}/broken/` }, /manifest\.json is not JSON/],
        [{ kind: 'taxii', url: `${files.base}/html/`, collectionId: 'c1' }, /content type text\/html/],
        [{ kind: 'freetext', url: `${files.base}/missing.txt` }, /answered 404/],
      ];
      const before = await eventsOf(team.A);
      for (const [settings, reason] of cases) {
        const feed = await addFeed({ ...settings, enabled: false });
        const pulled = await pull(feed);
        assert.equal(pulled.state.status, 'failed', `${settings.url}`);
        assert.match(pulled.state.lastError ?? '', reason);
        assert.equal(pulled.state.lastSuccessAt, null);
        assert.deepEqual(await pulledEvents(feed.id), []);
        const state = (await call(people.readerA, 'GET', `/feeds/${feed.id}/state`)).json() as Feed['state'];
        assert.equal(state.lastError, pulled.state.lastError);
      }
      assert.deepEqual(await eventsOf(team.A), before, 'no event, not even an empty one');
    });

    test('the schedule pulls enabled feeds whose interval has passed, and only those', async () => {
      files.files.set('/scheduled.txt', { type: 'text/plain', body: 'scheduled.feeds-c2.net\n' });
      const feed = await addFeed({ name: 'scheduled', kind: 'freetext', url: `${files.base}/scheduled.txt`, intervalMinutes: 5 });
      files.files.set('/paused.txt', { type: 'text/plain', body: 'paused.feeds-c2.net\n' });
      const paused = await addFeed({ name: 'paused', kind: 'freetext', url: `${files.base}/paused.txt`, enabled: false });
      const minutes = (n: number) => new Date(Date.now() + n * 60_000);

      const first = await pullDueFeeds(local.ctx, minutes(1));
      const mine = first.find((o) => o.feedId === feed.id);
      assert.equal(mine?.status, 'succeeded', mine?.error ?? 'pulled');
      assert.ok(!first.some((o) => o.feedId === paused.id), 'a disabled feed waits');
      assert.ok(!(await pullDueFeeds(local.ctx, minutes(2))).some((o) => o.feedId === feed.id), 'not again before its interval');
      const later = (await pullDueFeeds(local.ctx, minutes(6))).find((o) => o.feedId === feed.id);
      assert.equal(later?.status, 'unchanged');
      const audit = ((await call(people.operator, 'GET', '/audit?limit=200')).json() as { items: Json[] }).items.find((e) => e.action === 'feed.pull' && e.objectId === feed.id);
      assert.equal(audit?.actorLabel, 'system:feed schedule');
    });

    test('one pull of a feed at a time, whoever asks; a long pull answers 202 and shows its progress', async () => {
      files.files.set('/slow.txt', { type: 'text/plain', body: 'slow.feeds-c2.net\n', delayMs: 600 });
      const feed = await addFeed({ name: 'slow', kind: 'freetext', url: `${files.base}/slow.txt`, enabled: false });
      const both = await Promise.allSettled([pullFeedNow(local.ctx, operator, feed.id), pullFeedNow(local.ctx, operator, feed.id)]);
      assert.equal(both.filter((r) => r.status === 'fulfilled').length, 1);
      const refused = both.find((r) => r.status === 'rejected');
      assert.ok(refused && refused.reason instanceof Conflict);

      const started = await call(people.analystA, 'POST', `/feeds/${feed.id}/pull?wait=0`);
      assert.equal(started.statusCode, 202, started.body);
      assert.equal((started.json() as Feed).state.status, 'running');
      assert.ok((started.json() as Feed).state.phase, 'a running pull says what it does');
      assert.equal((await call(people.adminA, 'POST', `/feeds/${feed.id}/pull`)).statusCode, 409);
      assert.equal(await claimFeedPull(local.ctx, feed.id), null, 'the CLI finds the lease taken too');
      let state: Feed['state'];
      do {
        await new Promise((resolve) => setTimeout(resolve, 100));
        state = (await call(people.analystA, 'GET', `/feeds/${feed.id}/state`)).json() as Feed['state'];
      } while (state.status === 'running');
      assert.equal(state.status, 'unchanged');
      assert.equal(state.phase, null);
    });

    test('org-admins manage their team\'s feeds, analysts pull them, readers only look', async () => {
      files.files.set('/roles.txt', { type: 'text/plain', body: 'roles.feeds-c2.net\n' });
      const payload = { kind: 'freetext', url: `${files.base}/roles.txt`, enabled: false };
      assert.equal((await call(people.analystA, 'POST', '/feeds', payload)).statusCode, 403);
      assert.equal((await call(people.adminA, 'POST', '/feeds', { ...payload, orgId: team.B })).statusCode, 403);
      const forB = await addFeed({ ...payload, orgId: team.B }, people.operator);
      assert.equal(forB.orgId, team.B);
      assert.equal(forB.name, `freetext ${new URL(files.base).host}/roles.txt`);
      const mine = await addFeed(payload);
      assert.equal((await call(people.adminA, 'POST', '/feeds', payload)).statusCode, 409, 'a name is unique within a team');
      assert.equal((await call(people.readerA, 'GET', `/feeds/${mine.id}`)).statusCode, 200);
      assert.equal((await call(people.readerA, 'POST', `/feeds/${mine.id}/pull`)).statusCode, 403);
      assert.equal((await call(people.analystA, 'PATCH', `/feeds/${mine.id}`, { enabled: true })).statusCode, 403);
      const bad = await call(people.adminA, 'PATCH', `/feeds/${mine.id}`, { intervalMinutes: 2 });
      assert.equal(bad.statusCode, 400, 'the schedule is at least every 5 minutes');
      const red = await call(people.adminA, 'PATCH', `/feeds/${mine.id}`, { tlp: 'RED', distribution: 'community' });
      assert.equal(red.statusCode, 422, red.body);
      const enabled = await call(people.adminA, 'PATCH', `/feeds/${mine.id}`, { enabled: true, intervalMinutes: 15 });
      assert.equal(enabled.statusCode, 200, enabled.body);
      assert.equal((enabled.json() as Feed).intervalMinutes, 15);
      assert.ok((enabled.json() as Feed).state.nextPullAt);
      assert.equal((await call(people.adminB, 'DELETE', `/feeds/${mine.id}`)).statusCode, 404);
      assert.equal((await call(people.adminA, 'DELETE', `/feeds/${mine.id}`)).statusCode, 204);
      assert.equal((await call(people.adminA, 'GET', `/feeds/${mine.id}`)).statusCode, 404);
    });
  });
}
