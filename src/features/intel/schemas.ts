import { Type, type Static } from 'typebox';
import { Timestamp } from '../../http/schemas.ts';
import { DISTRIBUTIONS, PAP_LEVELS, TLP_LEVELS } from '../../domain/handling.ts';

export const THREAT_LEVELS = ['high', 'medium', 'low', 'undefined'] as const;
export const ANALYSIS_STATES = ['initial', 'ongoing', 'complete'] as const;

const Tlp = Type.Enum(TLP_LEVELS);
const Pap = Type.Enum(PAP_LEVELS);
const Distribution = Type.Enum(DISTRIBUTIONS);
const Uuid = Type.String({ format: 'uuid' });
const TagList = Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { maxItems: 100 });
const DateOnly = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });

export const IndicatorInput = Type.Object(
  {
    type: Type.String({ minLength: 1, maxLength: 64 }),
    value: Type.String({ minLength: 1, maxLength: 1_048_576 }),
    category: Type.Optional(Type.String({ maxLength: 64 })),
    toIds: Type.Optional(Type.Boolean()),
    comment: Type.Optional(Type.String({ maxLength: 4000 })),
    firstSeen: Type.Optional(Type.String({ format: 'date-time' })),
    lastSeen: Type.Optional(Type.String({ format: 'date-time' })),
    tlp: Type.Optional(Tlp),
    distribution: Type.Optional(Distribution),
    sharingGroupId: Type.Optional(Uuid),
    tags: Type.Optional(TagList),
  },
  { additionalProperties: false },
);
export type IndicatorInput = Static<typeof IndicatorInput>;

export const ObjectInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64 }),
    comment: Type.Optional(Type.String({ maxLength: 4000 })),
    attributes: Type.Array(
      Type.Object(
        {
          relation: Type.String({ minLength: 1, maxLength: 64 }),
          type: Type.String({ minLength: 1, maxLength: 64 }),
          value: Type.String({ minLength: 1, maxLength: 1_048_576 }),
          toIds: Type.Optional(Type.Boolean()),
          comment: Type.Optional(Type.String({ maxLength: 4000 })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 1000 },
    ),
  },
  { additionalProperties: false },
);
export type ObjectInput = Static<typeof ObjectInput>;

const eventFields = {
  info: Type.String({ minLength: 1, maxLength: 4000 }),
  date: DateOnly,
  threatLevel: Type.Enum(THREAT_LEVELS),
  analysis: Type.Enum(ANALYSIS_STATES),
  tlp: Tlp,
  pap: Pap,
  distribution: Distribution,
  sharingGroupId: Type.Union([Uuid, Type.Null()]),
  tags: TagList,
};

export const CreateEventBody = Type.Object(
  {
    info: eventFields.info,
    date: Type.Optional(eventFields.date),
    threatLevel: Type.Optional(eventFields.threatLevel),
    analysis: Type.Optional(eventFields.analysis),
    tlp: eventFields.tlp,
    pap: Type.Optional(eventFields.pap),
    distribution: eventFields.distribution,
    sharingGroupId: Type.Optional(eventFields.sharingGroupId),
    tags: Type.Optional(eventFields.tags),
    published: Type.Optional(Type.Boolean()),
    indicators: Type.Optional(Type.Array(IndicatorInput, { maxItems: 10_000 })),
    objects: Type.Optional(Type.Array(ObjectInput, { maxItems: 1000 })),
  },
  { additionalProperties: false },
);
export type CreateEventInput = Static<typeof CreateEventBody>;

export const UpdateEventBody = Type.Object(
  {
    info: Type.Optional(eventFields.info),
    date: Type.Optional(eventFields.date),
    threatLevel: Type.Optional(eventFields.threatLevel),
    analysis: Type.Optional(eventFields.analysis),
    tlp: Type.Optional(eventFields.tlp),
    pap: Type.Optional(eventFields.pap),
    distribution: Type.Optional(eventFields.distribution),
    sharingGroupId: Type.Optional(eventFields.sharingGroupId),
    tags: Type.Optional(eventFields.tags),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateEventInput = Static<typeof UpdateEventBody>;

export const AddIndicatorsBody = Type.Object(
  { indicators: Type.Optional(Type.Array(IndicatorInput, { maxItems: 10_000 })), objects: Type.Optional(Type.Array(ObjectInput, { maxItems: 1000 })) },
  { additionalProperties: false, minProperties: 1 },
);

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const EventSchema = Type.Object(
  {
    id: Type.String(),
    info: Type.String(),
    date: Type.String(),
    threatLevel: Type.String(),
    analysis: Type.String(),
    ownerOrgId: Type.String(),
    ownerOrgName: Type.String(),
    ownerCountry: Nullable(Type.String()),
    originNode: Type.String(),
    tlp: Type.String(),
    pap: Type.String(),
    distribution: Type.String(),
    sharingGroupId: Nullable(Type.String()),
    tags: Type.Array(Type.String()),
    published: Type.Boolean(),
    publishedAt: Nullable(Type.String()),
    createdAt: Timestamp,
    modified: Timestamp,
    indicatorCount: Type.Integer(),
  },
  { $id: 'Event' },
);
export type Event = Static<typeof EventSchema>;

export const IndicatorSchema = Type.Object(
  {
    id: Type.String(),
    eventId: Type.String(),
    objectId: Nullable(Type.String()),
    objectName: Nullable(Type.String()),
    objectRelation: Nullable(Type.String()),
    type: Type.String(),
    category: Type.String(),
    value: Type.String(),
    normalised: Type.String(),
    toIds: Type.Boolean(),
    comment: Type.String(),
    firstSeen: Nullable(Type.String()),
    lastSeen: Nullable(Type.String()),
    tlp: Type.String({ description: 'effective TLP (the indicator’s own or its event’s)' }),
    pap: Type.String(),
    distribution: Type.String(),
    sharingGroupId: Nullable(Type.String()),
    tags: Type.Array(Type.String()),
    warning: Nullable(Type.String({ description: 'warninglists the value is on: a likely false positive' })),
    modified: Timestamp,
  },
  { $id: 'Indicator' },
);
export type Indicator = Static<typeof IndicatorSchema>;

export const ListEventsQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
    q: Type.Optional(Type.String({ maxLength: 200 })),
    tag: Type.Optional(Type.String({ maxLength: 255 })),
    orgId: Type.Optional(Uuid),
    country: Type.Optional(Type.String({ minLength: 2, maxLength: 2 })),
    tlp: Type.Optional(Tlp),
    published: Type.Optional(Type.Boolean()),
    from: Type.Optional(DateOnly),
    to: Type.Optional(DateOnly),
  },
  { additionalProperties: false },
);
export type ListEventsFilter = Static<typeof ListEventsQuery>;

export const SearchIndicatorsQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
    type: Type.Optional(Type.String({ maxLength: 64 })),
    tag: Type.Optional(Type.String({ maxLength: 255 })),
    orgId: Type.Optional(Uuid),
    country: Type.Optional(Type.String({ minLength: 2, maxLength: 2 })),
    tlp: Type.Optional(Tlp),
    toIds: Type.Optional(Type.Boolean()),
    since: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);

export const ListIndicatorsQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
    type: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);
