// Who may see and manage user accounts.
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import { roleAtMost, type Role } from '../domain/roles.ts';
import type { Database } from '../store/schema.ts';
import type { Viewer } from './viewer.ts';

type UserScope = ExpressionBuilder<Database, 'app_user'>;

const OPERATORS: Role[] = ['admin', 'secretariat'];
// Only the node's admin hands out the hub-wide roles.
const HUB_ROLES: Role[] = ['admin', 'secretariat'];
const TEAM_MANAGERS: Role[] = ['org-admin', 'secretariat'];

/** The node's operators see every account; everyone else sees the accounts of their own team. */
export function usersVisibleTo(viewer: Viewer): (eb: UserScope) => Expression<SqlBool> {
  return (eb) => {
    if (viewer.kind === 'system') return eb.lit(true);
    if (viewer.kind !== 'user') return eb.lit(false);
    if (OPERATORS.includes(viewer.role)) return eb.lit(true);
    return eb('app_user.org_id', '=', viewer.orgId);
  };
}

/** May `viewer` create an account with `role` in `orgId`? */
export function mayCreateUser(viewer: Viewer, orgId: string, role: Role): boolean {
  if (viewer.kind === 'system') return true;
  if (viewer.kind !== 'user') return false;
  if (viewer.role === 'admin') return true;
  if (!TEAM_MANAGERS.includes(viewer.role)) return false;
  return viewer.orgId === orgId && !HUB_ROLES.includes(role) && roleAtMost(role, viewer.role);
}

export interface ManagedUser {
  id: string;
  orgId: string;
  role: Role;
}

/** May `viewer` change the role or disabled flag of `target` (to `newRole` when given)? */
export function mayManageUser(viewer: Viewer, target: ManagedUser, newRole?: Role): boolean {
  if (viewer.kind === 'system') return true;
  if (viewer.kind !== 'user' || viewer.userId === target.id) return false; // nobody locks themselves out
  if (viewer.role === 'admin') return true;
  if (!TEAM_MANAGERS.includes(viewer.role)) return false;
  if (viewer.orgId !== target.orgId || HUB_ROLES.includes(target.role)) return false;
  return newRole === undefined || (!HUB_ROLES.includes(newRole) && roleAtMost(newRole, viewer.role));
}

/** Users may rename themselves; managers may rename whom they manage. */
export function mayRenameUser(viewer: Viewer, target: ManagedUser): boolean {
  return (viewer.kind === 'user' && viewer.userId === target.id) || mayManageUser(viewer, target);
}
