import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as openpgp from 'openpgp';
import { MAX_ARMORED_KEY_LENGTH, parsePgpPublicKey } from './pgp.ts';
import { assertRejectsInvalid } from '../../test/helpers/invalid.ts';

const FIELD = 'pgpPublicKey';
const USER = { name: 'CERT', email: 'cert@example.org' };

function generateEccKey(options: { keyExpirationTime?: number; date?: Date; subkeys?: [] } = {}) {
  return openpgp.generateKey({ ...options, type: 'ecc', curve: 'curve25519Legacy', userIDs: [USER], format: 'armored' });
}

describe('parsePgpPublicKey', () => {
  let publicKey: string;
  let privateKey: string;

  before(async () => {
    ({ publicKey, privateKey } = await generateEccKey());
  });

  test('accepts a valid public key and describes it', async () => {
    const { armored, info } = await parsePgpPublicKey(publicKey);
    const key = await openpgp.readKey({ armoredKey: publicKey });

    assert.match(info.fingerprint, /^[0-9A-F]{40}$/);
    assert.equal(info.fingerprint, key.getFingerprint().toUpperCase());
    assert.equal(info.keyId, info.fingerprint.slice(-16));
    assert.deepEqual(info.userIds, ['CERT <cert@example.org>']);
    assert.equal(info.algorithm, 'eddsaLegacy ed25519Legacy');
    assert.equal(info.createdAt, key.getCreationTime().toISOString());
    assert.equal(info.expiresAt, null);
    assert.equal(info.canEncrypt, true);
    assert.match(armored, /^-----BEGIN PGP PUBLIC KEY BLOCK-----\n/);
    assert.equal(armored, key.armor());
  });

  test('re-armours to a canonical form regardless of surrounding text and line endings', async () => {
    const messy = `Here is our key:\r\n\r\n${publicKey.replace(/\n/g, '\r\n')}\r\nThanks!`;
    const { armored, info } = await parsePgpPublicKey(messy);
    assert.equal(armored, (await parsePgpPublicKey(publicKey)).armored);
    assert.equal(info.userIds.length, 1);
  });

  test('reports the expiry date of a key that expires later', async () => {
    const { publicKey: expiring } = await generateEccKey({ keyExpirationTime: 3600 });
    const { info } = await parsePgpPublicKey(expiring);
    assert.ok(info.expiresAt !== null);
    assert.equal(Date.parse(info.expiresAt) - Date.parse(info.createdAt), 3600_000);
  });

  test('rejects a private key', async () => {
    await assertRejectsInvalid(() => parsePgpPublicKey(privateKey), FIELD, 'this is a private key: paste the public key only');
  });

  test('rejects garbage, empty input and oversized input, using the given field name', async () => {
    await assertRejectsInvalid(
      () => parsePgpPublicKey('not a key'),
      FIELD,
      'could not be read as an ASCII-armored OpenPGP public key',
    );
    await assertRejectsInvalid(
      () => parsePgpPublicKey('  ', 'contacts.pgp'),
      'contacts.pgp',
      'must be an ASCII-armored OpenPGP public key',
    );
    const huge = publicKey + ' '.repeat(MAX_ARMORED_KEY_LENGTH);
    await assertRejectsInvalid(() => parsePgpPublicKey(huge), FIELD, 'must be at most 64 KiB');
  });

  test('rejects more than one key', async () => {
    const { publicKey: other } = await generateEccKey();
    await assertRejectsInvalid(
      () => parsePgpPublicKey(`${publicKey}\n${other}`),
      FIELD,
      'contains several armored blocks: paste exactly one public key',
    );

    const packets = [publicKey, other].map(async (armoredKey) => (await openpgp.readKey({ armoredKey })).write());
    const [first, second] = await Promise.all(packets);
    const oneBlockTwoKeys = openpgp.armor(openpgp.enums.armor.publicKey, new Uint8Array([...first!, ...second!]));
    await assertRejectsInvalid(() => parsePgpPublicKey(oneBlockTwoKeys), FIELD, 'contains 2 keys: paste exactly one public key');
  });

  test('rejects an expired key', async () => {
    const anHourAgo = new Date(Date.now() - 3600_000);
    const { publicKey: expired } = await generateEccKey({ keyExpirationTime: 1, date: anHourAgo });
    await assertRejectsInvalid(() => parsePgpPublicKey(expired), FIELD, /^this key expired on \d{4}-\d\d-\d\dT/);
  });

  test('rejects a revoked key', async () => {
    const { privateKey: toRevoke } = await generateEccKey();
    const { publicKey: revoked } = await openpgp.revokeKey({
      key: await openpgp.readPrivateKey({ armoredKey: toRevoke }),
      format: 'armored',
    });
    await assertRejectsInvalid(() => parsePgpPublicKey(revoked), FIELD, 'this key has been revoked');
  });

  test('rejects a key that cannot encrypt', async () => {
    const { publicKey: signOnly } = await generateEccKey({ subkeys: [] });
    await assertRejectsInvalid(
      () => parsePgpPublicKey(signOnly),
      FIELD,
      'this key has no valid encryption subkey, so nobody could encrypt to it',
    );
  });

  test('rejects a key whose public key material was altered', async () => {
    // The first armoured line is the primary key packet; character 30 falls inside the public key point.
    const tampered = publicKey.replace(
      /\n([A-Za-z0-9+/]{30})([A-Za-z0-9+/])/,
      (_, head: string, char: string) => `\n${head}${char === 'A' ? 'B' : 'A'}`,
    );
    assert.notEqual(tampered, publicKey);
    await assertRejectsInvalid(() => parsePgpPublicKey(tampered), FIELD, 'the key is not valid: its self-signature does not verify');
  });

  test('rejects a key whose user ID is signed by another key', async () => {
    const key = await openpgp.readKey({ armoredKey: publicKey });
    const { publicKey: impostor } = await generateEccKey();
    const impostorKey = await openpgp.readKey({ armoredKey: impostor });
    // Graft the impostor's user ID and signatures onto our primary key.
    key.users = impostorKey.users.map((user) => Object.assign(user, { mainKey: key }));
    await assertRejectsInvalid(() => parsePgpPublicKey(key.armor()), FIELD, /^the key is not valid/);
  });
});
