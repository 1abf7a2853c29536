// HTTP Message Signatures (RFC 9421) for requests between nodes, over a fixed subset: the signer
// covers the method, the target, the body's Content-Digest (RFC 9530, sha-256) and the Date, and
// states when it signed (created), until when the signature holds (expires), with which key (keyid),
// and a nonce that the receiver remembers to refuse a replay. The algorithm is always ed25519.
//
// The target is either `@target-uri`, or `@authority` + `@path` + `@query` for a receiver behind a
// proxy that does not know the scheme the client used. The authority stays covered in that form so
// that a request signed for one node cannot be replayed to another node that knows the same key.
import crypto from 'node:crypto';
import { Unauthorized, Invalid } from '../errors.ts';
import { isEd25519Key, isEd25519PrivateKey, ED25519_SIGNATURE_BYTES } from './node-key.ts';
import {
  innerList,
  isInnerList,
  item,
  parseDictionary,
  serializeDictionary,
  serializeInnerList,
  serializeItem,
  sfBytes,
  sfInteger,
  sfString,
  type BareItem,
  type Dictionary,
  type InnerList,
} from './structured-fields.ts';

/** Header fields as Node gives them (any letter case; a repeated field as an array) or a fetch Headers. */
export type HeaderFields = Readonly<Record<string, string | readonly string[] | undefined>> | Headers;

export interface HttpRequestParts {
  readonly method: string;
  /** The absolute URL of the request as the signer sent it, or as the receiver reconstructs it. */
  readonly url: string;
  readonly headers?: HeaderFields;
  readonly body?: Uint8Array | string;
}

export interface SigningOptions {
  readonly keyId: string;
  readonly key: crypto.KeyObject;
  readonly now?: Date;
  /** Unique per request; a random 128-bit value by default. */
  readonly nonce?: string;
  readonly expiresInSeconds?: number;
  /** `target-uri` (default) covers @target-uri; `path-and-query` covers @authority, @path and @query. */
  readonly target?: 'target-uri' | 'path-and-query';
  readonly label?: string;
}

/** The header fields to add to the request, names in lower case (a plain record, to spread into headers). */
export type SignatureHeaders = {
  readonly 'signature-input': string;
  readonly signature: string;
  readonly 'content-digest': string;
  readonly date: string;
};

export interface VerifyOptions {
  readonly now?: Date;
  /** How far created and Date may be from the receiver's clock, either way. */
  readonly maxSkewSeconds?: number;
  /**
   * True when this key already used this nonce; it must also remember the nonce. A signature is
   * accepted for at most 2 × maxSkewSeconds, so nonces may be forgotten after that.
   */
  readonly seenNonce: (keyId: string, nonce: string) => boolean;
}

export type KeyLookup = (keyId: string) => crypto.KeyObject | undefined;

export const DEFAULT_MAX_SKEW_SECONDS = 300;
const DEFAULT_LIFETIME_SECONDS = 300;
const DEFAULT_LABEL = 'sanad';
const ALGORITHM = 'ed25519';
const SIGNATURE_PARAMETERS = new Set(['created', 'expires', 'keyid', 'nonce', 'alg']);
const DERIVED_COMPONENTS = new Set(['@method', '@target-uri', '@authority', '@path', '@query']);
const FIELD_NAME = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/;
const METHOD = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** The Content-Digest field value of a body (RFC 9530): `sha-256=:<base64>:`. */
export function contentDigest(body: Uint8Array | string = ''): string {
  return serializeDictionary(new Map([['sha-256', item(sfBytes(sha256(body)))]]));
}

