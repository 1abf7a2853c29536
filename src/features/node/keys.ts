// The node's Ed25519 key pair: the private half lives only in the data directory (0600),
// the public half is published so peers can verify what this node signs.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const PRIVATE_KEY_FILE = 'node-ed25519.pem';

export function privateKeyPath(dataDir: string): string {
  return path.join(dataDir, PRIVATE_KEY_FILE);
}

/** Creates the key pair; refuses to overwrite an existing key. Returns the public key (base64 of the raw 32 bytes). */
export function createNodeKeyPair(dataDir: string): string {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = privateKeyPath(dataDir);
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  fs.writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
  fs.chmodSync(file, 0o600);
  return rawPublicKey(publicKey);
}

export function loadNodePrivateKey(dataDir: string): crypto.KeyObject {
  return crypto.createPrivateKey(fs.readFileSync(privateKeyPath(dataDir)));
}

export function rawPublicKey(key: crypto.KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  if (!jwk.x) throw new Error('not an Ed25519 key');
  return Buffer.from(jwk.x, 'base64url').toString('base64');
}

/** SHA-256 of the raw public key, grouped for reading aloud when peers compare keys out of band. */
export function keyFingerprint(publicKeyBase64: string): string {
  const hex = crypto.createHash('sha256').update(Buffer.from(publicKeyBase64, 'base64')).digest('hex').toUpperCase();
  return hex.match(/.{4}/g)!.join(' ');
}
