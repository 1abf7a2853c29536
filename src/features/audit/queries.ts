import { sql } from 'kysely';
import type { Engine, Tx } from '../../store/db.ts';
import type { AuditLogTable } from '../../store/schema.ts';
import type { Viewer } from '../../policy/viewer.ts';
import { auditEntriesVisibleTo } from '../../policy/audit.ts';

export const AUDIT_HEAD_KEY = 'audit_head';

/** Appends must be serialised so that each entry links to the one before it.
 *  SQLite transactions already are; on PostgreSQL a transaction-scoped advisory lock does it. */
export async function lockAuditChain(tx: Tx, engine: Engine): Promise<void> {
  if (engine === 'postgres') await sql`select pg_advisory_xact_lock(${0x5a4ad})`.execute(tx);
}

export async function lastAuditEntry(tx: Tx): Promise<Pick<AuditLogTable, 'seq' | 'hash'> | undefined> {
  return tx.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
}

export async function insertAuditEntry(tx: Tx, entry: AuditLogTable): Promise<void> {
  await tx.insertInto('audit_log').values(entry).execute();
  await tx
    .insertInto('node_setting')
    .values({ key: AUDIT_HEAD_KEY, value: `${entry.seq}:${entry.hash}` })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: `${entry.seq}:${entry.hash}` }))
    .execute();
}

export async function auditPageAfter(tx: Tx, afterSeq: number, limit: number): Promise<AuditLogTable[]> {
  return tx.selectFrom('audit_log').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
}

export async function readAuditHead(tx: Tx): Promise<string | undefined> {
  const row = await tx.selectFrom('node_setting').select('value').where('key', '=', AUDIT_HEAD_KEY).executeTakeFirst();
  return row?.value;
}

export interface AuditFilter {
  beforeSeq?: number | undefined;
  action?: string | undefined;
  orgId?: string | undefined;
  limit: number;
}

/** Newest first, only what the viewer may read. */
export async function listAuditEntries(tx: Tx, viewer: Viewer, filter: AuditFilter): Promise<AuditLogTable[]> {
  let query = tx.selectFrom('audit_log').selectAll().where(auditEntriesVisibleTo(viewer));
  if (filter.beforeSeq !== undefined) query = query.where('seq', '<', filter.beforeSeq);
  if (filter.action) query = query.where('action', '=', filter.action);
  if (filter.orgId) query = query.where('org_id', '=', filter.orgId);
  return query.orderBy('seq', 'desc').limit(filter.limit).execute();
}
