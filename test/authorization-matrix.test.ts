// Every route × every role × own/other organisation, with the exact status each must get.
// Actors all belong to team A; "other" objects belong to team B.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import type { Role } from '../src/domain/roles.ts';
import { createApiKey } from '../src/features/api-keys/service.ts';
import { createUser } from '../src/features/users/service.ts';
import { systemViewer } from '../src/policy/viewer.ts';
import { startTestApp, USER_PASSWORD, type Session, type TestApp } from './helpers/app.ts';
import { testEngines } from './helpers/store.ts';

type Who = Role | 'anonymous';
const WHO: Who[] = ['admin', 'secretariat', 'org-admin', 'analyst', 'reader', 'anonymous'];
type Expected = Record<Who, number>;

function expect(admin: number, secretariat: number, orgAdmin: number, analyst: number, reader: number, anonymous: number): Expected {
  return { admin, secretariat, 'org-admin': orgAdmin, analyst, reader, anonymous };
}

interface World {
  app: TestApp;
  teamA: string;
  teamB: string;
  sessions: Map<Who, Session | undefined>;
}

const system = { viewer: systemViewer('matrix'), sourceIp: null };
const unique = () => crypto.randomBytes(4).toString('hex');

async function newUser(world: World, orgId: string, role: Role = 'analyst'): Promise<string> {
  const user = await createUser(world.app.ctx, system, { orgId, email: `target.${unique()}@example.org`, name: 'Target', role, password: USER_PASSWORD });
  return user.id;
}

async function newKey(world: World, orgId: string): Promise<string> {
  const userId = await newUser(world, orgId);
  return (await createApiKey(world.app.ctx, system, userId, { name: 'target' })).apiKey.id;
}

interface Row {
  route: string;
  expected: Expected;
  /** Sets up what the request needs (fresh per cell, so cells never depend on each other) and sends it. */
  send(world: World, session: Session | undefined, who: Who): Promise<LightMyRequestResponse>;
}

const get = (url: string) => (world: World, session: Session | undefined) => world.app.request({ method: 'GET', url, session });

