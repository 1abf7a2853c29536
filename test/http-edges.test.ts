// The edges of the HTTP API every route shares: health, metrics, the OpenAPI document, problem+json
// for every kind of bad request, and the security headers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { startTestApp, ADMIN_EMAIL, ADMIN_PASSWORD, type Session, type TestApp } from './helpers/app.ts';
import { testEngines } from './helpers/store.ts';

const PROBLEM = 'application/problem+json; charset=utf-8';

/** Asserts a problem+json response with this status (and field, when given); returns the problem. */
function assertProblem(response: LightMyRequestResponse, status: number, field?: string): Record<string, unknown> {
  assert.equal(response.statusCode, status, response.body);
  assert.equal(response.headers['content-type'], PROBLEM);
  const problem = response.json() as Record<string, unknown>;
  assert.equal(problem.status, status);
  assert.equal(problem.type, 'about:blank');
  assert.equal(typeof problem.title, 'string');
  assert.equal(typeof problem.detail, 'string');
  if (field !== undefined) assert.equal(problem.field, field);
  return problem;
}

const newTeam = (extra: Record<string, unknown> = {}) => ({ name: 'Edge national CERT', shortName: 'EDGE-CERT', country: 'MY', tier: 'full', ...extra });

async function rowCounts(app: TestApp): Promise<{ organisations: number; audit: number }> {
  const count = async (table: 'organisation' | 'audit_log') =>
    Number((await app.ctx.store.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  return { organisations: await count('organisation'), audit: await count('audit_log') };
}

/** Every $ref in the document points at something inside it. */
function assertRefsResolve(document: unknown): void {
  const resolve = (ref: string): unknown =>
    ref
      .slice(2)
      .split('/')
      .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], document);
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref') {
        assert.equal(typeof value, 'string');
        assert.ok((value as string).startsWith('#/'), `external or malformed $ref ${String(value)}`);
        assert.notEqual(resolve(value as string), undefined, `$ref ${String(value)} does not resolve`);
      } else walk(value);
    }
  };
  walk(document);
}

