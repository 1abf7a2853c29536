import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app.ts';
import { IdParams, errorResponses, page } from '../../http/schemas.ts';
import { CreateUserBody, ListUsersQuery, UpdateUserBody, UserSchema } from './schemas.ts';
import * as users from './service.ts';

const userRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/users',
    { schema: { tags: ['users'], summary: 'Accounts the caller may see', querystring: ListUsersQuery, response: { 200: page(UserSchema), ...errorResponses } } },
    async (request) => users.listUsers(ctx, request.actor.viewer, request.query),
  );
  app.get(
    '/users/:id',
    { schema: { tags: ['users'], params: IdParams, response: { 200: UserSchema, ...errorResponses } } },
    async (request) => users.getUser(ctx, request.actor.viewer, request.params.id),
  );
  app.post(
    '/users',
    { schema: { tags: ['users'], summary: 'Create an account', body: CreateUserBody, response: { 201: UserSchema, ...errorResponses } } },
    async (request, reply) => reply.status(201).send(await users.createUser(ctx, request.actor, request.body, { passwordChosenByOther: true })),
  );
  app.patch(
    '/users/:id',
    { schema: { tags: ['users'], summary: 'Rename, change role, disable or enable', params: IdParams, body: UpdateUserBody, response: { 200: UserSchema, ...errorResponses } } },
    async (request) => users.updateUser(ctx, request.actor, request.params.id, request.body),
  );
};

export default userRoutes;
