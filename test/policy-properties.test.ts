// Property-based: on random worlds of teams, users, audit entries and keys, and a random viewer,
// the SQL predicates of the policy module select exactly what the pure reference model selects.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ROLES, type Role } from '../src/domain/roles.ts';
import type { AppContext } from '../src/app.ts';
import { usersVisibleTo } from '../src/policy/users.ts';
import { auditEntriesVisibleTo } from '../src/policy/audit.ts';
import { apiKeysVisibleTo } from '../src/policy/api-keys.ts';
import { organisationsVisibleTo } from '../src/policy/organisations.ts';
import {
  modelApiKeyVisible,
  modelAuditEntryVisible,
  modelOrganisationVisible,
  modelUserVisible,
  type ModelApiKey,
  type ModelAuditEntry,
  type ModelUser,
} from '../src/policy/reference-model.ts';
import { ANONYMOUS, systemViewer, type Viewer } from '../src/policy/viewer.ts';
import { freshContext } from './helpers/store.ts';
import { testEngines } from './helpers/store.ts';

const T = '2026-01-01T00:00:00.000Z';

interface World {
  orgCount: number;
  users: { org: number; role: Role }[];
  audit: { org: number | null; actor: number | null }[];
  keys: number[]; // index of the owning user
  viewer: { kind: 'user'; user: number; via: 'session' | 'apikey' } | { kind: 'anonymous' } | { kind: 'system' };
}

const worldArbitrary: fc.Arbitrary<World> = fc
  .record({ orgCount: fc.integer({ min: 1, max: 4 }), userCount: fc.integer({ min: 1, max: 8 }) })
  .chain(({ orgCount, userCount }) =>
    fc.record({
      orgCount: fc.constant(orgCount),
      users: fc.array(fc.record({ org: fc.nat(orgCount - 1), role: fc.constantFrom(...ROLES) }), { minLength: userCount, maxLength: userCount }),
      audit: fc.array(
        fc.record({ org: fc.option(fc.nat(orgCount - 1), { nil: null }), actor: fc.option(fc.nat(userCount - 1), { nil: null }) }),
        { maxLength: 15 },
      ),
      keys: fc.array(fc.nat(userCount - 1), { maxLength: 6 }),
      viewer: fc.oneof(
        fc.record({ kind: fc.constant('user' as const), user: fc.nat(userCount - 1), via: fc.constantFrom('session' as const, 'apikey' as const) }),
        fc.constant({ kind: 'anonymous' as const }),
        fc.constant({ kind: 'system' as const }),
      ),
    }),
  );

const id = (prefix: string, n: number) => `00000000-0000-4000-8000-${prefix}${String(n).padStart(12 - prefix.length, '0')}`;

async function load(ctx: AppContext, world: World) {
  const db = ctx.store.db;
  await db.deleteFrom('api_key').execute();
  await db.deleteFrom('audit_log').execute();
  await db.deleteFrom('app_user').execute();
  await db.deleteFrom('organisation').execute();
  const orgIds = Array.from({ length: world.orgCount }, (_, i) => id('a', i));
  await db
    .insertInto('organisation')
    .values(orgIds.map((oid, i) => ({ id: oid, name: `org ${i}`, short_name: `o${i}`, country: 'MY', tier: 'full', status: 'member', home_node: 'n', contacts: '{}', pgp_public_key: null, pgp_fingerprint: null, profile: '', created_at: T, modified_at: T })))
    .execute();
  const users: ModelUser[] = world.users.map((u, i) => ({ id: id('b', i), orgId: orgIds[u.org]!, role: u.role }));
  await db
    .insertInto('app_user')
    .values(users.map((u, i) => ({ id: u.id, org_id: u.orgId, email: `u${i}@x.example`, name: 'u', role: u.role, password_hash: 'x', disabled: 0, totp_secret: null, totp_pending_secret: null, totp_last_step: null, failed_logins: 0, locked_until: null, created_at: T, modified_at: T, last_login_at: null })))
    .execute();
  const audit: ModelAuditEntry[] = world.audit.map((a, i) => ({ seq: i + 1, orgId: a.org === null ? null : orgIds[a.org]!, actorId: a.actor === null ? null : users[a.actor]!.id }));
  if (audit.length > 0) {
    await db
      .insertInto('audit_log')
      .values(audit.map((a) => ({ seq: a.seq, id: id('c', a.seq), at: T, actor_type: 'user', actor_id: a.actorId, actor_label: 'x', org_id: a.orgId, source_ip: null, action: 'x', object_type: null, object_id: null, details: '{}', prev_hash: '', hash: '' })))
      .execute();
  }
  const keys: ModelApiKey[] = world.keys.map((owner, i) => ({ id: id('d', i), userId: users[owner]!.id }));
  if (keys.length > 0) {
    await db
      .insertInto('api_key')
      .values(keys.map((k) => ({ id: k.id, user_id: k.userId, name: 'k', prefix: 'p', key_hash: k.id, role: 'reader', created_at: T, expires_at: null, revoked_at: null, last_used_at: null, last_used_ip: null })))
      .execute();
  }
  let viewer: Viewer;
  if (world.viewer.kind === 'user') {
    const u = users[world.viewer.user]!;
    viewer = { kind: 'user', userId: u.id, orgId: u.orgId, email: 'v@x.example', role: u.role, via: world.viewer.via };
  } else viewer = world.viewer.kind === 'anonymous' ? ANONYMOUS : systemViewer('property test');
  return { orgIds, users, audit, keys, viewer };
}

for (const engine of await testEngines()) {
  describe(`policy SQL equals the reference model (${engine})`, () => {
    let ctx: AppContext & { close(): Promise<void> };
    before(async () => {
      ctx = await freshContext(engine);
    });
    after(() => ctx.close());

    test('users, audit entries, API keys and organisations', async () => {
      await fc.assert(
        fc.asyncProperty(worldArbitrary, async (world) => {
          const { orgIds, users, audit, keys, viewer } = await load(ctx, world);
          const db = ctx.store.db;
          const sorted = (values: (string | number)[]) => [...values].sort();

          const sqlUsers = (await db.selectFrom('app_user').select('id').where(usersVisibleTo(viewer)).execute()).map((r) => r.id);
          assert.deepEqual(sorted(sqlUsers), sorted(users.filter((u) => modelUserVisible(viewer, u)).map((u) => u.id)));

          const sqlAudit = (await db.selectFrom('audit_log').select('seq').where(auditEntriesVisibleTo(viewer)).execute()).map((r) => r.seq);
          assert.deepEqual(sorted(sqlAudit), sorted(audit.filter((a) => modelAuditEntryVisible(viewer, a)).map((a) => a.seq)));

          const sqlKeys = (await db.selectFrom('api_key').select('id').where(apiKeysVisibleTo(viewer)).execute()).map((r) => r.id);
          assert.deepEqual(sorted(sqlKeys), sorted(keys.filter((k) => modelApiKeyVisible(viewer, k, users)).map((k) => k.id)));

          const sqlOrgs = (await db.selectFrom('organisation').select('id').where(organisationsVisibleTo(viewer)).execute()).map((r) => r.id);
          assert.deepEqual(sorted(sqlOrgs), modelOrganisationVisible(viewer) ? sorted(orgIds) : []);
        }),
        { numRuns: 150 },
      );
    });
  });
}