const ROWS: Row[] = [
  { route: 'GET /api/v1/node', expected: expect(200, 200, 200, 200, 200, 200), send: get('/api/v1/node') },
  { route: 'GET /api/v1/auth/session', expected: expect(200, 200, 200, 200, 200, 401), send: get('/api/v1/auth/session') },
  { route: 'GET /api/v1/me', expected: expect(200, 200, 200, 200, 200, 401), send: get('/api/v1/me') },
  { route: 'GET /api/v1/organisations', expected: expect(200, 200, 200, 200, 200, 401), send: get('/api/v1/organisations') },
  {
    route: 'GET /api/v1/organisations/:own',
    expected: expect(200, 200, 200, 200, 200, 401),
    send: (w, s) => w.app.request({ method: 'GET', url: `/api/v1/organisations/${w.teamA}`, session: s }),
  },
  {
    route: 'GET /api/v1/organisations/:other',
    expected: expect(200, 200, 200, 200, 200, 401),
    send: (w, s) => w.app.request({ method: 'GET', url: `/api/v1/organisations/${w.teamB}`, session: s }),
  },
  {
    route: 'POST /api/v1/organisations',
    expected: expect(201, 201, 403, 403, 403, 401),
    send: (w, s) => {
      const name = unique();
      return w.app.request({ method: 'POST', url: '/api/v1/organisations', session: s, payload: { name: `CERT ${name}`, shortName: name, country: 'ID', tier: 'general' } });
    },
  },
  {
    route: 'PATCH /api/v1/organisations/:own (profile)',
    expected: expect(200, 200, 200, 403, 403, 401),
    send: (w, s) => w.app.request({ method: 'PATCH', url: `/api/v1/organisations/${w.teamA}`, session: s, payload: { profile: `updated ${unique()}` } }),
  },
  {
    route: 'PATCH /api/v1/organisations/:other (profile)',
    expected: expect(200, 200, 403, 403, 403, 401),
    send: (w, s) => w.app.request({ method: 'PATCH', url: `/api/v1/organisations/${w.teamB}`, session: s, payload: { profile: `updated ${unique()}` } }),
  },
  {
    route: 'PATCH /api/v1/organisations/:own (tier)',
    expected: expect(200, 200, 403, 403, 403, 401),
    send: async (w, s) => {
      const current = (await w.app.request({ method: 'GET', url: `/api/v1/organisations/${w.teamA}`, session: w.sessions.get('admin') })).json() as { tier: string };
      return w.app.request({ method: 'PATCH', url: `/api/v1/organisations/${w.teamA}`, session: s, payload: { tier: current.tier === 'full' ? 'general' : 'full' } });
    },
  },
  { route: 'GET /api/v1/users', expected: expect(200, 200, 200, 200, 200, 401), send: get('/api/v1/users') },
  {
    route: 'GET /api/v1/users/:own-team',
    expected: expect(200, 200, 200, 200, 200, 401),
    send: async (w, s) => w.app.request({ method: 'GET', url: `/api/v1/users/${await newUser(w, w.teamA)}`, session: s }),
  },
  {
    route: 'GET /api/v1/users/:other-team',
    expected: expect(200, 200, 404, 404, 404, 401),
    send: async (w, s) => w.app.request({ method: 'GET', url: `/api/v1/users/${await newUser(w, w.teamB)}`, session: s }),
  },
  {
    route: 'POST /api/v1/users (analyst, own team)',
    expected: expect(201, 201, 201, 403, 403, 401),
    send: (w, s) =>
      w.app.request({ method: 'POST', url: '/api/v1/users', session: s, payload: { orgId: w.teamA, email: `new.${unique()}@a.example`, name: 'New', role: 'analyst', password: USER_PASSWORD } }),
  },
  {
    route: 'POST /api/v1/users (analyst, other team)',
    expected: expect(201, 403, 403, 403, 403, 401),
    send: (w, s) =>
      w.app.request({ method: 'POST', url: '/api/v1/users', session: s, payload: { orgId: w.teamB, email: `new.${unique()}@b.example`, name: 'New', role: 'analyst', password: USER_PASSWORD } }),
  },
  {
    route: 'POST /api/v1/users (admin, own team)',
    expected: expect(201, 403, 403, 403, 403, 401),
    send: (w, s) =>
      w.app.request({ method: 'POST', url: '/api/v1/users', session: s, payload: { orgId: w.teamA, email: `new.${unique()}@a.example`, name: 'New', role: 'admin', password: USER_PASSWORD } }),
  },
  {
    route: 'PATCH /api/v1/users/:own-team (role)',
    expected: expect(200, 200, 200, 403, 403, 401),
    send: async (w, s) => w.app.request({ method: 'PATCH', url: `/api/v1/users/${await newUser(w, w.teamA)}`, session: s, payload: { role: 'reader' } }),
  },
  {
    route: 'PATCH /api/v1/users/:own-team (disable)',
    expected: expect(200, 200, 200, 403, 403, 401),
    send: async (w, s) => w.app.request({ method: 'PATCH', url: `/api/v1/users/${await newUser(w, w.teamA)}`, session: s, payload: { disabled: true } }),
  },
  {
    route: 'PATCH /api/v1/users/:other-team (disable)',
    expected: expect(200, 403, 404, 404, 404, 401),
    send: async (w, s) => w.app.request({ method: 'PATCH', url: `/api/v1/users/${await newUser(w, w.teamB)}`, session: s, payload: { disabled: true } }),
  },
  {
    route: 'PATCH /api/v1/users/:self (role)',
    expected: expect(403, 403, 403, 403, 403, 401),
    // A real change for each actor: nobody may alter their own role (no self-promotion, no lock-out).
    send: async (w, s, who) =>
      w.app.request({ method: 'PATCH', url: `/api/v1/users/${s?.userId ?? crypto.randomUUID()}`, session: s, payload: { role: who === 'reader' ? 'analyst' : 'reader' } }),
  },
  {
    route: 'PATCH /api/v1/users/:self (name)',
    expected: expect(200, 200, 200, 200, 200, 401),
    send: async (w, s) => w.app.request({ method: 'PATCH', url: `/api/v1/users/${s?.userId ?? crypto.randomUUID()}`, session: s, payload: { name: `Renamed ${unique()}` } }),
  },
  { route: 'GET /api/v1/audit', expected: expect(200, 200, 200, 200, 200, 401), send: get('/api/v1/audit') },
  { route: 'GET /api/v1/audit/verify', expected: expect(200, 200, 403, 403, 403, 401), send: get('/api/v1/audit/verify') },
  { route: 'GET /api/v1/api-keys', expected: expect(200, 200, 200, 200, 200, 401), send: get('/api/v1/api-keys') },
  {
    route: 'POST /api/v1/api-keys',
    expected: expect(201, 201, 201, 201, 201, 401),
    send: (w, s) => w.app.request({ method: 'POST', url: '/api/v1/api-keys', session: s, payload: { name: 'mine' } }),
  },
  {
    route: 'DELETE /api/v1/api-keys/:own-team',
    expected: expect(204, 204, 204, 404, 404, 401),
    send: async (w, s) => w.app.request({ method: 'DELETE', url: `/api/v1/api-keys/${await newKey(w, w.teamA)}`, session: s }),
  },
  {
    route: 'DELETE /api/v1/api-keys/:other-team',
    expected: expect(204, 404, 404, 404, 404, 401),
    send: async (w, s) => w.app.request({ method: 'DELETE', url: `/api/v1/api-keys/${await newKey(w, w.teamB)}`, session: s }),
  },
];

for (const engine of await testEngines()) {
  describe(`authorization matrix (${engine})`, () => {
    const world = {} as World;
    before(async () => {
      world.app = await startTestApp(engine);
      world.teamA = await world.app.addOrganisation('TEAM-A', 'MY');
      world.teamB = await world.app.addOrganisation('TEAM-B', 'ID');
      world.sessions = new Map();
      for (const who of WHO) world.sessions.set(who, who === 'anonymous' ? undefined : await world.app.addUser(world.teamA, who));
    });
    after(() => world.app.close());

    for (const row of ROWS) {
      test(row.route, async () => {
        const actual = {} as Expected;
        for (const who of WHO) {
          const response = await row.send(world, world.sessions.get(who), who);
          actual[who] = response.statusCode;
          if (response.statusCode >= 400) {
            assert.match(String(response.headers['content-type']), /^application\/problem\+json/, `${row.route} as ${who}: errors are problem+json`);
          }
        }
        assert.deepEqual(actual, row.expected);
      });
    }
  });
}
