// STIX 2.1 in and out over the API: a document of any size streamed in as a new event, an event
// streamed out as a bundle.
import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../../app.ts';
import { DISTRIBUTIONS, PAP_LEVELS, TLP_LEVELS } from '../../../domain/handling.ts';
import { errorResponses } from '../../../http/schemas.ts';
import { openStixExport } from './export.ts';
import { importStix } from './import.ts';

export const STIX_MEDIA_TYPE = 'application/stix+json;version=2.1';

/** How an imported document's event is handled: the defaults the importer chooses. */
export const ImportHandlingQuery = Type.Object(
  {
    tlp: Type.Optional(Type.Enum(TLP_LEVELS)),
    pap: Type.Optional(Type.Enum(PAP_LEVELS)),
    distribution: Type.Optional(Type.Enum(DISTRIBUTIONS)),
    sharingGroupId: Type.Optional(Type.String({ format: 'uuid' })),
    info: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
    published: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const StixImportResultSchema = Type.Object({
  eventId: Type.Union([Type.String(), Type.Null()]),
  shape: Type.Enum(['bundle', 'array', 'object'] as const),
  objects: Type.Integer(),
  skipped: Type.Integer(),
  indicators: Type.Integer(),
  byType: Type.Record(Type.String(), Type.Integer()),
  warnings: Type.Array(Type.String()),
});

const stixRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  // The import parses the raw stream as it arrives and enforces its own size limit.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(['application/json', 'application/stix+json', 'application/taxii+json'], (_request, payload, done) => done(null, payload));

  app.post(
    '/stix/import',
    {
      schema: {
        tags: ['exchange'],
        summary: 'Import a STIX 2.1 bundle (or an array of objects, or one object) of any size as a new event; all or nothing',
        querystring: ImportHandlingQuery,
        response: { 201: StixImportResultSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const result = await importStix(ctx, request.actor, request.body as AsyncIterable<Uint8Array>, request.query);
      return reply.status(201).send(result);
    },
  );

  app.get(
    '/events/:id/stix',
    {
      schema: {
        tags: ['exchange'],
        summary: 'The event as a STIX 2.1 bundle (streamed): objects held as received, and Sanad indicators as STIX indicators',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
      },
    },
    async (request, reply) => {
      const chunks = await openStixExport(ctx, request.actor, request.params.id);
      reply.type(STIX_MEDIA_TYPE);
      return reply.send(Readable.from(chunks));
    },
  );
};

export default stixRoutes;
