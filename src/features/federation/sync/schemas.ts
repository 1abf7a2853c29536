// The shape of a sync page on the wire, checked before anything in it is trusted further.
import { Type } from 'typebox';
import { Compile } from 'typebox/compile';
import { Invalid } from '../../../domain/errors.ts';
import { ProvenanceSchema } from '../schemas.ts';

const Id = Type.String({ minLength: 1, maxLength: 100 });
const Text = (maxLength: number) => Type.String({ maxLength });
const NullableText = (maxLength: number) => Type.Union([Type.String({ maxLength }), Type.Null()]);
const Stamp = Type.String({ minLength: 20, maxLength: 40 });
const NullableStamp = Type.Union([Stamp, Type.Null()]);
const Tags = Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 200 });
const Entry = Type.Tuple([Type.String({ minLength: 1, maxLength: 100 }), Type.Integer({ minimum: 0, maximum: 10_000 })]);

const EventRecordSchema = Type.Object(
  {
    type: Type.Literal('event'),
    id: Id,
    info: Text(10_000),
    date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
    threatLevel: Text(40),
    analysis: Text(40),
    owner: Type.Object(
      { id: Id, name: Type.String({ minLength: 1, maxLength: 300 }), shortName: Type.String({ minLength: 1, maxLength: 100 }), country: NullableText(2), tier: Text(40), homeNode: Type.String({ minLength: 1, maxLength: 200 }) },
      { additionalProperties: false },
    ),
    originNode: Type.String({ minLength: 1, maxLength: 200 }),
    tlp: Text(20),
    pap: Text(20),
    distribution: Text(40),
    sharingGroupId: Type.Union([Id, Type.Null()]),
    tags: Tags,
    published: Type.Boolean(),
    publishedAt: NullableStamp,
    created: Stamp,
    modified: Stamp,
  },
  { additionalProperties: false },
);

const IndicatorRecordSchema = Type.Object(
  {
    type: Type.Literal('indicator'),
    id: Id,
    eventId: Id,
    object: Type.Union([
      Type.Object({ id: Id, name: Type.String({ minLength: 1, maxLength: 200 }), metaCategory: Text(200), comment: Text(10_000), created: Stamp }, { additionalProperties: false }),
      Type.Null(),
    ]),
    relation: NullableText(200),
    indicatorType: Type.String({ minLength: 1, maxLength: 100 }),
    category: Type.String({ minLength: 1, maxLength: 100 }),
    value: Type.String({ minLength: 1, maxLength: 65_536 }),
    toIds: Type.Boolean(),
    comment: Text(10_000),
    firstSeen: NullableStamp,
    lastSeen: NullableStamp,
    tlp: NullableText(20),
    distribution: NullableText(40),
    sharingGroupId: Type.Union([Id, Type.Null()]),
    tags: Tags,
    stixId: NullableText(200),
    created: Stamp,
    modified: Stamp,
  },
  { additionalProperties: false },
);

const TombstoneRecordSchema = Type.Object(
  {
    type: Type.Literal('tombstone'),
    of: Type.Union([Type.Literal('event'), Type.Literal('indicator')]),
    id: Id,
    eventId: Type.Union([Id, Type.Null()]),
    modified: Stamp,
    reason: Type.Union([Type.Literal('deleted'), Type.Literal('withdrawn')]),
    by: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);


export const SyncPageSchema = Type.Object(
  {
    node: Type.String({ minLength: 1, maxLength: 200 }),
    head: Type.Integer({ minimum: 0 }),
    position: Type.Integer({ minimum: 0 }),
    cursor: Type.String({ maxLength: 4000 }),
    done: Type.Boolean(),
    partial: Type.Union([Id, Type.Null()]),
    keys: Type.Array(Type.Object({ node: Type.String({ minLength: 1, maxLength: 200 }), publicKey: Type.String({ maxLength: 100 }), provenance: ProvenanceSchema }, { additionalProperties: false }), { maxItems: 1000 }),
    manifests: Type.Array(
      Type.Object(
        { node: Type.String({ minLength: 1, maxLength: 200 }), role: Type.String(), signedAt: Type.String(), versions: Type.Array(Type.String({ maxLength: 44 }), { maxItems: 256 }), signature: Type.String({ maxLength: 100 }) },
        { additionalProperties: false },
      ),
      { maxItems: 20_000 },
    ),
    changes: Type.Array(
      Type.Object(
        {
          record: Type.Union([EventRecordSchema, IndicatorRecordSchema, TombstoneRecordSchema]),
          chain: Type.Object({ origin: Entry, relays: Type.Array(Entry, { maxItems: 32 }) }, { additionalProperties: false }),
          snapshot: Type.Optional(Type.Literal(true)),
        },
        { additionalProperties: false },
      ),
      { maxItems: 10_000 },
    ),
  },
  { additionalProperties: false },
);

const checker = Compile(SyncPageSchema);

/** Throws Invalid naming the first field of the page that is not as the protocol says. */
export function checkPageShape(page: unknown): void {
  if (checker.Check(page)) return;
  const errors = checker.Errors(page);
  const first = errors.find((e) => e.keyword !== 'boolean') ?? errors[0];
  const field = (first?.instancePath ?? '').replace(/^\//, '').replace(/\/(\d+)/g, '[$1]').replace(/\//g, '.') || 'page';
  throw new Invalid(field, first?.message ?? 'is not a sync page');
}
