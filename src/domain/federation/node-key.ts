// Node keys as peers publish them: base64 of the raw 32-byte Ed25519 public key (the form the node
// module's `rawPublicKey` writes). Decoding is strict so that one key, or one signature, has exactly
// one textual form: a lenient decoder would let altered text pass as the same bytes.
import crypto from 'node:crypto';
import { Invalid } from '../errors.ts';

const ED25519_PUBLIC_KEY_BYTES = 32;
export const ED25519_SIGNATURE_BYTES = 64;

/** The bytes of `text` when it is padded standard base64 written the one way Node writes those bytes; else undefined. */
export function decodeCanonicalBase64(text: string): Buffer | undefined {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

/** The public key a peer published, ready for `crypto.verify`. */
export function nodePublicKey(publicKeyBase64: string, field = 'publicKey'): crypto.KeyObject {
  const raw = typeof publicKeyBase64 === 'string' ? decodeCanonicalBase64(publicKeyBase64) : undefined;
  if (raw === undefined || raw.length !== ED25519_PUBLIC_KEY_BYTES) throw new Invalid(field, 'the public key must be the base64 of a raw 32-byte Ed25519 key');
  try {
    return crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
  } catch {
    throw new Invalid(field, 'the public key is not a valid Ed25519 key');
  }
}

export function isEd25519Key(key: unknown): key is crypto.KeyObject {
  return key instanceof crypto.KeyObject && key.asymmetricKeyType === 'ed25519';
}

export function isEd25519PrivateKey(key: unknown): key is crypto.KeyObject {
  return isEd25519Key(key) && key.type === 'private';
}
