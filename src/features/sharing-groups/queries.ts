import type { Tx } from '../../store/db.ts';
import type { SharingGroupTable } from '../../store/schema.ts';
import type { Viewer } from '../../policy/viewer.ts';
import { sharingGroupsVisibleTo } from '../../policy/intel.ts';

export async function listVisibleGroups(tx: Tx, viewer: Viewer, id?: string): Promise<SharingGroupTable[]> {
  let query = tx.selectFrom('sharing_group').selectAll().where(sharingGroupsVisibleTo(viewer));
  if (id) query = query.where('id', '=', id);
  return query.orderBy('name').execute();
}

export async function membersOf(tx: Tx, groupIds: string[]) {
  if (groupIds.length === 0) return [];
  return tx
    .selectFrom('sharing_group_org')
    .innerJoin('organisation', 'organisation.id', 'sharing_group_org.org_id')
    .select(['sharing_group_org.group_id', 'sharing_group_org.org_id', 'sharing_group_org.extend', 'organisation.name', 'organisation.country', 'organisation.home_node'])
    .where('sharing_group_org.group_id', 'in', groupIds)
    .orderBy('organisation.name')
    .execute();
}

export async function nodesOf(tx: Tx, groupIds: string[]) {
  if (groupIds.length === 0) return [];
  return tx.selectFrom('sharing_group_node').select(['group_id', 'node']).where('group_id', 'in', groupIds).orderBy('node').execute();
}

export async function groupNameTaken(tx: Tx, name: string, exceptId?: string): Promise<boolean> {
  let query = tx.selectFrom('sharing_group').select('id').where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()));
  if (exceptId) query = query.where('id', '!=', exceptId);
  return (await query.executeTakeFirst()) !== undefined;
}

export async function insertGroup(tx: Tx, row: SharingGroupTable): Promise<void> {
  await tx.insertInto('sharing_group').values(row).execute();
}

export async function updateGroup(tx: Tx, id: string, changes: Partial<SharingGroupTable>): Promise<void> {
  await tx.updateTable('sharing_group').set(changes).where('id', '=', id).execute();
}

export async function upsertMember(tx: Tx, groupId: string, orgId: string, extend: boolean): Promise<void> {
  await tx
    .insertInto('sharing_group_org')
    .values({ group_id: groupId, org_id: orgId, extend: extend ? 1 : 0 })
    .onConflict((oc) => oc.columns(['group_id', 'org_id']).doUpdateSet({ extend: extend ? 1 : 0 }))
    .execute();
}

export async function removeMember(tx: Tx, groupId: string, orgId: string): Promise<boolean> {
  const result = await tx.deleteFrom('sharing_group_org').where('group_id', '=', groupId).where('org_id', '=', orgId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function replaceNodes(tx: Tx, groupId: string, nodes: string[]): Promise<void> {
  await tx.deleteFrom('sharing_group_node').where('group_id', '=', groupId).execute();
  if (nodes.length) await tx.insertInto('sharing_group_node').values(nodes.map((node) => ({ group_id: groupId, node }))).execute();
}

export async function existingOrganisations(tx: Tx, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await tx.selectFrom('organisation').select('id').where('id', 'in', ids).execute();
  return new Set(rows.map((r) => r.id));
}
