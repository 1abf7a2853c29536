// The sanad of a shared record: the origin node signs the record with its Ed25519 key, and the
// signature travels with every copy of the record, so that any node holding it can check who it
// came from, whichever peers it passed through. Relays never re-sign the record: each adds a link
// to a chain, signing the record's version and the link before its own.
//
// What is signed is RFC 8785 canonical JSON, so that the signature does not depend on the order in
// which a producer happened to write object keys. The record payload is an object with the keys
// node, record and signedAt; a relay link payload has other keys; an HTTP signature base is not JSON
// at all. A signature made for one of these can therefore never be replayed as another.
import crypto from 'node:crypto';
import { Invalid } from '../errors.ts';
import { canonicalJson, type JsonValue } from '../stix/canonical-json.ts';
import { isStixTimestamp } from '../stix/timestamps.ts';
import { decodeCanonicalBase64, ED25519_SIGNATURE_BYTES, isEd25519PrivateKey, nodePublicKey } from './node-key.ts';

/** Who vouches for a record: the origin node, when it signed, and its signature (base64). */
export interface Provenance {
  readonly node: string;
  readonly signature: string;
  readonly signedAt: string;
}

/** A node about to sign: its name in the federation and its private key. */
export interface Signer {
  readonly node: string;
  readonly key: crypto.KeyObject;
}

/** One hop: the relaying node, when it passed the record on, and its signature over (version, previous link). */
export interface RelayLink {
  readonly node: string;
  readonly signature: string;
  readonly relayedAt: string;
}

/** The origin's provenance, unchanged, followed by every relay in the order the record travelled. */
export interface RelayChain {
  readonly origin: Provenance;
  readonly relays: readonly RelayLink[];
}

/** Looks up the published public key (base64 of the raw 32 bytes) of a node; undefined when unknown. */
export type NodeKeyLookup = (node: string) => string | undefined;

export function signRecord(record: JsonValue, origin: Signer, now: Date = new Date()): Provenance {
  const node = checkSigner(origin, 'origin');
  const signedAt = now.toISOString();
  const signature = crypto.sign(null, Buffer.from(recordPayload(record, node, signedAt)), origin.key).toString('base64');
  return { node, signature, signedAt };
}

/** Throws Invalid('signature', …) unless `provenance` is the signature of this record by the holder of this key. */
export function verifyRecord(record: JsonValue, provenance: Provenance, publicKeyBase64: string): void {
  verifyOrigin(record, provenance, publicKeyBase64, 'signature');
}

/**
 * Names exactly one version of one record, whatever its schema: the base64 SHA-256 of its canonical
 * JSON. Two versions of a record differ at least in `modified`, so they never share it.
 */
export function recordVersionId(record: JsonValue): string {
  return crypto.createHash('sha256').update(canonicalJson(record, 'record')).digest('base64');
}

/** The chain a record starts with when it leaves its origin. */
export function originChain(provenance: Provenance): RelayChain {
  return { origin: provenance, relays: [] };
}

/**
 * The chain to send onward after this node relays the record. The origin's provenance and earlier
 * links are kept as they are; a node that already carried the record refuses to carry it again.
 */
export function appendRelay(record: JsonValue, chain: RelayChain, relay: Signer, now: Date = new Date()): RelayChain {
  const node = checkSigner(relay, 'relay');
  if (carriers(chain).includes(node)) throw new Invalid('relay.node', `node "${node}" already carried this record: relaying it again would make a loop`);
  const relayedAt = now.toISOString();
  const previous = chain.relays.at(-1)?.signature ?? chain.origin.signature;
  const signature = crypto.sign(null, Buffer.from(relayPayload(recordVersionId(record), previous, node, relayedAt)), relay.key).toString('base64');
  return { origin: chain.origin, relays: [...chain.relays, { node, signature, relayedAt }] };
}

/**
 * Checks the origin's signature over the record and every relay's link, each with the key `keyOf`
 * gives for its node. Returns the nodes the record passed through, origin first: the last one is
 * the node it was received from, which the caller compares with the peer that sent it (dropping
 * trailing links would otherwise go unnoticed).
 */
