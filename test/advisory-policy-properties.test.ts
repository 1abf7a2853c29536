// Property-based: on random worlds of organisations (on several nodes, in every membership status),
// sharing groups and advisories with every distribution/TLP/publication/withdrawal combination, and a
// random viewer (user, anonymous with or without CLEAR access, peer node, operator), the SQL predicate
// of policy/advisories.ts selects exactly the advisories the pure reference model selects.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { AppContext } from '../src/app.ts';
import { advisoriesVisibleTo } from '../src/policy/advisories.ts';
import { modelAdvisoryVisible, type ModelAdvisory, type ModelWorld } from '../src/policy/reference-model.ts';
import { systemViewer, type Viewer } from '../src/policy/viewer.ts';
import { freshContext, testEngines } from './helpers/store.ts';

const T = '2026-01-01T00:00:00.000Z';
const NODES = ['local', 'node-b', 'node-c'];
const TLPS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'];
const DISTRIBUTIONS = ['organisation', 'sharing_group', 'community', 'federation'];
const uuid = (prefix: string, n: number) => `00000000-0000-4000-8000-${prefix}${String(n).padStart(12 - prefix.length, '0')}`;

const worldArbitrary = fc
  .record({ orgs: fc.integer({ min: 1, max: 4 }), groups: fc.integer({ min: 0, max: 3 }), advisories: fc.integer({ min: 1, max: 8 }) })
  .chain(({ orgs, groups, advisories }) =>
    fc.record({
      orgNodes: fc.array(fc.constantFrom(...NODES), { minLength: orgs, maxLength: orgs }),
      orgStatuses: fc.array(fc.constantFrom('member', 'member', 'applicant', 'suspended', 'left'), { minLength: orgs, maxLength: orgs }),
      groups: fc.array(
        fc.record({ members: fc.uniqueArray(fc.nat(orgs - 1), { maxLength: orgs }), nodes: fc.uniqueArray(fc.constantFrom(...NODES), { maxLength: 3 }) }),
        { minLength: groups, maxLength: groups },
      ),
      advisories: fc.array(
        fc.record({
          owner: fc.nat(orgs - 1),
          published: fc.boolean(),
          deleted: fc.boolean(),
          distribution: fc.constantFrom(...DISTRIBUTIONS),
          group: groups > 0 ? fc.option(fc.nat(groups - 1), { nil: null }) : fc.constant(null),
          tlp: fc.constantFrom(...TLPS),
        }),
        { minLength: advisories, maxLength: advisories },
      ),
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
  for (const table of ['advisory_version', 'advisory', 'sharing_group_node', 'sharing_group_org', 'sharing_group', 'organisation'] as const) {
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
  const advisories: ModelAdvisory[] = g.advisories.map((a, i) => ({
    id: uuid('c', i),
    ownerOrgId: uuid('a', a.owner),
    published: a.published,
    deleted: a.deleted,
    distribution: a.distribution,
    sharingGroupId: a.group === null ? null : uuid('b', a.group),
    tlp: a.tlp,
  }));
  await db
    .insertInto('advisory')
    .values(
      advisories.map((a, i) => ({
        id: a.id,
        owner_org_id: a.ownerOrgId,
        origin_node: 'local',
        source: 'authored',
        tracking_id: a.published ? `O-2026-${String(i).padStart(4, '0')}` : null,
        title: 'a',
        category: 'csaf_base',
        tlp: a.tlp,
        distribution: a.distribution,
        sharing_group_id: a.sharingGroupId,
        draft: '{}',
        pending_changes: 0,
        published: a.published ? 1 : 0,
        current_version: a.published ? 1 : 0,
        initial_release_date: null,
        current_release_date: null,
        created_at: T,
        modified: T,
        deleted: a.deleted ? 1 : 0,
      })),
    )
    .execute();
  let viewer: Viewer;
  const v = g.viewer;
  if (v.kind === 'user') viewer = { kind: 'user', userId: uuid('e', 0), orgId: uuid('a', v.org), email: 'v@x.example', role: 'reader', via: 'session' };
  else if (v.kind === 'anonymous') viewer = { kind: 'anonymous', mayReadClear: v.mayReadClear };
  else if (v.kind === 'peer') viewer = { kind: 'peer', node: v.node };
  else viewer = systemViewer('property test');
  return { world, advisories, viewer };
}

for (const engine of await testEngines()) {
  describe(`advisory visibility in SQL equals the reference model (${engine})`, () => {
    let ctx: AppContext & { close(): Promise<void> };
    before(async () => {
      ctx = await freshContext(engine);
    });
    after(() => ctx.close());

    test('drafts, published, withdrawn advisories; every viewer kind', async () => {
      await fc.assert(
        fc.asyncProperty(worldArbitrary, async (generated) => {
          const { world, advisories, viewer } = await load(ctx, generated);
          const fromSql = (await ctx.store.db.selectFrom('advisory').select('id').where(advisoriesVisibleTo(viewer)).execute()).map((r) => r.id).sort();
          const fromModel = advisories.filter((a) => modelAdvisoryVisible(viewer, world, a)).map((a) => a.id).sort();
          assert.deepEqual(fromSql, fromModel);
        }),
        { numRuns: 200 },
      );
    });

    test('an unpublished advisory reaches no one but its owner team and the operator', async () => {
      await fc.assert(
        fc.asyncProperty(worldArbitrary, async (generated) => {
          const { advisories, viewer } = await load(ctx, generated);
          const visible = new Set((await ctx.store.db.selectFrom('advisory').select('id').where(advisoriesVisibleTo(viewer)).execute()).map((r) => r.id));
          for (const advisory of advisories.filter((a) => !a.published && visible.has(a.id))) {
            assert.ok(viewer.kind === 'system' || (viewer.kind === 'user' && viewer.orgId === advisory.ownerOrgId));
          }
        }),
        { numRuns: 50 },
      );
    });
  });
}
