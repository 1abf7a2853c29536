import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, ADMIN_EMAIL, ADMIN_PASSWORD, type Session, type TestApp } from '../../../test/helpers/app.ts';
import { testEngines } from '../../../test/helpers/store.ts';

const INITIAL_PASSWORD = 'set by the team admin 123';

for (const engine of await testEngines()) {
  describe(`users (${engine})`, () => {
    let app: TestApp;
    let admin: Session;
    let teamId: string;
    before(async () => {
      app = await startTestApp(engine);
      admin = await app.login(ADMIN_EMAIL, ADMIN_PASSWORD);
      teamId = await app.addOrganisation('USERS-TEAM', 'BH');
    });
    after(() => app.close());

    const create = (payload: Record<string, unknown>) => app.request({ method: 'POST', url: '/api/v1/users', session: admin, payload });
    const userCount = async () => (await app.ctx.store.db.selectFrom('app_user').select('id').execute()).length;

    test('an account created by someone else must change its password before anything else', async () => {
      const created = await create({ orgId: teamId, email: 'New.Analyst@Team.example', name: 'New analyst', role: 'analyst', password: INITIAL_PASSWORD });
      assert.equal(created.statusCode, 201, created.body);
      assert.equal(created.json().email, 'new.analyst@team.example');
      assert.equal(created.json().passwordChangeRequired, true);

      const session = await app.login('new.analyst@team.example', INITIAL_PASSWORD);
      const me = await app.request({ method: 'GET', url: '/api/v1/me', session });
      assert.equal(me.statusCode, 200);
      assert.equal(me.json().passwordChangeRequired, true);
      const blocked = await app.request({ method: 'GET', url: '/api/v1/organisations', session });
      assert.equal(blocked.statusCode, 403);
      assert.match(blocked.json().detail, /change your initial password/);
      const blockedWrite = await app.request({ method: 'POST', url: '/api/v1/api-keys', session, payload: { name: 'early' } });
      assert.equal(blockedWrite.statusCode, 403);

      const changed = await app.request({
        method: 'POST',
        url: '/api/v1/me/password',
        session,
        payload: { currentPassword: INITIAL_PASSWORD, newPassword: 'only I know this one 456' },
      });
      assert.equal(changed.statusCode, 204, changed.body);
      assert.equal((await app.request({ method: 'GET', url: '/api/v1/organisations', session })).statusCode, 200);
      assert.equal((await app.request({ method: 'GET', url: '/api/v1/me', session })).json().passwordChangeRequired, false);
    });

    const refusals: [string, Record<string, unknown>, number, string][] = [
      ['a duplicate e-mail (any case)', { email: 'NEW.ANALYST@team.example' }, 409, 'email'],
      ['an unknown role', { role: 'root' }, 400, 'role'],
      ['an organisation that does not exist', { orgId: '00000000-0000-4000-8000-000000000000' }, 422, 'orgId'],
      ['a short password', { password: 'short' }, 400, 'password'],
      ['a malformed e-mail', { email: 'not-an-address' }, 400, 'email'],
      ['an unknown field', { shoeSize: 42 }, 400, 'shoeSize'],
    ];
    for (const [what, change, status, field] of refusals) {
      test(`refuses ${what} with ${status} naming ${field}, writing nothing`, async () => {
        const before = await userCount();
        const response = await create({ orgId: teamId, email: 'another@team.example', name: 'Another', role: 'reader', password: INITIAL_PASSWORD, ...change });
        assert.equal(response.statusCode, status, response.body);
        assert.equal(response.json().field, field);
        assert.equal(await userCount(), before);
      });
    }

    test('lists accounts of one team with cursor paging', async () => {
      for (let i = 0; i < 5; i++) {
        assert.equal((await create({ orgId: teamId, email: `member${i}@team.example`, name: `Member ${i}`, role: 'reader', password: INITIAL_PASSWORD })).statusCode, 201);
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `/api/v1/users?orgId=${teamId}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const page = (await app.request({ method: 'GET', url, session: admin })).json() as { items: { email: string; orgId: string }[]; nextCursor: string | null };
        assert.ok(page.items.every((u) => u.orgId === teamId));
        seen.push(...page.items.map((u) => u.email));
        cursor = page.nextCursor;
      } while (cursor);
      assert.deepEqual(seen, [...seen].sort());
      assert.equal(seen.length, 6);
      assert.equal(new Set(seen).size, 6);
    });
  });
}
