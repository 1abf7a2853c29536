import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../app.ts';
import { IdParams, errorResponses, page } from '../../http/schemas.ts';
import { correlationsOfEvent, correlationsOfIndicator } from './correlation.ts';
import { MAX_LOOKUP_VALUES, SIGHTING_KINDS, listSightings, lookup, reportSighting } from './lookup.ts';
import { AddIndicatorsBody, CreateEventBody, EventSchema, IndicatorSchema, ListEventsQuery, ListIndicatorsQuery, SearchIndicatorsQuery, UpdateEventBody } from './schemas.ts';
import * as intel from './service.ts';

const SightingSummarySchema = Type.Object({ sighting: Type.Integer(), falsePositive: Type.Integer(), expiration: Type.Integer(), lastSeen: Type.Union([Type.String(), Type.Null()]) });
const LookupResultSchema = Type.Object({
  value: Type.String(),
  type: Type.Union([Type.String(), Type.Null()]),
  matches: Type.Array(
    Type.Object({
      indicatorId: Type.String(),
      eventId: Type.String(),
      eventInfo: Type.String(),
      orgName: Type.String(),
      country: Type.Union([Type.String(), Type.Null()]),
      type: Type.String(),
      value: Type.String(),
      tlp: Type.String(),
      pap: Type.String(),
      toIds: Type.Boolean(),
      firstSeen: Type.Union([Type.String(), Type.Null()]),
      lastSeen: Type.Union([Type.String(), Type.Null()]),
      warning: Type.Union([Type.String(), Type.Null()]),
      sightings: SightingSummarySchema,
    }),
  ),
});
const LookupResponse = Type.Object({ results: Type.Array(LookupResultSchema) });

const intelRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['intel'];
  app.get('/events', { schema: { tags, summary: 'Events the caller may see, newest version first', querystring: ListEventsQuery, response: { 200: page(EventSchema), ...errorResponses } } }, async (request) =>
    intel.listEvents(ctx, request.actor.viewer, request.query),
  );
  app.post(
    '/events',
    { bodyLimit: 64 * 1024 * 1024, schema: { tags, summary: 'Create an event, with its indicators and objects, in one transaction', body: CreateEventBody, response: { 201: EventSchema, ...errorResponses } } },
    async (request, reply) => reply.status(201).send(await intel.createEvent(ctx, request.actor, request.body)),
  );
  app.get('/events/:id', { schema: { tags, params: IdParams, response: { 200: EventSchema, ...errorResponses } } }, async (request) => intel.getEvent(ctx, request.actor.viewer, request.params.id));
  app.patch('/events/:id', { schema: { tags, params: IdParams, body: UpdateEventBody, response: { 200: EventSchema, ...errorResponses } } }, async (request) =>
    intel.updateEvent(ctx, request.actor, request.params.id, request.body),
  );
  app.post('/events/:id/publish', { schema: { tags, params: IdParams, response: { 200: EventSchema, ...errorResponses } } }, async (request) => intel.publishEvent(ctx, request.actor, request.params.id));
  app.delete('/events/:id', { schema: { tags, summary: 'Delete (leaves a tombstone for peers)', params: IdParams, response: { 204: Type.Null(), ...errorResponses } } }, async (request, reply) => {
    await intel.deleteEvent(ctx, request.actor, request.params.id);
    return reply.status(204).send(null);
  });
  app.get(
    '/events/:id/indicators',
    { schema: { tags, summary: 'The indicators of an event the caller may see, paged', params: IdParams, querystring: ListIndicatorsQuery, response: { 200: page(IndicatorSchema), ...errorResponses } } },
    async (request) => intel.listEventIndicators(ctx, request.actor.viewer, request.params.id, request.query),
  );
  app.post(
    '/events/:id/indicators',
    {
      bodyLimit: 64 * 1024 * 1024,
      schema: { tags, params: IdParams, body: AddIndicatorsBody, response: { 200: Type.Object({ added: Type.Integer(), objects: Type.Integer(), modified: Type.String() }), ...errorResponses } },
    },
    async (request) => intel.addIndicators(ctx, request.actor, request.params.id, request.body),
  );
  app.get(
    '/events/:id/correlations',
    {
      schema: {
        tags,
        summary: 'Events sharing values with this one ("seen by N teams in M countries")',
        params: IdParams,
        response: {
          200: Type.Object({
            teams: Type.Integer(),
            countries: Type.Integer(),
            events: Type.Array(Type.Object({ eventId: Type.String(), info: Type.String(), orgId: Type.String(), orgName: Type.String(), country: Type.Union([Type.String(), Type.Null()]), sharedValues: Type.Integer() })),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => correlationsOfEvent(ctx, request.actor.viewer, request.params.id),
  );
  app.get(
    '/indicators',
    { schema: { tags, summary: 'Search indicators across every event the caller may see (cursor paged)', querystring: SearchIndicatorsQuery, response: { 200: page(IndicatorSchema), ...errorResponses } } },
    async (request) => intel.searchIndicators(ctx, request.actor.viewer, request.query),
  );
  app.get('/indicators/:id', { schema: { tags, params: IdParams, response: { 200: IndicatorSchema, ...errorResponses } } }, async (request) => intel.getIndicator(ctx, request.actor.viewer, request.params.id));
  app.delete('/indicators/:id', { schema: { tags, params: IdParams, response: { 204: Type.Null(), ...errorResponses } } }, async (request, reply) => {
    await intel.deleteIndicator(ctx, request.actor, request.params.id);
    return reply.status(204).send(null);
  });
  app.get(
    '/indicators/:id/correlations',
    {
      schema: {
        tags,
        params: IdParams,
        response: {
          200: Type.Object({
            skipped: Type.Union([Type.String(), Type.Null()]),
            teams: Type.Integer(),
            countries: Type.Integer(),
            total: Type.Integer(),
            matches: Type.Array(
              Type.Object({ indicatorId: Type.String(), eventId: Type.String(), eventInfo: Type.String(), orgId: Type.String(), orgName: Type.String(), country: Type.Union([Type.String(), Type.Null()]), type: Type.String(), value: Type.String(), tlp: Type.String() }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => correlationsOfIndicator(ctx, request.actor.viewer, request.params.id),
  );
  app.get(
    '/indicators/:id/sightings',
    {
      schema: {
        tags,
        params: IdParams,
        response: {
          200: Type.Object({
            summary: SightingSummarySchema,
            items: Type.Array(Type.Object({ id: Type.String(), kind: Type.String(), seenAt: Type.String(), source: Type.String(), orgId: Type.String(), orgName: Type.String(), country: Type.Union([Type.String(), Type.Null()]) })),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => listSightings(ctx, request.actor.viewer, request.params.id),
  );
  app.post(
    '/indicators/:id/sightings',
    {
      schema: {
        tags,
        summary: 'Report that your team saw this indicator (or found it a false positive, or expired)',
        params: IdParams,
        body: Type.Object({ kind: Type.Enum(SIGHTING_KINDS), seenAt: Type.Optional(Type.String({ format: 'date-time' })), source: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false }),
        response: { 201: Type.Object({ id: Type.String(), summary: SightingSummarySchema }), ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await reportSighting(ctx, request.actor, request.params.id, request.body)),
  );
  app.get(
    '/lookup',
    { schema: { tags, summary: 'Look one value up', querystring: Type.Object({ value: Type.String({ minLength: 1, maxLength: 4096 }) }, { additionalProperties: false }), response: { 200: LookupResponse, ...errorResponses } } },
    async (request) => ({ results: await lookup(ctx, request.actor.viewer, [request.query.value]) }),
  );
  app.post(
    '/lookup',
    {
      bodyLimit: 16 * 1024 * 1024,
      schema: {
        tags,
        summary: `Look up to ${MAX_LOOKUP_VALUES} values at once; results in the order asked`,
        body: Type.Object({ values: Type.Array(Type.String({ minLength: 1, maxLength: 4096 }), { minItems: 1, maxItems: MAX_LOOKUP_VALUES }) }, { additionalProperties: false }),
        response: { 200: LookupResponse, ...errorResponses },
      },
    },
    async (request) => ({ results: await lookup(ctx, request.actor.viewer, request.body.values) }),
  );
};

export default intelRoutes;
