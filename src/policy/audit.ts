// Who may read the audit log.
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { Viewer } from './viewer.ts';
import { hasRole } from './viewer.ts';

type AuditScope = ExpressionBuilder<Database, 'audit_log'>;

/** Operators see the whole log, a team's org-admin its team's entries, anyone else only their own actions. */
export function auditEntriesVisibleTo(viewer: Viewer): (eb: AuditScope) => Expression<SqlBool> {
  return (eb) => {
    if (viewer.kind === 'system') return eb.lit(true);
    if (viewer.kind !== 'user') return eb.lit(false);
    if (viewer.role === 'admin' || viewer.role === 'secretariat') return eb.lit(true);
    if (viewer.role === 'org-admin') return eb('audit_log.org_id', '=', viewer.orgId);
    return eb('audit_log.actor_id', '=', viewer.userId);
  };
}

/** Verifying the whole chain reads every entry, so it is the operators' tool. */
export function mayVerifyAudit(viewer: Viewer): boolean {
  return viewer.kind === 'system' || hasRole(viewer, 'admin', 'secretariat');
}
