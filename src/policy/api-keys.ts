// Who may see, create and revoke API keys.
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { Viewer } from './viewer.ts';

type KeyScope = ExpressionBuilder<Database, 'api_key'>;

/** The admin sees every key, a team manager the keys of the team's users, anyone else their own. */
export function apiKeysVisibleTo(viewer: Viewer): (eb: KeyScope) => Expression<SqlBool> {
  return (eb) => {
    if (viewer.kind === 'system') return eb.lit(true);
    if (viewer.kind !== 'user') return eb.lit(false);
    if (viewer.role === 'admin') return eb.lit(true);
    if (viewer.role === 'org-admin' || viewer.role === 'secretariat') {
      const teamUsers = eb.selectFrom('app_user').select('app_user.id').where('app_user.org_id', '=', viewer.orgId);
      return eb('api_key.user_id', 'in', teamUsers);
    }
    return eb('api_key.user_id', '=', viewer.userId);
  };
}

/** A key is revoked by its user, the team's manager, or the node's admin. */
export function mayRevokeApiKey(viewer: Viewer, owner: { userId: string; orgId: string }): boolean {
  if (viewer.kind === 'system') return true;
  if (viewer.kind !== 'user') return false;
  if (viewer.role === 'admin' || viewer.userId === owner.userId) return true;
  return (viewer.role === 'org-admin' || viewer.role === 'secretariat') && viewer.orgId === owner.orgId;
}

/** Keys are personal and minted in a browser session (a leaked key cannot mint more);
 *  the operator's CLI may mint for anyone. */
export function mayCreateApiKeyFor(viewer: Viewer, userId: string): boolean {
  return viewer.kind === 'system' || (viewer.kind === 'user' && viewer.userId === userId && viewer.via === 'session');
}
