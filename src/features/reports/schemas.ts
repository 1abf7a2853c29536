import { Type, type Static } from 'typebox';

export const PublicReportBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    email: Type.String({ format: 'email', maxLength: 254 }),
    title: Type.String({ minLength: 3, maxLength: 300 }),
    description: Type.Optional(Type.String({ maxLength: 20_000 })),
    classification: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    rsitType: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    country: Type.Optional(Type.String({ minLength: 2, maxLength: 2 })),
    observables: Type.Optional(Type.Array(Type.Object({ value: Type.String({ minLength: 1, maxLength: 2048 }), type: Type.Optional(Type.String({ maxLength: 64 })) }, { additionalProperties: false }), { maxItems: 100 })),
    website: Type.Optional(Type.String({ maxLength: 200, description: 'leave empty' })),
  },
  { additionalProperties: false },
);
export type PublicReportInput = Static<typeof PublicReportBody>;
