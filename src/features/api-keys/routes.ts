import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../app.ts';
import { requireUser } from '../../policy/authorize.ts';
import { IdParams, errorResponses } from '../../http/schemas.ts';
import { ApiKeySchema, CreateApiKeyBody, CreatedApiKeySchema, ListApiKeysQuery } from './schemas.ts';
import * as apiKeys from './service.ts';

const apiKeyRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/api-keys',
    { schema: { tags: ['api-keys'], summary: "The caller's keys (or a managed user's with userId)", querystring: ListApiKeysQuery, response: { 200: Type.Object({ items: Type.Array(ApiKeySchema) }), ...errorResponses } } },
    async (request) => ({ items: await apiKeys.listApiKeys(ctx, request.actor.viewer, request.query) }),
  );
  app.post(
    '/api-keys',
    { schema: { tags: ['api-keys'], summary: 'Create a key for yourself; the secret is returned once', body: CreateApiKeyBody, response: { 201: CreatedApiKeySchema, ...errorResponses } } },
    async (request, reply) => {
      const viewer = request.actor.viewer;
      requireUser(viewer);
      return reply.status(201).send(await apiKeys.createApiKey(ctx, request.actor, viewer.userId, request.body));
    },
  );
  app.delete(
    '/api-keys/:id',
    { schema: { tags: ['api-keys'], summary: 'Revoke a key', params: IdParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (request, reply) => {
      await apiKeys.revokeApiKey(ctx, request.actor, request.params.id);
      return reply.status(204).send(null);
    },
  );
};

export default apiKeyRoutes;
