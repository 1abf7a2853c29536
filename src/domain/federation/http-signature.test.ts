import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fc from 'fast-check';
import { Unauthorized } from '../errors.ts';
import { assertInvalid } from '../../../test/helpers/invalid.ts';
import {
  contentDigest,
  signatureBase,
  signRequest,
  verifyRequest,
  type HeaderFields,
  type HttpRequestParts,
  type KeyLookup,
  type SigningOptions,
  type VerifyOptions,
} from './http-signature.ts';
import { innerList, isInnerList, item, parseDictionary, serializeDictionary, sfBytes, sfInteger, sfString, type BareItem } from './structured-fields.ts';

const NOW = new Date('2025-03-01T10:00:00.000Z');
const KEY_ID = 'node-b.example';
const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
const other = crypto.generateKeyPairSync('ed25519');
const lookupKey: KeyLookup = (keyId) => (keyId === KEY_ID ? publicKey : undefined);

const BODY = JSON.stringify({ cursor: 'c-42', objects: [{ id: 'indicator--1', value: '198.51.100.7' }] });
const REQUEST: HttpRequestParts = {
  method: 'POST',
  url: 'https://node-a.example/federation/v1/push?since=2025-03-01&limit=500',
  headers: { 'content-type': 'application/json' },
  body: BODY,
};

function sign(request: HttpRequestParts = REQUEST, options: Partial<SigningOptions> = {}): HttpRequestParts {
  const added = signRequest(request, { keyId: KEY_ID, key: privateKey, now: NOW, nonce: 'n-0001', ...options });
  return { ...request, headers: { ...(request.headers as Record<string, string>), ...added } };
}

function freshNonces(): VerifyOptions['seenNonce'] {
  const seen = new Set<string>();
  return (keyId, nonce) => {
    const entry = `${keyId} ${nonce}`;
    if (seen.has(entry)) return true;
    seen.add(entry);
    return false;
  };
}

function verify(request: HttpRequestParts, options: Partial<VerifyOptions> = {}, lookup: KeyLookup = lookupKey): { keyId: string } {
  return verifyRequest(request, lookup, { now: NOW, seenNonce: freshNonces(), ...options });
}

function assertRefused(action: () => unknown, reason: string | RegExp): void {
  assert.throws(action, (error: unknown) => {
    assert.ok(error instanceof Unauthorized, `expected Unauthorized, got ${String(error)}`);
    if (typeof reason === 'string') assert.equal(error.message, reason);
    else assert.match(error.message, reason);
    return true;
  });
}

function withHeaders(request: HttpRequestParts, change: Record<string, string | undefined>): HttpRequestParts {
  return { ...request, headers: { ...(request.headers as Record<string, string>), ...change } };
}

function header(request: HttpRequestParts, name: string): string {
  return (request.headers as Record<string, string>)[name]!;
}

/** Signs with a hand-made Signature-Input, to reach what signRequest never produces. */
function signCustom(request: HttpRequestParts, components: string[], params: [string, BareItem][], key = privateKey): HttpRequestParts {
  const signatureParams = innerList(components.map((name) => item(sfString(name))), new Map(params));
  const signature = crypto.sign(null, Buffer.from(signatureBase(request, signatureParams)), key);
  return withHeaders(request, {
    'signature-input': serializeDictionary(new Map([['custom', signatureParams]])),
    signature: serializeDictionary(new Map([['custom', item(sfBytes(signature))]])),
  });
}

const created = Math.floor(NOW.getTime() / 1000);
const STANDARD_PARAMS: [string, BareItem][] = [
  ['created', sfInteger(created)],
  ['expires', sfInteger(created + 300)],
  ['keyid', sfString(KEY_ID)],
  ['nonce', sfString('n-custom')],
];
const withDigestAndDate = (request: HttpRequestParts, date = NOW.toUTCString()): HttpRequestParts =>
  withHeaders(request, { 'content-digest': contentDigest(request.body), date });

describe('content digest (RFC 9530)', () => {
  test('matches the RFC example and the digest of an empty body', () => {
    assert.equal(contentDigest('{"hello": "world"}'), 'sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:');
    assert.equal(contentDigest(new TextEncoder().encode('{"hello": "world"}')), 'sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:');
    assert.equal(contentDigest(''), 'sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:');
    assert.equal(contentDigest('é'), contentDigest(Buffer.from('é', 'utf8')));
  });
});

