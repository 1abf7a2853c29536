import { Type, type Static } from 'typebox';
import { ROLES } from '../../domain/roles.ts';
import { Email, NullableTimestamp, Password, Timestamp } from '../../http/schemas.ts';

export const RoleSchema = Type.Enum(ROLES);

export const UserSchema = Type.Object(
  {
    id: Type.String(),
    orgId: Type.String(),
    orgName: Type.String(),
    email: Type.String(),
    name: Type.String(),
    role: RoleSchema,
    disabled: Type.Boolean(),
    passwordChangeRequired: Type.Boolean(),
    mfaEnabled: Type.Boolean(),
    createdAt: Timestamp,
    lastLoginAt: NullableTimestamp,
  },
  { $id: 'User' },
);
export type User = Static<typeof UserSchema>;

export const CreateUserBody = Type.Object(
  {
    orgId: Type.String({ format: 'uuid' }),
    email: Email,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    role: RoleSchema,
    password: Password,
  },
  { additionalProperties: false },
);
export type CreateUserInput = Static<typeof CreateUserBody>;

export const UpdateUserBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    role: Type.Optional(RoleSchema),
    disabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateUserInput = Static<typeof UpdateUserBody>;

export const ListUsersQuery = Type.Object(
  {
    orgId: Type.Optional(Type.String({ format: 'uuid' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: false },
);

export const ChangePasswordBody = Type.Object(
  { currentPassword: Type.String({ minLength: 1, maxLength: 1024 }), newPassword: Password },
  { additionalProperties: false },
);
