import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app.ts';
import { IdParams, errorResponses, page } from '../../http/schemas.ts';
import { readNodeInfo } from '../node/service.ts';
import { CreateOrganisationBody, ListOrganisationsQuery, OrganisationSchema, UpdateOrganisationBody } from './schemas.ts';
import * as organisations from './service.ts';

const organisationRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/organisations',
    { schema: { tags: ['organisations'], summary: 'The member directory', querystring: ListOrganisationsQuery, response: { 200: page(OrganisationSchema), ...errorResponses } } },
    async (request) => organisations.listOrganisations(ctx, request.actor.viewer, request.query),
  );
  app.get(
    '/organisations/:id',
    { schema: { tags: ['organisations'], params: IdParams, response: { 200: OrganisationSchema, ...errorResponses } } },
    async (request) => organisations.getOrganisation(ctx, request.actor.viewer, request.params.id),
  );
  app.post(
    '/organisations',
    { schema: { tags: ['organisations'], summary: 'Register a member team', body: CreateOrganisationBody, response: { 201: OrganisationSchema, ...errorResponses } } },
    async (request, reply) => {
      const node = await readNodeInfo(ctx);
      const created = await organisations.createOrganisation(ctx, request.actor, request.body, { homeNode: node?.name ?? 'local' });
      return reply.status(201).send(created);
    },
  );
  app.patch(
    '/organisations/:id',
    { schema: { tags: ['organisations'], summary: 'Edit a team (membership fields: secretariat only)', params: IdParams, body: UpdateOrganisationBody, response: { 200: OrganisationSchema, ...errorResponses } } },
    async (request) => organisations.updateOrganisationProfile(ctx, request.actor, request.params.id, request.body),
  );
};

export default organisationRoutes;
