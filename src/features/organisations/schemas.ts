import { Type, type Static } from 'typebox';
import { TIERS, MEMBER_STATUSES } from '../../domain/organisation.ts';
import { Email, Timestamp } from '../../http/schemas.ts';

const Tier = Type.Enum(TIERS);
const MemberStatus = Type.Enum(MEMBER_STATUSES);
const Phone = Type.String({ maxLength: 40, pattern: '^\\+?[0-9 ()./-]{3,40}$' });

export const Contacts = Type.Object(
  {
    roleEmail: Type.Optional(Email),
    phone: Type.Optional(Phone),
    emergencyPhone: Type.Optional(Phone),
    businessHours: Type.Optional(Type.String({ maxLength: 200 })),
    timeZone: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);

const ConstituencyInput = Type.Object(
  {
    ipPrefixes: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 10000 })),
    asns: Type.Optional(Type.Array(Type.Union([Type.String({ maxLength: 16 }), Type.Integer()]), { maxItems: 10000 })),
    domains: Type.Optional(Type.Array(Type.String({ maxLength: 253 }), { maxItems: 10000 })),
  },
  { additionalProperties: false },
);

const editable = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  shortName: Type.String({ minLength: 1, maxLength: 32 }),
  country: Type.String({ minLength: 2, maxLength: 2 }),
  tier: Tier,
  status: MemberStatus,
  homeNode: Type.String({ minLength: 1, maxLength: 200 }),
  contacts: Contacts,
  pgpPublicKey: Type.Union([Type.String({ maxLength: 65536 }), Type.Null()]),
  constituency: ConstituencyInput,
  profile: Type.String({ maxLength: 65536 }),
};

export const CreateOrganisationBody = Type.Object(
  {
    name: editable.name,
    shortName: editable.shortName,
    country: editable.country,
    tier: editable.tier,
    status: Type.Optional(editable.status),
    homeNode: Type.Optional(editable.homeNode),
    contacts: Type.Optional(editable.contacts),
    pgpPublicKey: Type.Optional(editable.pgpPublicKey),
    constituency: Type.Optional(editable.constituency),
    profile: Type.Optional(editable.profile),
  },
  { additionalProperties: false },
);
export type CreateOrganisationInput = Static<typeof CreateOrganisationBody>;

export const UpdateOrganisationBody = Type.Partial(Type.Object(editable, { additionalProperties: false }), {
  additionalProperties: false,
  minProperties: 1,
});
export type UpdateOrganisationInput = Static<typeof UpdateOrganisationBody>;

export const OrganisationSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    shortName: Type.String(),
    country: Type.Union([Type.String(), Type.Null()]),
    tier: Type.String(),
    status: Type.String(),
    homeNode: Type.String(),
    contacts: Contacts,
    pgpPublicKey: Type.Union([Type.String(), Type.Null()]),
    pgpFingerprint: Type.Union([Type.String(), Type.Null()]),
    constituency: Type.Object({
      ipPrefixes: Type.Array(Type.String()),
      asns: Type.Array(Type.String()),
      domains: Type.Array(Type.String()),
    }),
    profile: Type.String(),
    createdAt: Timestamp,
    modifiedAt: Timestamp,
  },
  { $id: 'Organisation' },
);
export type Organisation = Static<typeof OrganisationSchema>;

export const ListOrganisationsQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
    q: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
