import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../app.ts';
import { errorResponses } from '../../http/schemas.ts';
import { PublicReportBody } from './schemas.ts';
import { reportStatus, submitPublicReport } from './service.ts';

const reportRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['reports'];
  app.post(
    '/reports',
    {
      bodyLimit: 256 * 1024,
      config: { csrf: false, rateLimit: { max: ctx.config.reportRequestsPerHour, timeWindow: '1 hour' } },
      schema: {
        tags,
        summary: 'Report an incident without an account; answered with a reference and a secret to follow it',
        body: PublicReportBody,
        response: { 201: Type.Object({ reference: Type.String(), trackingToken: Type.String(), status: Type.String(), routedTo: Type.Array(Type.String()) }), ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await submitPublicReport(ctx, request.body, request.ip)),
  );
  app.get(
    '/reports/status',
    {
      config: { rateLimit: { max: 60, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary: 'The status of your report, by the secret you were given',
        querystring: Type.Object({ token: Type.String({ minLength: 20, maxLength: 100 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ reference: Type.String(), status: Type.String(), receivedAt: Type.String(), updatedAt: Type.String() }), ...errorResponses },
      },
    },
    async (request) => reportStatus(ctx, request.query.token),
  );
};

export default reportRoutes;
