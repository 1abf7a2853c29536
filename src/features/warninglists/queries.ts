import type { Tx } from '../../store/db.ts';
import type { WarninglistTable } from '../../store/schema.ts';

export async function listWarninglists(tx: Tx): Promise<WarninglistTable[]> {
  return tx.selectFrom('warninglist').selectAll().orderBy('name').execute();
}

export async function findWarninglist(tx: Tx, id: string): Promise<WarninglistTable | undefined> {
  return tx.selectFrom('warninglist').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findWarninglistByName(tx: Tx, name: string): Promise<WarninglistTable | undefined> {
  return tx.selectFrom('warninglist').selectAll().where('name', '=', name).executeTakeFirst();
}

export async function upsertWarninglist(tx: Tx, row: WarninglistTable): Promise<void> {
  await tx
    .insertInto('warninglist')
    .values(row)
    .onConflict((oc) => oc.column('name').doUpdateSet({ version: row.version, description: row.description, definition: row.definition, enabled: row.enabled, loaded_at: row.loaded_at }))
    .execute();
}

export async function setWarninglistEnabled(tx: Tx, id: string, enabled: boolean, at: string): Promise<void> {
  // loaded_at moves too: it is what tells running matchers to rebuild.
  await tx.updateTable('warninglist').set({ enabled: enabled ? 1 : 0, loaded_at: at }).where('id', '=', id).execute();
}
