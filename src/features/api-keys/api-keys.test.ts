// API keys over HTTP on every engine: shown once and stored hashed, scoped to a role no higher than
// their user's (now, not when minted), revocable by the right people, and refused once expired.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LightMyRequestResponse } from 'fastify';
import type { Role } from '../../domain/roles.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD, USER_PASSWORD, startTestApp, type Session, type TestApp } from '../../../test/helpers/app.ts';
import { testEngines } from '../../../test/helpers/store.ts';
import type { ApiKey } from './schemas.ts';

/** Asserts an RFC 9457 problem with this exact status (and field, when given). */
function expectProblem(response: LightMyRequestResponse, status: number, field?: string): void {
  assert.equal(response.statusCode, status, response.body);
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
  const body = response.json();
  assert.equal(body.status, status);
  if (field !== undefined) assert.equal(body.field, field);
}

for (const engine of await testEngines()) {
  describe(`API keys (${engine})`, () => {
    let app: TestApp;
    let admin: Session;
    let teamA: string;
    let teamB: string;
    before(async () => {
      app = await startTestApp(engine, { loginRequestsPerMinute: 1000 });
      admin = await app.login(ADMIN_EMAIL, ADMIN_PASSWORD);
      teamA = await app.addOrganisation('KEYS-A');
      teamB = await app.addOrganisation('KEYS-B');
    });
    after(() => app.close());

    const createKey = (session: Session, body: object = { name: 'integration' }) =>
      app.request({ method: 'POST', url: '/api/v1/api-keys', session, payload: body });
    /** Creates a key, asserting 201; returns the secret and the key's record. */
    async function mintKey(session: Session, body?: object): Promise<{ key: string; apiKey: ApiKey }> {
      const response = await createKey(session, body);
      assert.equal(response.statusCode, 201, response.body);
      return response.json();
    }
    const listKeys = async (session: Session, query = ''): Promise<ApiKey[]> => {
      const response = await app.request({ method: 'GET', url: `/api/v1/api-keys${query}`, session });
      assert.equal(response.statusCode, 200, response.body);
      return response.json().items;
    };
    const meWithKey = (key: string) => app.request({ method: 'GET', url: '/api/v1/me', apiKey: key });
    const revoke = (id: string, session: Session) => app.request({ method: 'DELETE', url: `/api/v1/api-keys/${id}`, session });
    const patchUser = async (id: string, changes: object) => {
      const response = await app.request({ method: 'PATCH', url: `/api/v1/users/${id}`, session: admin, payload: changes });
      assert.equal(response.statusCode, 200, response.body);
    };
    /** POST /api/v1/users creating a reader in `orgId`: something an org-admin may do and a reader may not. */
    let created = 0;
    const createReader = (orgId: string, credentials: { session?: Session; apiKey?: string }) => {
      created += 1;
      const payload = { orgId, email: `made.${created}@keys.example`, name: `Made ${created}`, role: 'reader', password: USER_PASSWORD };
      return app.request({ method: 'POST', url: '/api/v1/users', payload, ...credentials });
    };
    const addUser = (orgId: string, role: Role) => app.addUser(orgId, role);

    test('the secret is shown once: the list and the database hold only its SHA-256 hash', async () => {
      const user = await addUser(teamA, 'analyst');
      const { key, apiKey } = await mintKey(user, { name: '  feed importer ' });
      assert.match(key, /^sanad_[A-Za-z0-9_-]{43}$/);
      assert.deepEqual(
        { ...apiKey, id: '', createdAt: '' },
        { id: '', userId: user.userId, name: 'feed importer', prefix: key.slice(0, 12), role: 'analyst', createdAt: '', expiresAt: null, revokedAt: null, lastUsedAt: null, lastUsedIp: null },
      );
      const secret = key.slice('sanad_'.length);

      const list = await app.request({ method: 'GET', url: '/api/v1/api-keys', session: user });
      assert.equal(list.statusCode, 200);
      assert.deepEqual(list.json().items, [apiKey]);
      assert.ok(!list.body.includes(secret), 'the list never carries the secret');

      const row = await app.ctx.store.db.selectFrom('api_key').selectAll().where('id', '=', apiKey.id).executeTakeFirstOrThrow();
      assert.equal(row.key_hash, crypto.createHash('sha256').update(key).digest('hex'));
      for (const [column, value] of Object.entries(row)) assert.ok(!String(value).includes(secret), `column ${column} holds no part of the secret`);
    });

    test('Authorization: Bearer <key> authenticates as the key’s user', async () => {
      const user = await addUser(teamA, 'analyst');
      const { key } = await mintKey(user);
      const response = await meWithKey(key);
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(response.json().id, user.userId);
      assert.equal(response.json().email, user.email);
    });

    test('the role defaults to the user’s, may be lower, and never higher', async () => {
      const orgAdmin = await addUser(teamA, 'org-admin');
      assert.equal((await mintKey(orgAdmin)).apiKey.role, 'org-admin');
      assert.equal((await mintKey(orgAdmin, { name: 'read only', role: 'reader' })).apiKey.role, 'reader');
      expectProblem(await createKey(orgAdmin, { name: 'too high', role: 'admin' }), 422, 'role');
      const analyst = await addUser(teamA, 'analyst');
      expectProblem(await createKey(analyst, { name: 'too high', role: 'org-admin' }), 422, 'role');
      assert.equal((await listKeys(analyst)).length, 0, 'a refused key is not stored');
    });

    test('a reader key of an org-admin can do only what a reader can', async () => {
      const orgAdmin = await addUser(teamA, 'org-admin');
      const { key } = await mintKey(orgAdmin, { name: 'read only', role: 'reader' });
      expectProblem(await createReader(teamA, { apiKey: key }), 403);
      assert.equal((await createReader(teamA, { session: orgAdmin })).statusCode, 201);
    });

    test('a key cannot mint another key', async () => {
      const user = await addUser(teamA, 'analyst');
      const { key } = await mintKey(user);
      expectProblem(await app.request({ method: 'POST', url: '/api/v1/api-keys', apiKey: key, payload: { name: 'offspring' } }), 403);
      assert.equal((await listKeys(user)).length, 1);
    });

    test('use is recorded: lastUsedAt, lastUsedIp and an apikey.use audit entry', async () => {
      const user = await addUser(teamA, 'analyst');
      const { key, apiKey } = await mintKey(user);
      const before = new Date().toISOString();
      assert.equal((await meWithKey(key)).statusCode, 200);
      const after = new Date().toISOString();
      const [used] = await listKeys(user);
      assert.ok(used!.lastUsedAt !== null && used!.lastUsedAt >= before && used!.lastUsedAt <= after, `lastUsedAt ${used!.lastUsedAt}`);
      assert.equal(used!.lastUsedIp, '127.0.0.1');
      const audit = await app.ctx.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'apikey.use').where('object_id', '=', apiKey.id).execute();
      assert.equal(audit.length, 1);
      assert.equal(audit[0]!.actor_id, user.userId);
      assert.equal(audit[0]!.source_ip, '127.0.0.1');
    });

    test('a revoked key is refused and still listed, with revokedAt', async () => {
      const user = await addUser(teamA, 'analyst');
      const { key, apiKey } = await mintKey(user);
      assert.equal((await revoke(apiKey.id, user)).statusCode, 204);
      expectProblem(await meWithKey(key), 401);
      const [listed] = await listKeys(user);
      assert.equal(listed!.id, apiKey.id);
      assert.notEqual(listed!.revokedAt, null);
      assert.deepEqual(await listKeys(user, '?includeRevoked=false'), []);
    });

    test('keys of others are invisible to analysts and other teams; the team’s org-admin may revoke', async () => {
      const owner = await addUser(teamA, 'analyst');
      const colleague = await addUser(teamA, 'analyst');
      const otherAdmin = await addUser(teamB, 'org-admin');
      const teamAdmin = await addUser(teamA, 'org-admin');
      const { key, apiKey } = await mintKey(owner);

      assert.deepEqual(await listKeys(colleague, `?userId=${owner.userId}`), []);
      expectProblem(await revoke(apiKey.id, colleague), 404);
      assert.deepEqual(await listKeys(otherAdmin, `?userId=${owner.userId}`), []);
      expectProblem(await revoke(apiKey.id, otherAdmin), 404);
      assert.equal((await meWithKey(key)).statusCode, 200, 'the refused revocations changed nothing');

      assert.deepEqual((await listKeys(teamAdmin, `?userId=${owner.userId}`)).map((k) => k.id), [apiKey.id]);
      assert.equal((await revoke(apiKey.id, teamAdmin)).statusCode, 204);
      expectProblem(await meWithKey(key), 401);
    });

    test('an expired key is refused', async () => {
      const user = await addUser(teamA, 'analyst');
      const expiresAt = new Date(Date.now() + 800).toISOString();
      const { key, apiKey } = await mintKey(user, { name: 'short-lived', expiresAt });
      assert.equal(apiKey.expiresAt, expiresAt);
      assert.equal((await meWithKey(key)).statusCode, 200, 'valid until then');
      await sleep(Date.parse(expiresAt) - Date.now() + 50);
      expectProblem(await meWithKey(key), 401);
    });

    test('expiresAt must be a representable time in the future', async () => {
      const user = await addUser(teamA, 'analyst');
      expectProblem(await createKey(user, { name: 'stale', expiresAt: new Date(Date.now() - 1000).toISOString() }), 422, 'expiresAt');
      // Valid RFC 3339 (a leap second), but not a time JavaScript's Date can hold: once a 500.
      expectProblem(await createKey(user, { name: 'leap', expiresAt: '2030-06-30T23:59:60Z' }), 422, 'expiresAt');
      expectProblem(await createKey(user, { name: 'nonsense', expiresAt: 'next tuesday' }), 400, 'expiresAt');
      assert.equal((await listKeys(user)).length, 0);
    });

    test('an unknown or malformed bearer token gets 401 problem+json', async () => {
      for (const token of ['garbage', `sanad_${crypto.randomBytes(32).toString('base64url')}`, `sanad_${'x'.repeat(200)}`]) {
        expectProblem(await meWithKey(token), 401);
      }
    });

    test('the key of a disabled user is refused', async () => {
      const user = await addUser(teamA, 'analyst');
      const { key } = await mintKey(user);
      await patchUser(user.userId, { disabled: true });
      expectProblem(await meWithKey(key), 401);
    });

    test('a user demoted after minting a key keeps only the lower role through it', async () => {
      const orgAdmin = await addUser(teamA, 'org-admin');
      const { key } = await mintKey(orgAdmin);
      assert.equal((await createReader(teamA, { apiKey: key })).statusCode, 201);
      await patchUser(orgAdmin.userId, { role: 'reader' });
      expectProblem(await createReader(teamA, { apiKey: key }), 403);
      assert.equal((await meWithKey(key)).json().role, 'reader');
    });
  });
}
