// The one import door over the API: any of the four formats, recognised by content, streamed.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../app.ts';
import { DISTRIBUTIONS, TLP_LEVELS } from '../../domain/handling.ts';
import { errorResponses } from '../../http/schemas.ts';
import { DOCUMENT_FORMATS, importDocument } from './door.ts';

const DoorQuery = Type.Object(
  {
    format: Type.Optional(Type.Enum(DOCUMENT_FORMATS)),
    tlp: Type.Optional(Type.Enum(TLP_LEVELS)),
    distribution: Type.Optional(Type.Enum(DISTRIBUTIONS)),
    sharingGroupId: Type.Optional(Type.String({ format: 'uuid' })),
  },
  { additionalProperties: false },
);

const DoorResultSchema = Type.Object({
  format: Type.Enum(DOCUMENT_FORMATS),
  summary: Type.Record(Type.String(), Type.Union([Type.Number(), Type.String(), Type.Null()])),
  ids: Type.Array(Type.String()),
  title: Type.Optional(Type.String()),
  warnings: Type.Array(Type.String()),
});

const importDoorRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  // The import reads the raw stream as it arrives and enforces its own size limits.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(['application/json', 'application/stix+json', 'application/taxii+json'], (_request, payload, done) => done(null, payload));

  app.post(
    '/import',
    {
      schema: {
        tags: ['exchange'],
        summary: 'Import a Sanad event, a STIX 2.1 bundle, MISP event JSON or a CSAF 2.0 document, recognised by its content; all or nothing',
        querystring: DoorQuery,
        response: { 201: DoorResultSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const result = await importDocument(ctx, request.actor, request.body as AsyncIterable<Uint8Array>, request.query);
      return reply.status(201).send(result);
    },
  );
};

export default importDoorRoutes;
