// Real Sanad nodes on loopback for federation tests: each with its own store and Ed25519 key.
import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { keyFingerprint, loadNodePrivateKey, rawPublicKey } from '../../src/features/node/keys.ts';
import { writeNodeSetting } from '../../src/features/node/queries.ts';
import type { Engine } from '../../src/store/db.ts';
import { startTestApp, type TestApp } from './app.ts';

export interface FederatedNode {
  app: TestApp;
  name: string;
  url: string;
  key: crypto.KeyObject;
  publicKey: string;
  fingerprint: string;
}

/** A node renamed to `name`, its operator organisation homed there, listening on loopback. */
export async function startNode(engine: Engine, name: string): Promise<FederatedNode> {
  const app = await startTestApp(engine);
  await writeNodeSetting(app.ctx.store.db, 'node_name', name);
  await app.ctx.store.db.updateTable('organisation').set({ home_node: name }).execute();
  await app.server.listen({ port: 0, host: '127.0.0.1' });
  const key = loadNodePrivateKey(app.ctx.config.dataDir);
  const publicKey = rawPublicKey(crypto.createPublicKey(key));
  return { app, name, url: `http://127.0.0.1:${(app.server.server.address() as AddressInfo).port}`, key, publicKey, fingerprint: keyFingerprint(publicKey) };
}
