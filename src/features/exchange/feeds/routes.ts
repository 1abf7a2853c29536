// /api/v1/feeds: a team's remote sources and their pulls. A pull asked for here runs in the server:
// the answer waits for it up to `wait` seconds (200 with the outcome in `state`), and past that
// answers 202 with the state saying "running" and the counts so far, while the pull goes on.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../../app.ts';
import { errorResponses, IdParams } from '../../../http/schemas.ts';
import { CreateFeedBody, FeedSchema, FeedStateSchema, UpdateFeedBody } from './schemas.ts';
import * as feeds from './service.ts';

const DEFAULT_WAIT_SECONDS = 10;

const PullQuery = Type.Object(
  { wait: Type.Optional(Type.Integer({ minimum: 0, maximum: 120, description: `seconds to wait for the pull to end before answering 202 (default ${DEFAULT_WAIT_SECONDS})` })) },
  { additionalProperties: false },
);

const feedRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['feeds'];
  app.addHook('onClose', async () => feeds.settlePulls(ctx));

  app.get(
    '/feeds',
    { schema: { tags, summary: "Your team's feeds (every team's for the node's operators); credentials are never shown", response: { 200: Type.Object({ items: Type.Array(FeedSchema) }), ...errorResponses } } },
    async (request) => ({ items: await feeds.listFeeds(ctx, request.actor.viewer) }),
  );
  app.post(
    '/feeds',
    {
      schema: {
        tags,
        summary: 'Add a feed: a TAXII 2.1 collection, a MISP-format feed, a CSV or a free-text file on a host the operator allows',
        body: CreateFeedBody,
        response: { 201: FeedSchema, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await feeds.createFeed(ctx, request.actor, request.body)),
  );
  app.get('/feeds/:id', { schema: { tags, params: IdParams, response: { 200: FeedSchema, ...errorResponses } } }, async (request) => feeds.getFeed(ctx, request.actor.viewer, request.params.id));
  app.patch(
    '/feeds/:id',
    { schema: { tags, summary: 'Change a feed: enable or disable it, its schedule, handling, address or credentials', params: IdParams, body: UpdateFeedBody, response: { 200: FeedSchema, ...errorResponses } } },
    async (request) => feeds.updateFeed(ctx, request.actor, request.params.id, request.body),
  );
  app.delete('/feeds/:id', { schema: { tags, summary: 'Remove a feed; the events it brought stay', params: IdParams, response: { 204: Type.Null(), ...errorResponses } } }, async (request, reply) => {
    await feeds.deleteFeed(ctx, request.actor, request.params.id);
    return reply.status(204).send(null);
  });
  app.get(
    '/feeds/:id/state',
    { schema: { tags, summary: 'The state of the feed\'s pulls: running (with counts so far) or the last outcome', params: IdParams, response: { 200: FeedStateSchema, ...errorResponses } } },
    async (request) => (await feeds.getFeed(ctx, request.actor.viewer, request.params.id)).state,
  );
  app.post(
    '/feeds/:id/pull',
    {
      schema: {
        tags,
        summary: 'Pull the feed now: 200 with the outcome, or 202 while it runs on (follow GET /feeds/{id}/state); 409 while another pull of it runs',
        params: IdParams,
        querystring: PullQuery,
        response: { 200: FeedSchema, 202: FeedSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { finished, feed } = await feeds.requestPull(ctx, request.actor, request.params.id, (request.query.wait ?? DEFAULT_WAIT_SECONDS) * 1000);
      return reply.status(finished ? 200 : 202).send(feed);
    },
  );
};

export default feedRoutes;
