import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../app.ts';
import { authorize, requireUser } from '../../policy/authorize.ts';
import { mayVerifyAudit } from '../../policy/audit.ts';
import { decodeCursor, pageOf } from '../../domain/cursor.ts';
import { fromJson } from '../../store/json.ts';
import { errorResponses, page } from '../../http/schemas.ts';
import { listAuditEntries } from './queries.ts';
import { verifyAuditChain } from './service.ts';

const AuditEntrySchema = Type.Object(
  {
    seq: Type.Integer(),
    id: Type.String(),
    at: Type.String(),
    actorType: Type.String(),
    actorId: Type.Union([Type.String(), Type.Null()]),
    actorLabel: Type.String(),
    orgId: Type.Union([Type.String(), Type.Null()]),
    sourceIp: Type.Union([Type.String(), Type.Null()]),
    action: Type.String(),
    objectType: Type.Union([Type.String(), Type.Null()]),
    objectId: Type.Union([Type.String(), Type.Null()]),
    details: Type.Record(Type.String(), Type.Unknown()),
    hash: Type.String(),
  },
  { $id: 'AuditEntry' },
);

const AuditQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
    cursor: Type.Optional(Type.String({ maxLength: 128 })),
    action: Type.Optional(Type.String({ maxLength: 64 })),
    orgId: Type.Optional(Type.String({ format: 'uuid' })),
  },
  { additionalProperties: false },
);

const VerificationSchema = Type.Object({
  ok: Type.Boolean(),
  entries: Type.Integer(),
  headSeq: Type.Integer(),
  headHash: Type.String(),
  problem: Type.Optional(Type.Object({ seq: Type.Integer(), reason: Type.String() })),
});

const auditRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/audit',
    { schema: { tags: ['audit'], summary: 'Audit entries the caller may read, newest first', querystring: AuditQuery, response: { 200: page(AuditEntrySchema), ...errorResponses } } },
    async (request) => {
      const viewer = request.actor.viewer;
      requireUser(viewer);
      const limit = request.query.limit ?? 100;
      const before = decodeCursor(request.query.cursor, 1);
      const rows = await listAuditEntries(ctx.store.db, viewer, {
        beforeSeq: before ? Number(before[0]) : undefined,
        action: request.query.action,
        orgId: request.query.orgId,
        limit: limit + 1,
      });
      const page = pageOf(rows, limit, (last) => [last.seq]);
      return {
        items: page.rows.map((r) => ({
          seq: r.seq,
          id: r.id,
          at: r.at,
          actorType: r.actor_type,
          actorId: r.actor_id,
          actorLabel: r.actor_label,
          orgId: r.org_id,
          sourceIp: r.source_ip,
          action: r.action,
          objectType: r.object_type,
          objectId: r.object_id,
          details: fromJson<Record<string, unknown>>(r.details, {}),
          hash: r.hash,
        })),
        nextCursor: page.nextCursor,
      };
    },
  );

  app.get(
    '/audit/verify',
    { schema: { tags: ['audit'], summary: 'Check the hash chain of the whole log', response: { 200: VerificationSchema, ...errorResponses } } },
    async (request) => {
      authorize(request.actor.viewer, mayVerifyAudit(request.actor.viewer), 'only the node operators verify the audit log');
      return verifyAuditChain(ctx.store.db);
    },
  );
};

export default auditRoutes;
