// Property-based: on random worlds of organisations (on several nodes), sharing groups, events and
// indicators with every distribution/TLP/publication/tombstone combination, and a random viewer
// (user, anonymous with or without CLEAR access, peer node, operator), the SQL handling-rule
// predicates select exactly the events, indicators and STIX objects the pure reference model selects.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { AppContext } from '../src/app.ts';
import { eventsVisibleTo, indicatorsVisibleTo, stixObjectsVisibleTo } from '../src/policy/intel.ts';
import {
  modelEventVisible,
  modelIndicatorVisible,
  type ModelEvent,
  type ModelIndicator,
  type ModelWorld,
} from '../src/policy/reference-model.ts';
import { systemViewer, type Viewer } from '../src/policy/viewer.ts';
import { freshContext, testEngines } from './helpers/store.ts';

const T = '2026-01-01T00:00:00.000Z';
const NODES = ['local', 'node-b', 'node-c'];
const TLPS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'];
const DISTRIBUTIONS = ['organisation', 'sharing_group', 'community', 'federation'];
const uuid = (prefix: string, n: number) => `00000000-0000-4000-8000-${prefix}${String(n).padStart(12 - prefix.length, '0')}`;

const handling = (groups: number, nullable: boolean) =>
  fc.record({
    distribution: nullable ? fc.option(fc.constantFrom(...DISTRIBUTIONS), { nil: null }) : fc.constantFrom(...DISTRIBUTIONS),
    group: groups > 0 ? fc.option(fc.nat(groups - 1), { nil: null }) : fc.constant(null),
    tlp: nullable ? fc.option(fc.constantFrom(...TLPS), { nil: null }) : fc.constantFrom(...TLPS),
  });

const worldArbitrary = fc
  .record({ orgs: fc.integer({ min: 1, max: 4 }), groups: fc.integer({ min: 0, max: 3 }), events: fc.integer({ min: 1, max: 6 }) })
  .chain(({ orgs, groups, events }) =>
    fc.record({
      orgNodes: fc.array(fc.constantFrom(...NODES), { minLength: orgs, maxLength: orgs }),
      orgStatuses: fc.array(fc.constantFrom('member', 'member', 'applicant', 'suspended', 'left'), { minLength: orgs, maxLength: orgs }),
      groups: fc.array(
        fc.record({ members: fc.uniqueArray(fc.nat(orgs - 1), { maxLength: orgs }), nodes: fc.uniqueArray(fc.constantFrom(...NODES), { maxLength: 3 }) }),
        { minLength: groups, maxLength: groups },
      ),
      events: fc.array(
        fc.record({ owner: fc.nat(orgs - 1), published: fc.boolean(), deleted: fc.boolean(), handling: handling(groups, false) }),
        { minLength: events, maxLength: events },
      ),
      indicators: fc.array(fc.record({ event: fc.nat(events - 1), deleted: fc.boolean(), handling: handling(groups, true) }), { maxLength: 12 }),
      viewer: fc.oneof(
        fc.record({ kind: fc.constant('user' as const), org: fc.nat(orgs - 1) }),
        fc.record({ kind: fc.constant('anonymous' as const), mayReadClear: fc.boolean() }),
        fc.record({ kind: fc.constant('peer' as const), node: fc.constantFrom(...NODES) }),
        fc.constant({ kind: 'system' as const }),
      ),
    }),
  );

type Generated = typeof worldArbitrary extends fc.Arbitrary<infer W> ? W : never;