export function signRequest(request: HttpRequestParts, options: SigningOptions): SignatureHeaders {
  const { keyId, key } = options;
  if (!isEd25519PrivateKey(key)) throw new Invalid('key', 'must be an Ed25519 private key');
  const now = options.now ?? new Date();
  const created = Math.floor(now.getTime() / 1000);
  const lifetime = options.expiresInSeconds ?? DEFAULT_LIFETIME_SECONDS;
  if (!Number.isInteger(lifetime) || lifetime <= 0) throw new Invalid('expiresInSeconds', 'must be a positive whole number of seconds');
  const nonce = options.nonce ?? crypto.randomBytes(16).toString('base64url');
  // Both travel as structured-field strings: printable ASCII.
  if (!/^[\x20-\x7e]+$/.test(keyId)) throw new Invalid('keyId', 'must be non-empty printable ASCII');
  if (!/^[\x20-\x7e]+$/.test(nonce)) throw new Invalid('nonce', 'must be non-empty printable ASCII');

  const added = { 'content-digest': contentDigest(request.body), date: now.toUTCString() };
  const target = options.target === 'path-and-query' ? ['@authority', '@path', '@query'] : ['@target-uri'];
  const components = ['@method', ...target, 'content-digest', 'date'];
  const signatureParams = innerList(
    components.map((name) => item(sfString(name))),
    new Map<string, BareItem>([
      ['created', sfInteger(created)],
      ['expires', sfInteger(created + lifetime)],
      ['keyid', sfString(keyId)],
      ['nonce', sfString(nonce)],
      ['alg', sfString(ALGORITHM)],
    ]),
  );
  // The headers we add replace any of the same name the caller passed.
  const lookup = (name: string): string | undefined => (Object.hasOwn(added, name) ? added[name as keyof typeof added] : fieldValue(request.headers, name));
  const base = buildSignatureBase(request.method, parseTarget(request.url, 'url'), lookup, signatureParams, (component, reason) => new Invalid(component, reason));
  const signature = crypto.sign(null, Buffer.from(base), key);
  const label = options.label ?? DEFAULT_LABEL;
  return {
    'signature-input': serializeDictionary(new Map([[label, signatureParams]]), 'label'),
    signature: serializeDictionary(new Map([[label, item(sfBytes(signature))]]), 'label'),
    ...added,
  };
}

/**
 * Checks a signed request and returns the key that signed it. Throws Unauthorized with the reason
 * when the signature is missing, malformed, not made with a known key, does not cover what it
 * must, does not verify, or is stale, expired or replayed, or when the body does not match its digest.
 */
export function verifyRequest(request: HttpRequestParts, lookupKey: KeyLookup, options: VerifyOptions): { keyId: string } {
  const now = options.now ?? new Date();
  const maxSkew = options.maxSkewSeconds ?? DEFAULT_MAX_SKEW_SECONDS;
  const { label, signatureParams, signature } = readSignatureFields(request.headers);
  const { created, expires, keyId, nonce } = readParameters(signatureParams);
  checkCoverage(signatureParams);

  const key = lookupKey(keyId);
  if (key === undefined) throw new Unauthorized(`unknown keyid "${keyId}"`);
  if (!isEd25519Key(key)) throw new Unauthorized(`the key "${keyId}" is not an Ed25519 key`);

  let target: RequestTarget;
  try {
    target = parseTarget(request.url, 'url');
  } catch (error) {
    throw error instanceof Invalid ? new Unauthorized(`cannot rebuild the signed target: ${error.reason}`) : error;
  }
  const base = buildSignatureBase(request.method, target, (name) => fieldValue(request.headers, name), signatureParams, (component, reason) => new Unauthorized(`cannot rebuild the signature base: ${component}: ${reason}`));
  if (!crypto.verify(null, Buffer.from(base), key, signature)) {
    throw new Unauthorized(`signature "${label}" does not verify: the method, target, a covered header or a signature parameter was changed, or it was not made with the key "${keyId}"`);
  }

  // From here on the covered fields are known to be the signer's.
  checkDigest(fieldValue(request.headers, 'content-digest')!, request.body);
  checkFreshness(created, expires, fieldValue(request.headers, 'date')!, now, maxSkew);
  if (options.seenNonce(keyId, nonce)) throw new Unauthorized(`nonce "${nonce}" was already used with the key "${keyId}": the request is a replay`);
  return { keyId };
}

