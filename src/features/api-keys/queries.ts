import type { Tx } from '../../store/db.ts';
import type { ApiKeyTable } from '../../store/schema.ts';
import type { Viewer } from '../../policy/viewer.ts';
import { apiKeysVisibleTo } from '../../policy/api-keys.ts';

export type ApiKeyRow = ApiKeyTable;

export async function insertApiKey(tx: Tx, row: ApiKeyRow): Promise<void> {
  await tx.insertInto('api_key').values(row).execute();
}

export async function listVisibleApiKeys(tx: Tx, viewer: Viewer, filter: { userId: string; includeRevoked: boolean }): Promise<ApiKeyRow[]> {
  let query = tx.selectFrom('api_key').selectAll().where(apiKeysVisibleTo(viewer)).where('user_id', '=', filter.userId);
  if (!filter.includeRevoked) query = query.where('revoked_at', 'is', null);
  return query.orderBy('created_at', 'desc').execute();
}

export async function findVisibleApiKeyWithOwner(tx: Tx, viewer: Viewer, id: string) {
  return tx
    .selectFrom('api_key')
    .innerJoin('app_user', 'app_user.id', 'api_key.user_id')
    .selectAll('api_key')
    .select('app_user.org_id as owner_org_id')
    .where('api_key.id', '=', id)
    .where(apiKeysVisibleTo(viewer))
    .executeTakeFirst();
}

/** For authentication only: the key and its user, by the hash of the presented secret. */
export async function findApiKeyForAuth(tx: Tx, keyHash: string) {
  return tx
    .selectFrom('api_key')
    .innerJoin('app_user', 'app_user.id', 'api_key.user_id')
    .select([
      'api_key.id',
      'api_key.role',
      'api_key.expires_at',
      'api_key.revoked_at',
      'api_key.last_used_at',
      'api_key.last_used_ip',
      'app_user.id as user_id',
      'app_user.org_id',
      'app_user.email',
      'app_user.role as user_role',
      'app_user.disabled',
    ])
    .where('api_key.key_hash', '=', keyHash)
    .executeTakeFirst();
}

export async function markApiKeyUsed(tx: Tx, id: string, at: string, ip: string): Promise<void> {
  await tx.updateTable('api_key').set({ last_used_at: at, last_used_ip: ip }).where('id', '=', id).execute();
}

export async function revokeApiKey(tx: Tx, id: string, at: string): Promise<void> {
  await tx.updateTable('api_key').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).execute();
}