async function load(ctx: AppContext, g: Generated) {
  const db = ctx.store.db;
  for (const table of ['stix_object', 'indicator', 'event', 'sharing_group_node', 'sharing_group_org', 'sharing_group', 'organisation'] as const) {
    await db.deleteFrom(table).execute();
  }
  const world: ModelWorld = {
    organisations: g.orgNodes.map((node, i) => ({ id: uuid('a', i), homeNode: node, status: g.orgStatuses[i]! })),
    groups: g.groups.map((group, i) => ({ id: uuid('b', i), members: group.members.map((m) => uuid('a', m)), nodes: group.nodes })),
  };
  await db
    .insertInto('organisation')
    .values(world.organisations.map((o, i) => ({ id: o.id, name: `org ${i}`, short_name: `o${i}`, country: 'MY', tier: 'full', status: o.status, home_node: o.homeNode, contacts: '{}', pgp_public_key: null, pgp_fingerprint: null, profile: '', created_at: T, modified_at: T })))
    .execute();
  for (const group of world.groups) {
    await db.insertInto('sharing_group').values({ id: group.id, name: group.id, description: '', owner_org_id: world.organisations[0]!.id, created_at: T, modified: T }).execute();
    if (group.members.length) await db.insertInto('sharing_group_org').values(group.members.map((org) => ({ group_id: group.id, org_id: org, extend: 0 }))).execute();
    if (group.nodes.length) await db.insertInto('sharing_group_node').values(group.nodes.map((node) => ({ group_id: group.id, node }))).execute();
  }
  const events: ModelEvent[] = g.events.map((e, i) => ({
    id: uuid('c', i),
    ownerOrgId: uuid('a', e.owner),
    published: e.published,
    deleted: e.deleted,
    distribution: e.handling.distribution!,
    sharingGroupId: e.handling.group === null ? null : uuid('b', e.handling.group),
    tlp: e.handling.tlp!,
  }));
  await db
    .insertInto('event')
    .values(events.map((e) => ({ id: e.id, info: 'e', date: '2026-01-01', threat_level: 'low', analysis: 'initial', owner_org_id: e.ownerOrgId, origin_node: 'local', tlp: e.tlp, pap: 'CLEAR', distribution: e.distribution, sharing_group_id: e.sharingGroupId, published: e.published ? 1 : 0, published_at: null, created_at: T, modified: T, deleted: e.deleted ? 1 : 0 })))
    .execute();
  const indicators: ModelIndicator[] = g.indicators.map((x, i) => ({
    id: uuid('d', i),
    eventId: uuid('c', x.event),
    deleted: x.deleted,
    distribution: x.handling.distribution,
    sharingGroupId: x.handling.group === null ? null : uuid('b', x.handling.group),
    tlp: x.handling.tlp,
  }));
  if (indicators.length) {
    await db
      .insertInto('indicator')
      .values(indicators.map((x) => ({ id: x.id, event_id: x.eventId, object_id: null, object_relation: null, type: 'domain', category: 'Network activity', value: 'a.example', normalised: 'a.example', correlation_key: 'dom:a.example', ip_start: null, ip_end: null, to_ids: 1, comment: '', first_seen: null, last_seen: null, tlp: x.tlp, distribution: x.distribution, sharing_group_id: x.sharingGroupId, warning: null, created_at: T, modified: T, deleted: x.deleted ? 1 : 0 })))
      .execute();
    // STIX objects held as received follow the indicators' rule: the same records as objects.
    await db
      .insertInto('stix_object')
      .values(indicators.map((x) => ({ id: `indicator--${x.id}`, version: '', type: 'indicator', event_id: x.eventId, owner_org_id: events.find((e) => e.id === x.eventId)!.ownerOrgId, spec_version: '2.1', latest: 1, revoked: 0, tlp: x.tlp, distribution: x.distribution, sharing_group_id: x.sharingGroupId, deleted: x.deleted ? 1 : 0, object: '{}', date_added: T, added_key: `${T}|${x.id}` })))
      .execute();
  }
  let viewer: Viewer;
  const v = g.viewer;
  if (v.kind === 'user') viewer = { kind: 'user', userId: uuid('e', 0), orgId: uuid('a', v.org), email: 'v@x.example', role: 'analyst', via: 'session' };
  else if (v.kind === 'anonymous') viewer = { kind: 'anonymous', mayReadClear: v.mayReadClear };
  else if (v.kind === 'peer') viewer = { kind: 'peer', node: v.node };
  else viewer = systemViewer('property test');
  return { world, events, indicators, viewer };
}

for (const engine of await testEngines()) {
  describe(`handling rules in SQL equal the reference model (${engine})`, () => {
    let ctx: AppContext & { close(): Promise<void> };
    before(async () => {
      ctx = await freshContext(engine);
    });
    after(() => ctx.close());

    test('events and indicators, every viewer kind', async () => {
      await fc.assert(
        fc.asyncProperty(worldArbitrary, async (generated) => {
          const { world, events, indicators, viewer } = await load(ctx, generated);
          const db = ctx.store.db;
          const sqlEvents = (await db.selectFrom('event').select('id').where(eventsVisibleTo(viewer)).execute()).map((r) => r.id).sort();
          const modelEvents = events.filter((e) => modelEventVisible(viewer, world, e)).map((e) => e.id).sort();
          assert.deepEqual(sqlEvents, modelEvents);
          const sqlIndicators = (
            await db.selectFrom('indicator').innerJoin('event', 'event.id', 'indicator.event_id').select('indicator.id').where(indicatorsVisibleTo(viewer)).execute()
          )
            .map((r) => r.id)
            .sort();
          const modelIndicators = indicators
            .filter((x) => modelIndicatorVisible(viewer, world, events.find((e) => e.id === x.eventId)!, x))
            .map((x) => x.id)
            .sort();
          assert.deepEqual(sqlIndicators, modelIndicators);
          const sqlStixObjects = (
            await db.selectFrom('stix_object').innerJoin('event', 'event.id', 'stix_object.event_id').select('stix_object.id').where(stixObjectsVisibleTo(viewer)).execute()
          )
            .map((r) => r.id.slice('indicator--'.length))
            .sort();
          assert.deepEqual(sqlStixObjects, modelIndicators);
        }),
        { numRuns: 200 },
      );
    });
  });
}
