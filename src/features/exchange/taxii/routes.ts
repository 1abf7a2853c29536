// The TAXII 2.1 server at /taxii2/: the exact media types (406 and 415 otherwise), HTTP Basic or
// Bearer authentication with an API key, and every error in TAXII's own error shape.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../../app.ts';
import { Unauthorized } from '../../../domain/errors.ts';
import { toProblem } from '../../../http/problem.ts';
import { ANONYMOUS, type AnonymousViewer } from '../../../policy/viewer.ts';
import { authenticateApiKey } from '../../api-keys/service.ts';
import * as taxii from './service.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** true on TAXII routes that need no credentials when the operator opened TLP:CLEAR. */
    taxiiOpen?: boolean;
  }
}

const Collection = Type.Object({ id: Type.String({ format: 'uuid' }) });
const ObjectParams = Type.Object({ id: Type.String({ format: 'uuid' }), objectId: Type.String({ minLength: 3, maxLength: 300 }) });
const PagingQuery = Type.Object(
  {
    added_after: Type.Optional(Type.String({ maxLength: 40 })),
    limit: Type.Optional(Type.Integer({ minimum: 1 })),
    next: Type.Optional(Type.String({ maxLength: 2000 })),
    'match[id]': Type.Optional(Type.String({ maxLength: 30_000 })),
    'match[type]': Type.Optional(Type.String({ maxLength: 2000 })),
    'match[version]': Type.Optional(Type.String({ maxLength: 2000 })),
    'match[spec_version]': Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
);
const ObjectQuery = Type.Omit(PagingQuery, ['match[id]', 'match[type]']);

function credentials(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const bearer = /^Bearer\s+(\S+)$/i.exec(header);
  if (bearer) return bearer[1];
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
  if (!basic) throw new Unauthorized('use HTTP Basic (any user name, an API key as the password) or a Bearer API key');
  const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? decoded : decoded.slice(colon + 1);
}

/** Whether a media-type list admits TAXII 2.1 (a missing list admits anything). */
function admitsTaxii(header: string | undefined): boolean {
  if (!header) return true;
  return header.split(',').some((part) => {
    const [type, ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    if (type === '*/*' || type === 'application/*') return true;
    if (type !== 'application/taxii+json') return false;
    const version = params.find((p) => p.startsWith('version='));
    return version === undefined || version === 'version=2.1';
  });
}

function sendTaxii(reply: FastifyReply, status: number, body: unknown, headers: taxii.PageHeaders = {}): FastifyReply {
  if (headers.first) reply.header('X-TAXII-Date-Added-First', headers.first);
  if (headers.last) reply.header('X-TAXII-Date-Added-Last', headers.last);
  // Sent as bytes: strict clients look for the exact `version=2.1`, which Fastify rewrites as
  // `version="2.1"; charset=utf-8` on a text payload.
  return reply
    .status(status)
    .header('content-type', taxii.TAXII_MEDIA_TYPE)
    .send(Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)));
}

const taxiiRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const anonymous: AnonymousViewer = ctx.config.anonymousClearAccess ? { kind: 'anonymous', mayReadClear: true } : ANONYMOUS;

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/taxii+json', { parseAs: 'string', bodyLimit: taxii.MAX_CONTENT_LENGTH }, (_request, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch {
      const error = new SyntaxError('malformed JSON');
      done(error, undefined);
    }
  });

  app.setErrorHandler((error, request, reply) => {
    const problem = toProblem(error);
    if (problem.status >= 500) request.log.error({ err: error }, 'TAXII request failed');
    if (problem.status === 401) reply.header('WWW-Authenticate', 'Basic realm="Sanad TAXII", charset="UTF-8"');
    const status = problem.status === 422 && request.method === 'GET' ? 400 : problem.status;
    return sendTaxii(reply, status, {
      title: problem.title,
      description: status === 415 ? `send ${taxii.TAXII_MEDIA_TYPE}` : problem.detail,
      http_status: String(status),
      ...(problem.field ? { details: { field: problem.field, reason: problem.reason } } : {}),
    });
  });
  app.setNotFoundHandler((request, reply) =>
    sendTaxii(reply, 404, { title: 'Not found', description: `no TAXII resource at ${request.url.split('?')[0]}`, http_status: '404' }),
  );

  app.addHook('onRequest', async (request, reply) => {
    if (!admitsTaxii(request.headers.accept)) {
      return sendTaxii(reply, 406, { title: 'Not acceptable', description: `this server answers with ${taxii.TAXII_MEDIA_TYPE}`, http_status: '406' });
    }
    const key = credentials(request);
    request.actor = { viewer: key ? await authenticateApiKey(ctx, key, request.ip) : anonymous, sourceIp: request.ip };
    if (!key && !(anonymous.mayReadClear && request.method === 'GET')) throw new Unauthorized('authentication required: HTTP Basic with an API key as the password');
    return undefined;
  });
  app.addHook('preValidation', async (request, reply) => {
    if (request.method !== 'POST') return undefined;
    const type = request.headers['content-type'] ?? '';
    const [media, ...params] = type.split(';').map((p) => p.trim().toLowerCase());
    const version = params.find((p) => p.startsWith('version='));
    if (media !== 'application/taxii+json' || (version !== undefined && version !== 'version=2.1')) {
      return sendTaxii(reply, 415, { title: 'Unsupported media type', description: `send ${taxii.TAXII_MEDIA_TYPE}`, http_status: '415' });
    }
    return undefined;
  });

  const baseUrl = (request: FastifyRequest) => `${request.protocol}://${request.host}`;

  app.get('/', async (request, reply) => sendTaxii(reply, 200, await taxii.discovery(ctx, baseUrl(request))));
  app.get('/api/', async (_request, reply) => sendTaxii(reply, 200, taxii.apiRoot()));
  // Clients poll `…/status/<id>` without the trailing slash too.
  for (const path of ['/api/status/:statusId/', '/api/status/:statusId']) {
    app.get(path, { schema: { params: Type.Object({ statusId: Type.String({ format: 'uuid' }) }) } }, async (request, reply) =>
      sendTaxii(reply, 200, await taxii.getStatus(ctx, request.actor.viewer, request.params.statusId)),
    );
  }
  app.get('/api/collections/', async (request, reply) => sendTaxii(reply, 200, await taxii.listCollections(ctx, request.actor.viewer)));
  app.get('/api/collections/:id/', { schema: { params: Collection } }, async (request, reply) =>
    sendTaxii(reply, 200, await taxii.getCollection(ctx, request.actor.viewer, request.params.id)),
  );
  app.get('/api/collections/:id/manifest/', { schema: { params: Collection, querystring: PagingQuery } }, async (request, reply) => {
    const { body, headers } = await taxii.getManifest(ctx, request.actor.viewer, request.params.id, request.query);
    return sendTaxii(reply, 200, body, headers);
  });
  app.get('/api/collections/:id/objects/', { schema: { params: Collection, querystring: PagingQuery } }, async (request, reply) => {
    const { body, headers } = await taxii.getObjects(ctx, request.actor.viewer, request.params.id, request.query);
    return sendTaxii(reply, 200, body, headers);
  });
  app.post('/api/collections/:id/objects/', { schema: { params: Collection }, bodyLimit: taxii.MAX_CONTENT_LENGTH }, async (request, reply) =>
    sendTaxii(reply, 202, await taxii.postObjects(ctx, request.actor, request.params.id, request.body)),
  );
  app.get('/api/collections/:id/objects/:objectId/', { schema: { params: ObjectParams, querystring: ObjectQuery } }, async (request, reply) => {
    const { body, headers } = await taxii.getObjects(ctx, request.actor.viewer, request.params.id, request.query, request.params.objectId);
    return sendTaxii(reply, 200, body, headers);
  });
  app.get('/api/collections/:id/objects/:objectId/versions/', { schema: { params: ObjectParams, querystring: ObjectQuery } }, async (request, reply) => {
    const { body, headers } = await taxii.getVersions(ctx, request.actor.viewer, request.params.id, request.params.objectId, request.query);
    return sendTaxii(reply, 200, body, headers);
  });
};

export default taxiiRoutes;
