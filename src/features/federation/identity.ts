// This node as it speaks to peers: its name, its public key, and the private key it signs with.
import type crypto from 'node:crypto';
import type { AppContext } from '../../app.ts';
import { Invalid } from '../../domain/errors.ts';
import { loadNodePrivateKey } from '../node/keys.ts';
import { readNodeInfo } from '../node/service.ts';

export interface NodeSigner {
  readonly node: string;
  readonly publicKey: string;
  readonly fingerprint: string;
  readonly key: crypto.KeyObject;
}

// The key file does not change while the node runs; reading it once per data directory is enough.
const privateKeys = new Map<string, crypto.KeyObject>();

export async function thisNode(ctx: AppContext): Promise<NodeSigner> {
  const info = await readNodeInfo(ctx);
  if (!info || !info.publicKey) throw new Invalid('node', 'this node is not initialised: run `sanad init`');
  let key = privateKeys.get(ctx.config.dataDir);
  if (!key) {
    key = loadNodePrivateKey(ctx.config.dataDir);
    privateKeys.set(ctx.config.dataDir, key);
  }
  return { node: info.name, publicKey: info.publicKey, fingerprint: info.fingerprint, key };
}
