// The bulk paths: an event of any size streamed in, indicators streamed out. Kept in their own
// plugin because the import reads the raw body stream instead of Fastify's parsed JSON.
import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../app.ts';
import { errorResponses } from '../../http/schemas.ts';
import { EXPORT_FORMATS, EXPORT_MEDIA_TYPES, openExport } from './export.ts';
import { importEvent } from './import.ts';
import { EventSchema } from './schemas.ts';

const bulkRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  // Hand the request stream to the import untouched; it parses as the bytes arrive and enforces its own size limit.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', (_request, payload, done) => done(null, payload));

  app.post(
    '/events/import',
    {
      schema: {
        tags: ['intel'],
        summary: 'Import one event of any size (the body of POST /events), streamed; all or nothing',
        response: { 201: EventSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const event = await importEvent(ctx, request.actor, request.body as AsyncIterable<Uint8Array>);
      return reply.status(201).send(event);
    },
  );

  app.get(
    '/indicators/export',
    {
      schema: {
        tags: ['intel'],
        summary: 'Stream every indicator the caller may see (csv, text: one value per line, or json)',
        querystring: Type.Object(
          {
            format: Type.Optional(Type.Enum(EXPORT_FORMATS)),
            type: Type.Optional(Type.String({ maxLength: 64 })),
            eventId: Type.Optional(Type.String({ format: 'uuid' })),
            toIds: Type.Optional(Type.Boolean()),
            since: Type.Optional(Type.String({ format: 'date-time' })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const format = request.query.format ?? 'csv';
      const chunks = await openExport(ctx, request.actor, { ...request.query, format });
      reply.type(EXPORT_MEDIA_TYPES[format]);
      return reply.send(Readable.from(chunks));
    },
  );
};

export default bulkRoutes;
