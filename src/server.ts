// Builds the HTTP server from the feature plugins. Interfaces hold no rules: every route calls a service.
import fs from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import type { AppContext } from './app.ts';
import { problemErrorHandler, sendProblem } from './http/problem.ts';
import { TooManyRequests } from './domain/errors.ts';
import { validatorCompiler } from './http/validation.ts';
import requestActor from './http/request-actor.ts';
import metrics from './http/metrics.ts';
import { ProblemSchema } from './http/schemas.ts';
import { SANAD_VERSION } from './features/node/service.ts';
import authRoutes from './features/auth/routes.ts';
import userRoutes from './features/users/routes.ts';
import organisationRoutes from './features/organisations/routes.ts';
import apiKeyRoutes from './features/api-keys/routes.ts';
import auditRoutes from './features/audit/routes.ts';
import nodeRoutes from './features/node/routes.ts';
import sharingGroupRoutes from './features/sharing-groups/routes.ts';
import intelRoutes from './features/intel/routes.ts';
import bulkIntelRoutes from './features/intel/bulk-routes.ts';
import warninglistRoutes from './features/warninglists/routes.ts';
import routingRoutes from './features/routing/routes.ts';
import incidentRoutes from './features/incidents/routes.ts';
import notificationRoutes from './features/notifications/routes.ts';
import reportRoutes from './features/reports/routes.ts';
import advisoryRoutes from './features/advisories/routes.ts';
import stixRoutes from './features/exchange/stix/routes.ts';
import importDoorRoutes from './features/exchange/routes.ts';
import taxiiRoutes from './features/exchange/taxii/routes.ts';
import mispRoutes from './features/exchange/misp/routes.ts';
import feedRoutes from './features/exchange/feeds/routes.ts';
import federationRoutes from './features/federation/routes.ts';

export interface ServerOptions {
  /** pino logger settings; false silences logs (tests). */
  logger?: boolean | { level: string };
}

const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};
const APP_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

export async function buildServer(ctx: AppContext, options: ServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? { level: ctx.config.logLevel },
    bodyLimit: ctx.config.bodyLimit,
    trustProxy: ctx.config.trustProxy,
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Fastify parses text/plain bodies by default; the API speaks JSON only, so any other body is 415.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  app.setErrorHandler(problemErrorHandler);
  app.addSchema(ProblemSchema);

  app.addHook('onSend', async (request, reply) => {
    reply.headers(SECURITY_HEADERS);
    if (!request.url.startsWith('/api/docs')) reply.header('content-security-policy', APP_CSP);
    if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
  });

  await app.register(cookie);
  await app.register(rateLimit, {
    global: false,
    // Thrown by the plugin, so it goes through the one problem+json mapping like any other refusal.
    errorResponseBuilder: (_request, context) => {
      const seconds = Math.ceil(context.ttl / 1000);
      return new TooManyRequests(`rate limit exceeded: retry in ${seconds} seconds`, seconds);
    },
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Sanad API', version: SANAD_VERSION, description: 'Collaboration platform of a consortium of national CERTs.' },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'An API key created with `sanad apikey create` or on the profile page' },
          session: { type: 'apiKey', in: 'cookie', name: 'sanad_session' },
        },
      },
      security: [{ apiKey: [] }, { session: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  await app.register(requestActor, { ctx });
  await app.register(metrics);

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.get('/healthz', { schema: { tags: ['node'], summary: 'Liveness and database reachability' } }, async (_request, reply) => {
    try {
      await sql`select 1`.execute(ctx.store.db);
      return { status: 'ok', engine: ctx.store.engine, version: SANAD_VERSION };
    } catch {
      return reply.status(503).send({ status: 'unavailable', engine: ctx.store.engine, version: SANAD_VERSION });
    }
  });

  await app.register(
    async (api) => {
      await api.register(authRoutes, { ctx });
      await api.register(userRoutes, { ctx });
      await api.register(organisationRoutes, { ctx });
      await api.register(apiKeyRoutes, { ctx });
      await api.register(auditRoutes, { ctx });
      await api.register(nodeRoutes, { ctx });
      await api.register(sharingGroupRoutes, { ctx });
      await api.register(intelRoutes, { ctx });
      await api.register(bulkIntelRoutes, { ctx });
      await api.register(warninglistRoutes, { ctx });
      await api.register(routingRoutes, { ctx });
      await api.register(incidentRoutes, { ctx });
      await api.register(notificationRoutes, { ctx });
      await api.register(reportRoutes, { ctx });
      await api.register(stixRoutes, { ctx });
      await api.register(importDoorRoutes, { ctx });
      await api.register(mispRoutes, { ctx });
      await api.register(feedRoutes, { ctx });
    },
    { prefix: '/api/v1' },
  );
  await app.register(taxiiRoutes, { ctx, prefix: '/taxii2' });
  await app.register(advisoryRoutes, { ctx }); // under /api/v1 and /.well-known/csaf: it places its routes itself
  await app.register(federationRoutes, { ctx }); // under /api/v1/peers and /federation/v1: it places its routes itself

  const webIndex = path.join(ctx.config.webDir, 'index.html');
  const hasWeb = fs.existsSync(webIndex);
  if (hasWeb) await app.register(fastifyStatic, { root: ctx.config.webDir, prefix: '/', wildcard: false, index: 'index.html' });

  app.setNotFoundHandler((request, reply) => {
    const isPage = request.method === 'GET' && !request.url.startsWith('/api/') && (request.headers.accept ?? '').includes('text/html');
    if (isPage && hasWeb) return reply.type('text/html').sendFile('index.html'); // client-side routes
    return sendProblem(reply, { type: 'about:blank', title: 'Not found', status: 404, detail: `no route for ${request.method} ${request.url.split('?')[0]}` });
  });

  return app;
}
