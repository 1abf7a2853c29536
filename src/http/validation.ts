// Two validators: query strings and path parameters arrive as text and are coerced to their schema's
// types; JSON bodies are not coerced, so `{"tier": 1}` is refused rather than silently turned into text.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { Invalid } from '../domain/errors.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function makeAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({
    allErrors: false,
    removeAdditional: false,
    useDefaults: true,
    coerceTypes: coerce ? 'array' : false,
    strict: false,
  });
  addFormats(ajv);
  return ajv;
}

const forBodies = makeAjv(false);
const forText = makeAjv(true);

export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? forBodies : forText;
  return ajv.compile(schema) as ReturnType<FastifySchemaCompiler<object>>;
};

/** A validator for JSON documents read outside Fastify's body parsing (streamed imports), with the same rules. */
export function compileBodySchema<T>(schema: object): ValidateFunction<T> {
  return forBodies.compile(schema) as ValidateFunction<T>;
}

/** Ajv's complaint as a field path (`contacts.roleEmail`, `constituency.ipPrefixes[2]`), under `prefix`, and a reason. */
export function describeSchemaError(error: Pick<ErrorObject, 'instancePath' | 'keyword' | 'message' | 'params'>, prefix = ''): { field: string; reason: string } {
  const parts = error.instancePath.split('/').filter(Boolean);
  if (error.keyword === 'required') parts.push(String(error.params.missingProperty));
  if (error.keyword === 'additionalProperties') parts.push(String(error.params.additionalProperty));
  let field = prefix;
  for (const part of parts) field += /^\d+$/.test(part) ? `[${part}]` : field ? `.${part}` : part;
  const reason = error.keyword === 'additionalProperties' ? 'unknown field' : error.keyword === 'required' ? 'is required' : (error.message ?? 'is invalid');
  return { field, reason };
}

/** Ajv's first complaint as the Invalid error the edge turns into a 400/422 naming the field. */
export function schemaInvalid(errors: ErrorObject[] | null | undefined, prefix = ''): Invalid {
  const first = errors?.[0];
  if (!first) return new Invalid(prefix || 'body', 'is invalid');
  const { field, reason } = describeSchemaError(first, prefix);
  return new Invalid(field || 'body', reason);
}
