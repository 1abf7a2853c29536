// argon2id password hashes (@node-rs/argon2: native, no download at install, ~4x faster than `argon2`).
import { hash, verify } from '@node-rs/argon2';

// Algorithm.Argon2id of @node-rs/argon2 (an ambient const enum, which verbatimModuleSyntax cannot import).
const ARGON2ID = 2;
import type { PasswordHashingCost } from '../../config.ts';

export async function hashPassword(password: string, cost: PasswordHashingCost): Promise<string> {
  return hash(password, { algorithm: ARGON2ID, ...cost });
}

export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}

let decoy: Promise<string> | undefined;
/** A hash to verify against when the account does not exist, so timing does not reveal which e-mails are registered. */
export function decoyHash(cost: PasswordHashingCost): Promise<string> {
  decoy ??= hashPassword('decoy password that matches nothing', cost);
  return decoy;
}
