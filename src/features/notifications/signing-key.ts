// The node's own OpenPGP key, which signs every notice it mails so that teams can tell a real
// notice from a forged one. Made on first use and kept in the node's settings; its public half is
// published at GET /api/v1/node/pgp-key.
import * as openpgp from 'openpgp';
import type { AppContext } from '../../app.ts';
import { readNodeSettings, writeNodeSetting } from '../node/queries.ts';
import { readNodeInfo } from '../node/service.ts';

const PRIVATE = 'notification_pgp_private_key';
const PUBLIC = 'notification_pgp_public_key';

const loading = new WeakMap<AppContext['store'], Promise<{ privateKey: openpgp.PrivateKey; publicArmored: string }>>();

export function nodeSigningKey(ctx: AppContext): Promise<{ privateKey: openpgp.PrivateKey; publicArmored: string }> {
  let pending = loading.get(ctx.store);
  if (!pending) {
    pending = load(ctx);
    loading.set(ctx.store, pending);
    pending.catch(() => loading.delete(ctx.store));
  }
  return pending;
}

async function load(ctx: AppContext) {
  let settings = await readNodeSettings(ctx.store.db);
  if (!settings.get(PRIVATE)) {
    const node = await readNodeInfo(ctx);
    const { privateKey, publicKey } = await openpgp.generateKey({
      userIDs: [{ name: `Sanad node ${node?.name ?? ''}`.trim(), email: ctx.config.mailFrom }],
      format: 'armored',
    });
    // Two processes may race to make the key: the first one stored wins, everyone reads it back.
    await ctx.store.db.transaction().execute(async (tx) => {
      const current = await readNodeSettings(tx);
      if (current.get(PRIVATE)) return;
      await writeNodeSetting(tx, PRIVATE, privateKey);
      await writeNodeSetting(tx, PUBLIC, publicKey);
    });
    settings = await readNodeSettings(ctx.store.db);
  }
  return {
    privateKey: await openpgp.readPrivateKey({ armoredKey: settings.get(PRIVATE)! }),
    publicArmored: settings.get(PUBLIC)!,
  };
}
