import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../app.ts';
import { IdParams, errorResponses } from '../../http/schemas.ts';
import { Invalid } from '../../domain/errors.ts';
import { compileBodySchema, schemaInvalid } from '../../http/validation.ts';
import { systemViewer } from '../../policy/viewer.ts';
import { CreateIncidentBody, type CreateIncidentInput } from '../incidents/schemas.ts';
import { createIncident } from '../incidents/service.ts';
import { nodeSigningKey } from './signing-key.ts';
import { authenticateInbound, createWebhook, deleteWebhook, incidentNotifications, listWebhooks, preferences, setPreference, webhookDeliveries } from './service.ts';
import { TOPICS } from './topics.ts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from './webhook-signature.ts';

const WebhookSchema = Type.Object({
  id: Type.String(),
  orgId: Type.String(),
  direction: Type.Enum(['in', 'out'] as const),
  url: Type.Union([Type.String(), Type.Null()]),
  topics: Type.Array(Type.String()),
  enabled: Type.Boolean(),
  createdAt: Type.String(),
});
const DeliverySchema = Type.Object({
  id: Type.String(),
  channel: Type.String(),
  topic: Type.String(),
  orgId: Type.Union([Type.String(), Type.Null()]),
  target: Type.String(),
  subject: Type.String(),
  status: Type.String(),
  attempts: Type.Integer(),
  nextAttemptAt: Type.Union([Type.String(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  encrypted: Type.Boolean(),
  createdAt: Type.String(),
  sentAt: Type.Union([Type.String(), Type.Null()]),
});
const Scope = Type.Enum(['team', 'user'] as const);
const PreferencesSchema = Type.Object({ items: Type.Array(Type.Object({ topic: Type.String(), channel: Type.String(), enabled: Type.Boolean() })) });

const validateInboundIncident = compileBodySchema<CreateIncidentInput>(CreateIncidentBody);
const MAX_INBOUND_BYTES = 1024 * 1024;

const notificationRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['notifications'];
  app.get('/webhooks', { schema: { tags, summary: "Your team's webhooks", response: { 200: Type.Object({ items: Type.Array(WebhookSchema) }), ...errorResponses } } }, async (request) => ({
    items: await listWebhooks(ctx, request.actor.viewer),
  }));
  app.post(
    '/webhooks',
    {
      schema: {
        tags,
        summary: 'Register an outgoing (signed notices to a URL) or incoming (signed reports to Sanad) webhook; the secret is shown once',
        body: Type.Object(
          {
            direction: Type.Enum(['in', 'out'] as const),
            url: Type.Optional(Type.String({ maxLength: 2048 })),
            topics: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: TOPICS.length + 1 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Intersect([WebhookSchema, Type.Object({ secret: Type.String() })]), ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await createWebhook(ctx, request.actor, request.body)),
  );
  app.delete('/webhooks/:id', { schema: { tags, params: IdParams, response: { 204: Type.Null(), ...errorResponses } } }, async (request, reply) => {
    await deleteWebhook(ctx, request.actor, request.params.id);
    return reply.status(204).send(null);
  });
  app.get('/webhooks/:id/deliveries', { schema: { tags, summary: 'The delivery log of a webhook', params: IdParams, response: { 200: Type.Object({ items: Type.Array(DeliverySchema) }), ...errorResponses } } }, async (request) => ({
    items: await webhookDeliveries(ctx, request.actor.viewer, request.params.id),
  }));
  app.get('/incidents/:id/notifications', { schema: { tags, summary: 'Notices about an incident and the state of their delivery', params: IdParams, response: { 200: Type.Object({ items: Type.Array(DeliverySchema) }), ...errorResponses } } }, async (request) => ({
    items: await incidentNotifications(ctx, request.actor.viewer, request.params.id),
  }));
  app.get('/notifications/preferences', { schema: { tags, querystring: Type.Object({ scope: Scope }, { additionalProperties: false }), response: { 200: PreferencesSchema, ...errorResponses } } }, async (request) => ({
    items: await preferences(ctx, request.actor.viewer, request.query.scope),
  }));
  app.put(
    '/notifications/preferences',
    { schema: { tags, body: Type.Object({ scope: Scope, topic: Type.Enum(TOPICS), enabled: Type.Boolean() }, { additionalProperties: false }), response: { 200: PreferencesSchema, ...errorResponses } } },
    async (request) => ({ items: await setPreference(ctx, request.actor, request.body) }),
  );
  app.get('/node/pgp-key', { schema: { tags, summary: "The node's OpenPGP public key, which signs every notice it mails" } }, async (_request, reply) =>
    reply.type('application/pgp-keys').send((await nodeSigningKey(ctx)).publicArmored),
  );

  // Incoming reports: the signature covers the exact bytes, so the body is read raw and parsed here.
  await app.register(async (plugin) => {
    const inbound = plugin.withTypeProvider<TypeBoxTypeProvider>();
    inbound.removeAllContentTypeParsers();
    inbound.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: MAX_INBOUND_BYTES }, (_request, body, done) => done(null, body));
    inbound.post(
      '/inbound/:id',
      {
        bodyLimit: MAX_INBOUND_BYTES,
        schema: {
          tags,
          summary: `Report an incident from another system, signed with an incoming webhook's secret (${TIMESTAMP_HEADER}, ${SIGNATURE_HEADER}: sha256=HMAC of "<timestamp>.<body>")`,
          params: IdParams,
          response: { 201: Type.Object({ id: Type.String(), reference: Type.String() }), ...errorResponses },
        },
      },
      async (request, reply) => {
        const raw = typeof request.body === 'string' ? request.body : '';
        const header = (name: string) => {
          const value = request.headers[name];
          return Array.isArray(value) ? value[0] : value;
        };
        const hook = await authenticateInbound(ctx, request.params.id, { timestamp: header(TIMESTAMP_HEADER), signature: header(SIGNATURE_HEADER) }, raw);
        let body: unknown;
        try {
          body = JSON.parse(raw);
        } catch {
          throw new Invalid('body', 'is not valid JSON');
        }
        if (!validateInboundIncident(body)) throw schemaInvalid(validateInboundIncident.errors);
        const incident = await createIncident(ctx, { viewer: systemViewer(`webhook ${hook.hookId}`), sourceIp: request.ip }, body, { ownerOrgId: hook.orgId });
        return reply.status(201).send({ id: incident.id, reference: incident.reference });
      },
    );
  });
};

export default notificationRoutes;
