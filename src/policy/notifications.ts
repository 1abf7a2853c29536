// Who manages a team's notification settings and who sees the state of deliveries.
import { type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { Viewer } from './viewer.ts';

/** A team's webhooks and its role-address preferences are set by its managers. */
export function mayManageTeamNotifications(viewer: Viewer, orgId: string): boolean {
  if (viewer.kind === 'system') return true;
  return viewer.kind === 'user' && viewer.orgId === orgId && (viewer.role === 'org-admin' || viewer.role === 'admin');
}

/** Any signed-in user sets their own preferences. */
export function mayManageOwnPreferences(viewer: Viewer): boolean {
  return viewer.kind === 'user';
}

/** Deliveries a viewer may inspect: those to its own team, and every delivery about its team's incidents. */
export function notificationsVisibleTo(viewer: Viewer) {
  return (eb: ExpressionBuilder<Database, 'notification'>): Expression<SqlBool> => {
    if (viewer.kind === 'system') return eb.lit(true);
    if (viewer.kind !== 'user') return eb.lit(false);
    return eb.or([
      eb('notification.org_id', '=', viewer.orgId),
      eb('notification.incident_id', 'in', eb.selectFrom('incident').select('incident.id').where('incident.owner_org_id', '=', viewer.orgId)),
    ]);
  };
}
