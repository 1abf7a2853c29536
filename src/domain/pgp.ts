// OpenPGP public keys that members publish so others can send them encrypted reports.
// A key is accepted only if someone could use it today: valid, unexpired, unrevoked, able to encrypt.
import * as openpgp from 'openpgp';
import { Invalid } from './errors.ts';

export interface PgpKeyInfo {
  fingerprint: string;
  keyId: string;
  userIds: string[];
  algorithm: string;
  createdAt: string;
  expiresAt: string | null;
  canEncrypt: boolean;
}

export const MAX_ARMORED_KEY_LENGTH = 64 * 1024;

const ARMOR_HEADER = /-----BEGIN PGP ([A-Z ]+)-----/g;

export async function parsePgpPublicKey(
  armored: string,
  field = 'pgpPublicKey',
): Promise<{ armored: string; info: PgpKeyInfo }> {
  if (typeof armored !== 'string' || armored.trim() === '') {
    throw new Invalid(field, 'must be an ASCII-armored OpenPGP public key');
  }
  if (armored.length > MAX_ARMORED_KEY_LENGTH) throw new Invalid(field, 'must be at most 64 KiB');

  const armorTypes = [...armored.matchAll(ARMOR_HEADER)].map((match) => match[1]);
  // Checked before parsing so secret key material is never processed.
  if (armorTypes.includes('PRIVATE KEY BLOCK')) throw privateKeyPasted(field);
  // OpenPGP.js silently reads only the first armored block; anything after it would be lost.
  if (armorTypes.length > 1) throw new Invalid(field, 'contains several armored blocks: paste exactly one public key');

  const key = await readSingleKey(armored, field);
  if (key.isPrivate()) throw privateKeyPasted(field);
  if (await key.isRevoked()) throw new Invalid(field, 'this key has been revoked');

  const expiration = await expirationOf(key, field);
  if (expiration !== null && expiration.getTime() <= Date.now()) {
    throw new Invalid(field, `this key expired on ${expiration.toISOString()}`);
  }
  try {
    await key.verifyPrimaryKey();
  } catch {
    throw new Invalid(field, 'the key is not valid: its self-signature does not verify');
  }
  try {
    await key.getEncryptionKey();
  } catch {
    throw new Invalid(field, 'this key has no valid encryption subkey, so nobody could encrypt to it');
  }

  return {
    armored: key.armor(),
    info: {
      fingerprint: key.getFingerprint().toUpperCase(),
      keyId: key.getKeyID().toHex().toUpperCase(),
      userIds: key.getUserIDs(),
      algorithm: describeAlgorithm(key),
      createdAt: key.getCreationTime().toISOString(),
      expiresAt: expiration?.toISOString() ?? null,
      // Keys that cannot encrypt are rejected above, so every accepted key can.
      canEncrypt: true,
    },
  };
}

function privateKeyPasted(field: string): Invalid {
  return new Invalid(field, 'this is a private key: paste the public key only');
}

async function readSingleKey(armored: string, field: string): Promise<openpgp.Key> {
  let keys: openpgp.Key[];
  try {
    keys = await openpgp.readKeys({ armoredKeys: armored });
  } catch {
    throw new Invalid(field, 'could not be read as an ASCII-armored OpenPGP public key');
  }
  const [key, ...others] = keys;
  if (key === undefined) throw new Invalid(field, 'contains no key');
  if (others.length > 0) throw new Invalid(field, `contains ${keys.length} keys: paste exactly one public key`);
  return key;
}

/** Null when the key never expires. */
async function expirationOf(key: openpgp.Key, field: string): Promise<Date | null> {
  let expiration: Date | number | null;
  try {
    expiration = await key.getExpirationTime();
  } catch {
    // Thrown when no user ID carries a valid self-signature.
    throw new Invalid(field, 'the key is not valid: no user ID has a valid self-signature');
  }
  return expiration instanceof Date ? expiration : null;
}

function describeAlgorithm(key: openpgp.Key): string {
  const { algorithm, bits, curve } = key.getAlgorithmInfo();
  const size = bits ?? curve;
  return size === undefined ? algorithm : `${algorithm} ${size}`;
}
