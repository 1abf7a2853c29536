// Signed manifests: how a node vouches for many record versions with one signature.
//
// Signing each version of each record on its own costs one Ed25519 verification per record at every
// receiving node, about 10,000 a second on one core here: a million indicators would take minutes.
// A node instead signs a manifest, the list of the version hashes (`recordVersionId`) of up to a few
// hundred records, and every record travels with a reference to its manifest and its place in it.
// A receiver verifies each manifest once and checks every record against its hash in the list; the
// record is still bound to its origin's key, whichever records it travelled with, and a relay that
// passes on only some of a manifest's records passes on the manifest unchanged.
//
// An origin signs the versions it wrote (role `origin`), a relay the versions it passed on (role
// `relay`): a record's chain is its origin's manifest entry followed by one entry per relay. The
// signed payload is the RFC 8785 canonical JSON of { node, role, signedAt, versions }, whose keys
// differ from those of a single record's signature payload: neither can pass as the other.
import crypto from 'node:crypto';
import { Invalid } from '../errors.ts';
import { canonicalJson } from '../stix/canonical-json.ts';
import { isStixTimestamp } from '../stix/timestamps.ts';
import { decodeCanonicalBase64, ED25519_SIGNATURE_BYTES, nodePublicKey } from './node-key.ts';
import type { NodeKeyLookup, Signer } from './record-signature.ts';

export const MANIFEST_ROLES = ['origin', 'relay'] as const;
export type ManifestRole = (typeof MANIFEST_ROLES)[number];

/** At most this many versions in one manifest: a relay passing on one record carries the whole list. */
export const MAX_MANIFEST_VERSIONS = 256;

export interface Manifest {
  readonly node: string;
  readonly role: ManifestRole;
  readonly signedAt: string;
  /** base64 SHA-256 of each record version's canonical JSON. */
  readonly versions: readonly string[];
  readonly signature: string;
}

/** A record's place in a manifest: the manifest's id and the index of its version hash. */
export type ManifestEntry = readonly [manifestId: string, index: number];

/** Where a record version comes from: its origin's entry, then one entry per relay in travel order. */
export interface Chain {
  readonly origin: ManifestEntry;
  readonly relays: readonly ManifestEntry[];
}

const VERSION_HASH = /^[A-Za-z0-9+/]{43}=$/;

function payload(node: string, role: ManifestRole, signedAt: string, versions: readonly string[]): Buffer {
  return Buffer.from(canonicalJson({ node, role, signedAt, versions }));
}

export function signManifest(versions: readonly string[], signer: Signer, role: ManifestRole, now: Date = new Date()): Manifest {
  if (versions.length === 0 || versions.length > MAX_MANIFEST_VERSIONS) throw new Invalid('versions', `a manifest lists 1 to ${MAX_MANIFEST_VERSIONS} versions`);
  const signedAt = now.toISOString();
  const signature = crypto.sign(null, payload(signer.node, role, signedAt, versions), signer.key).toString('base64');
  return { node: signer.node, role, signedAt, versions: [...versions], signature };
}

/** The manifest's name: the base64url SHA-256 of its signature, which differs for every signed payload. */
export function manifestId(manifest: Pick<Manifest, 'signature'>): string {
  return crypto.createHash('sha256').update(manifest.signature).digest('base64url');
}

/** Checks shape and signature; throws Invalid naming `field` and the reason. */
export function verifyManifest(manifest: Manifest, publicKeyBase64: string, field = 'manifest'): void {
  if (typeof manifest !== 'object' || manifest === null) throw new Invalid(field, 'must be a signed manifest');
  const { node, role, signedAt, versions, signature } = manifest;
  if (typeof node !== 'string' || node === '') throw new Invalid(`${field}.node`, 'must name the signing node');
  if (!MANIFEST_ROLES.includes(role)) throw new Invalid(`${field}.role`, `must be one of ${MANIFEST_ROLES.join(', ')}`);
  if (!isStixTimestamp(signedAt)) throw new Invalid(`${field}.signedAt`, 'must be an RFC 3339 UTC timestamp');
  if (!Array.isArray(versions) || versions.length === 0 || versions.length > MAX_MANIFEST_VERSIONS) throw new Invalid(`${field}.versions`, `must list 1 to ${MAX_MANIFEST_VERSIONS} version hashes`);
  versions.forEach((version, index) => {
    if (typeof version !== 'string' || !VERSION_HASH.test(version)) throw new Invalid(`${field}.versions[${index}]`, 'must be the base64 of a SHA-256 hash');
  });
  const bytes = typeof signature === 'string' ? decodeCanonicalBase64(signature) : undefined;
  if (bytes === undefined || bytes.length !== ED25519_SIGNATURE_BYTES) throw new Invalid(`${field}.signature`, 'must be the base64 of 64 bytes');
  if (!crypto.verify(null, payload(node, role, signedAt, versions), nodePublicKey(publicKeyBase64, `${field}.node`), bytes)) {
    throw new Invalid(`${field}.signature`, `does not match: the list, its node "${node}", its role or its time was altered, or it was not signed with that node's key`);
  }
}

/**
 * Checks that a record version (its hash) sits at its chain's places: first in a manifest its origin
 * signed, then in one manifest per relay, no node twice. `manifestOf` gives a manifest by id, already
 * verified. Returns the nodes it passed through, origin first (the last is the node that sent it).
 */
export function checkChain(version: string, chain: Chain, manifestOf: (id: string) => Manifest | undefined, field = 'chain'): string[] {
  if (typeof chain !== 'object' || chain === null || !Array.isArray(chain.relays)) throw new Invalid(field, 'must be an object with an origin entry and a list of relays');
  const nodes: string[] = [];
  const check = (entry: ManifestEntry, role: ManifestRole, at: string): void => {
    if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string' || !Number.isInteger(entry[1])) throw new Invalid(at, 'must be [manifest id, index]');
    const manifest = manifestOf(entry[0]);
    if (!manifest) throw new Invalid(at, `names the manifest "${entry[0]}", which did not come with the record`);
    if (manifest.role !== role) throw new Invalid(at, `names a manifest signed as ${manifest.role}, not as ${role}`);
    if (manifest.versions[entry[1]] !== version) throw new Invalid(at, `the manifest of "${manifest.node}" does not list this version of the record at ${entry[1]}: the record was altered or the entry is wrong`);
    if (nodes.includes(manifest.node)) throw new Invalid(at, `node "${manifest.node}" appears twice in the chain: a relay loop`);
    nodes.push(manifest.node);
  };
  check(chain.origin, 'origin', `${field}.origin`);
  chain.relays.forEach((entry, index) => check(entry, 'relay', `${field}.relays[${index}]`));
  return nodes;
}

/** The verified manifests of a batch, by id: each verified with the key `keyOf` gives for its node. */
export function verifyManifests(manifests: readonly Manifest[], keyOf: NodeKeyLookup, field = 'manifests'): Map<string, Manifest> {
  if (!Array.isArray(manifests)) throw new Invalid(field, 'must be a list of signed manifests');
  const byId = new Map<string, Manifest>();
  manifests.forEach((manifest, index) => {
    const at = `${field}[${index}]`;
    const key = typeof manifest?.node === 'string' ? keyOf(manifest.node) : undefined;
    if (key === undefined) throw new Invalid(`${at}.node`, `no public key is known for node "${String(manifest?.node)}"`);
    verifyManifest(manifest, key, at);
    byId.set(manifestId(manifest), manifest);
  });
  return byId;
}
