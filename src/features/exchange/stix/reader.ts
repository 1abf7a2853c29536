// Reads a STIX document of any size as it streams in: a bundle's objects one by one, the objects of
// a bare array, or a single bare object (small by nature, so held whole). Bundle-level mistakes are
// reported with their path, like the objects' own.
import { Tokenizer, TokenParser, TokenType } from '@streamparser/json';
import { Invalid } from '../../../domain/errors.ts';
import { validateBundle } from '../../../domain/stix/objects.ts';

export type DocumentShape = 'bundle' | 'array' | 'object';

export interface StixReadOptions {
  maxBytes: number;
  /** Called with each object and its path (`objects[3]`, `[3]`, or '' for a bare object). */
  onObject(object: Record<string, unknown>, path: string): void;
  /** Called after each chunk with the bytes read so far: the moment to write what was collected. */
  afterChunk(bytes: number): Promise<void>;
}

// A bare (non-bundle) object is parsed whole once the document ends; above this it cannot be one.
const MAX_BARE_OBJECT_BYTES = 8 * 1024 * 1024;

export async function readStixDocument(source: AsyncIterable<Uint8Array | string> | Iterable<string>, options: StixReadOptions): Promise<{ shape: DocumentShape; bundleId: string | null }> {
  let shape: DocumentShape | undefined;
  let tokenizer: Tokenizer | undefined;
  const header: Record<string, unknown> = {};
  const topKeys: string[] = [];
  let depth = 0;
  let expectKey = false;
  let index = 0;
  let retained: string[] | null = [];
  let retainedBytes = 0;
  let bytes = 0;

  const start = (first: string) => {
    shape = first === '[' ? 'array' : 'bundle';
    const parser = new TokenParser({ paths: shape === 'array' ? ['$.*'] : ['$.objects.*', '$.type', '$.id', '$.spec_version'], keepStack: false });
    tokenizer = new Tokenizer();
    tokenizer.onToken = (token) => {
      if (token.token === TokenType.LEFT_BRACE || token.token === TokenType.LEFT_BRACKET) {
        depth += 1;
        expectKey = token.token === TokenType.LEFT_BRACE && depth === 1;
      } else if (token.token === TokenType.RIGHT_BRACE || token.token === TokenType.RIGHT_BRACKET) {
        depth -= 1;
      } else if (depth === 1 && expectKey && token.token === TokenType.STRING) {
        topKeys.push(String(token.value));
        expectKey = false;
      } else if (depth === 1 && token.token === TokenType.COMMA) {
        expectKey = shape === 'bundle';
      }
      parser.write(token);
    };
    parser.onValue = ({ value, key, stack }) => {
      if (shape === 'array' && stack.length === 1) {
        if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Invalid(`[${index}]`, 'must be a STIX object');
        options.onObject(value as Record<string, unknown>, `[${index++}]`);
      } else if (stack.length === 1) {
        header[String(key)] = value;
      } else if (stack[1]?.key === 'objects') {
        if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Invalid(`objects[${index}]`, 'must be a STIX object');
        options.onObject(value as Record<string, unknown>, `objects[${index++}]`);
      }
    };
  };

  for await (const chunk of source) {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    bytes += Buffer.byteLength(text);
    if (bytes > options.maxBytes) throw new Invalid('body', `larger than ${options.maxBytes} bytes`);
    if (!tokenizer) {
      const first = text.trimStart()[0];
      if (first === undefined) continue;
      if (first !== '{' && first !== '[') throw new Invalid('body', 'a STIX document is a JSON object (a bundle or one object) or an array of objects');
      start(first);
    }
    if (retained) {
      retainedBytes += text.length;
      if (retainedBytes <= MAX_BARE_OBJECT_BYTES) retained.push(text);
      else retained = null;
    }
    try {
      tokenizer!.write(text);
    } catch (error) {
      if (error instanceof Invalid) throw error;
      throw new Invalid('body', `not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
    await options.afterChunk(bytes);
  }
  if (!tokenizer || !shape) throw new Invalid('body', 'is empty');
  if (depth !== 0) throw new Invalid('body', 'not valid JSON: the document ends early');
  if (shape === 'array') return { shape, bundleId: null };

  const looksLikeBundle = header.type === 'bundle' || topKeys.includes('objects') || (typeof header.id === 'string' && header.id.startsWith('bundle--'));
  if (!looksLikeBundle) {
    if (!retained) throw new Invalid('body', `a single STIX object larger than ${MAX_BARE_OBJECT_BYTES} bytes`);
    options.onObject(JSON.parse(retained.join('')) as Record<string, unknown>, '');
    await options.afterChunk(bytes);
    return { shape: 'object', bundleId: null };
  }
  if (header.type === undefined) throw new Invalid('type', 'is required: a bundle has "type": "bundle"');
  // The bundle's own properties, checked as the domain checks a whole bundle (its objects were checked one by one).
  const skeleton = Object.fromEntries(topKeys.filter((key) => key !== 'objects').map((key) => [key, header[key] ?? null]));
  const problem = validateBundle(skeleton).problems[0];
  if (problem) throw new Invalid(problem.path || 'body', problem.reason);
  return { shape, bundleId: typeof header.id === 'string' ? header.id : null };
}
