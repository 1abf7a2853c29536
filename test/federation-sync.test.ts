// Three real Sanad nodes on loopback, A ↔ B ↔ C (C does not peer with A; B runs on PostgreSQL when
// it is reachable): what crosses under each distribution and TLP, relay through the middle node with
// the origin's signature intact, deletion and downgrade travelling as tombstones, an interrupted pull
// resumed without loss or duplicates, a tampered record refused, a replayed request refused.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBackgroundJobs } from '../src/background.ts';
import { signRequest } from '../src/domain/federation/http-signature.ts';
import { createPeer } from '../src/features/federation/service.ts';
import { applyPage } from '../src/features/federation/sync/apply.ts';
import { feedPage, type SyncPage } from '../src/features/federation/sync/feed.ts';
import { pullFromPeer } from '../src/features/federation/sync/pull.ts';
import type { Peer } from '../src/features/federation/schemas.ts';
import { peerByName } from '../src/features/federation/queries.ts';
import { systemViewer } from '../src/policy/viewer.ts';
import type { Engine } from '../src/store/db.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD, type Session } from './helpers/app.ts';
import { startNode, type FederatedNode } from './helpers/federation.ts';
import { testEngines } from './helpers/store.ts';

const system = { viewer: systemViewer('test'), sourceIp: null };

interface Linked {
  node: FederatedNode;
  admin: Session;
  peers: Map<string, Peer>;
}

async function peerBothWays(x: Linked, y: Linked): Promise<void> {
  x.peers.set(y.node.name, await createPeer(x.node.app.ctx, system, { url: y.node.url, publicKey: y.node.publicKey, name: y.node.name }));
  y.peers.set(x.node.name, await createPeer(y.node.app.ctx, system, { url: x.node.url, publicKey: x.node.publicKey, name: x.node.name }));
}

async function pull(into: Linked, from: Linked, options: { pageRecords?: number; maxPages?: number } = {}) {
  return pullFromPeer(into.node.app.ctx, system, into.peers.get(from.node.name)!.id, options);
}

async function createEvent(on: Linked, body: Record<string, unknown>): Promise<{ id: string }> {
  const response = await on.node.app.request({ method: 'POST', url: '/api/v1/events', session: on.admin, payload: { published: true, ...body } });
  assert.equal(response.statusCode, 201, response.body);
  return response.json() as { id: string };
}

/** The live events and indicators a node holds (as its own operator sees them), by id. */
async function holdings(on: Linked): Promise<{ events: Map<string, { origin_node: string; via_node?: string | null; tlp: string; distribution: string }>; indicators: Map<string, string> }> {
  const db = on.node.app.ctx.store.db;
  const events = await db.selectFrom('event').select(['id', 'origin_node', 'via_node', 'tlp', 'distribution']).where('deleted', '=', 0).execute();
  const indicators = await db.selectFrom('indicator').select(['id', 'value']).where('deleted', '=', 0).execute();
  return { events: new Map(events.map((e) => [e.id, e])), indicators: new Map(indicators.map((i) => [i.id, i.value])) };
}

async function indicatorIds(on: Linked, eventId: string): Promise<string[]> {
  const rows = await on.node.app.ctx.store.db.selectFrom('indicator').select('id').where('event_id', '=', eventId).where('deleted', '=', 0).orderBy('id').execute();
  return rows.map((r) => r.id);
}

const engines = await testEngines();
const middleEngine: Engine = engines.includes('postgres') ? 'postgres' : 'sqlite';

