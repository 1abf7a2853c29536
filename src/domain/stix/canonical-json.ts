// RFC 8785 JSON Canonicalization Scheme (JCS): one byte string per JSON value, so that a hash of it
// (STIX deterministic SCO ids, signatures) is the same on every producer.
import { Invalid } from '../errors.ts';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The canonical form of `value`: no whitespace, object keys sorted by UTF-16 code units, numbers as
 * ECMAScript writes them. Refuses what I-JSON (RFC 7493) forbids: non-finite numbers and strings
 * with lone surrogates, as well as values that are not JSON at all (undefined, functions, dates).
 * Object properties whose value is undefined are left out, as JSON.stringify does.
 */
export function canonicalJson(value: unknown, field = 'json'): string {
  return write(value, field);
}

function write(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new Invalid(path, 'must be a finite number');
      // JSON.stringify writes numbers with Number.prototype.toString, which RFC 8785 adopts
      // verbatim; it also turns -0 into 0 as the RFC requires.
      return JSON.stringify(value);
    case 'string':
      return writeString(value, path);
    case 'object':
      if (Array.isArray(value)) return `[${value.map((item, i) => write(item, `${path}[${i}]`)).join(',')}]`;
      if (!isPlainObject(value)) throw new Invalid(path, 'must be a JSON value: a plain object, array, string, number, boolean or null');
      return writeObject(value, path);
    default:
      throw new Invalid(path, `must be a JSON value, not ${typeof value}`);
  }
}

function writeString(text: string, path: string): string {
  if (LONE_SURROGATE.test(text)) throw new Invalid(path, 'contains a lone UTF-16 surrogate, which JSON text cannot carry');
  // Well-formed JSON.stringify escapes exactly what RFC 8785 asks: ", \, the short forms \b \t \n
  // \f \r, other controls as lower-case \u00xx, and nothing else.
  return JSON.stringify(text);
}

function writeObject(object: Record<string, unknown>, path: string): string {
  // The default sort compares UTF-16 code units, which is the order RFC 8785 specifies.
  const keys = Object.keys(object)
    .filter((key) => object[key] !== undefined)
    .sort();
  const members = keys.map((key) => {
    const memberPath = `${path}.${key}`;
    return `${writeString(key, memberPath)}:${write(object[key], memberPath)}`;
  });
  return `{${members.join(',')}}`;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