describe('signature base (RFC 9421 section 2.5)', () => {
  // Appendix B.2.6 of RFC 9421: the test request, the ed25519 test key, and the published signature.
  const rfcKey = crypto.createPrivateKey('-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF\n-----END PRIVATE KEY-----\n');
  const rfcRequest: HttpRequestParts = {
    method: 'POST',
    url: 'https://example.com/foo?param=Value&Pet=dog',
    headers: {
      Host: 'example.com',
      Date: 'Tue, 20 Apr 2021 02:07:55 GMT',
      'Content-Type': 'application/json',
      'Content-Digest': 'sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:',
      'Content-Length': '18',
    },
    body: '{"hello": "world"}',
  };
  const rfcInput = 'sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"';
  const rfcSignature = 'wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==';

  test('reproduces the RFC 9421 ed25519 example byte for byte', () => {
    const signatureParams = parseDictionary(rfcInput).get('sig-b26')!;
    assert.ok(isInnerList(signatureParams));
    const base = signatureBase(rfcRequest, signatureParams);
    assert.equal(
      base,
      [
        '"date": Tue, 20 Apr 2021 02:07:55 GMT',
        '"@method": POST',
        '"@path": /foo',
        '"@authority": example.com',
        '"content-type": application/json',
        '"content-length": 18',
        '"@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"',
      ].join('\n'),
    );
    assert.equal(crypto.sign(null, Buffer.from(base), rfcKey).toString('base64'), rfcSignature);
  });

  test('the RFC example is well signed but too weak for a node: no expiry, nonce, digest or target', () => {
    const request = withHeaders(rfcRequest, { 'Signature-Input': rfcInput, Signature: `sig-b26=:${rfcSignature}:` });
    assertRefused(() => verify(request), 'malformed Signature-Input header: the "expires" parameter is missing');
  });

  test('derives @target-uri, @authority, @path and @query as the RFC describes', () => {
    const components = ['@target-uri', '@authority', '@path', '@query'];
    const base = (url: string) => signatureBase({ method: 'GET', url }, innerList(components.map((name) => item(sfString(name))))).split('\n').slice(0, 4);
    assert.deepEqual(base('https://WWW.Example.com:443/path?param=value&foo=bar&baz=bat%2Dman'), [
      '"@target-uri": https://www.example.com/path?param=value&foo=bar&baz=bat%2Dman',
      '"@authority": www.example.com',
      '"@path": /path',
      '"@query": ?param=value&foo=bar&baz=bat%2Dman',
    ]);
    assert.deepEqual(base('http://example.com:8080'), ['"@target-uri": http://example.com:8080/', '"@authority": example.com:8080', '"@path": /', '"@query": ?']);
  });

  test('joins repeated header lines and trims them; refuses line breaks and absent fields', () => {
    const covered = innerList([item(sfString('x-list'))]);
    assert.equal(signatureBase({ method: 'GET', url: 'https://a.example/', headers: { 'X-List': [' a ', 'b\t'] } }, covered).split('\n')[0], '"x-list": a, b');
    assertInvalid(() => signatureBase({ method: 'GET', url: 'https://a.example/', headers: { 'x-list': 'a\r\n"@method": GET' } }, covered), 'x-list', /line break/);
    assertInvalid(() => signatureBase({ method: 'GET', url: 'https://a.example/' }, covered), 'x-list', /absent/);
    assertInvalid(() => signatureBase({ method: 'GET', url: '/relative' }, covered), 'url', /absolute URL/);
  });
});