/**
 * The signature base of RFC 9421 section 2.5: one line `"<component>": <value>` per covered
 * component, in the order covered, then `"@signature-params": <the inner list>`, lines joined by LF.
 */
export function signatureBase(request: HttpRequestParts, signatureParams: InnerList): string {
  const lookup = (name: string): string | undefined => fieldValue(request.headers, name);
  return buildSignatureBase(request.method, parseTarget(request.url, 'url'), lookup, signatureParams, (component, reason) => new Invalid(component, reason));
}

// ---------------------------------------------------------------- the signature base

interface RequestTarget {
  readonly targetUri: string;
  readonly authority: string;
  readonly path: string;
  readonly query: string;
}

// The WHATWG URL parser normalises as HTTP (RFC 9110 4.2.3) asks: lower-case scheme and host, no
// default port, "/" for an empty path. Signer and receiver both go through it, so they agree on the text.
function parseTarget(text: string, field: string): RequestTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Invalid(field, 'must be an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Invalid(field, 'must be an http or https URL');
  // An empty query ("?" alone) and no query at all both give "?", as the RFC prescribes for @query.
  const query = url.search === '' ? '?' : url.search;
  return {
    targetUri: `${url.protocol}//${url.host}${url.pathname}${url.search}`,
    authority: url.host,
    path: url.pathname,
    query,
  };
}

type Refusal = (component: string, reason: string) => Error;

function buildSignatureBase(method: string, target: RequestTarget, field: (name: string) => string | undefined, signatureParams: InnerList, refuse: Refusal): string {
  const lines: string[] = [];
  for (const entry of signatureParams.items) {
    if (entry.value.type !== 'string') throw refuse('component', 'each covered component is a string');
    if (entry.params.size > 0) throw refuse(entry.value.value, 'component parameters are not supported');
    const name = entry.value.value;
    lines.push(`${serializeItem(entry)}: ${componentValue(name, method, target, field, refuse)}`);
  }
  lines.push(`"@signature-params": ${serializeInnerList(signatureParams)}`);
  return lines.join('\n');
}

function componentValue(name: string, method: string, target: RequestTarget, field: (name: string) => string | undefined, refuse: Refusal): string {
  switch (name) {
    case '@method':
      // Methods are case-sensitive (RFC 9110 9.1), so the value is taken as it is.
      if (!METHOD.test(method)) throw refuse(name, `"${method}" is not an HTTP method`);
      return method;
    case '@target-uri':
      return target.targetUri;
    case '@authority':
      return target.authority;
    case '@path':
      return target.path;
    case '@query':
      return target.query;
  }
  if (name.startsWith('@')) throw refuse(name, 'this derived component is not supported');
  if (!FIELD_NAME.test(name)) throw refuse(name, 'a covered header field name is a lower-case token');
  const value = field(name);
  if (value === undefined) throw refuse(name, 'the covered header field is absent');
  // A line break inside a value would forge a line of the base.
  if (/[\r\n]/.test(value)) throw refuse(name, 'a header field value may not contain a line break');
  return value;
}

// The value of a header field as RFC 9421 2.1 reads it: every field line, trimmed of surrounding
// whitespace, joined by ", ". Names compare without regard to case.
function fieldValue(headers: HeaderFields | undefined, name: string): string | undefined {
  if (headers === undefined) return undefined;
  if (typeof Headers !== 'undefined' && headers instanceof Headers) {
    const value = headers.get(name);
    return value === null ? undefined : value.trim();
  }
  const lines: string[] = [];
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name || value === undefined) continue;
    for (const line of typeof value === 'string' ? [value] : value) lines.push(line.trim());
  }
  return lines.length === 0 ? undefined : lines.join(', ');
}

