// Turns each request's credentials into an Actor (API key, session cookie, or anonymous),
// and refuses cookie-authenticated state changes that lack the session's CSRF token.
import fp from 'fastify-plugin';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { AppContext } from '../app.ts';
import { Forbidden } from '../domain/errors.ts';
import { ANONYMOUS, type Actor, type AnonymousViewer } from '../policy/viewer.ts';
import { resolveSession } from '../features/auth/service.ts';
import { authenticateApiKey } from '../features/api-keys/service.ts';
import { constantTimeEqual } from '../features/auth/tokens.ts';

export const SESSION_COOKIE = 'sanad_session';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor;
    sessionId: string | undefined;
    csrfToken: string | undefined;
  }
  interface FastifyContextConfig {
    /** false on the few routes that run before a session exists (login). */
    csrf?: boolean;
    /** true on the routes a user may reach while their initial password still has to be changed. */
    beforePasswordChange?: boolean;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

const requestActor: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.decorateRequest('actor', null as unknown as Actor);
  app.decorateRequest('sessionId', undefined);
  app.decorateRequest('csrfToken', undefined);

  const anonymous: AnonymousViewer = ctx.config.anonymousClearAccess ? { kind: 'anonymous', mayReadClear: true } : ANONYMOUS;

  app.addHook('onRequest', async (request) => {
    request.actor = { viewer: anonymous, sourceIp: request.ip };
    if (!request.url.startsWith('/api/')) return;
    const key = bearerToken(request);
    if (key) {
      request.actor = { viewer: await authenticateApiKey(ctx, key, request.ip), sourceIp: request.ip };
      return;
    }
    const token = request.cookies[SESSION_COOKIE];
    if (!token) return;
    const session = await resolveSession(ctx, token);
    if (!session) return;
    request.actor = { viewer: session.viewer, sourceIp: request.ip };
    request.sessionId = session.sessionId;
    request.csrfToken = session.csrfToken;
  });

  // Before body validation: a forged cross-site request is refused as such, whatever its body.
  app.addHook('preValidation', async (request) => {
    if (SAFE_METHODS.has(request.method) || request.routeOptions.config.csrf === false) return;
    if (request.sessionId === undefined) return; // API keys and the anonymous carry no ambient credential
    const presented = request.headers[CSRF_HEADER];
    if (typeof presented !== 'string' || !constantTimeEqual(presented, request.csrfToken ?? '')) {
      throw new Forbidden(`missing or wrong ${CSRF_HEADER} header`);
    }
  });

  // A password someone else chose (an admin, the CLI, a generated one) opens only the way to change it.
  app.addHook('preValidation', async (request) => {
    const viewer = request.actor.viewer;
    if (viewer.kind !== 'user' || !viewer.passwordChangeRequired || request.routeOptions.config.beforePasswordChange) return;
    if (!request.url.startsWith('/api/')) return;
    throw new Forbidden('change your initial password first (POST /api/v1/me/password)');
  });
};

export default fp(requestActor, { name: 'request-actor' });