describe(`sync between three nodes (A and C on sqlite, B on ${middleEngine})`, () => {
  let a: Linked;
  let b: Linked;
  let c: Linked;

  before(async () => {
    const start = async (engine: Engine, name: string): Promise<Linked> => {
      const node = await startNode(engine, name);
      return { node, admin: await node.app.login(ADMIN_EMAIL, ADMIN_PASSWORD), peers: new Map() };
    };
    a = await start('sqlite', 'Node A');
    b = await start(middleEngine, 'Node B');
    c = await start('sqlite', 'Node C');
    await peerBothWays(a, b);
    await peerBothWays(b, c);
  });

  after(async () => {
    for (const linked of [a, b, c]) await linked.node.app.close();
  });

  test('only what the handling rules let cross reaches a peer, and it is relayed with its origin signature', async () => {
    const crossing = await createEvent(a, {
      info: 'Phishing wave against ministries',
      tlp: 'GREEN',
      distribution: 'federation',
      tags: ['rsit:fraud="phishing"'],
      indicators: [
        { type: 'domain', value: 'login-portal.example' },
        { type: 'ip-dst', value: '192.0.2.10' },
        { type: 'ip-dst', value: '192.0.2.11', distribution: 'organisation' },
        { type: 'url', value: 'https://login-portal.example/a', distribution: 'community' },
      ],
    });
    const homeOnly = await createEvent(a, { info: 'Community only', tlp: 'GREEN', distribution: 'community', indicators: [{ type: 'ip-dst', value: '192.0.2.20' }] });
    const red = await createEvent(a, { info: 'Red to its owner', tlp: 'RED', distribution: 'organisation', indicators: [{ type: 'ip-dst', value: '192.0.2.30' }] });
    const draft = await createEvent(a, { info: 'Not published', tlp: 'GREEN', distribution: 'federation', published: false, indicators: [{ type: 'ip-dst', value: '192.0.2.40' }] });
    const clear = await createEvent(a, { info: 'Clear advisory', tlp: 'CLEAR', distribution: 'federation', indicators: [{ type: 'sha256', value: 'a'.repeat(64) }] });

    const first = await pull(b, a);
    assert.equal(first.refused, 0);
    assert.equal(first.done, true);
    const onB = await holdings(b);
    assert.ok(onB.events.has(crossing.id) && onB.events.has(clear.id));
    for (const absent of [homeOnly.id, red.id, draft.id]) assert.ok(!onB.events.has(absent), 'a record whose audience has no organisation of B stays home');
    assert.deepEqual([...onB.indicators.values()].sort(), ['192.0.2.10', 'a'.repeat(64), 'login-portal.example'].sort());
    assert.equal(onB.events.get(crossing.id)!.via_node, 'Node A');

    // B's users see the copy; the API shows where it came from.
    const seen = await b.node.app.request({ method: 'GET', url: `/api/v1/events/${crossing.id}`, session: b.admin });
    assert.equal(seen.statusCode, 200, seen.body);
    assert.equal((seen.json() as { originNode: string }).originNode, 'Node A');
    // …but cannot change it: only the origin does.
    const edit = await b.node.app.request({ method: 'PATCH', url: `/api/v1/events/${crossing.id}`, session: b.admin, payload: { info: 'changed on B' } });
    assert.equal(edit.statusCode, 403, edit.body);

    const relayed = await pull(c, b);
    assert.equal(relayed.refused, 0);
    const onC = await holdings(c);
    assert.ok(onC.events.has(crossing.id) && onC.events.has(clear.id));
    assert.equal(onC.events.size, 2, 'C holds exactly what crossed to B');
    const stored = await c.node.app.ctx.store.db.selectFrom('event').select('provenance').where('id', '=', crossing.id).executeTakeFirstOrThrow();
    assert.deepEqual((JSON.parse(stored.provenance!) as { nodes: string[] }).nodes, ['Node A', 'Node B']);
    // C learned A's key from B's signed word, without peering with A.
    const learned = await c.node.app.ctx.store.db.selectFrom('node_key').select(['node', 'public_key']).execute();
    assert.deepEqual(learned, [{ node: 'Node A', public_key: a.node.publicKey }]);

    // A second pull brings nothing new: versions held are not applied again.
    const again = await pull(b, a);
    assert.equal(again.records + again.tombstones, 0);
    // Nothing travels back to where it came from.
    const back = await pull(a, b);
    assert.equal(back.records, 0);
  });

  test('a deleted indicator and a downgraded event travel as tombstones through the relay', async () => {
    const event = await createEvent(a, { info: 'To be narrowed', tlp: 'GREEN', distribution: 'federation', indicators: [{ type: 'ip-dst', value: '198.51.100.1' }, { type: 'ip-dst', value: '198.51.100.2' }] });
    await pull(b, a);
    await pull(c, b);
    const [first] = await indicatorIds(c, event.id);
    assert.equal((await indicatorIds(c, event.id)).length, 2);

    const removed = await a.node.app.request({ method: 'DELETE', url: `/api/v1/indicators/${first}`, session: a.admin });
    assert.equal(removed.statusCode, 204, removed.body);
    assert.equal((await pull(b, a)).tombstones, 1);
    assert.equal((await pull(c, b)).tombstones, 1);
    assert.equal((await indicatorIds(b, event.id)).length, 1);
    assert.equal((await indicatorIds(c, event.id)).length, 1);

    const narrowed = await a.node.app.request({ method: 'PATCH', url: `/api/v1/events/${event.id}`, session: a.admin, payload: { distribution: 'community' } });
    assert.equal(narrowed.statusCode, 200, narrowed.body);
    assert.equal((await pull(b, a)).tombstones, 1);
    assert.ok(!(await holdings(b)).events.has(event.id), 'B drops what it may no longer see');
    assert.equal((await pull(c, b)).tombstones, 1);
    assert.ok(!(await holdings(c)).events.has(event.id), 'and passes the withdrawal on');
    const onB = await b.node.app.request({ method: 'GET', url: `/api/v1/events/${event.id}`, session: b.admin });
    assert.equal(onB.statusCode, 404);

    // Made federation-wide again, it comes back whole.
    await a.node.app.request({ method: 'PATCH', url: `/api/v1/events/${event.id}`, session: a.admin, payload: { distribution: 'federation' } });
    await pull(b, a);
    await pull(c, b);
    assert.equal((await indicatorIds(c, event.id)).length, 1);

    // A deletion at the origin removes it everywhere.
    await a.node.app.request({ method: 'DELETE', url: `/api/v1/events/${event.id}`, session: a.admin });
    await pull(b, a);
    await pull(c, b);
    assert.ok(!(await holdings(c)).events.has(event.id));
  });

  test('a pull cut off mid-event resumes from its cursor with nothing lost or doubled', async () => {
    const indicators = Array.from({ length: 45 }, (_, i) => ({ type: 'ip-dst', value: `203.0.113.${i + 1}` }));
    const big = await createEvent(a, { info: 'Many indicators', tlp: 'GREEN', distribution: 'federation', indicators });
    const cut = await pull(b, a, { pageRecords: 10, maxPages: 2 });
    assert.equal(cut.done, false);
    assert.ok((await indicatorIds(b, big.id)).length < 45);
    // While B holds part of the event, it does not pass it on.
    await pull(c, b);
    assert.ok(!(await holdings(c)).events.has(big.id));
    // The cursor B kept is resent: the page is served and applied again, harmlessly.
    const resumed = await pull(b, a, { pageRecords: 10 });
    assert.equal(resumed.done, true);
    assert.equal((await indicatorIds(b, big.id)).length, 45);
    const distinct = await b.node.app.ctx.store.db.selectFrom('indicator').select('value').where('event_id', '=', big.id).execute();
    assert.equal(new Set(distinct.map((r) => r.value)).size, distinct.length);
    await pull(c, b, { pageRecords: 7 });
    assert.equal((await indicatorIds(c, big.id)).length, 45);
  });

  test('a record altered on the way is refused, the rest of the page applied', async () => {
    const event = await createEvent(a, { info: 'Tamper target', tlp: 'GREEN', distribution: 'federation', indicators: [{ type: 'ip-dst', value: '192.0.2.200' }, { type: 'ip-dst', value: '192.0.2.201' }] });
    const peerOnA = (await peerByName(a.node.app.ctx.store.db, 'Node B'))!;
    const bPeer = (await peerByName(b.node.app.ctx.store.db, 'Node A'))!;
    const page = (await feedPage(a.node.app.ctx, peerOnA, bPeer.sync_cursor ?? undefined, 100)) as SyncPage;
    const target = page.changes.find((change) => change.record.type === 'indicator' && change.record.value === '192.0.2.200')!;
    assert.ok(target);
    (target.record as { value: string }).value = '192.0.2.66';
    const outcome = await applyPage(b.node.app.ctx, system, bPeer, 'Node B', JSON.parse(JSON.stringify(page)) as SyncPage, async () => {});
    assert.equal(outcome.refused.length, 1);
    assert.match(outcome.refused[0]!.reason, /does not list this version/);
    const values = (await b.node.app.ctx.store.db.selectFrom('indicator').select('value').where('event_id', '=', event.id).execute()).map((r) => r.value);
    assert.deepEqual(values, ['192.0.2.201']);
    const audit = await b.node.app.ctx.store.db.selectFrom('audit_log').select('details').where('action', '=', 'federation.sync.refuse').execute();
    assert.equal(audit.length, 1);
  });

  test('a replayed feed request is refused', async () => {
    const url = `${a.node.url}/federation/v1/changes?limit=5`;
    const headers = signRequest({ method: 'GET', url, body: '' }, { keyId: b.node.fingerprint, key: b.node.key, target: 'path-and-query' });
    assert.equal((await fetch(url, { headers })).status, 200);
    const replay = await fetch(url, { headers });
    assert.equal(replay.status, 401);
    assert.match(((await replay.json()) as { detail: string }).detail, /replay/);
  });

  test('peers show their sync state', async () => {
    const response = await b.node.app.request({ method: 'GET', url: '/api/v1/peers', session: b.admin });
    const items = (response.json() as { items: Peer[] }).items;
    const fromA = items.find((p) => p.name === 'Node A')!;
    assert.ok(fromA.sync.lastSyncAt);
    assert.equal(fromA.sync.behind, 0);
    assert.ok(fromA.sync.receivedRecords > 0);
    assert.ok(fromA.sync.receivedTombstones >= 3);
    const now = await b.node.app.request({ method: 'POST', url: `/api/v1/peers/${fromA.id}/sync`, session: b.admin, payload: {} });
    assert.equal(now.statusCode, 200, now.body);
    assert.equal((now.json() as { done: boolean }).done, true);
  });

  test('a running node pulls its peers on its own schedule', async () => {
    const event = await createEvent(a, { info: 'Picked up by the schedule', tlp: 'GREEN', distribution: 'federation', indicators: [{ type: 'ip-dst', value: '192.0.2.250' }] });
    const quiet = { info: () => {}, error: () => {} };
    const stop = startBackgroundJobs(b.node.app.ctx, quiet, { deliverySeconds: 3600, escalationSeconds: 3600, plannerStatisticsSeconds: 3600, syncSeconds: 0.2 });
    try {
      const deadline = Date.now() + 15_000;
      while (!(await holdings(b)).events.has(event.id) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await stop();
    }
    assert.ok((await holdings(b)).events.has(event.id), 'B pulled the new event without being asked');
  });
});