// ---------------------------------------------------------------- verification steps

interface SignatureFields {
  readonly label: string;
  readonly signatureParams: InnerList;
  readonly signature: Buffer;
}

function readSignatureFields(headers: HeaderFields | undefined): SignatureFields {
  const inputText = fieldValue(headers, 'signature-input');
  if (inputText === undefined || inputText === '') throw new Unauthorized('missing Signature-Input header');
  const signatureText = fieldValue(headers, 'signature');
  if (signatureText === undefined || signatureText === '') throw new Unauthorized('missing Signature header');
  const inputs = parseSignatureHeader(inputText, 'Signature-Input');
  const signatures = parseSignatureHeader(signatureText, 'Signature');
  // One signature per request between nodes: a second one would be checked by no one.
  if (inputs.size !== 1) throw new Unauthorized(`malformed Signature-Input header: expected one signature, found ${inputs.size}`);
  if (signatures.size !== 1) throw new Unauthorized(`malformed Signature header: expected one signature, found ${signatures.size}`);
  const [label, signatureParams] = [...inputs][0]!;
  if (!isInnerList(signatureParams)) throw new Unauthorized(`malformed Signature-Input header: "${label}" must be an inner list of covered components`);
  const signatureMember = signatures.get(label);
  if (signatureMember === undefined) throw new Unauthorized(`malformed Signature header: it has no signature labelled "${label}"`);
  if (isInnerList(signatureMember) || signatureMember.value.type !== 'bytes' || signatureMember.params.size > 0) {
    throw new Unauthorized(`malformed Signature header: "${label}" must be a byte sequence`);
  }
  if (signatureMember.value.value.length !== ED25519_SIGNATURE_BYTES) throw new Unauthorized(`malformed Signature header: an ed25519 signature is ${ED25519_SIGNATURE_BYTES} bytes, found ${signatureMember.value.value.length}`);
  return { label, signatureParams, signature: Buffer.from(signatureMember.value.value) };
}

function parseSignatureHeader(text: string, header: string): Dictionary {
  try {
    return parseDictionary(text, header);
  } catch (error) {
    throw error instanceof Invalid ? new Unauthorized(`malformed ${header} header: ${error.reason}`) : error;
  }
}

interface SignatureParameters {
  readonly created: number;
  readonly expires: number;
  readonly keyId: string;
  readonly nonce: string;
}

function readParameters(signatureParams: InnerList): SignatureParameters {
  const params = signatureParams.params;
  for (const name of params.keys()) {
    if (!SIGNATURE_PARAMETERS.has(name)) throw new Unauthorized(`malformed Signature-Input header: the parameter "${name}" is not supported`);
  }
  const alg = params.get('alg');
  if (alg !== undefined && !(alg.type === 'string' && alg.value === ALGORITHM)) throw new Unauthorized(`unsupported signature algorithm: only "${ALGORITHM}" is accepted`);
  const created = required(params.get('created'), 'created', 'integer');
  const expires = required(params.get('expires'), 'expires', 'integer');
  const keyId = required(params.get('keyid'), 'keyid', 'string');
  const nonce = required(params.get('nonce'), 'nonce', 'string');
  if (keyId === '') throw new Unauthorized('malformed Signature-Input header: keyid is empty');
  if (nonce === '') throw new Unauthorized('malformed Signature-Input header: nonce is empty');
  if (expires <= created) throw new Unauthorized('malformed Signature-Input header: expires is not after created');
  return { created, expires, keyId, nonce };
}

function required<T extends 'integer' | 'string'>(value: BareItem | undefined, name: string, type: T): T extends 'integer' ? number : string {
  if (value === undefined) throw new Unauthorized(`malformed Signature-Input header: the "${name}" parameter is missing`);
  if (value.type !== type) throw new Unauthorized(`malformed Signature-Input header: the "${name}" parameter must be ${type === 'integer' ? 'an integer' : 'a string'}`);
  return value.value as T extends 'integer' ? number : string;
}

