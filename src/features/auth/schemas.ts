import { Type } from 'typebox';
import { UserSchema } from '../users/schemas.ts';

export const LoginBody = Type.Object(
  { email: Type.String({ minLength: 1, maxLength: 254 }), password: Type.String({ minLength: 1, maxLength: 1024 }) },
  { additionalProperties: false },
);

export const MfaCodeBody = Type.Object({ code: Type.String({ minLength: 6, maxLength: 32 }) }, { additionalProperties: false });

export const PasswordConfirmBody = Type.Object({ password: Type.String({ minLength: 1, maxLength: 1024 }) }, { additionalProperties: false });

export const SessionResponse = Type.Object({ user: UserSchema, csrfToken: Type.String() });

export const LoginResponse = Type.Union([
  Type.Object({ mfaRequired: Type.Literal(false), user: UserSchema, csrfToken: Type.String() }),
  Type.Object({ mfaRequired: Type.Literal(true) }),
]);

export const EnrolResponse = Type.Object({ secret: Type.String(), otpauthUrl: Type.String(), qrSvg: Type.String() });
export const RecoveryCodesResponse = Type.Object({ recoveryCodes: Type.Array(Type.String()) });