export function verifyChain(record: JsonValue, chain: RelayChain, keyOf: NodeKeyLookup): string[] {
  if (!isObject(chain) || !isObject(chain.origin) || !Array.isArray(chain.relays)) throw new Invalid('chain', 'must be an object with an origin provenance and a list of relays');
  const originKey = knownKey(keyOf, chain.origin.node, 'origin.node');
  verifyOrigin(record, chain.origin, originKey, 'origin.signature');
  const version = recordVersionId(record);
  const seen = [chain.origin.node];
  let previous = chain.origin.signature;
  chain.relays.forEach((link, index) => {
    const at = `relays[${index}]`;
    if (!isObject(link)) throw new Invalid(at, 'must be a relay link');
    const signature = checkLink(link, at);
    if (seen.includes(link.node)) throw new Invalid(`${at}.node`, `node "${link.node}" appears twice in the chain: a relay loop`);
    const key = nodePublicKey(knownKey(keyOf, link.node, `${at}.node`), `${at}.node`);
    const payload = Buffer.from(relayPayload(version, previous, link.node, link.relayedAt));
    if (!crypto.verify(null, payload, key, signature)) {
      throw new Invalid(`${at}.signature`, `does not match: the record, the previous link, the relaying node "${link.node}" or its time was altered, or it was not signed with that node's key`);
    }
    seen.push(link.node);
    previous = link.signature;
  });
  return seen;
}

// The canonical JSON of { record, node, signedAt }, written out so that an error inside the record
// names its place from the record itself; "node" < "record" < "signedAt" is the RFC 8785 key order.
function recordPayload(record: JsonValue, node: string, signedAt: string): string {
  return `{"node":${canonicalJson(node)},"record":${canonicalJson(record, 'record')},"signedAt":${canonicalJson(signedAt)}}`;
}

function relayPayload(version: string, previous: string, node: string, relayedAt: string): string {
  return canonicalJson({ version, previous, relay: node, relayedAt });
}

function verifyOrigin(record: JsonValue, provenance: Provenance, publicKeyBase64: string, field: string): void {
  if (!isObject(provenance)) throw new Invalid(field, 'the provenance must be an object with node, signature and signedAt');
  const { node, signedAt } = provenance;
  if (typeof node !== 'string' || node === '') throw new Invalid(field, 'the provenance names no origin node');
  if (!isStixTimestamp(signedAt)) throw new Invalid(field, 'signedAt must be an RFC 3339 UTC timestamp');
  const signature = signatureBytes(provenance.signature, field);
  const key = nodePublicKey(publicKeyBase64, field);
  if (!crypto.verify(null, Buffer.from(recordPayload(record, node, signedAt)), key, signature)) {
    throw new Invalid(field, `does not match: the record, its origin node "${node}", its time or the signature was altered, or it was not signed with this key`);
  }
}

function checkLink(link: RelayLink, at: string): Buffer {
  if (typeof link.node !== 'string' || link.node === '') throw new Invalid(`${at}.node`, 'must name the relaying node');
  if (!isStixTimestamp(link.relayedAt)) throw new Invalid(`${at}.relayedAt`, 'must be an RFC 3339 UTC timestamp');
  return signatureBytes(link.signature, `${at}.signature`);
}

function signatureBytes(text: unknown, field: string): Buffer {
  const bytes = typeof text === 'string' ? decodeCanonicalBase64(text) : undefined;
  if (bytes === undefined || bytes.length !== ED25519_SIGNATURE_BYTES) throw new Invalid(field, 'the signature must be the base64 of 64 bytes');
  return bytes;
}

function knownKey(keyOf: NodeKeyLookup, node: unknown, field: string): string {
  if (typeof node !== 'string' || node === '') throw new Invalid(field, 'must name a node');
  const key = keyOf(node);
  if (key === undefined) throw new Invalid(field, `no public key is known for node "${node}"`);
  return key;
}

function checkSigner(signer: Signer, field: string): string {
  if (typeof signer.node !== 'string' || signer.node === '') throw new Invalid(`${field}.node`, 'must name the signing node');
  if (!isEd25519PrivateKey(signer.key)) throw new Invalid(`${field}.key`, 'must be an Ed25519 private key');
  return signer.node;
}

function carriers(chain: RelayChain): string[] {
  return [chain.origin.node, ...chain.relays.map((link) => link.node)];
}

// Chains arrive from peers: their shape is checked at run time, whatever the static types say.
function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
