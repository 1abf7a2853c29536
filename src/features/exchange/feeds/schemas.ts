import { Type, type Static } from 'typebox';
import { DISTRIBUTIONS, PAP_LEVELS, TLP_LEVELS } from '../../../domain/handling.ts';
import { NullableTimestamp, Timestamp } from '../../../http/schemas.ts';

export const FEED_KINDS = ['taxii', 'misp', 'csv', 'freetext'] as const;
export type FeedKind = (typeof FEED_KINDS)[number];
export const FEED_STATUSES = ['never', 'running', 'succeeded', 'unchanged', 'failed'] as const;
export type FeedStatus = (typeof FEED_STATUSES)[number];
export const MIN_INTERVAL_MINUTES = 5;
export const MAX_INTERVAL_MINUTES = 60 * 24 * 31;

const Uuid = Type.String({ format: 'uuid' });
const Secret = Type.String({ minLength: 1, maxLength: 4096 });

/** What the remote is sent: HTTP Basic (TAXII servers must take it; the password may be an API key),
 *  a bearer token, or one header of the remote's choosing (MISP wants its key raw in Authorization). */
export const CredentialsInput = Type.Union([
  Type.Object({ type: Type.Literal('basic'), username: Type.Optional(Type.String({ maxLength: 255 })), password: Secret }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('bearer'), token: Secret }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('header'), name: Type.String({ pattern: '^[A-Za-z0-9-]{1,100}$' }), value: Secret }, { additionalProperties: false }),
]);
export type CredentialsInput = Static<typeof CredentialsInput>;

const CsvSettings = Type.Object(
  {
    valueColumn: Type.Integer({ minimum: 1, maximum: 1000, description: 'the column holding the value, counted from 1' }),
    typeColumn: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 1000 }), Type.Null()], { description: 'the column holding its Sanad/MISP type; absent: recognised from the value' })),
    delimiter: Type.Optional(Type.String({ minLength: 1, maxLength: 1, description: 'default ","' })),
    header: Type.Optional(Type.Boolean({ description: 'the first line names the columns' })),
  },
  { additionalProperties: false },
);

const handlingFields = {
  tlp: Type.Optional(Type.Enum(TLP_LEVELS, { description: 'TLP of what the feed brings (default AMBER); markings on the remote may only make it stricter' })),
  pap: Type.Optional(Type.Enum(PAP_LEVELS, { description: 'default AMBER' })),
  distribution: Type.Optional(Type.Enum(DISTRIBUTIONS, { description: 'default organisation' })),
  sharingGroupId: Type.Optional(Type.Union([Uuid, Type.Null()])),
  publish: Type.Optional(Type.Boolean({ description: 'publish the events a pull writes (default false: the team reviews them first)' })),
};

export const CreateFeedBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'default: the kind and the host' })),
    kind: Type.Enum(FEED_KINDS),
    url: Type.String({ minLength: 1, maxLength: 2048, description: 'taxii: the API root; misp: the feed directory (manifest.json beside it); csv, freetext: the file' }),
    collectionId: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'taxii: the collection to pull' })),
    csv: Type.Optional(CsvSettings),
    orgId: Type.Optional(Type.String({ format: 'uuid', description: "the owning team; default the caller's (the node's operators may name another)" })),
    credentials: Type.Optional(Type.Union([CredentialsInput, Type.Null()])),
    ...handlingFields,
    enabled: Type.Optional(Type.Boolean()),
    intervalMinutes: Type.Optional(Type.Integer({ minimum: MIN_INTERVAL_MINUTES, maximum: MAX_INTERVAL_MINUTES, description: 'default 60' })),
  },
  { additionalProperties: false },
);
export type CreateFeedInput = Static<typeof CreateFeedBody>;

export const UpdateFeedBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    url: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
    collectionId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    csv: Type.Optional(CsvSettings),
    credentials: Type.Optional(Type.Union([CredentialsInput, Type.Null()], { description: 'null removes them' })),
    ...handlingFields,
    enabled: Type.Optional(Type.Boolean()),
    intervalMinutes: Type.Optional(Type.Integer({ minimum: MIN_INTERVAL_MINUTES, maximum: MAX_INTERVAL_MINUTES })),
    resetCursor: Type.Optional(Type.Boolean({ description: 'forget what was pulled: the next pull fetches everything again (what the team holds already is skipped)' })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateFeedInput = Static<typeof UpdateFeedBody>;

const Counts = Type.Object({
  objects: Type.Integer({ description: 'STIX objects (taxii) or MISP objects (misp) stored' }),
  events: Type.Integer({ description: 'events written' }),
  indicators: Type.Integer({ description: 'indicators added' }),
  skipped: Type.Integer({ description: 'held already, or not newer than the copy held' }),
  invalid: Type.Integer({ description: 'lines or events refused, with the reasons in notes' }),
});

export const FeedStateSchema = Type.Object({
  status: Type.Enum(FEED_STATUSES),
  phase: Type.Union([Type.String(), Type.Null()], { description: 'what a running pull is doing' }),
  startedAt: NullableTimestamp,
  finishedAt: NullableTimestamp,
  lastSuccessAt: NullableTimestamp,
  lastError: Type.Union([Type.String(), Type.Null()]),
  notes: Type.Array(Type.String()),
  counts: Counts,
  cursor: Type.Union([Type.String(), Type.Null()], { description: 'where the next pull starts, in words' }),
  nextPullAt: Type.Union([Timestamp, Type.Null()], { description: 'null while the feed is disabled' }),
});
export type FeedState = Static<typeof FeedStateSchema>;

export const FeedSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    kind: Type.Enum(FEED_KINDS),
    url: Type.String(),
    collectionId: Type.Union([Type.String(), Type.Null()]),
    csv: Type.Union([Type.Object({ valueColumn: Type.Integer(), typeColumn: Type.Union([Type.Integer(), Type.Null()]), delimiter: Type.String(), header: Type.Boolean() }), Type.Null()]),
    orgId: Type.String(),
    orgName: Type.String(),
    credentials: Type.Object({ type: Type.Union([Type.Enum(['basic', 'bearer', 'header'] as const), Type.Null()]), set: Type.Boolean() }, { description: 'never the secret itself' }),
    tlp: Type.Enum(TLP_LEVELS),
    pap: Type.Enum(PAP_LEVELS),
    distribution: Type.Enum(DISTRIBUTIONS),
    sharingGroupId: Type.Union([Type.String(), Type.Null()]),
    publish: Type.Boolean(),
    enabled: Type.Boolean(),
    intervalMinutes: Type.Integer(),
    state: FeedStateSchema,
    createdAt: Timestamp,
    modified: Timestamp,
  },
  { $id: 'Feed' },
);
export type Feed = Static<typeof FeedSchema>;
