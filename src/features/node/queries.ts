import type { Tx } from '../../store/db.ts';

export async function readNodeSettings(tx: Tx): Promise<Map<string, string>> {
  const rows = await tx.selectFrom('node_setting').select(['key', 'value']).execute();
  return new Map(rows.map((r) => [r.key, r.value]));
}

export async function writeNodeSetting(tx: Tx, key: string, value: string): Promise<void> {
  await tx
    .insertInto('node_setting')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
}
