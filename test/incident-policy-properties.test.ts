// Property-based: on random worlds of teams, incidents (owner, reporting team), coordination requests
// and timeline entries (internal or shared, by any team), and a random viewer, the SQL incident
// predicates select exactly what the pure reference model selects.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { AppContext } from '../src/app.ts';
import { entriesVisibleTo, incidentAudienceParts, incidentsCountedFor, incidentsVisibleTo } from '../src/policy/incidents.ts';
import { modelIncidentCounted, modelIncidentEntryVisible, modelIncidentVisible, type ModelIncident, type ModelIncidentEntry } from '../src/policy/reference-model.ts';
import { systemViewer, type Viewer } from '../src/policy/viewer.ts';
import { freshContext, testEngines } from './helpers/store.ts';

const T = '2026-01-01T00:00:00.000Z';
const uuid = (prefix: string, n: number) => `00000000-0000-4000-8000-${prefix}${String(n).padStart(12 - prefix.length, '0')}`;

const worldArbitrary = fc
  .record({ orgs: fc.integer({ min: 1, max: 4 }), incidents: fc.integer({ min: 1, max: 6 }) })
  .chain(({ orgs, incidents }) =>
    fc.record({
      orgs: fc.constant(orgs),
      incidents: fc.array(
        fc.record({ owner: fc.nat(orgs - 1), reporter: fc.option(fc.nat(orgs - 1), { nil: null }), asked: fc.uniqueArray(fc.nat(orgs - 1), { maxLength: orgs }) }),
        { minLength: incidents, maxLength: incidents },
      ),
      entries: fc.array(fc.record({ incident: fc.nat(incidents - 1), org: fc.option(fc.nat(orgs - 1), { nil: null }), internal: fc.boolean() }), { maxLength: 10 }),
      viewer: fc.oneof(
        fc.record({ kind: fc.constant('user' as const), org: fc.nat(orgs - 1), role: fc.constantFrom('reader', 'analyst', 'org-admin', 'secretariat', 'admin') }),
        fc.constant({ kind: 'anonymous' as const }),
        fc.record({ kind: fc.constant('peer' as const), node: fc.constantFrom('local', 'node-b') }),
        fc.constant({ kind: 'system' as const }),
      ),
    }),
  );

type Generated = typeof worldArbitrary extends fc.Arbitrary<infer W> ? W : never;

async function load(ctx: AppContext, g: Generated) {
  const db = ctx.store.db;
  for (const table of ['incident_entry', 'coordination_request', 'incident', 'organisation'] as const) await db.deleteFrom(table).execute();
  await db
    .insertInto('organisation')
    .values(Array.from({ length: g.orgs }, (_, i) => ({ id: uuid('a', i), name: `org ${i}`, short_name: `o${i}`, country: 'MY', tier: 'full', status: 'member', home_node: 'local', contacts: '{}', pgp_public_key: null, pgp_fingerprint: null, profile: '', created_at: T, modified_at: T })))
    .execute();
  const incidents: ModelIncident[] = g.incidents.map((x, i) => ({
    id: uuid('c', i),
    ownerOrgId: uuid('a', x.owner),
    reporterOrgId: x.reporter === null ? null : uuid('a', x.reporter),
    coordinatingOrgIds: x.asked.map((o) => uuid('a', o)),
  }));
  let requests = 0;
  for (const [i, incident] of incidents.entries()) {
    await db
      .insertInto('incident')
      .values({
        id: incident.id, reference: `MY-2026-${String(i + 1).padStart(5, '0')}`, title: 't', description: '', classification: 'other', rsit_type: null, severity: 'low', tlp: 'AMBER', pap: 'AMBER', status: 'new',
        owner_org_id: incident.ownerOrgId, assignee_user_id: null, reporter_kind: incident.reporterOrgId ? 'team' : 'outside', reporter_org_id: incident.reporterOrgId, reporter_name: 'r', reporter_email: null,
        affected_systems: null, affected_people: null, loss_amount: null, loss_currency: null, country: null, opened_at: T, acknowledged_at: null, first_response_at: null, resolved_at: null, closed_at: null,
        escalated_at: null, tracking_hash: null, created_at: T, modified: T,
      })
      .execute();
    for (const orgId of incident.coordinatingOrgIds) {
      await db.insertInto('coordination_request').values({ id: uuid('f', requests++), incident_id: incident.id, org_id: orgId, status: 'requested', action: 'assist', message: '', reason: null, note: '', requested_by: 'x', created_at: T, modified: T, responded_at: null, completed_at: null }).execute();
    }
  }
  const entries: ModelIncidentEntry[] = g.entries.map((e, i) => ({ id: uuid('d', i), incidentId: uuid('c', e.incident), orgId: e.org === null ? null : uuid('a', e.org), internal: e.internal }));
  if (entries.length) {
    await db
      .insertInto('incident_entry')
      .values(entries.map((e) => ({ id: e.id, incident_id: e.incidentId, kind: 'comment', org_id: e.orgId, author_user_id: null, author_label: 'x', body: '', details: '{}', internal: e.internal ? 1 : 0, created_at: T })))
      .execute();
  }
  let viewer: Viewer;
  const v = g.viewer;
  if (v.kind === 'user') viewer = { kind: 'user', userId: uuid('e', 0), orgId: uuid('a', v.org), email: 'v@x.example', role: v.role, via: 'session' };
  else if (v.kind === 'anonymous') viewer = { kind: 'anonymous', mayReadClear: true };
  else if (v.kind === 'peer') viewer = { kind: 'peer', node: v.node };
  else viewer = systemViewer('property test');
  return { incidents, entries, viewer };
}

for (const engine of await testEngines()) {
  describe(`incident visibility in SQL equals the reference model (${engine})`, () => {
    let ctx: AppContext & { close(): Promise<void> };
    before(async () => {
      ctx = await freshContext(engine);
    });
    after(() => ctx.close());

    test('incidents, timeline entries and statistics scope, every viewer kind', async () => {
      await fc.assert(
        fc.asyncProperty(worldArbitrary, async (generated) => {
          const { incidents, entries, viewer } = await load(ctx, generated);
          const db = ctx.store.db;
          const ids = (rows: { id: string }[]) => rows.map((r) => r.id).sort();
          assert.deepEqual(ids(await db.selectFrom('incident').select('id').where(incidentsVisibleTo(viewer)).execute()), ids(incidents.filter((i) => modelIncidentVisible(viewer, i))));
          assert.deepEqual(ids(await db.selectFrom('incident').select('id').where(incidentsCountedFor(viewer)).execute()), ids(incidents.filter((i) => modelIncidentCounted(viewer, i))));
          const parts = await Promise.all(incidentAudienceParts(viewer).map((part) => db.selectFrom('incident').select('id').where(part).execute()));
          assert.deepEqual([...new Set(parts.flat().map((r) => r.id))].sort(), ids(incidents.filter((i) => modelIncidentVisible(viewer, i))), 'the parts of the audience add up to it');
          const sqlEntries = await db
            .selectFrom('incident_entry')
            .innerJoin('incident', 'incident.id', 'incident_entry.incident_id')
            .select('incident_entry.id')
            .where(incidentsVisibleTo(viewer))
            .where(entriesVisibleTo(viewer))
            .execute();
          assert.deepEqual(ids(sqlEntries), ids(entries.filter((e) => modelIncidentEntryVisible(viewer, incidents.find((i) => i.id === e.incidentId)!, e))));
        }),
        { numRuns: 150 },
      );
    });
  });
}
