// Peering: the operators' API under /api/v1/peers, and the node-to-node endpoints under
// /federation/v1, where every request must be signed by an active peer (see transport.ts).
// This plugin places its routes itself, as the two live under different prefixes.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../app.ts';
import { signRecord } from '../../domain/federation/record-signature.ts';
import { errorResponses, IdParams } from '../../http/schemas.ts';
import { thisNode } from './identity.ts';
import { directoryForPeer } from './queries.ts';
import { CreatePeerBody, DirectorySchema, HelloSchema, PeerSchema, SyncBody, SyncProgressSchema, SyncQuery, UpdatePeerBody, type DirectoryOrganisation } from './schemas.ts';
import { DEFAULT_PAGE_RECORDS, feedPageForCaller } from './sync/feed.ts';
import { pullFromPeer } from './sync/pull.ts';
import * as peers from './service.ts';
import { authenticatePeer } from './transport.ts';

const peerRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['peers'];
  app.get(
    '/peers',
    { schema: { tags, summary: "This node's peers (administrators and secretariat)", response: { 200: Type.Object({ items: Type.Array(PeerSchema) }), ...errorResponses } } },
    async (request) => ({ items: await peers.listPeers(ctx, request.actor.viewer) }),
  );
  app.post(
    '/peers',
    { schema: { tags, summary: "Add a peer node by its URL and its public key (compare the fingerprint out of band); administrators only", body: CreatePeerBody, response: { 201: PeerSchema, ...errorResponses } } },
    async (request, reply) => reply.status(201).send(await peers.createPeer(ctx, request.actor, request.body)),
  );
  app.get('/peers/:id', { schema: { tags, params: IdParams, response: { 200: PeerSchema, ...errorResponses } } }, async (request) => peers.getPeer(ctx, request.actor.viewer, request.params.id));
  app.patch(
    '/peers/:id',
    { schema: { tags, summary: 'Pause or resume a peer: requests from a paused peer are refused', params: IdParams, body: UpdatePeerBody, response: { 200: PeerSchema, ...errorResponses } } },
    async (request) => peers.updatePeer(ctx, request.actor, request.params.id, request.body),
  );
  app.post(
    '/peers/:id/sync',
    { schema: { tags, summary: 'Pull from the peer now, from where the last sync stopped (administrators)', params: IdParams, body: SyncBody, response: { 200: SyncProgressSchema, ...errorResponses } } },
    async (request) => {
      const peer = await peers.getPeer(ctx, request.actor.viewer, request.params.id);
      return pullFromPeer(ctx, request.actor, peer.id, { ...(request.body?.maxPages !== undefined ? { maxPages: request.body.maxPages } : {}) });
    },
  );
  app.delete('/peers/:id', { schema: { tags, summary: 'Remove a peer', params: IdParams, response: { 204: Type.Null(), ...errorResponses } } }, async (request, reply) => {
    await peers.deletePeer(ctx, request.actor, request.params.id);
    return reply.status(204).send(null);
  });
};

const federationRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['federation'];
  // The signature covers the body's digest: keep the bytes exactly as received, whatever their type.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.addHook('preValidation', async (request) => {
    request.actor = await authenticatePeer(ctx, {
      method: request.method,
      url: `${request.protocol}://${request.host}${request.url}`,
      headers: request.headers,
      body: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
      sourceIp: request.ip,
    });
  });

  // Refusals are audited: a generous limit per address keeps a flood of unsigned requests from filling the log.
  const config = { rateLimit: { max: 600, timeWindow: '1 minute' } };

  app.get('/hello', { config, schema: { tags, summary: "This node's name, key and time, to a signed request from a peer", response: { 200: HelloSchema, ...errorResponses } } }, async (request) => {
    const self = await thisNode(ctx);
    const viewer = request.actor.viewer;
    return { node: self.node, publicKey: self.publicKey, fingerprint: self.fingerprint, time: new Date().toISOString(), peer: viewer.kind === 'peer' ? viewer.node : '' };
  });

  app.get(
    '/changes',
    {
      config,
      schema: {
        tags,
        summary: "What the calling peer may hold of this node's records after its cursor: records with their signed chains, and tombstones",
        querystring: SyncQuery,
        response: { 200: Type.Unknown({ description: 'A sync page: node, head, position, cursor, done, partial, keys, manifests, changes' }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const page = await feedPageForCaller(ctx, request.actor.viewer, request.query.after, request.query.limit ?? DEFAULT_PAGE_RECORDS);
      // Written as it is: the page is already plain JSON and can be large.
      return reply.type('application/json').send(JSON.stringify(page));
    },
  );

  app.get(
    '/directory',
    { config, schema: { tags, summary: "This node's member organisations, each entry signed by this node", response: { 200: DirectorySchema, ...errorResponses } } },
    async (request) => {
      const self = await thisNode(ctx);
      const rows = await directoryForPeer(ctx.store.db, request.actor.viewer, self.node);
      const now = new Date();
      return {
        node: self.node,
        items: rows.map((row) => {
          const organisation: DirectoryOrganisation = { id: row.id, name: row.name, shortName: row.short_name, country: row.country, tier: row.tier, status: row.status, homeNode: row.home_node, modified: row.modified_at };
          return { organisation, provenance: signRecord(organisation, self, now) };
        }),
      };
    },
  );
};

const routes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  await app.register(peerRoutes, { ctx, prefix: '/api/v1' });
  await app.register(federationRoutes, { ctx, prefix: '/federation/v1' });
};

export default routes;