for (const engine of await testEngines()) {
  describe(`HTTP edges (${engine})`, () => {
    let app: TestApp;
    let small: TestApp; // the same server with a 1 KiB body limit
    let admin: Session;
    let smallAdmin: Session;
    before(async () => {
      app = await startTestApp(engine);
      small = await startTestApp(engine, { bodyLimit: 1024 });
      admin = await app.login(ADMIN_EMAIL, ADMIN_PASSWORD);
      smallAdmin = await small.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    });
    after(async () => {
      await app.close();
      await small.close();
    });

    const postTeam = (payload: unknown, target = app, session = admin) =>
      target.request({ method: 'POST', url: '/api/v1/organisations', session, payload: payload as object });

    test('GET /healthz answers 200 with the engine', async () => {
      const response = await app.request({ method: 'GET', url: '/healthz' });
      assert.equal(response.statusCode, 200);
      assert.deepEqual(response.json(), { status: 'ok', engine, version: '0.1.0' });
    });

    test('GET /metrics answers Prometheus text counting requests by route', async () => {
      await app.request({ method: 'GET', url: '/healthz' });
      const response = await app.request({ method: 'GET', url: '/metrics' });
      assert.equal(response.statusCode, 200);
      assert.match(String(response.headers['content-type']), /^text\/plain; version=0\.0\.4/);
      assert.match(response.body, /^# TYPE sanad_http_requests_total counter$/m);
      assert.match(response.body, /^sanad_http_requests_total\{method="GET",route="\/healthz",status="200"\} [1-9]\d*$/m);
    });

    test('GET /api/openapi.json is an OpenAPI 3.1 document of every API area', async () => {
      const response = await app.request({ method: 'GET', url: '/api/openapi.json' });
      assert.equal(response.statusCode, 200);
      assert.match(String(response.headers['content-type']), /^application\/json/);
      const document = response.json() as {
        openapi: string;
        info: { title: string; version: string };
        paths: Record<string, Record<string, { responses?: Record<string, unknown>; parameters?: { in: string; name: string; required?: boolean }[] }>>;
        components: { securitySchemes: Record<string, unknown> };
        security: Record<string, unknown>[];
      };
      assert.match(document.openapi, /^3\.1\.\d+$/);
      assert.equal(document.info.title, 'Sanad API');
      assert.equal(document.info.version, '0.1.0');
      for (const path of ['/api/v1/organisations', '/api/v1/users', '/api/v1/api-keys', '/api/v1/audit', '/api/v1/auth/login']) {
        assert.ok(document.paths[path], `missing path ${path}`);
      }
      assert.ok(document.paths['/api/v1/auth/login']!.post, 'login is a POST');
      assert.ok(document.paths['/api/v1/organisations']!.get && document.paths['/api/v1/organisations']!.post);
      assert.equal(document.paths['/api/openapi.json'], undefined, 'hidden routes stay hidden');
      assert.equal(document.paths['/metrics'], undefined, 'hidden routes stay hidden');
      for (const [path, operations] of Object.entries(document.paths)) {
        assert.ok(path.startsWith('/'), path);
        const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
        for (const [method, operation] of Object.entries(operations)) {
          assert.ok(['get', 'post', 'put', 'patch', 'delete', 'head', 'options'].includes(method), `${method} ${path}`);
          assert.ok(operation.responses && Object.keys(operation.responses).length > 0, `${method} ${path} lists no responses`);
          for (const code of Object.keys(operation.responses)) assert.match(code, /^([1-5]\d\d|default)$/, `${method} ${path}`);
          const pathParams = (operation.parameters ?? []).filter((p) => p.in === 'path');
          assert.deepEqual(pathParams.map((p) => p.name).sort(), templated, `${method} ${path} path parameters`);
          for (const p of pathParams) assert.equal(p.required, true, `${method} ${path} ${p.name}`);
        }
      }
      for (const requirement of document.security) {
        for (const scheme of Object.keys(requirement)) assert.ok(document.components.securitySchemes[scheme], `undefined security scheme ${scheme}`);
      }
      assertRefsResolve(document);
    });

    test('GET /api/docs serves the Swagger UI', async () => {
      let response = await app.request({ method: 'GET', url: '/api/docs' });
      if (response.statusCode >= 300 && response.statusCode < 400) {
        response = await app.request({ method: 'GET', url: String(response.headers.location) });
      }
      assert.equal(response.statusCode, 200);
      assert.match(String(response.headers['content-type']), /^text\/html/);
      assert.match(response.body, /<title>Swagger UI<\/title>/);
    });

    test('an unknown API route is a 404 problem', async () => {
      const problem = assertProblem(await app.request({ method: 'GET', url: '/api/v1/no-such-thing?x=1', session: admin }), 404);
      assert.equal(problem.detail, 'no route for GET /api/v1/no-such-thing');
    });

    test('a malformed JSON body is a 400 problem naming body', async () => {
      const before = await rowCounts(app);
      const response = await app.request({
        method: 'POST',
        url: '/api/v1/organisations',
        session: admin,
        headers: { 'content-type': 'application/json' },
        payload: '{"name": "Edge national CERT",',
      });
      const problem = assertProblem(response, 400, 'body');
      assert.equal(problem.reason, 'malformed JSON');
      assert.deepEqual(await rowCounts(app), before);
    });

    test('a body that is not JSON is a 415 problem', async () => {
      const before = await rowCounts(app);
      const response = await app.request({
        method: 'POST',
        url: '/api/v1/organisations',
        session: admin,
        headers: { 'content-type': 'text/plain' },
        payload: JSON.stringify(newTeam()),
      });
      const problem = assertProblem(response, 415, 'content-type');
      assert.equal(problem.reason, 'unsupported media type');
      assert.deepEqual(await rowCounts(app), before);
    });

    test('a body over the limit is a 413 problem and nothing is written', async () => {
      const payload = newTeam({ shortName: 'BIG-CERT', name: 'Big national CERT', profile: 'x'.repeat(2048) });
      assert.ok(JSON.stringify(payload).length > 2048);
      const before = await rowCounts(small);
      const problem = assertProblem(await postTeam(payload, small, smallAdmin), 413, 'body');
      assert.equal(problem.reason, 'too large');
      assert.deepEqual(await rowCounts(small), before);
      // The same body is fine under the default limit: the 413 came from the size alone.
      const accepted = await postTeam(payload);
      assert.equal(accepted.statusCode, 201, accepted.body);
    });

    test('a field of the wrong type is a 400 problem naming it', async () => {
      const before = await rowCounts(app);
      const problem = assertProblem(await postTeam(newTeam({ tier: 1 })), 400, 'tier');
      assert.equal(problem.detail, `tier: ${String(problem.reason)}`);
      assert.deepEqual(await rowCounts(app), before);
    });

    test('an unknown field is a 400 problem naming it', async () => {
      const problem = assertProblem(await postTeam(newTeam({ colour: 'green' })), 400, 'colour');
      assert.equal(problem.reason, 'unknown field');
    });

    for (const url of ['/api/v1/organisations', '/api/v1/users', '/api/v1/audit']) {
      test(`a bad limit on ${url} is a 400 problem naming limit`, async () => {
        for (const limit of ['0', 'abc', '501']) {
          const problem = assertProblem(await app.request({ method: 'GET', url: `${url}?limit=${limit}`, session: admin }), 400, 'limit');
          assert.match(String(problem.detail), /^querystring: limit: /);
        }
        const fine = await app.request({ method: 'GET', url: `${url}?limit=1`, session: admin });
        assert.equal(fine.statusCode, 200, fine.body);
      });

      test(`an invalid cursor on ${url} is a 422 problem naming cursor`, async () => {
        for (const cursor of ['zzz', Buffer.from('["a","b","c"]').toString('base64url'), Buffer.from('{"a":1}').toString('base64url')]) {
          assertProblem(await app.request({ method: 'GET', url: `${url}?cursor=${cursor}`, session: admin }), 422, 'cursor');
        }
      });
    }

    test('API responses carry the security headers and are not cached', async () => {
      const responses: [string, LightMyRequestResponse][] = [
        ['200', await app.request({ method: 'GET', url: '/api/v1/organisations', session: admin })],
        ['201', await postTeam(newTeam({ shortName: 'HDR-CERT', name: 'Header national CERT' }))],
        ['400', await postTeam(newTeam({ tier: 1 }))],
        ['401', await app.request({ method: 'GET', url: '/api/v1/me' })],
        ['404', await app.request({ method: 'GET', url: '/api/v1/no-such-thing' })],
      ];
      for (const [status, response] of responses) {
        assert.equal(String(response.statusCode), status, response.body);
        assert.equal(response.headers['x-content-type-options'], 'nosniff', status);
        assert.equal(response.headers['x-frame-options'], 'DENY', status);
        assert.equal(response.headers['referrer-policy'], 'no-referrer', status);
        const csp = String(response.headers['content-security-policy']);
        assert.match(csp, /(^|; )default-src 'self'(;|$)/, status);
        assert.match(csp, /(^|; )frame-ancestors 'none'(;|$)/, status);
        assert.equal(response.headers['cache-control'], 'no-store', status);
      }
    });
  });
}
