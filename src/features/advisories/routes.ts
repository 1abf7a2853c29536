// Security advisories under /api/v1/advisories, and the CSAF provider metadata under /.well-known/csaf/
// (outside the API prefix, where CSAF tooling looks for it): this plugin places both itself.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../app.ts';
import { IdParams, errorResponses, page } from '../../http/schemas.ts';
import { csafFileName } from '../../domain/csaf/tracking.ts';
import type { CsafDocument } from '../../domain/csaf/document.ts';
import { advisoryFeed, labelOfFeedFile, providerMetadata } from './distribution.ts';
import {
  AdvisorySchema,
  AdvisorySummarySchema,
  AdvisoryVersionSchema,
  CreateAdvisoryBody,
  CsafDocumentBody,
  ExportQuery,
  FeedParams,
  ImportQuery,
  ListAdvisoriesQuery,
  PublishAdvisoryBody,
  UpdateAdvisoryBody,
  VersionExportQuery,
  VersionParams,
} from './schemas.ts';
import * as advisories from './service.ts';

/** CSAF documents can list thousands of products; larger than the API's default body limit. */
export const MAX_CSAF_DOCUMENT_BYTES = 8 * 1024 * 1024;

const CsafJson = Type.Unknown({ description: 'a CSAF 2.0 JSON document' });

/** The address the caller reached this node at (behind a proxy: as the proxy reports it, when trusted). */
const baseUrlOf = (request: FastifyRequest) => `${request.protocol}://${request.host}`;

// Sent as text so that the document goes out exactly as built, key order included.
function sendCsaf(reply: FastifyReply, document: CsafDocument) {
  const fileName = csafFileName(document.document.tracking.id);
  return reply.type('application/json; charset=utf-8').header('content-disposition', `inline; filename="${fileName}"`).send(JSON.stringify(document, null, 2));
}

const apiRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['advisories'];
  app.get(
    '/advisories',
    { schema: { tags, summary: 'Advisories the caller may see, most recently changed first', querystring: ListAdvisoriesQuery, response: { 200: page(AdvisorySummarySchema), ...errorResponses } } },
    async (request) => advisories.listAdvisories(ctx, request.actor.viewer, request.query),
  );
  app.post(
    '/advisories',
    { schema: { tags, summary: 'Create a draft advisory for your team', body: CreateAdvisoryBody, response: { 201: AdvisorySchema, ...errorResponses } } },
    async (request, reply) => reply.status(201).send(await advisories.createAdvisory(ctx, request.actor, request.body)),
  );
  app.post(
    '/advisories/import',
    {
      bodyLimit: MAX_CSAF_DOCUMENT_BYTES,
      schema: {
        tags,
        summary: 'Import a CSAF 2.0 document (schema and mandatory tests must pass) as an advisory published by your team',
        querystring: ImportQuery,
        body: CsafDocumentBody,
        response: { 201: Type.Object({ advisory: AdvisorySchema, version: Type.Integer() }), ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await advisories.importCsaf(ctx, request.actor, request.body, request.query)),
  );
  app.get(
    '/advisories/feed/:file',
    { schema: { tags, summary: 'ROLIE feed of the advisories of one CSAF TLP label that the caller may see', params: FeedParams, response: { 200: Type.Unknown(), ...errorResponses } } },
    async (request) => advisoryFeed(ctx, request.actor.viewer, labelOfFeedFile(request.params.file), baseUrlOf(request)),
  );
  app.get('/advisories/:id', { schema: { tags, params: IdParams, response: { 200: AdvisorySchema, ...errorResponses } } }, async (request) =>
    advisories.getAdvisory(ctx, request.actor.viewer, request.params.id),
  );
  app.patch(
    '/advisories/:id',
    { schema: { tags, summary: 'Edit the working copy (and the handling, which applies at once)', params: IdParams, body: UpdateAdvisoryBody, response: { 200: AdvisorySchema, ...errorResponses } } },
    async (request) => advisories.updateAdvisory(ctx, request.actor, request.params.id, request.body),
  );
  app.post(
    '/advisories/:id/publish',
    {
      // The body is optional: an empty POST publishes a final version.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: { tags, summary: 'Publish the working copy as the next version', params: IdParams, body: PublishAdvisoryBody, response: { 200: AdvisorySchema, ...errorResponses } },
    },
    async (request) => advisories.publishAdvisory(ctx, request.actor, request.params.id, request.body),
  );
  app.delete(
    '/advisories/:id',
    { schema: { tags, summary: 'Withdraw (leaves a tombstone for peers)', params: IdParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (request, reply) => {
      await advisories.withdrawAdvisory(ctx, request.actor, request.params.id);
      return reply.status(204).send(null);
    },
  );
  app.get(
    '/advisories/:id/versions',
    { schema: { tags, summary: 'Published versions, oldest first', params: IdParams, response: { 200: Type.Object({ items: Type.Array(AdvisoryVersionSchema) }), ...errorResponses } } },
    async (request) => ({ items: await advisories.listAdvisoryVersions(ctx, request.actor.viewer, request.params.id) }),
  );
  app.get(
    '/advisories/:id/csaf',
    { schema: { tags, summary: 'The latest version as a CSAF 2.0 document', params: IdParams, querystring: ExportQuery, response: { 200: CsafJson, ...errorResponses } } },
    async (request, reply) => sendCsaf(reply, await advisories.exportAdvisory(ctx, request.actor.viewer, request.params.id, request.query)),
  );
  app.get(
    '/advisories/:id/versions/:version/csaf',
    {
      schema: { tags, summary: 'One published version as a CSAF 2.0 document', params: VersionParams, querystring: VersionExportQuery, response: { 200: CsafJson, ...errorResponses } },
    },
    async (request, reply) =>
      sendCsaf(reply, await advisories.exportAdvisory(ctx, request.actor.viewer, request.params.id, { version: request.params.version, raise: request.query.raise })),
  );
};

const advisoryRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  await app.register(apiRoutes, { ctx, prefix: '/api/v1' });
  app.get(
    '/.well-known/csaf/provider-metadata.json',
    { schema: { tags: ['advisories'], summary: 'CSAF provider metadata: publisher and ROLIE feeds', response: { 200: Type.Unknown() } } },
    async (request) => providerMetadata(ctx, baseUrlOf(request)),
  );
};

export default advisoryRoutes;
