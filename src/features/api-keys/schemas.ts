import { Type, type Static } from 'typebox';
import { NullableTimestamp, Timestamp } from '../../http/schemas.ts';
import { RoleSchema } from '../users/schemas.ts';

export const ApiKeySchema = Type.Object(
  {
    id: Type.String(),
    userId: Type.String(),
    name: Type.String(),
    prefix: Type.String(),
    role: RoleSchema,
    createdAt: Timestamp,
    expiresAt: NullableTimestamp,
    revokedAt: NullableTimestamp,
    lastUsedAt: NullableTimestamp,
    lastUsedIp: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'ApiKey' },
);
export type ApiKey = Static<typeof ApiKeySchema>;

export const CreateApiKeyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    role: Type.Optional(RoleSchema),
    expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);
export type CreateApiKeyInput = Static<typeof CreateApiKeyBody>;

export const CreatedApiKeySchema = Type.Object({ apiKey: ApiKeySchema, key: Type.String() });

export const ListApiKeysQuery = Type.Object(
  { userId: Type.Optional(Type.String({ format: 'uuid' })), includeRevoked: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
