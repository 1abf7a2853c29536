import type { Tx } from '../../store/db.ts';
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { UserTable } from '../../store/schema.ts';
import type { Viewer } from '../../policy/viewer.ts';
import { usersVisibleTo } from '../../policy/users.ts';

export type UserRow = Selectable<UserTable>;
export type UserWithOrg = UserRow & { org_name: string };

function withOrgName(tx: Tx) {
  return tx
    .selectFrom('app_user')
    .innerJoin('organisation', 'organisation.id', 'app_user.org_id')
    .selectAll('app_user')
    .select('organisation.name as org_name');
}

export async function findVisibleUser(tx: Tx, viewer: Viewer, id: string): Promise<UserWithOrg | undefined> {
  return withOrgName(tx).where('app_user.id', '=', id).where(usersVisibleTo(viewer)).executeTakeFirst();
}

/** For authentication only (no viewer yet): never returned to a client as is. */
export async function findUserForLogin(tx: Tx, email: string): Promise<UserWithOrg | undefined> {
  return withOrgName(tx).where('app_user.email', '=', email.toLowerCase()).executeTakeFirst();
}

export async function findUserById(tx: Tx, id: string): Promise<UserWithOrg | undefined> {
  return withOrgName(tx).where('app_user.id', '=', id).executeTakeFirst();
}

export async function listVisibleUsers(
  tx: Tx,
  viewer: Viewer,
  filter: { orgId?: string | undefined; after?: { email: string } | undefined; limit: number },
): Promise<UserWithOrg[]> {
  let query = withOrgName(tx).where(usersVisibleTo(viewer));
  if (filter.orgId) query = query.where('app_user.org_id', '=', filter.orgId);
  if (filter.after) query = query.where('app_user.email', '>', filter.after.email);
  return query.orderBy('app_user.email').limit(filter.limit).execute();
}

export async function emailTaken(tx: Tx, email: string): Promise<boolean> {
  return (await tx.selectFrom('app_user').select('id').where('email', '=', email.toLowerCase()).executeTakeFirst()) !== undefined;
}

export async function insertUser(tx: Tx, row: Insertable<UserTable>): Promise<void> {
  await tx.insertInto('app_user').values(row).execute();
}

export async function updateUser(tx: Tx, id: string, changes: Updateable<UserTable>): Promise<void> {
  await tx.updateTable('app_user').set(changes).where('id', '=', id).execute();
}
