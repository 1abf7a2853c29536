// MISP JSON in and out over the API, and a MISP-format feed a MISP instance can subscribe to (with an
// API key in its feed's headers, `Authorization: Bearer …`, or anonymously for TLP:CLEAR when the
// operator opened it). Kept in one plugin because the import reads the raw body stream.
import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../../app.ts';
import { Invalid } from '../../../domain/errors.ts';
import { TLP_LEVELS } from '../../../domain/handling.ts';
import { errorResponses, IdParams } from '../../../http/schemas.ts';
import { openFeedEvent, openFeedHashes, openFeedManifest, openMispEvent, openMispEvents } from './export.ts';
import { importMisp, MISP_IMPORT_MAX_BYTES } from './service.ts';

const JSON_MEDIA_TYPE = 'application/json; charset=utf-8';
const DateOnly = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });

export const MispImportQuery = Type.Object(
  {
    tlp: Type.Optional(Type.Enum(TLP_LEVELS, { description: 'TLP of events without a tlp: tag (default AMBER)' })),
    distribution: Type.Optional(Type.Enum(['organisation', 'community', 'federation'] as const, { description: 'distribution of events that state none (default organisation)' })),
  },
  { additionalProperties: false },
);

const ImportedEventSchema = Type.Object({
  index: Type.Integer(),
  uuid: Type.Union([Type.String(), Type.Null()]),
  id: Type.Union([Type.String(), Type.Null()]),
  info: Type.String(),
  outcome: Type.Enum(['created', 'updated', 'skipped'] as const),
  reason: Type.Optional(Type.String()),
  attributes: Type.Integer(),
  objects: Type.Integer(),
  sightings: Type.Integer(),
  deletedAttributes: Type.Integer(),
  notes: Type.Array(Type.String()),
});

export const MispImportResultSchema = Type.Object({
  events: Type.Integer(),
  created: Type.Integer(),
  updated: Type.Integer(),
  skipped: Type.Integer(),
  attributes: Type.Integer(),
  objects: Type.Integer(),
  sightings: Type.Integer(),
  deletedAttributes: Type.Integer(),
  bytes: Type.Integer(),
  items: Type.Array(ImportedEventSchema),
});

export const MispEventsQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    tag: Type.Optional(Type.String({ maxLength: 255 })),
    orgId: Type.Optional(Type.String({ format: 'uuid' })),
    tlp: Type.Optional(Type.Enum(TLP_LEVELS)),
    published: Type.Optional(Type.Boolean()),
    from: Type.Optional(DateOnly),
    to: Type.Optional(DateOnly),
  },
  { additionalProperties: false },
);

const FeedFileParams = Type.Object(
  { file: Type.String({ pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\.json$', description: '<event uuid>.json' }) },
  { additionalProperties: false },
);

const mispRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['exchange'];
  // The import parses the raw stream as it arrives and enforces its own size limit.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', (_request, payload, done) => done(null, payload));

  app.post(
    '/misp/import',
    {
      schema: {
        tags,
        summary: 'Import MISP JSON ({"response": [...]}, {"Event": …}, an event or a list) of any size, streamed; all or nothing',
        querystring: MispImportQuery,
        response: { 200: MispImportResultSchema, ...errorResponses },
      },
    },
    async (request) => {
      const declared = Number(request.headers['content-length'] ?? 0);
      if (declared > MISP_IMPORT_MAX_BYTES) throw new Invalid('body', `larger than ${MISP_IMPORT_MAX_BYTES} bytes`);
      return importMisp(ctx, request.actor, request.body as AsyncIterable<Uint8Array>, { defaultTlp: request.query.tlp, defaultDistribution: request.query.distribution });
    },
  );

  app.get(
    '/events/:id/misp',
    { schema: { tags, summary: 'The event as MISP JSON, {"Event": …} (streamed)', params: IdParams } },
    async (request, reply) => {
      const chunks = await openMispEvent(ctx, request.actor.viewer, request.params.id);
      return reply.type(JSON_MEDIA_TYPE).send(Readable.from(chunks));
    },
  );

  app.get(
    '/misp/events',
    { schema: { tags, summary: 'The events the caller may see as MISP JSON, {"response": [...]}, newest version first (streamed)', querystring: MispEventsQuery } },
    async (request, reply) => {
      const chunks = await openMispEvents(ctx, request.actor, request.query);
      return reply.type(JSON_MEDIA_TYPE).send(Readable.from(chunks));
    },
  );

  app.get(
    '/misp/feed/manifest.json',
    { schema: { tags, summary: 'MISP feed: the published events the caller may see, by uuid' } },
    async (request, reply) => {
      const chunks = await openFeedManifest(ctx, request.actor.viewer);
      return reply.type(JSON_MEDIA_TYPE).send(Readable.from(chunks));
    },
  );

  app.get(
    '/misp/feed/hashes.csv',
    { schema: { tags, summary: 'MISP feed: md5 of each attribute value, with its event uuid' } },
    async (request, reply) => {
      const chunks = await openFeedHashes(ctx, request.actor.viewer);
      return reply.type('text/csv; charset=utf-8').send(Readable.from(chunks));
    },
  );

  app.get(
    '/misp/feed/:file',
    { schema: { tags, summary: 'MISP feed: one published event, {"Event": …}', params: FeedFileParams } },
    async (request, reply) => {
      const chunks = await openFeedEvent(ctx, request.actor.viewer, request.params.file.slice(0, -'.json'.length).toLowerCase());
      return reply.type(JSON_MEDIA_TYPE).send(Readable.from(chunks));
    },
  );
};

export default mispRoutes;
