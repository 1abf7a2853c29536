import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { assertInvalid } from '../../../test/helpers/invalid.ts';
import { decodeCanonicalBase64, isEd25519Key, isEd25519PrivateKey, nodePublicKey } from './node-key.ts';

describe('node keys', () => {
  test('a published raw public key becomes a key that verifies what the private key signed', () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
    const published = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64');
    const key = nodePublicKey(published);
    assert.ok(isEd25519Key(key));
    assert.equal(key.type, 'public');
    assert.ok(crypto.verify(null, Buffer.from('m'), key, crypto.sign(null, Buffer.from('m'), privateKey)));
    assert.deepEqual(key.export({ format: 'der', type: 'spki' }), publicKey.export({ format: 'der', type: 'spki' }));
  });

  test('refuses anything but the base64 of 32 bytes', () => {
    for (const text of ['', 'AAAA', Buffer.alloc(33).toString('base64'), Buffer.alloc(32).toString('base64url'), ` ${Buffer.alloc(32).toString('base64')}`]) {
      assertInvalid(() => nodePublicKey(text, 'peer.publicKey'), 'peer.publicKey', /raw 32-byte Ed25519 key/);
    }
  });

  test('base64 is read in its one canonical form only', () => {
    assert.deepEqual(decodeCanonicalBase64('AQI='), Buffer.from([1, 2]));
    assert.deepEqual(decodeCanonicalBase64(''), Buffer.alloc(0));
    for (const text of ['AQI', 'AQJ=', 'AQ==AQ==', 'AQ I=', 'AQ-_', 'A===']) assert.equal(decodeCanonicalBase64(text), undefined, text);
  });

  test('tells Ed25519 keys from others', () => {
    const { privateKey } = crypto.generateKeyPairSync('ed25519');
    assert.ok(isEd25519PrivateKey(privateKey));
    assert.ok(!isEd25519Key(crypto.generateKeyPairSync('x25519').publicKey));
    assert.ok(!isEd25519Key('key'));
  });
});
