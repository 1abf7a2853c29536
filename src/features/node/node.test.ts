import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { freshContext, testEngines } from '../../../test/helpers/store.ts';
import { initNode, readNodeInfo } from './service.ts';
import { keyFingerprint, loadNodePrivateKey, privateKeyPath } from './keys.ts';

const good = { nodeName: 'Hub', country: 'MY', adminEmail: 'admin@hub.example', adminPassword: 'a long enough password' };

for (const engine of await testEngines()) {
  describe(`node identity (${engine})`, () => {
    test('init is all or nothing: a late refusal leaves no key, no organisation, no identity', async () => {
      const ctx = await freshContext(engine);
      try {
        await assert.rejects(initNode(ctx, { ...good, adminName: '   ' }), { field: 'name' });
        assert.equal(fs.existsSync(privateKeyPath(ctx.config.dataDir)), false);
        assert.equal(await readNodeInfo(ctx), undefined);
        assert.equal((await ctx.store.db.selectFrom('organisation').select('id').execute()).length, 0);
        assert.equal((await ctx.store.db.selectFrom('audit_log').select('seq').execute()).length, 0);
        const result = await initNode(ctx, good);
        assert.equal(result.node.name, 'Hub');
        await assert.rejects(initNode(ctx, good), /already initialised/);
      } finally {
        await ctx.close();
      }
    });

    test('the stored public key is the half of the private key kept in the data directory', async () => {
      const ctx = await freshContext(engine);
      try {
        const { node, generatedPassword } = await initNode(ctx, { ...good, adminPassword: undefined });
        assert.ok(generatedPassword && generatedPassword.length >= 16);
        const privateKey = loadNodePrivateKey(ctx.config.dataDir);
        const message = Buffer.from('sanad');
        const signature = crypto.sign(null, message, privateKey);
        const publicKey = crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(node.publicKey, 'base64').toString('base64url') }, format: 'jwk' });
        assert.equal(crypto.verify(null, message, publicKey, signature), true);
        assert.equal(node.fingerprint, keyFingerprint(node.publicKey));
        assert.equal(fs.statSync(privateKeyPath(ctx.config.dataDir)).mode & 0o777, 0o600);
      } finally {
        await ctx.close();
      }
    });
  });
}
