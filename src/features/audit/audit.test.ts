import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startTestApp, ADMIN_EMAIL, ADMIN_PASSWORD, type Session, type TestApp } from '../../../test/helpers/app.ts';
import { testEngines } from '../../../test/helpers/store.ts';
import { verifyAuditChain } from './service.ts';

for (const engine of await testEngines()) {
  describe(`audit log (${engine})`, () => {
    let app: TestApp;
    let admin: Session;
    beforeEach(async () => {
      app = await startTestApp(engine);
      admin = await app.login(ADMIN_EMAIL, ADMIN_PASSWORD);
      for (const name of ['A', 'B', 'C']) await app.addOrganisation(`TEAM-${name}`);
    });
    const close = () => app.close();

    test('records who, what, when, from where, chained by SHA-256', async () => {
      const entries = await app.ctx.store.db.selectFrom('audit_log').selectAll().orderBy('seq').execute();
      assert.ok(entries.length >= 6);
      const login = entries.find((e) => e.action === 'auth.login');
      assert.ok(login);
      assert.equal(login.actor_type, 'user');
      assert.equal(login.source_ip, '127.0.0.1');
      assert.match(login.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      for (let i = 1; i < entries.length; i++) assert.equal(entries[i]!.prev_hash, entries[i - 1]!.hash);
      const result = await verifyAuditChain(app.ctx.store.db);
      assert.deepEqual({ ok: result.ok, entries: result.entries }, { ok: true, entries: entries.length });
      await close();
    });

    test('detects an altered entry', async () => {
      await app.ctx.store.db.updateTable('audit_log').set({ details: '{"name":"forged"}' }).where('seq', '=', 3).execute();
      const result = await verifyAuditChain(app.ctx.store.db);
      assert.equal(result.ok, false);
      assert.equal(result.problem?.seq, 3);
      assert.match(result.problem!.reason, /altered/);
      const viaApi = await app.request({ method: 'GET', url: '/api/v1/audit/verify', session: admin });
      assert.equal(viaApi.json().ok, false);
      await close();
    });

    test('detects a re-hashed entry whose successor no longer links to it', async () => {
      const { entryHash } = await import('./chain.ts');
      const row = await app.ctx.store.db.selectFrom('audit_log').selectAll().where('seq', '=', 2).executeTakeFirstOrThrow();
      const forged = { ...row, action: 'nothing.happened' };
      await app.ctx.store.db.updateTable('audit_log').set({ action: forged.action, hash: entryHash(forged) }).where('seq', '=', 2).execute();
      const result = await verifyAuditChain(app.ctx.store.db);
      assert.equal(result.ok, false);
      assert.equal(result.problem?.seq, 3);
      assert.match(result.problem!.reason, /does not link/);
      await close();
    });

    test('detects a removed entry', async () => {
      await app.ctx.store.db.deleteFrom('audit_log').where('seq', '=', 4).execute();
      const result = await verifyAuditChain(app.ctx.store.db);
      assert.equal(result.ok, false);
      assert.equal(result.problem?.seq, 4);
      assert.match(result.problem!.reason, /missing/);
      await close();
    });

    test('detects reordered entries', async () => {
      // Swap the contents of entries 3 and 4 while keeping their positions.
      const rows = await app.ctx.store.db.selectFrom('audit_log').selectAll().where('seq', 'in', [3, 4]).orderBy('seq').execute();
      const [third, fourth] = rows as [(typeof rows)[0], (typeof rows)[0]];
      await app.ctx.store.db.transaction().execute(async (tx) => {
        await tx.updateTable('audit_log').set({ seq: -3 }).where('seq', '=', 3).execute();
        await tx.updateTable('audit_log').set({ seq: 3 }).where('seq', '=', 4).execute();
        await tx.updateTable('audit_log').set({ seq: 4 }).where('seq', '=', -3).execute();
      });
      void third;
      void fourth;
      const result = await verifyAuditChain(app.ctx.store.db);
      assert.equal(result.ok, false);
      assert.equal(result.problem?.seq, 3);
      await close();
    });

    test('detects entries cut from the end', async () => {
      const last = await app.ctx.store.db.selectFrom('audit_log').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
      await app.ctx.store.db.deleteFrom('audit_log').where('seq', '=', last.seq).execute();
      const result = await verifyAuditChain(app.ctx.store.db);
      assert.equal(result.ok, false);
      assert.match(result.problem!.reason, /removed from the end/);
      await close();
    });

    test('verifies in batches across page boundaries', async () => {
      const result = await verifyAuditChain(app.ctx.store.db, 2);
      assert.equal(result.ok, true);
      await close();
    });

    test('a crash in the middle of a change leaves no half-written rows', async () => {
      const organisations = async () => (await app.ctx.store.db.selectFrom('organisation').select('id').execute()).length;
      const before = await organisations();
      // The organisation row is inserted first, then the audit append fails: the whole change must roll back.
      await sql`drop table audit_log`.execute(app.ctx.store.db);
      const response = await app.request({
        method: 'POST',
        url: '/api/v1/organisations',
        session: admin,
        payload: { name: 'Half CERT', shortName: 'HALF', country: 'MY', tier: 'full', constituency: { ipPrefixes: ['192.0.2.0/24'] } },
      });
      assert.equal(response.statusCode, 500);
      assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
      assert.equal(await organisations(), before);
      const entries = await app.ctx.store.db.selectFrom('constituency_entry').select('id').execute();
      assert.equal(entries.length, 0);
      await close();
    });
  });

  describe(`audit visibility (${engine})`, () => {
    let app: TestApp;
    before(async () => {
      app = await startTestApp(engine);
    });
    after(() => app.close());

    test('org-admins read their team, others only their own actions', async () => {
      const teamA = await app.addOrganisation('VIS-A');
      const teamB = await app.addOrganisation('VIS-B');
      const orgAdminA = await app.addUser(teamA, 'org-admin');
      const analystA = await app.addUser(teamA, 'analyst');
      await app.addUser(teamB, 'analyst');
      const seenBy = async (session: Session) =>
        ((await app.request({ method: 'GET', url: '/api/v1/audit?limit=500', session })).json() as { items: { orgId: string | null; actorId: string | null }[] }).items;
      const orgAdminView = await seenBy(orgAdminA);
      assert.ok(orgAdminView.length > 0);
      assert.ok(orgAdminView.every((e) => e.orgId === teamA));
      const analystView = await seenBy(analystA);
      assert.ok(analystView.length > 0);
      assert.ok(analystView.every((e) => e.actorId === analystA.userId));
      const all = await app.ctx.store.db.selectFrom('audit_log').select('seq').execute();
      assert.ok(all.length > orgAdminView.length);
    });
  });
}
