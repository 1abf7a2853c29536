import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type Session, type TestApp } from '../../../test/helpers/app.ts';
import { testEngines } from '../../../test/helpers/store.ts';

for (const engine of await testEngines()) {
  describe(`sharing groups (${engine})`, () => {
    let app: TestApp;
    const team: Record<'A' | 'B' | 'C' | 'D', string> = { A: '', B: '', C: '', D: '' };
    let managerA: Session;
    let managerB: Session;
    let analystA: Session;
    let managerD: Session;
    let groupId: string;
    before(async () => {
      app = await startTestApp(engine);
      for (const key of ['A', 'B', 'C', 'D'] as const) team[key] = await app.addOrganisation(`SG-${key}`);
      managerA = await app.addUser(team.A, 'org-admin');
      managerB = await app.addUser(team.B, 'org-admin');
      analystA = await app.addUser(team.A, 'analyst');
      managerD = await app.addUser(team.D, 'org-admin');
    });
    after(() => app.close());

    const call = (session: Session, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
      app.request({ method, url: `/api/v1${url}`, session, ...(payload ? { payload } : {}) });

    test('a team manager creates a group; the owner team is a member with the extend right', async () => {
      const created = await call(managerA, 'POST', '/sharing-groups', { name: 'Gulf CERTs', members: [{ orgId: team.B }, { orgId: team.C }], releasableTo: ['node-b', ' node-b '] });
      assert.equal(created.statusCode, 201, created.body);
      const group = created.json();
      groupId = group.id;
      assert.equal(group.ownerOrgId, team.A);
      assert.deepEqual(
        group.members.map((m: { orgId: string; extend: boolean }) => [m.orgId, m.extend]).sort(),
        [[team.A, true], [team.B, false], [team.C, false]].sort(),
      );
      assert.deepEqual(group.releasableTo, ['node-b']);
    });

    test('refusals name their reason and write nothing', async () => {
      assert.equal((await call(analystA, 'POST', '/sharing-groups', { name: 'Analysts' })).statusCode, 403);
      const duplicate = await call(managerB, 'POST', '/sharing-groups', { name: 'GULF certs' });
      assert.equal(duplicate.statusCode, 409);
      assert.equal(duplicate.json().field, 'name');
      const unknown = await call(managerB, 'POST', '/sharing-groups', { name: 'Ghosts', members: [{ orgId: '00000000-0000-4000-8000-000000000000' }] });
      assert.equal(unknown.statusCode, 422);
      assert.equal(unknown.json().field, 'members[0].orgId');
      const groups = await app.ctx.store.db.selectFrom('sharing_group').select('name').execute();
      assert.deepEqual(groups.map((g) => g.name), ['Gulf CERTs']);
    });

    test('only members see the group', async () => {
      assert.equal((await call(managerB, 'GET', `/sharing-groups/${groupId}`)).statusCode, 200);
      assert.equal((await call(managerD, 'GET', `/sharing-groups/${groupId}`)).statusCode, 404);
      assert.deepEqual((await call(managerD, 'GET', '/sharing-groups')).json().items, []);
    });

    test('a member extends the group only with the extend right, which only the owner grants', async () => {
      assert.equal((await call(managerB, 'POST', `/sharing-groups/${groupId}/members`, { orgId: team.D })).statusCode, 403);
      const grant = await call(managerB, 'POST', `/sharing-groups/${groupId}/members`, { orgId: team.B, extend: true });
      assert.equal(grant.statusCode, 403);
      assert.equal((await call(managerA, 'POST', `/sharing-groups/${groupId}/members`, { orgId: team.B, extend: true })).statusCode, 200);
      const added = await call(managerB, 'POST', `/sharing-groups/${groupId}/members`, { orgId: team.D });
      assert.equal(added.statusCode, 200, added.body);
      assert.ok(added.json().members.some((m: { orgId: string }) => m.orgId === team.D));
      assert.equal((await call(managerD, 'GET', `/sharing-groups/${groupId}`)).statusCode, 200);
    });

    test('the owner removes members but cannot leave; every change is audited', async () => {
      assert.equal((await call(managerB, 'DELETE', `/sharing-groups/${groupId}/members/${team.C}`)).statusCode, 403);
      const removed = await call(managerA, 'DELETE', `/sharing-groups/${groupId}/members/${team.C}`);
      assert.equal(removed.statusCode, 200);
      assert.ok(!removed.json().members.some((m: { orgId: string }) => m.orgId === team.C));
      const ownerLeaves = await call(managerA, 'DELETE', `/sharing-groups/${groupId}/members/${team.A}`);
      assert.equal(ownerLeaves.statusCode, 422);
      assert.equal(ownerLeaves.json().field, 'orgId');
      const audit = await app.ctx.store.db.selectFrom('audit_log').select('action').where('object_id', '=', groupId).orderBy('seq').execute();
      assert.deepEqual(audit.map((a) => a.action), ['sharing_group.create', 'sharing_group.member_add', 'sharing_group.member_add', 'sharing_group.member_remove']);
    });
  });
}
