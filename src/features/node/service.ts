// The node's own identity: created once by `sanad init`, read by everything that speaks for the node.
import fs from 'node:fs';
import type { AppContext } from '../../app.ts';
import { Conflict, Invalid } from '../../domain/errors.ts';
import { normaliseCountry } from '../../domain/country.ts';
import { normaliseEmail } from '../../domain/email.ts';
import { systemViewer, type Actor } from '../../policy/viewer.ts';
import { nowIso } from '../../store/time.ts';
import { createOrganisation } from '../organisations/service.ts';
import { createUser } from '../users/service.ts';
import { createNodeKeyPair, keyFingerprint, privateKeyPath } from './keys.ts';
import { readNodeSettings, writeNodeSetting } from './queries.ts';
import { randomToken } from '../auth/tokens.ts';
import { newId } from '../../store/ids.ts';

export const SANAD_VERSION = '0.1.0';

export interface NodeInfo {
  nodeId: string;
  name: string;
  country: string | null;
  publicKey: string;
  fingerprint: string;
  createdAt: string;
  version: string;
}

/** The organisation that runs this node: it takes reports that no member's routing claims. */
export async function operatorOrganisationId(ctx: AppContext): Promise<string | undefined> {
  const settings = await readNodeSettings(ctx.store.db);
  const recorded = settings.get('operator_org_id');
  if (recorded) return recorded;
  // Nodes initialised before the setting existed: the team of the first administrator.
  const admin = await ctx.store.db.selectFrom('app_user').select('org_id').where('role', '=', 'admin').orderBy('created_at').executeTakeFirst();
  return admin?.org_id;
}

export async function readNodeInfo(ctx: AppContext): Promise<NodeInfo | undefined> {
  const settings = await readNodeSettings(ctx.store.db);
  const nodeId = settings.get('node_id');
  if (!nodeId) return undefined;
  const publicKey = settings.get('node_public_key') ?? '';
  return {
    nodeId,
    name: settings.get('node_name') ?? '',
    country: settings.get('node_country') || null,
    publicKey,
    fingerprint: publicKey ? keyFingerprint(publicKey) : '',
    createdAt: settings.get('node_created_at') ?? '',
    version: SANAD_VERSION,
  };
}

export interface InitInput {
  nodeName: string;
  country?: string | undefined;
  orgName?: string | undefined;
  adminEmail: string;
  adminPassword?: string | undefined;
  adminName?: string | undefined;
}

export interface InitResult {
  node: NodeInfo;
  adminEmail: string;
  /** Set when no password was given: shown once to the operator. */
  generatedPassword?: string;
}

/** Creates the node identity, its Ed25519 key, the operator organisation and the first admin:
 *  all of it or, when any part is refused, none of it (the key file is removed again). */
export async function initNode(ctx: AppContext, input: InitInput): Promise<InitResult> {
  if (await readNodeInfo(ctx)) throw new Conflict(undefined, 'this node is already initialised');
  const nodeName = input.nodeName.trim();
  if (!nodeName) throw new Invalid('nodeName', 'must not be blank');
  const country = input.country ? normaliseCountry(input.country, 'country') : null;
  const adminEmail = normaliseEmail(input.adminEmail, 'adminEmail');
  const generatedPassword = input.adminPassword ? undefined : randomToken(18);
  const password = input.adminPassword ?? generatedPassword!;
  if (password.length < 12) throw new Invalid('adminPassword', 'must be at least 12 characters');
  const keyFile = privateKeyPath(ctx.config.dataDir);
  if (fs.existsSync(keyFile)) throw new Conflict(undefined, `a node key already exists at ${keyFile}; refusing to replace it`);

  const actor: Actor = { viewer: systemViewer('init'), sourceIp: null };
  const orgName = input.orgName?.trim() || `${nodeName} operators`;
  const publicKey = createNodeKeyPair(ctx.config.dataDir);
  try {
    await ctx.store.db.transaction().execute(async (tx) => {
      const org = await createOrganisation(
        ctx,
        actor,
        {
          name: orgName,
          shortName: (input.orgName?.trim() || nodeName).slice(0, 32),
          ...(country ? { country } : {}),
          tier: 'full',
          status: 'member',
          profile: 'Operates this Sanad node.',
        },
        { homeNode: nodeName },
        tx,
      );
      await createUser(ctx, actor, { orgId: org.id, email: adminEmail, name: input.adminName ?? 'Node administrator', role: 'admin', password }, { passwordChosenByOther: generatedPassword !== undefined }, tx);
      // Written last: a node counts as initialised only once everything else is in place.
      await writeNodeSetting(tx, 'operator_org_id', org.id);
      await writeNodeSetting(tx, 'node_name', nodeName);
      await writeNodeSetting(tx, 'node_country', country ?? '');
      await writeNodeSetting(tx, 'node_public_key', publicKey);
      await writeNodeSetting(tx, 'node_created_at', nowIso());
      await writeNodeSetting(tx, 'node_id', newId());
    });
  } catch (error) {
    fs.rmSync(keyFile, { force: true });
    throw error;
  }
  const node = (await readNodeInfo(ctx))!;
  return { node, adminEmail, ...(generatedPassword ? { generatedPassword } : {}) };
}
