import crypto from 'node:crypto';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Invalid } from '../errors.ts';
import { checkChain, manifestId, signManifest, verifyManifest, verifyManifests, type Manifest } from './manifest.ts';
import { recordVersionId } from './record-signature.ts';

function node(name: string) {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
  const raw = (publicKey.export({ format: 'jwk' }) as { x: string }).x;
  return { signer: { node: name, key: privateKey }, publicKey: Buffer.from(raw, 'base64url').toString('base64') };
}

const a = node('Node A');
const b = node('Node B');
const records = [{ id: '1', value: '192.0.2.1' }, { id: '2', value: '192.0.2.2' }, { id: '3', value: '192.0.2.3' }];
const versions = records.map((r) => recordVersionId(r));
const keys = new Map([['Node A', a.publicKey], ['Node B', b.publicKey]]);

describe('signed manifests', () => {
  test('one signature vouches for every version listed, and for nothing altered', () => {
    const origin = signManifest(versions, a.signer, 'origin');
    verifyManifest(origin, a.publicKey);
    const byId = new Map([[manifestId(origin), origin]]);
    assert.deepEqual(checkChain(versions[1]!, { origin: [manifestId(origin), 1], relays: [] }, (id) => byId.get(id)), ['Node A']);
    const altered = recordVersionId({ id: '2', value: '192.0.2.99' });
    assert.throws(() => checkChain(altered, { origin: [manifestId(origin), 1], relays: [] }, (id) => byId.get(id)), /does not list this version/);
    assert.throws(() => checkChain(versions[1]!, { origin: [manifestId(origin), 0], relays: [] }, (id) => byId.get(id)), /does not list this version/);
  });

  test('a changed list, node, role or time breaks the signature; another key does not verify it', () => {
    const origin = signManifest(versions, a.signer, 'origin');
    const changes: Partial<Manifest>[] = [{ versions: [...versions].reverse() }, { node: 'Node B' }, { role: 'relay' }, { signedAt: '2020-01-01T00:00:00.000Z' }];
    for (const change of changes) assert.throws(() => verifyManifest({ ...origin, ...change }, a.publicKey), Invalid);
    assert.throws(() => verifyManifest(origin, b.publicKey), /does not match/);
  });

  test('a relay adds its own manifest; the chain names the nodes in travel order and refuses loops and wrong roles', () => {
    const origin = signManifest(versions, a.signer, 'origin');
    const relay = signManifest([versions[2]!], b.signer, 'relay');
    const verified = verifyManifests([origin, relay], (n) => keys.get(n));
    const chain = { origin: [manifestId(origin), 2] as const, relays: [[manifestId(relay), 0] as const] };
    assert.deepEqual(checkChain(versions[2]!, chain, (id) => verified.get(id)), ['Node A', 'Node B']);
    assert.throws(() => checkChain(versions[2]!, { origin: [manifestId(relay), 0], relays: [] }, (id) => verified.get(id)), /signed as relay, not as origin/);
    const loop = signManifest([versions[2]!], a.signer, 'relay');
    const withLoop = verifyManifests([origin, loop], (n) => keys.get(n));
    assert.throws(() => checkChain(versions[2]!, { origin: [manifestId(origin), 2], relays: [[manifestId(loop), 0]] }, (id) => withLoop.get(id)), /appears twice/);
    assert.throws(() => verifyManifests([origin], () => undefined), /no public key is known/);
  });

  test('a manifest lists 1 to 256 versions', () => {
    assert.throws(() => signManifest([], a.signer, 'origin'), /1 to 256/);
    assert.throws(() => signManifest(new Array(257).fill(versions[0]), a.signer, 'origin'), /1 to 256/);
  });
});
