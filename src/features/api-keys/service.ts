// API keys: shown once, kept only as a SHA-256 hash, scoped to a role no higher than their user's.
import type { AppContext } from '../../app.ts';
import { Invalid, NotFound, Unauthorized } from '../../domain/errors.ts';
import { roleAtMost, roleRank, type Role } from '../../domain/roles.ts';
import { nowIso } from '../../store/time.ts';
import { authorize, requireIdentified, requireUser } from '../../policy/authorize.ts';
import { mayCreateApiKeyFor, mayRevokeApiKey } from '../../policy/api-keys.ts';
import type { Actor, UserViewer, Viewer } from '../../policy/viewer.ts';
import { appendAudit } from '../audit/service.ts';
import { findUserById } from '../users/queries.ts';
import { randomToken, sha256Hex } from '../auth/tokens.ts';
import * as q from './queries.ts';
import type { ApiKey, CreateApiKeyInput } from './schemas.ts';
import { newId } from '../../store/ids.ts';

const KEY_PREFIX = 'sanad_';
// A key's use is written back (and audited) at most this often, so a busy integration does not
// turn every read into a write.
const USE_RECORD_INTERVAL_MS = 60_000;

function toApiKey(row: q.ApiKeyRow): ApiKey {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    prefix: row.prefix,
    role: row.role as Role,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
    lastUsedIp: row.last_used_ip,
  };
}

export async function createApiKey(
  ctx: AppContext,
  actor: Actor,
  userId: string,
  input: CreateApiKeyInput,
): Promise<{ apiKey: ApiKey; key: string }> {
  authorize(actor.viewer, mayCreateApiKeyFor(actor.viewer, userId), 'API keys are created by their own user, in a browser session');
  const name = input.name.trim();
  if (!name) throw new Invalid('name', 'must not be blank');
  const now = nowIso();
  // The schema's date-time format admits times Date cannot represent (a leap second, 23:59:60).
  if (input.expiresAt !== undefined && Number.isNaN(Date.parse(input.expiresAt))) throw new Invalid('expiresAt', 'not a representable time');
  if (input.expiresAt !== undefined && new Date(input.expiresAt).toISOString() <= now) {
    throw new Invalid('expiresAt', 'must be in the future');
  }
  return ctx.store.db.transaction().execute(async (tx) => {
    const user = await findUserById(tx, userId);
    if (!user || user.disabled === 1) throw new Invalid('user', 'no such active user');
    const userRole = user.role as Role;
    const role = input.role ?? userRole;
    if (!roleAtMost(role, userRole)) throw new Invalid('role', `may not be higher than the user's role (${userRole})`);
    const secret = randomToken(32);
    const key = `${KEY_PREFIX}${secret}`;
    const row: q.ApiKeyRow = {
      id: newId(),
      user_id: userId,
      name,
      prefix: key.slice(0, KEY_PREFIX.length + 6),
      key_hash: sha256Hex(key),
      role,
      created_at: now,
      expires_at: input.expiresAt ? new Date(input.expiresAt).toISOString() : null,
      revoked_at: null,
      last_used_at: null,
      last_used_ip: null,
    };
    await q.insertApiKey(tx, row);
    await appendAudit(tx, ctx.store.engine, actor, {
      action: 'apikey.create',
      objectType: 'api_key',
      objectId: row.id,
      orgId: user.org_id,
      details: { userId, name, role, prefix: row.prefix },
    });
    return { apiKey: toApiKey(row), key };
  });
}

export async function listApiKeys(
  ctx: AppContext,
  viewer: Viewer,
  options: { userId?: string | undefined; includeRevoked?: boolean | undefined },
): Promise<ApiKey[]> {
  requireUser(viewer);
  const rows = await q.listVisibleApiKeys(ctx.store.db, viewer, {
    userId: options.userId ?? viewer.userId,
    includeRevoked: options.includeRevoked ?? true,
  });
  return rows.map(toApiKey);
}

export async function revokeApiKey(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  const viewer = actor.viewer;
  requireIdentified(viewer);
  await ctx.store.db.transaction().execute(async (tx) => {
    const row = await q.findVisibleApiKeyWithOwner(tx, viewer, id);
    if (!row) throw new NotFound('API key');
    authorize(viewer, mayRevokeApiKey(viewer, { userId: row.user_id, orgId: row.owner_org_id }), 'you may not revoke this key');
    if (row.revoked_at !== null) return;
    await q.revokeApiKey(tx, id, nowIso());
    await appendAudit(tx, ctx.store.engine, actor, {
      action: 'apikey.revoke',
      objectType: 'api_key',
      objectId: id,
      orgId: row.owner_org_id,
      details: { userId: row.user_id, prefix: row.prefix },
    });
  });
}

/** The viewer behind an `Authorization: Bearer` key; refuses unknown, revoked, expired keys and disabled users. */
export async function authenticateApiKey(ctx: AppContext, key: string, sourceIp: string): Promise<UserViewer> {
  if (!key.startsWith(KEY_PREFIX) || key.length > 100) throw new Unauthorized('invalid API key');
  const row = await q.findApiKeyForAuth(ctx.store.db, sha256Hex(key));
  const now = nowIso();
  if (!row || row.revoked_at !== null || row.disabled === 1) throw new Unauthorized('invalid API key');
  if (row.expires_at !== null && row.expires_at <= now) throw new Unauthorized('the API key has expired');
  const keyRole = row.role as Role;
  const userRole = row.user_role as Role;
  // A user demoted after minting a key does not keep the old rights through it.
  const role = roleRank(keyRole) <= roleRank(userRole) ? keyRole : userRole;
  const viewer: UserViewer = { kind: 'user', userId: row.user_id, orgId: row.org_id, email: row.email, role, via: 'apikey', apiKeyId: row.id };
  const stale = row.last_used_at === null || Date.parse(now) - Date.parse(row.last_used_at) > USE_RECORD_INTERVAL_MS;
  if (stale || row.last_used_ip !== sourceIp) {
    await ctx.store.db.transaction().execute(async (tx) => {
      await q.markApiKeyUsed(tx, row.id, now, sourceIp);
      await appendAudit(tx, ctx.store.engine, { viewer, sourceIp }, { action: 'apikey.use', objectType: 'api_key', objectId: row.id });
    });
  }
  return viewer;
}

