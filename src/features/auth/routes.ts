import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../app.ts';
import { requireUser } from '../../policy/authorize.ts';
import { SESSION_COOKIE } from '../../http/request-actor.ts';
import { errorResponses } from '../../http/schemas.ts';
import { ChangePasswordBody, UserSchema } from '../users/schemas.ts';
import { changeOwnPassword } from '../users/service.ts';
import { readNodeInfo } from '../node/service.ts';
import {
  EnrolResponse,
  LoginBody,
  LoginResponse,
  MfaCodeBody,
  PasswordConfirmBody,
  RecoveryCodesResponse,
  SessionResponse,
} from './schemas.ts';
import * as auth from './service.ts';

const authRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const loginRateLimit = { max: ctx.config.loginRequestsPerMinute, timeWindow: '1 minute' };
  const client = (request: FastifyRequest): auth.Client => ({ ip: request.ip, userAgent: request.headers['user-agent'] ?? '' });

  function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string, maxAgeSeconds: number): void {
    const secure = ctx.config.secureCookies === 'auto' ? request.protocol === 'https' : ctx.config.secureCookies;
    reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: maxAgeSeconds });
  }

  app.post(
    '/auth/login',
    {
      config: { csrf: false, rateLimit: loginRateLimit },
      schema: { tags: ['auth'], summary: 'Log in with e-mail and password', body: LoginBody, response: { 200: LoginResponse, ...errorResponses } },
    },
    async (request, reply) => {
      const outcome = await auth.login(ctx, request.body, client(request));
      if (outcome.stage === 'mfa') {
        setSessionCookie(request, reply, outcome.sessionToken, ctx.config.mfaChallengeTtlSeconds);
        return { mfaRequired: true as const };
      }
      setSessionCookie(request, reply, outcome.sessionToken, ctx.config.sessionTtlSeconds);
      return { mfaRequired: false as const, user: outcome.user, csrfToken: outcome.csrfToken };
    },
  );

  app.post(
    '/auth/login/mfa',
    {
      config: { csrf: false, rateLimit: loginRateLimit },
      schema: { tags: ['auth'], summary: 'Second login step: a TOTP or recovery code', body: MfaCodeBody, response: { 200: SessionResponse, ...errorResponses } },
    },
    async (request, reply) => {
      const result = await auth.completeMfaLogin(ctx, request.cookies[SESSION_COOKIE], request.body.code, client(request));
      setSessionCookie(request, reply, result.sessionToken, ctx.config.sessionTtlSeconds);
      return { user: result.user, csrfToken: result.csrfToken };
    },
  );

  const beforePasswordChange = { beforePasswordChange: true };

  app.post('/auth/logout', { config: beforePasswordChange, schema: { tags: ['auth'], summary: 'End the session', response: { 204: Type.Null() } } }, async (request, reply) => {
    await auth.logout(ctx, request.actor, request.sessionId);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send(null);
  });

  app.get('/auth/session', { config: beforePasswordChange, schema: { tags: ['auth'], summary: 'The logged-in user and the CSRF token', response: { 200: SessionResponse, ...errorResponses } } }, async (request) => {
    const viewer = request.actor.viewer;
    requireUser(viewer);
    return { user: await auth.currentUser(ctx, viewer), csrfToken: request.csrfToken ?? '' };
  });

  app.get('/me', { config: beforePasswordChange, schema: { tags: ['auth'], summary: 'The calling user', response: { 200: UserSchema, ...errorResponses } } }, async (request) => {
    const viewer = request.actor.viewer;
    requireUser(viewer);
    return auth.currentUser(ctx, viewer);
  });

  app.post(
    '/me/password',
    { config: beforePasswordChange, schema: { tags: ['auth'], summary: 'Change your password (ends your other sessions)', body: ChangePasswordBody, response: { 204: Type.Null(), ...errorResponses } } },
    async (request, reply) => {
      await changeOwnPassword(ctx, request.actor, request.body, request.sessionId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/me/mfa/enrol',
    { schema: { tags: ['auth'], summary: 'Start second-factor enrolment', body: Type.Optional(Type.Object({}, { additionalProperties: false })), response: { 200: EnrolResponse, ...errorResponses } } },
    async (request) => {
      const node = await readNodeInfo(ctx);
      return auth.enrolMfa(ctx, request.actor, node ? `Sanad ${node.name}` : 'Sanad');
    },
  );

  app.post(
    '/me/mfa/activate',
    { schema: { tags: ['auth'], summary: 'Confirm enrolment with a code; returns recovery codes once', body: MfaCodeBody, response: { 200: RecoveryCodesResponse, ...errorResponses } } },
    async (request) => auth.activateMfa(ctx, request.actor, request.body.code),
  );

  app.post(
    '/me/mfa/disable',
    { schema: { tags: ['auth'], summary: 'Turn the second factor off', body: PasswordConfirmBody, response: { 204: Type.Null(), ...errorResponses } } },
    async (request, reply) => {
      await auth.disableMfa(ctx, request.actor, request.body.password);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/me/mfa/recovery-codes',
    { schema: { tags: ['auth'], summary: 'Replace the recovery codes', body: PasswordConfirmBody, response: { 200: RecoveryCodesResponse, ...errorResponses } } },
    async (request) => auth.regenerateRecoveryCodes(ctx, request.actor, request.body.password),
  );
};

export default authRoutes;
