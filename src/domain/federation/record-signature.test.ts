import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fc from 'fast-check';
import { assertInvalid } from '../../../test/helpers/invalid.ts';
import { canonicalJson, type JsonValue } from '../stix/canonical-json.ts';
import {
  appendRelay,
  originChain,
  recordVersionId,
  signRecord,
  verifyChain,
  verifyRecord,
  type Provenance,
  type RelayChain,
  type Signer,
} from './record-signature.ts';

interface TestNode extends Signer {
  readonly publicKey: string;
}

function makeNode(node: string): TestNode {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
  const x = publicKey.export({ format: 'jwk' }).x!;
  return { node, key: privateKey, publicKey: Buffer.from(x, 'base64url').toString('base64') };
}

const origin = makeNode('node-kl.oic-cert.org');
const stranger = makeNode('node-kl.oic-cert.org');
const relayB = makeNode('node-b');
const relayC = makeNode('node-c');
const relayD = makeNode('node-d');
const directory = new Map([origin, relayB, relayC, relayD].map((n) => [n.node, n.publicKey]));
const keyOf = (node: string): string | undefined => directory.get(node);

const NOW = new Date('2025-03-01T10:00:00.000Z');
const record: JsonValue = {
  type: 'indicator',
  id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
  modified: '2025-03-01T09:59:00.000Z',
  pattern: "[ipv4-addr:value = '198.51.100.7']",
  labels: ['malicious-activity', 'c2'],
  confidence: 80,
  revoked: false,
  x_sanad: { tlp: 'AMBER', pap: 'GREEN', distribution: 'federation', note: null },
};

/** The same bytes with one bit flipped, re-encoded. */
function flipBit(base64: string, bit = 0): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[bit >> 3]! ^= 1 << (bit & 7);
  return bytes.toString('base64');
}

