import type { Tx } from '../../store/db.ts';
import type { SessionTable } from '../../store/schema.ts';

export type SessionRow = SessionTable;

export async function insertSession(tx: Tx, row: SessionRow): Promise<void> {
  await tx.insertInto('session').values(row).execute();
}

export async function findSession(tx: Tx, id: string): Promise<SessionRow | undefined> {
  return tx.selectFrom('session').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function deleteSession(tx: Tx, id: string): Promise<void> {
  await tx.deleteFrom('session').where('id', '=', id).execute();
}

export async function touchSession(tx: Tx, id: string, at: string): Promise<void> {
  await tx.updateTable('session').set({ last_seen_at: at }).where('id', '=', id).execute();
}

export async function deleteSessionsOfUser(tx: Tx, userId: string, exceptId?: string): Promise<void> {
  let query = tx.deleteFrom('session').where('user_id', '=', userId);
  if (exceptId) query = query.where('id', '!=', exceptId);
  await query.execute();
}

export async function deleteExpiredSessions(tx: Tx, now: string): Promise<void> {
  await tx.deleteFrom('session').where('expires_at', '<', now).execute();
}

/** Counts one more failed login in a single statement, so concurrent guesses each count; returns the new count. */
export async function incrementFailedLogins(tx: Tx, userId: string): Promise<number> {
  const row = await tx
    .updateTable('app_user')
    .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1) }))
    .where('id', '=', userId)
    .returning('failed_logins')
    .executeTakeFirstOrThrow();
  return Number(row.failed_logins);
}

/** Records `step` as the last accepted TOTP step unless it or a later one already was, in a single
 *  statement, so two logins racing with the same code cannot both win; true when this one did. */
export async function claimTotpStep(tx: Tx, userId: string, step: number): Promise<boolean> {
  const result = await tx
    .updateTable('app_user')
    .set({ totp_last_step: step })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function replaceRecoveryCodes(tx: Tx, userId: string, rows: { id: string; code_hash: string }[]): Promise<void> {
  await tx.deleteFrom('recovery_code').where('user_id', '=', userId).execute();
  if (rows.length > 0) {
    await tx.insertInto('recovery_code').values(rows.map((r) => ({ ...r, user_id: userId, used_at: null }))).execute();
  }
}

/** Marks an unused code as used; true when one matched (a code works once). */
export async function consumeRecoveryCode(tx: Tx, userId: string, codeHash: string, at: string): Promise<boolean> {
  const result = await tx
    .updateTable('recovery_code')
    .set({ used_at: at })
    .where('user_id', '=', userId)
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