// The covered components must be distinct strings without parameters and must include the method,
// the target, the body's digest and the date; anything less would leave part of the request unsigned.
function checkCoverage(signatureParams: InnerList): void {
  const covered = new Set<string>();
  for (const entry of signatureParams.items) {
    if (entry.value.type !== 'string') throw new Unauthorized('malformed Signature-Input header: covered components are strings');
    const name = entry.value.value;
    if (entry.params.size > 0) throw new Unauthorized(`malformed Signature-Input header: parameters on the component "${name}" are not supported`);
    if (name === '@signature-params') throw new Unauthorized('malformed Signature-Input header: "@signature-params" cannot be a covered component');
    if (name.startsWith('@') && !DERIVED_COMPONENTS.has(name)) throw new Unauthorized(`malformed Signature-Input header: the derived component "${name}" is not supported`);
    if (covered.has(name)) throw new Unauthorized(`malformed Signature-Input header: the component "${name}" is covered twice`);
    covered.add(name);
  }
  const missing = ['@method', 'content-digest', 'date'].filter((name) => !covered.has(name));
  const coversTarget = covered.has('@target-uri') || (covered.has('@authority') && covered.has('@path') && covered.has('@query'));
  if (!coversTarget) missing.splice(1, 0, '@target-uri (or @authority, @path and @query)');
  if (missing.length > 0) throw new Unauthorized(`the signature does not cover ${missing.join(', ')}`);
}

function checkDigest(header: string, body: Uint8Array | string | undefined): void {
  let digests: Dictionary;
  try {
    digests = parseDictionary(header, 'Content-Digest');
  } catch (error) {
    throw error instanceof Invalid ? new Unauthorized(`malformed Content-Digest header: ${error.reason}`) : error;
  }
  const member = digests.get('sha-256');
  if (member === undefined || isInnerList(member) || member.value.type !== 'bytes') throw new Unauthorized('Content-Digest has no sha-256 digest');
  const stated = member.value.value;
  const actual = sha256(body ?? '');
  if (stated.length !== actual.length || !crypto.timingSafeEqual(stated, actual)) throw new Unauthorized('Content-Digest does not match the body: the body was changed');
}

function checkFreshness(created: number, expires: number, dateHeader: string, now: Date, maxSkew: number): void {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (created > nowSeconds + maxSkew) throw new Unauthorized(`created is ${created - nowSeconds} s in the future, beyond the allowed clock skew of ${maxSkew} s`);
  if (created < nowSeconds - maxSkew) throw new Unauthorized(`created is ${nowSeconds - created} s in the past, outside the replay window of ${maxSkew} s`);
  if (nowSeconds > expires) throw new Unauthorized(`the signature expired ${nowSeconds - expires} s ago`);
  const date = parseHttpDate(dateHeader);
  if (date === undefined) throw new Unauthorized('the Date header is not an HTTP date such as "Tue, 20 Apr 2021 02:07:55 GMT"');
  const offset = date - nowSeconds;
  if (offset > maxSkew) throw new Unauthorized(`Date is ${offset} s in the future, beyond the allowed clock skew of ${maxSkew} s`);
  if (-offset > maxSkew) throw new Unauthorized(`Date is ${-offset} s in the past, outside the replay window of ${maxSkew} s`);
}

// Only the preferred IMF-fixdate form (RFC 9110 5.6.7), which every node writes; seconds since the epoch.
function parseHttpDate(text: string): number | undefined {
  if (!/^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(text)) return undefined;
  const time = Date.parse(text);
  // The round trip refuses impossible dates and a weekday that does not match the date.
  if (!Number.isFinite(time) || new Date(time).toUTCString() !== text) return undefined;
  return time / 1000;
}

function sha256(body: Uint8Array | string): Buffer {
  return crypto.createHash('sha256').update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body).digest();
}
