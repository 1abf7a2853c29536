// Peers as the API shows them, and what the federation endpoints answer.
import { Type, type Static } from 'typebox';
import { NullableTimestamp, Timestamp } from '../../http/schemas.ts';
import { OrganisationSchema } from '../organisations/schemas.ts';

export const PEER_STATUSES = ['active', 'paused'] as const;
export type PeerStatus = (typeof PEER_STATUSES)[number];

export const PeerSchema = Type.Object({
  id: Type.String(),
  name: Type.String({ description: "The peer's node name, as it signs its records" }),
  url: Type.String({ description: 'Base URL of the peer node' }),
  publicKey: Type.String({ description: 'Ed25519 public key, base64 of the raw 32 bytes' }),
  fingerprint: Type.String({ description: 'SHA-256 of the key, to compare out of band; the keyid of its signed requests' }),
  status: Type.Enum(PEER_STATUSES),
  createdAt: Timestamp,
  modified: Timestamp,
  lastContactAt: NullableTimestamp,
  lastError: Type.Union([Type.String(), Type.Null()]),
  sync: Type.Object({
    lastSyncAt: NullableTimestamp,
    lastError: Type.Union([Type.String(), Type.Null()]),
    running: Type.Boolean({ description: 'A pull from this peer holds the lease now' }),
    behind: Type.Union([Type.Integer(), Type.Null()], { description: "Events of the peer's feed not yet pulled, as of the last page (null before the first)" }),
    receivedRecords: Type.Integer(),
    receivedTombstones: Type.Integer(),
    refusedRecords: Type.Integer(),
  }),
});
export type Peer = Static<typeof PeerSchema>;

export const CreatePeerBody = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 2048, description: 'Base URL of the peer node, e.g. https://sanad.cert.example' }),
    publicKey: Type.String({ minLength: 1, maxLength: 100, description: "The peer's key as `sanad node key` prints it" }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: "The peer's node name (default: the URL's host, replaced by the name the peer announces at the first successful contact)" })),
  },
  { additionalProperties: false },
);
export type CreatePeerInput = Static<typeof CreatePeerBody>;

export const UpdatePeerBody = Type.Object({ status: Type.Enum(PEER_STATUSES) }, { additionalProperties: false });
export type UpdatePeerInput = Static<typeof UpdatePeerBody>;

export const HelloSchema = Type.Object({
  node: Type.String(),
  publicKey: Type.String(),
  fingerprint: Type.String(),
  time: Timestamp,
  peer: Type.String({ description: 'The calling node, as this node knows it' }),
});
export type Hello = Static<typeof HelloSchema>;

// The directory entry: the organisation as this node's API shows it, less its contacts and profile.
const { id, name, shortName, country, tier, status, homeNode } = OrganisationSchema.properties;
export const DirectoryOrganisationSchema = Type.Object({ id, name, shortName, country, tier, status, homeNode, modified: Timestamp });
export type DirectoryOrganisation = Static<typeof DirectoryOrganisationSchema>;

export const ProvenanceSchema = Type.Object({ node: Type.String(), signature: Type.String(), signedAt: Timestamp });

export const DirectorySchema = Type.Object({
  node: Type.String(),
  items: Type.Array(Type.Object({ organisation: DirectoryOrganisationSchema, provenance: ProvenanceSchema })),
});
export type Directory = Static<typeof DirectorySchema>;

export const SyncQuery = Type.Object(
  {
    after: Type.Optional(Type.String({ maxLength: 4000, description: 'The cursor the previous page gave; asking with it acknowledges that page' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, description: 'Records per page (default 2,000)' })),
  },
  { additionalProperties: false },
);

export const SyncBody = Type.Object(
  { maxPages: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, description: 'Stop after this many pages; the next sync goes on from there' })) },
  { additionalProperties: false },
);

export const SyncProgressSchema = Type.Object({
  peer: Type.String(),
  pages: Type.Integer(),
  records: Type.Integer(),
  tombstones: Type.Integer(),
  skipped: Type.Integer(),
  refused: Type.Integer(),
  behind: Type.Integer(),
  done: Type.Boolean(),
});
