import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../app.ts';
import { errorResponses } from '../../http/schemas.ts';
import { ROUTING_SOURCES } from '../../domain/routing/route.ts';
import { MAX_ROUTE_VALUES, registrationSummary, routeValues } from './service.ts';

const RoutingSource = Type.Enum(ROUTING_SOURCES);

export const RoutingSchema = Type.Object(
  {
    type: Type.Union([Type.String(), Type.Null()]),
    value: Type.String(),
    teams: Type.Array(Type.Object({ orgId: Type.String(), name: Type.String(), country: Type.Union([Type.String(), Type.Null()]), source: RoutingSource, detail: Type.String() })),
    decidedBy: Type.Union([RoutingSource, Type.Null()]),
    countries: Type.Array(Type.String()),
    conflicts: Type.Boolean(),
    reason: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

const RouteRequest = Type.Object(
  {
    value: Type.String({ minLength: 1, maxLength: 2048 }),
    type: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    country: Type.Optional(Type.String({ minLength: 2, maxLength: 64 })),
  },
  { additionalProperties: false },
);

const routingRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['routing'];
  app.get(
    '/routing',
    { schema: { tags, summary: 'The team(s) responsible for one value, and which source decided', querystring: RouteRequest, response: { 200: RoutingSchema, ...errorResponses } } },
    async (request) => (await routeValues(ctx, request.actor.viewer, [request.query], 'query'))[0]!,
  );
  app.post(
    '/routing',
    {
      schema: {
        tags,
        summary: `Route up to ${MAX_ROUTE_VALUES} values at once`,
        body: Type.Object({ observables: Type.Array(RouteRequest, { maxItems: MAX_ROUTE_VALUES }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ results: Type.Array(RoutingSchema) }), ...errorResponses },
      },
    },
    async (request) => ({ results: await routeValues(ctx, request.actor.viewer, request.body.observables) }),
  );
  app.get(
    '/routing/registrations',
    {
      schema: {
        tags,
        summary: 'Registry data loaded for routing, per registry and kind',
        response: { 200: Type.Object({ items: Type.Array(Type.Object({ registry: Type.String(), kind: Type.String(), count: Type.Integer() })) }), ...errorResponses },
      },
    },
    async (request) => ({ items: await registrationSummary(ctx, request.actor.viewer) }),
  );
};

export default routingRoutes;
