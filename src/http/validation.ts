// Two validators: query strings and path parameters arrive as text and are coerced to their schema's
// types; JSON bodies are not coerced, so `{"tier": 1}` is refused rather than silently turned into text.
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

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
