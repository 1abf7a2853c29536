import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../app.ts';
import { IdParams, errorResponses } from '../../http/schemas.ts';
import { listTaxonomies } from '../../domain/taxonomies/shipped.ts';
import { listWarninglists, loadWarninglist, setWarninglistEnabled } from './service.ts';

const RescanSchema = Type.Object({ checked: Type.Integer(), changed: Type.Integer() }, { description: 'stored indicators checked again, and how many changed their flag' });

const WarninglistSchema = Type.Object({
  id: Type.Union([Type.String(), Type.Null()]),
  name: Type.String(),
  version: Type.Integer(),
  description: Type.String(),
  type: Type.String(),
  entries: Type.Integer(),
  matchingAttributes: Type.Array(Type.String()),
  source: Type.String(),
  enabled: Type.Boolean(),
  loadedAt: Type.Union([Type.String(), Type.Null()]),
  rescan: Type.Optional(RescanSchema),
});

const warninglistRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get('/warninglists', { schema: { tags: ['intel'], summary: 'Shipped and loaded warninglists', response: { 200: Type.Object({ items: Type.Array(WarninglistSchema) }), ...errorResponses } } }, async (request) => ({
    items: await listWarninglists(ctx, request.actor.viewer),
  }));
  app.post(
    '/warninglists',
    {
      bodyLimit: 32 * 1024 * 1024,
      // The MISP format is checked field by field by the domain parser, which names what is wrong.
      schema: { tags: ['intel'], summary: 'Load (or replace, by name) a MISP-format warninglist', body: Type.Object({}, { additionalProperties: true }), response: { 201: WarninglistSchema, ...errorResponses } },
    },
    async (request, reply) => reply.status(201).send(await loadWarninglist(ctx, request.actor, request.body)),
  );
  app.patch(
    '/warninglists/:id',
    { schema: { tags: ['intel'], params: IdParams, body: Type.Object({ enabled: Type.Boolean() }, { additionalProperties: false }), response: { 200: RescanSchema, ...errorResponses } } },
    async (request) => setWarninglistEnabled(ctx, request.actor, request.params.id, request.body.enabled),
  );
  const taxonomies = { items: listTaxonomies() };
  app.get('/taxonomies', { schema: { tags: ['intel'], summary: 'The shipped taxonomies (TLP, PAP, RSIT, ATT&CK ids)' } }, async () => taxonomies);
};

export default warninglistRoutes;
