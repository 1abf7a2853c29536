import { sql } from 'kysely';
import type { Tx } from '../../store/db.ts';
import type { OrganisationTable } from '../../store/schema.ts';
import type { Viewer } from '../../policy/viewer.ts';
import { organisationsVisibleTo } from '../../policy/organisations.ts';
import type { ConstituencyKind } from '../../domain/constituency.ts';

export type OrganisationRow = OrganisationTable;
export interface ConstituencyRow {
  org_id: string;
  kind: string;
  value: string;
}

export async function findVisibleOrganisation(tx: Tx, viewer: Viewer, id: string): Promise<OrganisationRow | undefined> {
  return tx.selectFrom('organisation').selectAll().where('id', '=', id).where(organisationsVisibleTo(viewer)).executeTakeFirst();
}

export interface OrganisationPage {
  limit: number;
  after?: { name: string; id: string } | undefined;
  search?: string | undefined;
}

export async function listVisibleOrganisations(tx: Tx, viewer: Viewer, page: OrganisationPage): Promise<OrganisationRow[]> {
  let query = tx.selectFrom('organisation').selectAll().where(organisationsVisibleTo(viewer));
  if (page.search) {
    const pattern = `%${page.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    // ESCAPE spelled out: SQLite has no default escape character, PostgreSQL's is the backslash.
    query = query.where(sql<boolean>`(lower(name) like ${pattern} escape '\\' or lower(short_name) like ${pattern} escape '\\')`);
  }
  if (page.after) {
    const { name, id } = page.after;
    query = query.where((eb) => eb.or([eb('name', '>', name), eb.and([eb('name', '=', name), eb('id', '>', id)])]));
  }
  return query.orderBy('name').orderBy('id').limit(page.limit).execute();
}

export async function constituencyOf(tx: Tx, orgIds: string[]): Promise<ConstituencyRow[]> {
  if (orgIds.length === 0) return [];
  return tx
    .selectFrom('constituency_entry')
    .select(['org_id', 'kind', 'value'])
    .where('org_id', 'in', orgIds)
    .orderBy('org_id')
    .orderBy('position')
    .execute();
}

/** Names are unique regardless of case: "CERT-X" and "cert-x" are the same team. */
export async function findNameClash(
  tx: Tx,
  field: 'name' | 'short_name',
  value: string,
  exceptId?: string,
): Promise<string | undefined> {
  let query = tx.selectFrom('organisation').select('id').where((eb) => eb(eb.fn('lower', [field]), '=', value.toLowerCase()));
  if (exceptId) query = query.where('id', '!=', exceptId);
  return (await query.executeTakeFirst())?.id;
}

export async function insertOrganisation(tx: Tx, row: OrganisationRow): Promise<void> {
  await tx.insertInto('organisation').values(row).execute();
}

export async function updateOrganisation(tx: Tx, id: string, changes: Partial<OrganisationRow>): Promise<void> {
  await tx.updateTable('organisation').set(changes).where('id', '=', id).execute();
}

export async function replaceConstituency(
  tx: Tx,
  orgId: string,
  entries: { kind: ConstituencyKind; value: string }[],
  newId: () => string,
): Promise<void> {
  await tx.deleteFrom('constituency_entry').where('org_id', '=', orgId).execute();
  // Batched multi-row inserts: a national constituency may hold thousands of prefixes.
  for (let i = 0; i < entries.length; i += 500) {
    const batch = entries.slice(i, i + 500).map((e, j) => ({ id: newId(), org_id: orgId, kind: e.kind, value: e.value, position: i + j }));
    await tx.insertInto('constituency_entry').values(batch).execute();
  }
}

export async function organisationExists(tx: Tx, id: string): Promise<boolean> {
  return (await tx.selectFrom('organisation').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

/** For the operator's CLI: an organisation by id or (case-insensitive) short name. */
export async function findOrganisationByRef(tx: Tx, viewer: Viewer, ref: string): Promise<OrganisationRow | undefined> {
  return tx
    .selectFrom('organisation')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', ref), eb(eb.fn('lower', ['short_name']), '=', ref.toLowerCase())]))
    .where(organisationsVisibleTo(viewer))
    .executeTakeFirst();
}