describe('signing and verifying requests (RFC 9421)', () => {
  test('round trip: a signed request verifies and names its key', () => {
    const signed = sign();
    assert.equal(header(signed, 'signature-input'), `sanad=("@method" "@target-uri" "content-digest" "date");created=${created};expires=${created + 300};keyid="node-b.example";nonce="n-0001";alg="ed25519"`);
    assert.match(header(signed, 'signature'), /^sanad=:[A-Za-z0-9+/]{86}==:$/);
    assert.equal(header(signed, 'date'), 'Sat, 01 Mar 2025 10:00:00 GMT');
    assert.equal(header(signed, 'content-digest'), contentDigest(BODY));
    assert.deepEqual(verify(signed), { keyId: KEY_ID });
  });

  test('the path-and-query form covers the authority too and survives a proxy that changes the scheme', () => {
    const signed = sign(REQUEST, { target: 'path-and-query' });
    assert.match(header(signed, 'signature-input'), /^sanad=\("@method" "@authority" "@path" "@query" "content-digest" "date"\)/);
    assert.deepEqual(verify({ ...signed, url: signed.url.replace('https:', 'http:') }), { keyId: KEY_ID });
    assertRefused(() => verify({ ...signed, url: signed.url.replace('node-a.example', 'node-c.example') }), /does not verify/);
  });

  test('a request without a body is signed over the digest of the empty body', () => {
    const signed = sign({ method: 'GET', url: 'https://node-a.example/federation/v1/changes' });
    assert.equal(header(signed, 'content-digest'), 'sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:');
    assert.deepEqual(verify(signed), { keyId: KEY_ID });
    assertRefused(() => verify({ ...signed, body: 'x' }), 'Content-Digest does not match the body: the body was changed');
  });

  test('header names are matched without regard to case, also through a fetch Headers object', () => {
    const signed = sign();
    const shouted = Object.fromEntries(Object.entries(signed.headers as Record<string, string>).map(([name, value]) => [name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase()), value]));
    assert.ok('Signature-Input' in shouted && 'Content-Digest' in shouted);
    assert.deepEqual(verify({ ...signed, headers: shouted }), { keyId: KEY_ID });
    assert.deepEqual(verify({ ...signed, headers: { ...shouted, DATE: shouted.Date!, Date: undefined } }), { keyId: KEY_ID });
    const fetchHeaders: HeaderFields = new Headers(signed.headers as Record<string, string>);
    assert.deepEqual(verify({ ...signed, headers: fetchHeaders }), { keyId: KEY_ID });
  });

  test('a changed body is caught by the digest; a changed digest header by the signature', () => {
    const signed = sign();
    assertRefused(() => verify({ ...signed, body: BODY.replace('c-42', 'c-43') }), 'Content-Digest does not match the body: the body was changed');
    assertRefused(() => verify(withHeaders({ ...signed, body: 'other' }, { 'content-digest': contentDigest('other') })), /^signature "sanad" does not verify/);
  });

  test('a changed method, path, query, host, date or signature parameter does not verify', () => {
    const signed = sign();
    const changed: HttpRequestParts[] = [
      { ...signed, method: 'PUT' },
      { ...signed, method: 'post' },
      { ...signed, url: signed.url.replace('/push', '/pull') },
      { ...signed, url: signed.url.replace('limit=500', 'limit=5000') },
      { ...signed, url: signed.url.replace('?since=2025-03-01&limit=500', '') },
      { ...signed, url: signed.url.replace('node-a.example', 'node-c.example') },
      { ...signed, url: signed.url.replace('https:', 'http:') },
      withHeaders(signed, { date: new Date(NOW.getTime() + 1000).toUTCString() }),
      withHeaders(signed, { 'signature-input': header(signed, 'signature-input').replace(`expires=${created + 300}`, `expires=${created + 3000}`) }),
      withHeaders(signed, { 'signature-input': header(signed, 'signature-input').replace('n-0001', 'n-0002') }),
    ];
    for (const request of changed) assertRefused(() => verify(request), 'signature "sanad" does not verify: the method, target, a covered header or a signature parameter was changed, or it was not made with the key "node-b.example"');
  });

  test('a flipped signature bit or another key does not verify', () => {
    const signed = sign();
    const bytes = Buffer.from(/:(.*):/.exec(header(signed, 'signature'))![1]!, 'base64');
    bytes[10]! ^= 0x04;
    assertRefused(() => verify(withHeaders(signed, { signature: `sanad=:${bytes.toString('base64')}:` })), /does not verify/);
    assertRefused(() => verify(sign(REQUEST, { key: other.privateKey })), /does not verify/);
    assertRefused(() => verify(signed, {}, () => other.publicKey), /does not verify/);
  });

  test('an unknown keyid or a key that is not Ed25519 is refused', () => {
    assertRefused(() => verify(sign(REQUEST, { keyId: 'node-z.example' })), 'unknown keyid "node-z.example"');
    const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
    assertRefused(() => verify(sign(), {}, () => rsa), 'the key "node-b.example" is not an Ed25519 key');
  });

  test('missing or malformed signature headers are refused with the reason', () => {
    const signed = sign();
    const cases: [Record<string, string | undefined>, string | RegExp][] = [
      [{ 'signature-input': undefined }, 'missing Signature-Input header'],
      [{ 'signature-input': '' }, 'missing Signature-Input header'],
      [{ signature: undefined }, 'missing Signature header'],
      [{ 'signature-input': 'sanad=("@method"' }, /^malformed Signature-Input header: the inner list is not closed/],
      [{ signature: 'sanad=abc' }, 'malformed Signature header: "sanad" must be a byte sequence'],
      [{ signature: 'sanad=:AAAA:' }, 'malformed Signature header: an ed25519 signature is 64 bytes, found 3'],
      [{ signature: 'sanad=:not base64:' }, /^malformed Signature header: the byte sequence is not base64/],
      [{ signature: `other=${header(signed, 'signature').slice('sanad='.length)}` }, 'malformed Signature header: it has no signature labelled "sanad"'],
      [{ signature: `${header(signed, 'signature')}, extra=:AAAA:` }, 'malformed Signature header: expected one signature, found 2'],
      [{ 'signature-input': `${header(signed, 'signature-input')}, extra=("@method");created=1` }, 'malformed Signature-Input header: expected one signature, found 2'],
      [{ 'signature-input': 'sanad=?1' }, 'malformed Signature-Input header: "sanad" must be an inner list of covered components'],
      [{ 'signature-input': header(signed, 'signature-input').replace('keyid=', 'keyid=x;keyid=') }, /^malformed Signature-Input header: the parameter "keyid" appears twice/],
    ];
    for (const [change, reason] of cases) assertRefused(() => verify(withHeaders(signed, change)), reason);
  });

  test('signature parameters: every one required, typed, known, and alg only ed25519', () => {
    const request = withDigestAndDate(REQUEST);
    const components = ['@method', '@target-uri', 'content-digest', 'date'];
    const without = (name: string) => STANDARD_PARAMS.filter(([key]) => key !== name);
    const cases: [[string, BareItem][], string][] = [
      [without('created'), 'malformed Signature-Input header: the "created" parameter is missing'],
      [without('expires'), 'malformed Signature-Input header: the "expires" parameter is missing'],
      [without('keyid'), 'malformed Signature-Input header: the "keyid" parameter is missing'],
      [without('nonce'), 'malformed Signature-Input header: the "nonce" parameter is missing'],
      [[...without('created'), ['created', sfString('now')]], 'malformed Signature-Input header: the "created" parameter must be an integer'],
      [[...without('keyid'), ['keyid', sfInteger(7)]], 'malformed Signature-Input header: the "keyid" parameter must be a string'],
      [[...without('nonce'), ['nonce', sfString('')]], 'malformed Signature-Input header: nonce is empty'],
      [[...without('expires'), ['expires', sfInteger(created)]], 'malformed Signature-Input header: expires is not after created'],
      [[...STANDARD_PARAMS, ['alg', sfString('rsa-pss-sha512')]], 'unsupported signature algorithm: only "ed25519" is accepted'],
      [[...STANDARD_PARAMS, ['tag', sfString('app')]], 'malformed Signature-Input header: the parameter "tag" is not supported'],
    ];
    for (const [params, reason] of cases) assertRefused(() => verify(signCustom(request, components, params)), reason);
    assert.deepEqual(verify(signCustom(request, components, STANDARD_PARAMS)), { keyId: KEY_ID });
  });

  test('the covered components must include the method, the target, the digest and the date', () => {
    const request = withDigestAndDate(REQUEST);
    const cases: [string[], string][] = [
      [['@target-uri', 'content-digest', 'date'], 'the signature does not cover @method'],
      [['@method', 'content-digest', 'date'], 'the signature does not cover @target-uri (or @authority, @path and @query)'],
      [['@method', '@path', '@query', 'content-digest', 'date'], 'the signature does not cover @target-uri (or @authority, @path and @query)'],
      [['@method', '@target-uri', 'date'], 'the signature does not cover content-digest'],
      [['@method', '@target-uri', 'content-digest'], 'the signature does not cover date'],
      [['@target-uri'], 'the signature does not cover @method, content-digest, date'],
      [['@method', '@method', '@target-uri', 'content-digest', 'date'], 'malformed Signature-Input header: the component "@method" is covered twice'],
      [['@method', '@target-uri', 'content-digest', 'date', '@signature-params'], 'malformed Signature-Input header: "@signature-params" cannot be a covered component'],
      [['@method', '@target-uri', 'content-digest', 'date', '@request-target'], 'malformed Signature-Input header: the derived component "@request-target" is not supported'],
    ];
    for (const [components, reason] of cases) {
      // signatureBase itself refuses what it cannot build, so these are signed over a valid prefix.
      const signable = components.filter((name) => name !== '@signature-params' && name !== '@request-target');
      const signed = signCustom(request, signable, STANDARD_PARAMS);
      const input = serializeDictionary(new Map([['custom', innerList(components.map((name) => item(sfString(name))), new Map(STANDARD_PARAMS))]]));
      assertRefused(() => verify(withHeaders(signed, { 'signature-input': input })), reason);
    }
    const withParam = 'custom=("@method";req "@target-uri" "content-digest" "date");created=1;expires=2;keyid="k";nonce="n"';
    assertRefused(() => verify(withHeaders(request, { 'signature-input': withParam, signature: `custom=:${Buffer.alloc(64).toString('base64')}:` })), 'malformed Signature-Input header: parameters on the component "@method" are not supported');
  });

  test('extra covered header fields are allowed, and must be present', () => {
    const request = withDigestAndDate(REQUEST);
    const components = ['@method', '@target-uri', 'content-digest', 'date', 'content-type'];
    const signed = signCustom(request, components, STANDARD_PARAMS);
    assert.deepEqual(verify(signed), { keyId: KEY_ID });
    assertRefused(() => verify(withHeaders(signed, { 'content-type': 'text/plain' })), /does not verify/);
    assertRefused(() => verify(withHeaders(signed, { 'content-type': undefined })), 'cannot rebuild the signature base: content-type: the covered header field is absent');
  });

  test('a Content-Digest without sha-256 is refused', () => {
    const request = withHeaders(withDigestAndDate(REQUEST), { 'content-digest': 'sha-512=:AAAA:' });
    assertRefused(() => verify(signCustom(request, ['@method', '@target-uri', 'content-digest', 'date'], STANDARD_PARAMS)), 'Content-Digest has no sha-256 digest');
  });

  test('a replayed request is refused; the nonce is only recorded once the signature verifies', () => {
    const signed = sign();
    const seenNonce = freshNonces();
    assert.deepEqual(verify(signed, { seenNonce }), { keyId: KEY_ID });
    assertRefused(() => verify(signed, { seenNonce }), 'nonce "n-0001" was already used with the key "node-b.example": the request is a replay');
    // The same nonce under another key is another nonce.
    const lookupBoth: KeyLookup = (keyId) => (keyId === 'node-c.example' ? other.publicKey : lookupKey(keyId));
    assert.deepEqual(verify(sign(REQUEST, { keyId: 'node-c.example', key: other.privateKey }), { seenNonce }, lookupBoth), { keyId: 'node-c.example' });
    const calls: string[] = [];
    const spy: VerifyOptions['seenNonce'] = (keyId, nonce) => (calls.push(nonce), false);
    assertRefused(() => verify({ ...signed, method: 'DELETE' }, { seenNonce: spy }), /does not verify/);
    assertRefused(() => verify({ ...signed, body: 'x' }, { seenNonce: spy }), /Content-Digest does not match/);
    assert.deepEqual(calls, []);
  });

  test('random nonces differ from one request to the next', () => {
    const nonce = (request: HttpRequestParts) => /nonce="([^"]+)"/.exec(header(request, 'signature-input'))![1];
    const first = signRequest(REQUEST, { keyId: KEY_ID, key: privateKey, now: NOW });
    const second = signRequest(REQUEST, { keyId: KEY_ID, key: privateKey, now: NOW });
    assert.notEqual(nonce({ ...REQUEST, headers: first }), nonce({ ...REQUEST, headers: second }));
    assert.match(nonce({ ...REQUEST, headers: first })!, /^[A-Za-z0-9_-]{22}$/);
  });

  test('clock skew is tolerated up to the limit, both ways', () => {
    const signed = sign();
    const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
    // Receiver ahead of the signer.
    assert.deepEqual(verify(signed, { now: at(299) }), { keyId: KEY_ID });
    assertRefused(() => verify(signed, { now: at(301) }), 'created is 301 s in the past, outside the replay window of 300 s');
    // Receiver behind the signer.
    assert.deepEqual(verify(signed, { now: at(-300) }), { keyId: KEY_ID });
    assertRefused(() => verify(signed, { now: at(-301) }), 'created is 301 s in the future, beyond the allowed clock skew of 300 s');
    // A narrower window.
    assertRefused(() => verify(signed, { now: at(31), maxSkewSeconds: 30 }), 'created is 31 s in the past, outside the replay window of 30 s');
  });

  test('an expired signature is refused even within the replay window', () => {
    const signed = sign(REQUEST, { expiresInSeconds: 60 });
    assert.deepEqual(verify(signed, { now: new Date(NOW.getTime() + 60_000) }), { keyId: KEY_ID });
    assertRefused(() => verify(signed, { now: new Date(NOW.getTime() + 61_000) }), 'the signature expired 1 s ago');
  });

  test('the Date header must be an IMF-fixdate within the skew', () => {
    const components = ['@method', '@target-uri', 'content-digest', 'date'];
    const signedWithDate = (date: string) => signCustom(withDigestAndDate(REQUEST, date), components, STANDARD_PARAMS);
    assertRefused(() => verify(signedWithDate(new Date(NOW.getTime() - 301_000).toUTCString())), 'Date is 301 s in the past, outside the replay window of 300 s');
    assertRefused(() => verify(signedWithDate(new Date(NOW.getTime() + 400_000).toUTCString())), 'Date is 400 s in the future, beyond the allowed clock skew of 300 s');
    for (const date of ['2025-03-01T10:00:00Z', 'Saturday, 01-Mar-25 10:00:00 GMT', 'Sat Mar  1 10:00:00 2025', 'Sun, 01 Mar 2025 10:00:00 GMT', 'Sat, 31 Feb 2025 10:00:00 GMT']) {
      assertRefused(() => verify(signedWithDate(date)), /^the Date header is not an HTTP date/);
    }
    assert.deepEqual(verify(signedWithDate(new Date(NOW.getTime() - 299_000).toUTCString())), { keyId: KEY_ID });
  });

  test('signing refuses what it cannot sign', () => {
    const options: SigningOptions = { keyId: KEY_ID, key: privateKey, now: NOW, nonce: 'n' };
    assertInvalid(() => signRequest(REQUEST, { ...options, key: publicKey }), 'key', /Ed25519 private key/);
    assertInvalid(() => signRequest(REQUEST, { ...options, keyId: 'clé' }), 'keyId', /printable ASCII/);
    assertInvalid(() => signRequest(REQUEST, { ...options, keyId: '' }), 'keyId', /non-empty/);
    assertInvalid(() => signRequest(REQUEST, { ...options, nonce: 'a\nb' }), 'nonce', /printable ASCII/);
    assertInvalid(() => signRequest(REQUEST, { ...options, expiresInSeconds: 0 }), 'expiresInSeconds', /positive/);
    assertInvalid(() => signRequest(REQUEST, { ...options, label: 'Sig' }), 'label', /not a key/);
    assertInvalid(() => signRequest({ ...REQUEST, url: 'ftp://node-a.example/x' }, options), 'url', /http or https/);
    assertInvalid(() => signRequest({ ...REQUEST, method: 'GET /x' }, options), '@method', /not an HTTP method/);
  });

  test('property: random method, path, query and body round-trip, and any single-byte body change is caught', () => {
    const method = fc.oneof(fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'), fc.stringMatching(/^[A-Z][A-Z-]{0,9}$/));
    const segment = fc.string({ unit: 'grapheme', maxLength: 8 });
    const path = fc.array(segment, { maxLength: 4 }).map((segments) => `/${segments.map(encodeURIComponent).join('/')}`);
    const query = fc.option(fc.array(fc.tuple(segment, segment), { maxLength: 3 }).map((pairs) => `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`), { nil: '' });
    const body = fc.uint8Array({ minLength: 1, maxLength: 200 });
    const target = fc.constantFrom<SigningOptions['target']>('target-uri', 'path-and-query');
    fc.assert(
      fc.property(method, path, query, body, target, fc.nat(), fc.integer({ min: 1, max: 255 }), (m, p, q, b, mode, at, xor) => {
        const sent = sign({ method: m, url: `https://node-a.example${p}${q}`, body: b }, { target: mode });
        // The receiver rebuilds the URL from the request line it got, as a server does.
        const wire = new URL(sent.url);
        const received: HttpRequestParts = { ...sent, url: `https://node-a.example${wire.pathname}${wire.search}`, body: Buffer.from(b) };
        assert.deepEqual(verify(received), { keyId: KEY_ID });
        const changed = Uint8Array.from(b);
        changed[at % changed.length]! ^= xor;
        assertRefused(() => verify({ ...received, body: changed }), 'Content-Digest does not match the body: the body was changed');
      }),
      { numRuns: 200 },
    );
  });
});
