import { Type, type Static } from 'typebox';
import { Timestamp } from '../../http/schemas.ts';

const NodeName = Type.String({ minLength: 1, maxLength: 200 });
const Member = Type.Object({ orgId: Type.String({ format: 'uuid' }), extend: Type.Optional(Type.Boolean()) }, { additionalProperties: false });

export const CreateSharingGroupBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 4000 })),
    members: Type.Optional(Type.Array(Member, { maxItems: 1000 })),
    releasableTo: Type.Optional(Type.Array(NodeName, { maxItems: 100 })),
  },
  { additionalProperties: false },
);
export type CreateSharingGroupInput = Static<typeof CreateSharingGroupBody>;

export const UpdateSharingGroupBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    description: Type.Optional(Type.String({ maxLength: 4000 })),
    releasableTo: Type.Optional(Type.Array(NodeName, { maxItems: 100 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateSharingGroupInput = Static<typeof UpdateSharingGroupBody>;

export const AddMemberBody = Member;

export const SharingGroupSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: Type.String(),
    ownerOrgId: Type.String(),
    members: Type.Array(Type.Object({ orgId: Type.String(), name: Type.String(), country: Type.Union([Type.String(), Type.Null()]), homeNode: Type.String(), extend: Type.Boolean() })),
    releasableTo: Type.Array(Type.String()),
    createdAt: Timestamp,
    modified: Timestamp,
  },
  { $id: 'SharingGroup' },
);
export type SharingGroup = Static<typeof SharingGroupSchema>;
