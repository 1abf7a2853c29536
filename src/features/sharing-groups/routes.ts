import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../app.ts';
import { IdParams, errorResponses } from '../../http/schemas.ts';
import { AddMemberBody, CreateSharingGroupBody, SharingGroupSchema, UpdateSharingGroupBody } from './schemas.ts';
import * as groups from './service.ts';

const MemberParams = Type.Object({ id: Type.String({ format: 'uuid' }), orgId: Type.String({ format: 'uuid' }) }, { additionalProperties: false });

const sharingGroupRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['sharing-groups'];
  app.get(
    '/sharing-groups',
    { schema: { tags, summary: 'Groups the caller belongs to', response: { 200: Type.Object({ items: Type.Array(SharingGroupSchema) }), ...errorResponses } } },
    async (request) => ({ items: await groups.listSharingGroups(ctx, request.actor.viewer) }),
  );
  app.get('/sharing-groups/:id', { schema: { tags, params: IdParams, response: { 200: SharingGroupSchema, ...errorResponses } } }, async (request) =>
    groups.getSharingGroup(ctx, request.actor.viewer, request.params.id),
  );
  app.post(
    '/sharing-groups',
    { schema: { tags, summary: 'Create a group owned by your team', body: CreateSharingGroupBody, response: { 201: SharingGroupSchema, ...errorResponses } } },
    async (request, reply) => reply.status(201).send(await groups.createSharingGroup(ctx, request.actor, request.body)),
  );
  app.patch(
    '/sharing-groups/:id',
    { schema: { tags, params: IdParams, body: UpdateSharingGroupBody, response: { 200: SharingGroupSchema, ...errorResponses } } },
    async (request) => groups.updateSharingGroup(ctx, request.actor, request.params.id, request.body),
  );
  app.post(
    '/sharing-groups/:id/members',
    { schema: { tags, summary: 'Add a member (owner team, or a member with the extend right)', params: IdParams, body: AddMemberBody, response: { 200: SharingGroupSchema, ...errorResponses } } },
    async (request) => groups.addSharingGroupMember(ctx, request.actor, request.params.id, request.body),
  );
  app.delete(
    '/sharing-groups/:id/members/:orgId',
    { schema: { tags, summary: 'Remove a member', params: MemberParams, response: { 200: SharingGroupSchema, ...errorResponses } } },
    async (request) => groups.removeSharingGroupMember(ctx, request.actor, request.params.id, request.params.orgId),
  );
};

export default sharingGroupRoutes;
