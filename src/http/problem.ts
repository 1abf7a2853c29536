// One mapping from every failure to RFC 9457 problem+json, naming the field and the reason.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, Invalid, Conflict, TooManyRequests } from '../domain/errors.ts';
import { describeSchemaError } from './validation.ts';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  field?: string;
  reason?: string;
}

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  return reply.status(problem.status).type(PROBLEM_MEDIA_TYPE).send(JSON.stringify(problem));
}

function problem(status: number, title: string, detail: string, extra: Partial<Problem> = {}): Problem {
  return { type: 'about:blank', title, status, detail, ...extra };
}

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

export function toProblem(error: unknown): Problem {
  if (error instanceof Invalid) {
    return problem(422, error.title, error.message, { field: error.field, reason: error.reason });
  }
  if (error instanceof Conflict) {
    return problem(409, error.title, error.message, error.field ? { field: error.field, reason: error.message } : {});
  }
  if (error instanceof DomainError) return problem(error.status, error.title, error.message);

  const fastifyError = error as FastifyError & { validation?: AjvError[]; validationContext?: string };
  if (fastifyError.validation && fastifyError.validation.length > 0) {
    const where = fastifyError.validationContext ?? 'body';
    const described = describeSchemaError(fastifyError.validation[0]!);
    const field = described.field || where;
    const reason = described.reason;
    return problem(400, 'Invalid request', `${where === 'body' ? '' : `${where}: `}${field}: ${reason}`, { field, reason });
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problem(413, 'Payload too large', 'the request body is larger than this endpoint accepts', { field: 'body', reason: 'too large' });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return problem(415, 'Unsupported media type', 'send the body as application/json', { field: 'content-type', reason: 'unsupported media type' });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return problem(400, 'Invalid request', 'the JSON body is empty', { field: 'body', reason: 'empty' });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return problem(400, 'Invalid request', 'the body is not valid JSON', { field: 'body', reason: 'malformed JSON' });
  }
  if (fastifyError instanceof SyntaxError) {
    return problem(400, 'Invalid request', 'the body is not valid JSON', { field: 'body', reason: 'malformed JSON' });
  }
  const status = typeof fastifyError.statusCode === 'number' ? fastifyError.statusCode : 500;
  if (status >= 400 && status < 500) return problem(status, 'Request refused', fastifyError.message);
  return problem(500, 'Internal error', 'the server failed to handle the request; nothing was changed');
}

export function problemErrorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const body = toProblem(error);
  if (body.status >= 500) request.log.error({ err: error }, 'request failed');
  if (error instanceof TooManyRequests) reply.header('retry-after', String(error.retryAfterSeconds));
  return sendProblem(reply, body);
}
