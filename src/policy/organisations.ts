// Who may see and change organisations (the member teams of the directory).
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { Viewer } from './viewer.ts';
import { hasRole } from './viewer.ts';

type OrgScope = ExpressionBuilder<Database, 'organisation'>;

/** The members-only directory: every account on the node sees every team; the anonymous see none
 *  (the public directory, with its reduced fields, is a separate read). */
export function organisationsVisibleTo(viewer: Viewer): (eb: OrgScope) => Expression<SqlBool> {
  return (eb) => eb.lit(viewer.kind === 'user' || viewer.kind === 'system');
}

export function mayCreateOrganisation(viewer: Viewer): boolean {
  return viewer.kind === 'system' || hasRole(viewer, 'admin', 'secretariat');
}

/** Profile, contacts, key and constituency: the hub, or the team's own org-admin. */
export function mayUpdateOrganisation(viewer: Viewer, orgId: string): boolean {
  if (mayCreateOrganisation(viewer)) return true;
  return viewer.kind === 'user' && viewer.role === 'org-admin' && viewer.orgId === orgId;
}

/** Tier, status and home node are membership decisions: only the hub makes them. */
export function mayChangeMembership(viewer: Viewer): boolean {
  return mayCreateOrganisation(viewer);
}
