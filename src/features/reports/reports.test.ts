import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { testEngines } from '../../../test/helpers/store.ts';

for (const engine of await testEngines()) {
  describe(`public report form limits (${engine})`, () => {
    let app: TestApp;
    before(async () => {
      app = await startTestApp(engine, { reportRequestsPerHour: 2 });
    });
    after(() => app.close());

    const report = (payload: object) => app.request({ method: 'POST', url: '/api/v1/reports', payload });
    const count = async () => (await app.ctx.store.db.selectFrom('incident').select('id').execute()).length;

    test('robots filling the hidden field are refused, and each address may report only so often', async () => {
      const bot = await report({ name: 'Bot', email: 'bot@example.org', title: 'Buy now', website: 'http://spam.example' });
      assert.equal(bot.statusCode, 422);
      assert.equal(bot.json().field, 'website');
      assert.equal((await report({ name: 'R', email: 'r@example.org', title: 'Defaced site' })).statusCode, 201);
      const limited = await report({ name: 'R', email: 'r@example.org', title: 'Another one' });
      assert.equal(limited.statusCode, 429);
      assert.match(String(limited.headers['content-type']), /problem\+json/);
      assert.ok(Number(limited.headers['retry-after']) > 0);
      assert.equal(await count(), 1);
    });

    test('a tracking code shows its own report only, and unknown or malformed codes show nothing', async () => {
      assert.equal((await app.request({ method: 'GET', url: '/api/v1/reports/status?token=short' })).statusCode, 400);
      assert.equal((await app.request({ method: 'GET', url: `/api/v1/reports/status?token=${'A'.repeat(32)}` })).statusCode, 404);
      const incidents = await app.request({ method: 'GET', url: '/api/v1/incidents' });
      assert.equal(incidents.statusCode, 401, 'the public never lists incidents');
    });
  });
}