describe('record provenance', () => {
  test('a signed record verifies with the origin key and names the origin and time', () => {
    const provenance = signRecord(record, origin, NOW);
    assert.equal(provenance.node, 'node-kl.oic-cert.org');
    assert.equal(provenance.signedAt, '2025-03-01T10:00:00.000Z');
    assert.match(provenance.signature, /^[A-Za-z0-9+/]{86}==$/);
    verifyRecord(record, provenance, origin.publicKey);
  });

  test('what is signed is the RFC 8785 canonical JSON of { record, node, signedAt }', () => {
    const provenance = signRecord(record, origin, NOW);
    const payload = canonicalJson({ signedAt: provenance.signedAt, record, node: provenance.node });
    assert.ok(crypto.verify(null, Buffer.from(payload), crypto.createPublicKey(origin.key), Buffer.from(provenance.signature, 'base64')));
  });

  test('Ed25519 is deterministic: the same record, node and time give the same signature', () => {
    assert.equal(signRecord(record, origin, NOW).signature, signRecord(structuredClone(record), origin, NOW).signature);
  });

  test('the order in which keys were written does not matter (canonical JSON)', () => {
    const reordered = JSON.parse(`{${Object.entries(record as Record<string, JsonValue>).reverse().map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v, null, 2)}`).join(',')}}`) as JsonValue;
    assert.notEqual(JSON.stringify(reordered), JSON.stringify(record));
    verifyRecord(reordered, signRecord(record, origin, NOW), origin.publicKey);
  });

  test('a change to any value of the record is detected', () => {
    const provenance = signRecord(record, origin, NOW);
    const changes: JsonValue[] = [
      { ...(record as object), confidence: 81 },
      { ...(record as object), revoked: true },
      { ...(record as object), pattern: "[ipv4-addr:value = '198.51.100.8']" },
      { ...(record as object), labels: ['c2', 'malicious-activity'] },
      { ...(record as object), x_sanad: { tlp: 'CLEAR', pap: 'GREEN', distribution: 'federation', note: null } },
      { ...(record as object), extra: true },
    ];
    for (const changed of changes) assertInvalid(() => verifyRecord(changed, provenance, origin.publicKey), 'signature', /^does not match/);
    const { revoked: _dropped, ...withoutOneKey } = record as Record<string, JsonValue>;
    assertInvalid(() => verifyRecord(withoutOneKey, provenance, origin.publicKey), 'signature', /^does not match/);
  });

  test('a renamed origin, a changed time or a flipped signature bit is detected', () => {
    const provenance = signRecord(record, origin, NOW);
    const altered: Provenance[] = [
      { ...provenance, node: 'node-b' },
      { ...provenance, signedAt: '2025-03-01T10:00:00.001Z' },
      { ...provenance, signedAt: '2025-03-01T10:00:00Z' },
      { ...provenance, signature: flipBit(provenance.signature, 0) },
      { ...provenance, signature: flipBit(provenance.signature, 511) },
    ];
    for (const tampered of altered) assertInvalid(() => verifyRecord(record, tampered, origin.publicKey), 'signature', /^does not match/);
  });

  test('the signature text has a single form: altered padding bits are refused although they decode to the same bytes', () => {
    const provenance = signRecord(record, origin, NOW);
    // 64 bytes leave four unused bits in the last base64 digit before "==".
    const last = provenance.signature.at(-3)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const sibling = alphabet[alphabet.indexOf(last) ^ 1]!;
    const variant = `${provenance.signature.slice(0, -3)}${sibling}==`;
    assert.deepEqual(Buffer.from(variant, 'base64'), Buffer.from(provenance.signature, 'base64'));
    assertInvalid(() => verifyRecord(record, { ...provenance, signature: variant }, origin.publicKey), 'signature', 'the signature must be the base64 of 64 bytes');
    assertInvalid(() => verifyRecord(record, { ...provenance, signature: provenance.signature.slice(0, -2) }, origin.publicKey), 'signature', 'the signature must be the base64 of 64 bytes');
  });

  test('another key is refused, even one held for the same node name', () => {
    const provenance = signRecord(record, origin, NOW);
    assertInvalid(() => verifyRecord(record, provenance, stranger.publicKey), 'signature', /not signed with this key/);
    assertInvalid(() => verifyRecord(record, signRecord(record, stranger, NOW), origin.publicKey), 'signature', /^does not match/);
  });

  test('malformed keys and provenance from the wire get a clear error', () => {
    const provenance = signRecord(record, origin, NOW);
    assertInvalid(() => verifyRecord(record, provenance, 'not base64!'), 'signature', /raw 32-byte Ed25519 key/);
    assertInvalid(() => verifyRecord(record, provenance, Buffer.alloc(31).toString('base64')), 'signature', /raw 32-byte Ed25519 key/);
    assertInvalid(() => verifyRecord(record, { ...provenance, node: '' }, origin.publicKey), 'signature', /names no origin node/);
    assertInvalid(() => verifyRecord(record, { ...provenance, node: 7 } as unknown as Provenance, origin.publicKey), 'signature', /names no origin node/);
    assertInvalid(() => verifyRecord(record, { ...provenance, signedAt: 'yesterday' }, origin.publicKey), 'signature', /RFC 3339/);
    assertInvalid(() => verifyRecord(record, null as unknown as Provenance, origin.publicKey), 'signature', /must be an object/);
  });

  test('refuses to sign what is not JSON or without an Ed25519 private key', () => {
    assertInvalid(() => signRecord({ score: Number.NaN } as unknown as JsonValue, origin, NOW), 'record.score', 'must be a finite number');
    assertInvalid(() => signRecord(record, { node: 'x', key: crypto.createPublicKey(origin.key) }, NOW), 'origin.key', /Ed25519 private key/);
    assertInvalid(() => signRecord(record, { node: '', key: origin.key }, NOW), 'origin.node', /must name/);
  });

  test('property: any JSON record verifies after signing, and never after a leaf changes', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.nat(), primitive, (generated, pick, replacement) => {
        const value = generated as JsonValue;
        const provenance = signRecord(value, origin, NOW);
        verifyRecord(value, provenance, origin.publicKey);
        const leaves = leafPaths(value);
        const path = leaves[pick % leaves.length]!;
        const before = getAt(value, path);
        // A replacement with the same canonical text (0 for -0, say) is no change: wrap it instead.
        const after = canonicalJson(replacement) === canonicalJson(before) ? [before] : replacement;
        const mutated = setAt(value, path, after);
        assert.throws(() => verifyRecord(mutated, provenance, origin.publicKey), /does not match/);
      }),
      { numRuns: 300 },
    );
  });
});

describe('relay chain', () => {
  test('the origin provenance travels unchanged and every hop is checked', () => {
    const provenance = signRecord(record, origin, NOW);
    const atB = appendRelay(record, originChain(provenance), relayB, new Date('2025-03-01T10:01:00Z'));
    const atC = appendRelay(record, atB, relayC, new Date('2025-03-01T10:02:00Z'));
    assert.deepEqual(atC.origin, provenance);
    assert.deepEqual(atC.relays.map((link) => [link.node, link.relayedAt]), [
      ['node-b', '2025-03-01T10:01:00.000Z'],
      ['node-c', '2025-03-01T10:02:00.000Z'],
    ]);
    verifyRecord(record, atC.origin, origin.publicKey);
    assert.deepEqual(verifyChain(record, atC, keyOf), ['node-kl.oic-cert.org', 'node-b', 'node-c']);
    assert.deepEqual(verifyChain(record, originChain(provenance), keyOf), ['node-kl.oic-cert.org']);
  });

  test('a relay does not change the chain it was given', () => {
    const chain = originChain(signRecord(record, origin, NOW));
    const copy = structuredClone(chain);
    appendRelay(record, chain, relayB, NOW);
    assert.deepEqual(chain, copy);
  });

  test('a changed record is caught at the origin; tampered hops are caught at the hop', () => {
    const chain = relayedThrough([relayB, relayC, relayD]);
    assertInvalid(() => verifyChain({ ...(record as object), confidence: 1 }, chain, keyOf), 'origin.signature', /^does not match/);
    const at = (index: number, change: object): RelayChain => ({ ...chain, relays: chain.relays.map((link, i) => (i === index ? { ...link, ...change } : link)) });
    assertInvalid(() => verifyChain(record, at(1, { signature: flipBit(chain.relays[1]!.signature, 77) }), keyOf), 'relays[1].signature', /^does not match/);
    assertInvalid(() => verifyChain(record, at(0, { relayedAt: '2025-03-01T10:00:01.000Z' }), keyOf), 'relays[0].signature', /^does not match/);
    assertInvalid(() => verifyChain(record, at(2, { node: 'node-b2' }), (node) => (node === 'node-b2' ? relayD.publicKey : keyOf(node))), 'relays[2].signature', /^does not match/);
    assertInvalid(() => verifyChain(record, at(0, { signature: 'short' }), keyOf), 'relays[0].signature', 'the signature must be the base64 of 64 bytes');
  });

  test('removing, reordering or grafting hops breaks the link that follows', () => {
    const chain = relayedThrough([relayB, relayC, relayD]);
    const [b, c, d] = chain.relays as [RelayChainLink, RelayChainLink, RelayChainLink];
    assertInvalid(() => verifyChain(record, { ...chain, relays: [b, d] }, keyOf), 'relays[1].signature', /^does not match/);
    assertInvalid(() => verifyChain(record, { ...chain, relays: [c, b, d] }, keyOf), 'relays[0].signature', /^does not match/);
    // A link made for another record (another version of the same one) cannot be reused.
    const newer = { ...(record as object), modified: '2025-03-01T10:05:00.000Z' };
    const other = appendRelay(newer, originChain(signRecord(newer, origin, NOW)), relayB, NOW);
    assertInvalid(() => verifyChain(record, { ...chain, relays: [other.relays[0]!, c, d] }, keyOf), 'relays[0].signature', /^does not match/);
  });

  test('dropping trailing hops leaves a shorter valid chain, so the receiver compares the last carrier with the sending peer', () => {
    const chain = relayedThrough([relayB, relayC]);
    const carriers = verifyChain(record, { ...chain, relays: chain.relays.slice(0, 1) }, keyOf);
    assert.equal(carriers.at(-1), 'node-b');
  });

  test('a relay signature cannot pass as an origin signature', () => {
    const chain = relayedThrough([relayB]);
    const link = chain.relays[0]!;
    assertInvalid(() => verifyRecord(record, { node: link.node, signature: link.signature, signedAt: link.relayedAt }, relayB.publicKey), 'signature', /^does not match/);
  });

  test('unknown nodes and loops are refused', () => {
    const chain = relayedThrough([relayB, relayC]);
    assertInvalid(() => verifyChain(record, chain, (node) => (node === 'node-c' ? undefined : keyOf(node))), 'relays[1].node', 'no public key is known for node "node-c"');
    assertInvalid(() => verifyChain(record, chain, () => undefined), 'origin.node', 'no public key is known for node "node-kl.oic-cert.org"');
    assertInvalid(() => appendRelay(record, chain, relayB, NOW), 'relay.node', /already carried this record/);
    assertInvalid(() => appendRelay(record, chain, { node: origin.node, key: origin.key }, NOW), 'relay.node', /already carried this record/);
    // A loop built by hand, with valid signatures, is refused too.
    const looped = appendRelay(record, { ...chain, relays: chain.relays.slice(0, 1) }, relayC, NOW);
    const withLoop: RelayChain = { ...looped, relays: [...looped.relays, ...forgeLink(looped, relayB)] };
    assertInvalid(() => verifyChain(record, withLoop, keyOf), 'relays[2].node', /appears twice/);
  });

  test('malformed chains from the wire get a clear error', () => {
    assertInvalid(() => verifyChain(record, { origin: signRecord(record, origin, NOW) } as unknown as RelayChain, keyOf), 'chain', /list of relays/);
    const chain = relayedThrough([relayB]);
    assertInvalid(() => verifyChain(record, { ...chain, relays: [null as unknown as RelayChainLink] }, keyOf), 'relays[0]', 'must be a relay link');
    assertInvalid(() => verifyChain(record, { ...chain, relays: [{ ...chain.relays[0]!, relayedAt: 'now' }] }, keyOf), 'relays[0].relayedAt', /RFC 3339/);
  });

  test('the record version id is the digest of the canonical record', () => {
    assert.equal(recordVersionId({ b: 1, a: [true] }), recordVersionId({ a: [true], b: 1 }));
    assert.notEqual(recordVersionId({ a: 1 }), recordVersionId({ a: 2 }));
    assert.equal(recordVersionId({}), crypto.createHash('sha256').update('{}').digest('base64'));
  });

  test('property: any chain verifies, and a flipped bit in any hop is caught at that hop', () => {
    const nodes = [relayB, relayC, relayD];
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), fc.integer({ min: 1, max: 3 }), fc.nat(), fc.integer({ min: 0, max: 511 }), (generated, hops, pick, bit) => {
        const value = generated as JsonValue;
        let chain = originChain(signRecord(value, origin, NOW));
        for (const relay of nodes.slice(0, hops)) chain = appendRelay(value, chain, relay, NOW);
        assert.equal(verifyChain(value, chain, keyOf).length, hops + 1);
        const index = pick % hops;
        const relays = chain.relays.map((link, i) => (i === index ? { ...link, signature: flipBit(link.signature, bit) } : link));
        assert.throws(() => verifyChain(value, { ...chain, relays }, keyOf), (error: unknown) => (error as { field?: string }).field === `relays[${index}].signature`);
      }),
      { numRuns: 100 },
    );
  });
});

type RelayChainLink = RelayChain['relays'][number];

function relayedThrough(relays: readonly TestNode[]): RelayChain {
  let chain = originChain(signRecord(record, origin, NOW));
  for (const relay of relays) chain = appendRelay(record, chain, relay, NOW);
  return chain;
}

// A link signed the way appendRelay signs, bypassing its loop check.
function forgeLink(chain: RelayChain, relay: TestNode): RelayChainLink[] {
  const previous = chain.relays.at(-1)!.signature;
  const relayedAt = NOW.toISOString();
  const payload = canonicalJson({ version: recordVersionId(record), previous, relay: relay.node, relayedAt });
  return [{ node: relay.node, relayedAt, signature: crypto.sign(null, Buffer.from(payload), relay.key).toString('base64') }];
}

// ---------------------------------------------------------------- JSON leaf mutation

type Path = (string | number)[];

const primitive: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 6 }),
  fc.constant<JsonValue>([]),
  fc.constant<JsonValue>({}),
);

// Every place holding a primitive or an empty container; the root itself when it is one.
function leafPaths(value: JsonValue, path: Path = []): Path[] {
  if (Array.isArray(value)) return value.length === 0 ? [path] : value.flatMap((entry, i) => leafPaths(entry, [...path, i]));
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    return keys.length === 0 ? [path] : keys.flatMap((key) => leafPaths(value[key]!, [...path, key]));
  }
  return [path];
}

function getAt(value: JsonValue, path: Path): JsonValue {
  return path.reduce<JsonValue>((node, step) => (node as Record<string | number, JsonValue>)[step]!, value);
}

// A copy with one place replaced; objects are rebuilt from entries so that a key such as
// "__proto__" stays an ordinary property.
function setAt(value: JsonValue, path: Path, replacement: JsonValue): JsonValue {
  const [step, ...rest] = path;
  if (step === undefined) return replacement;
  if (Array.isArray(value)) return value.map((entry, i) => (i === step ? setAt(entry, rest, replacement) : entry));
  return Object.fromEntries(Object.entries(value as Record<string, JsonValue>).map(([key, entry]) => [key, key === step ? setAt(entry, rest, replacement) : entry]));
}
