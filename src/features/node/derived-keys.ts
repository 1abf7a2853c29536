// Keys derived from the node's own private key (HKDF-SHA256, one per purpose), so a node needs no
// other secret to sign its cursors or to keep stored credentials unreadable in a copy of its database.
import crypto from 'node:crypto';
import { loadNodePrivateKey } from './keys.ts';

const derived = new Map<string, Buffer>();

/** A 32-byte key for `purpose`, the same for every process of this node. */
export function nodeDerivedKey(dataDir: string, purpose: string): Buffer {
  const cacheKey = `${dataDir}\u0000${purpose}`;
  let key = derived.get(cacheKey);
  if (!key) {
    const secret = loadNodePrivateKey(dataDir).export({ format: 'der', type: 'pkcs8' });
    key = Buffer.from(crypto.hkdfSync('sha256', secret, 'sanad node', purpose, 32));
    derived.set(cacheKey, key);
  }
  return key;
}

const SEALED = 'sealed:v1:';

/** A secret as it is stored: AES-256-GCM under the node's derived key, a fresh nonce each time. */
export function sealSecret(dataDir: string, secret: string): string {
  const nonce = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', nodeDerivedKey(dataDir, 'stored secrets'), nonce);
  const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return `${SEALED}${nonce.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}.${sealed.toString('base64url')}`;
}

/** The secret a `sealSecret` value holds; throws when it was altered or sealed by another node. */
export function openSecret(dataDir: string, stored: string): string {
  if (!stored.startsWith(SEALED)) throw new Error('a stored secret is not sealed');
  const [nonce = '', tag = '', sealed = ''] = stored.slice(SEALED.length).split('.');
  const decipher = crypto.createDecipheriv('aes-256-gcm', nodeDerivedKey(dataDir, 'stored secrets'), Buffer.from(nonce, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(sealed, 'base64url')), decipher.final()]).toString('utf8');
}

/** A stored secret, sealed or (written before secrets were sealed) as it was stored. */
export function readStoredSecret(dataDir: string, stored: string): string {
  return stored.startsWith(SEALED) ? openSecret(dataDir, stored) : stored;
}
