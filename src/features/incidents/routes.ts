import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../app.ts';
import { IdParams, errorResponses, page } from '../../http/schemas.ts';
import {
  AttachmentSchema,
  CommentBody,
  CoordinationAnswerBody,
  CoordinationBody,
  CreateIncidentBody,
  EntrySchema,
  IncidentSchema,
  IncidentSummarySchema,
  ListIncidentsQuery,
  MAX_ATTACHMENT_BYTES,
  MAX_OBSERVABLES_PER_REQUEST,
  ObservableInput,
  ObservableSchema,
  ReceivedEmailBody,
  StatusBody,
  TaskBody,
  UpdateIncidentBody,
  UpdateTaskBody,
} from './schemas.ts';
import * as incidents from './service.ts';
import { StatisticsQuery, StatisticsSchema, incidentStatistics } from './statistics.ts';

const Uuid = Type.String({ format: 'uuid' });
const params = <K extends string>(...names: K[]) => Type.Object(Object.fromEntries(names.map((n) => [n, Uuid])) as Record<K, typeof Uuid>, { additionalProperties: false });

const incidentRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['incidents'];
  app.get(
    '/incidents',
    { schema: { tags, summary: 'Incidents of the teams the caller belongs to or was asked to help, most recently changed first', querystring: ListIncidentsQuery, response: { 200: page(IncidentSummarySchema), ...errorResponses } } },
    async (request) => incidents.listIncidents(ctx, request.actor.viewer, request.query),
  );
  app.post(
    '/incidents',
    { bodyLimit: 8 * 1024 * 1024, schema: { tags, summary: "Open an incident for the caller's team", body: CreateIncidentBody, response: { 201: IncidentSchema, ...errorResponses } } },
    async (request, reply) => reply.status(201).send(await incidents.createIncident(ctx, request.actor, request.body)),
  );
  app.get('/incidents/statistics', { schema: { tags, summary: 'Counts by class, country, team, month and severity; median response times', querystring: StatisticsQuery, response: { 200: StatisticsSchema, ...errorResponses } } }, async (request) =>
    incidentStatistics(ctx, request.actor.viewer, request.query),
  );
  app.get('/incidents/:id', { schema: { tags, params: IdParams, response: { 200: IncidentSchema, ...errorResponses } } }, async (request) => incidents.getIncident(ctx, request.actor.viewer, request.params.id));
  app.patch('/incidents/:id', { schema: { tags, params: IdParams, body: UpdateIncidentBody, response: { 200: IncidentSchema, ...errorResponses } } }, async (request) =>
    incidents.updateIncident(ctx, request.actor, request.params.id, request.body),
  );
  app.post('/incidents/:id/status', { schema: { tags, summary: 'Move the incident to a next status (some steps need a reason)', params: IdParams, body: StatusBody, response: { 200: IncidentSchema, ...errorResponses } } }, async (request) =>
    incidents.changeStatus(ctx, request.actor, request.params.id, request.body),
  );
  app.get('/incidents/:id/timeline', {
    schema: { tags, params: IdParams, querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })), cursor: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false }), response: { 200: page(EntrySchema), ...errorResponses } },
  }, async (request) => incidents.timeline(ctx, request.actor.viewer, request.params.id, request.query));
  app.post('/incidents/:id/comments', { schema: { tags, summary: 'Comment (internal: seen by your team only)', params: IdParams, body: CommentBody, response: { 201: Type.Object({ id: Type.String() }), ...errorResponses } } }, async (request, reply) =>
    reply.status(201).send(await incidents.addComment(ctx, request.actor, request.params.id, request.body)),
  );
  app.post('/incidents/:id/emails', { bodyLimit: 1024 * 1024, schema: { tags, summary: 'Record an e-mail received about the incident', params: IdParams, body: ReceivedEmailBody, response: { 201: Type.Object({ id: Type.String() }), ...errorResponses } } }, async (request, reply) =>
    reply.status(201).send(await incidents.recordReceivedEmail(ctx, request.actor, request.params.id, request.body)),
  );
  app.get('/incidents/:id/observables', { schema: { tags, summary: 'Observables with their routing and matching intelligence', params: IdParams, response: { 200: Type.Object({ items: Type.Array(ObservableSchema) }), ...errorResponses } } }, async (request) => ({
    items: await incidents.listObservables(ctx, request.actor.viewer, request.params.id),
  }));
  app.post('/incidents/:id/observables', {
    bodyLimit: 8 * 1024 * 1024,
    schema: { tags, params: IdParams, body: Type.Object({ observables: Type.Array(ObservableInput, { minItems: 1, maxItems: MAX_OBSERVABLES_PER_REQUEST }) }, { additionalProperties: false }), response: { 201: Type.Object({ items: Type.Array(ObservableSchema) }), ...errorResponses } },
  }, async (request, reply) => reply.status(201).send({ items: await incidents.addObservables(ctx, request.actor, request.params.id, request.body.observables) }));
  app.post('/incidents/:id/events', { schema: { tags, summary: 'Link an intelligence event', params: IdParams, body: Type.Object({ eventId: Uuid }, { additionalProperties: false }), response: { 200: IncidentSchema, ...errorResponses } } }, async (request) =>
    incidents.linkEvent(ctx, request.actor, request.params.id, request.body.eventId),
  );
  app.delete('/incidents/:id/events/:eventId', { schema: { tags, params: params('id', 'eventId'), response: { 200: IncidentSchema, ...errorResponses } } }, async (request) =>
    incidents.unlinkEvent(ctx, request.actor, request.params.id, request.params.eventId),
  );
  app.post('/incidents/:id/coordination', { schema: { tags, summary: 'Ask teams to assist, act or take note', params: IdParams, body: CoordinationBody, response: { 200: IncidentSchema, ...errorResponses } } }, async (request) =>
    incidents.requestCoordination(ctx, request.actor, request.params.id, request.body),
  );
  app.post('/incidents/:id/coordination/:requestId', {
    schema: { tags, summary: 'Answer a coordination request: accept, decline (with a reason), ask for information, complete', params: params('id', 'requestId'), body: CoordinationAnswerBody, response: { 200: IncidentSchema, ...errorResponses } },
  }, async (request) => incidents.answerCoordination(ctx, request.actor, request.params.id, request.params.requestId, request.body));
  app.post('/incidents/:id/tasks', { schema: { tags, params: IdParams, body: TaskBody, response: { 201: IncidentSchema, ...errorResponses } } }, async (request, reply) =>
    reply.status(201).send(await incidents.addTask(ctx, request.actor, request.params.id, request.body)),
  );
  app.patch('/incidents/:id/tasks/:taskId', { schema: { tags, params: params('id', 'taskId'), body: UpdateTaskBody, response: { 200: IncidentSchema, ...errorResponses } } }, async (request) =>
    incidents.updateTask(ctx, request.actor, request.params.id, request.params.taskId, request.body),
  );
  app.get('/incidents/:id/attachments', { schema: { tags, params: IdParams, response: { 200: Type.Object({ items: Type.Array(AttachmentSchema) }), ...errorResponses } } }, async (request) => ({
    items: await incidents.listAttachments(ctx, request.actor.viewer, request.params.id),
  }));
  app.get('/incidents/:id/attachments/:attachmentId', { schema: { tags, summary: 'Download an attachment (always as a download, never rendered)', params: params('id', 'attachmentId') } }, async (request, reply) => {
    const file = await incidents.getAttachment(ctx, request.actor.viewer, request.params.id, request.params.attachmentId);
    return reply
      .header('content-type', 'application/octet-stream')
      .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.filename)}`)
      .header('x-content-sha256', file.sha256)
      .send(file.content);
  });

  // Uploads are the raw bytes of the file, whatever their type: parsed here only into a buffer.
  await app.register(async (plugin) => {
    const upload = plugin.withTypeProvider<TypeBoxTypeProvider>();
    upload.removeAllContentTypeParsers();
    upload.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_ATTACHMENT_BYTES }, (_request, body, done) => done(null, body));
    upload.post(
      '/incidents/:id/attachments',
      {
        bodyLimit: MAX_ATTACHMENT_BYTES,
        schema: {
          tags,
          summary: `Attach a file (the raw bytes as the body, at most ${MAX_ATTACHMENT_BYTES} bytes)`,
          params: IdParams,
          querystring: Type.Object({ filename: Type.String({ minLength: 1, maxLength: 255 }) }, { additionalProperties: false }),
          response: { 201: AttachmentSchema, ...errorResponses },
        },
      },
      async (request, reply) => {
        const content = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const mediaType = (request.headers['content-type'] ?? 'application/octet-stream').split(';')[0]!.trim().slice(0, 127) || 'application/octet-stream';
        return reply.status(201).send(await incidents.addAttachment(ctx, request.actor, request.params.id, { filename: request.query.filename, mediaType, content }));
      },
    );
  });
};

export default incidentRoutes;
