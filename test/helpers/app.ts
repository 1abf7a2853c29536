// An initialised node with its HTTP server, exercised through `inject` (full stack, no socket).
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { AppContext } from '../../src/app.ts';
import type { Config } from '../../src/config.ts';
import type { Engine } from '../../src/store/db.ts';
import type { Role } from '../../src/domain/roles.ts';
import { buildServer } from '../../src/server.ts';
import { initNode } from '../../src/features/node/service.ts';
import { createOrganisation } from '../../src/features/organisations/service.ts';
import { createUser } from '../../src/features/users/service.ts';
import { systemViewer } from '../../src/policy/viewer.ts';
import { freshContext } from './store.ts';

export const ADMIN_EMAIL = 'admin@hub.example';
export const ADMIN_PASSWORD = 'correct horse battery staple';
export const USER_PASSWORD = 'a long enough test password';

export interface Session {
  cookie: string;
  csrfToken: string;
  userId: string;
}

export interface TestApp {
  ctx: AppContext;
  server: FastifyInstance;
  hubOrgId: string;
  request(options: InjectOptions & { session?: Session; apiKey?: string }): Promise<LightMyRequestResponse>;
  login(email: string, password: string): Promise<Session>;
  /** Creates an organisation with the operator's rights; returns its id. */
  addOrganisation(shortName: string, country?: string): Promise<string>;
  /** Creates a user with the operator's rights and logs them in. */
  addUser(orgId: string, role: Role, email?: string): Promise<Session & { email: string }>;
  close(): Promise<void>;
}

const system = { viewer: systemViewer('test'), sourceIp: null };
let userCounter = 0;

export async function startTestApp(engine: Engine, overrides: Partial<Config> = {}): Promise<TestApp> {
  const ctx = await freshContext(engine, overrides);
  const init = await initNode(ctx, { nodeName: 'Test hub', country: 'MY', adminEmail: ADMIN_EMAIL, adminPassword: ADMIN_PASSWORD });
  const server = await buildServer(ctx, { logger: false });
  const hubOrg = await ctx.store.db.selectFrom('organisation').select('id').executeTakeFirstOrThrow();
  void init;

  const request: TestApp['request'] = async ({ session, apiKey, headers, ...options }) => {
    const extra: Record<string, string> = {};
    if (session) {
      extra.cookie = session.cookie;
      extra['x-csrf-token'] = session.csrfToken;
    }
    if (apiKey) extra.authorization = `Bearer ${apiKey}`;
    return server.inject({ ...options, headers: { ...extra, ...(headers as Record<string, string> | undefined) } });
  };

  const login: TestApp['login'] = async (email, password) => {
    const response = await server.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
    if (response.statusCode !== 200) throw new Error(`login of ${email} failed: ${response.statusCode} ${response.body}`);
    const body = response.json() as { mfaRequired: boolean; csrfToken: string; user: { id: string } };
    const cookie = response.cookies.find((c) => c.name === 'sanad_session');
    if (!cookie || body.mfaRequired) throw new Error(`login of ${email} did not open a session`);
    return { cookie: `sanad_session=${cookie.value}`, csrfToken: body.csrfToken, userId: body.user.id };
  };

  return {
    ctx,
    server,
    hubOrgId: hubOrg.id,
    request,
    login,
    addOrganisation: async (shortName, country = 'MY') =>
      (await createOrganisation(ctx, system, { name: `${shortName} national CERT`, shortName, country, tier: 'full' }, { homeNode: 'Test hub' })).id,
    addUser: async (orgId, role, email) => {
      userCounter += 1;
      const address = email ?? `${role}.${userCounter}@team${userCounter}.example`;
      await createUser(ctx, system, { orgId, email: address, name: `${role} ${userCounter}`, role, password: USER_PASSWORD });
      return { ...(await login(address, USER_PASSWORD)), email: address };
    },
    close: async () => {
      await server.close();
      await ctx.close();
    },
  };
}
