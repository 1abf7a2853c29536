// Every query of security advisories. Reads filter with the predicate of policy/advisories.ts.
import { sql, type Insertable, type Updateable } from 'kysely';
import type { Tx } from '../../store/db.ts';
import type { AdvisoryTable, AdvisoryVersionTable } from '../../store/schema.ts';
import type { Viewer } from '../../policy/viewer.ts';
import { advisoriesVisibleTo } from '../../policy/advisories.ts';

export type AdvisoryRow = AdvisoryTable & { owner_name: string; owner_short_name: string; owner_contacts: string };
export type VersionRow = AdvisoryVersionTable;

function advisoriesWithOwner(tx: Tx) {
  return tx
    .selectFrom('advisory')
    .innerJoin('organisation', 'organisation.id', 'advisory.owner_org_id')
    .selectAll('advisory')
    .select(['organisation.name as owner_name', 'organisation.short_name as owner_short_name', 'organisation.contacts as owner_contacts']);
}

export async function findVisibleAdvisory(tx: Tx, viewer: Viewer, id: string): Promise<AdvisoryRow | undefined> {
  return advisoriesWithOwner(tx).where('advisory.id', '=', id).where(advisoriesVisibleTo(viewer)).executeTakeFirst();
}

export interface AdvisoryFilter {
  limit: number;
  after?: { modified: string; id: string } | undefined;
  state?: 'draft' | 'published' | undefined;
  category?: string | undefined;
  tlp?: string | undefined;
  orgId?: string | undefined;
  /** Exact, in any case. */
  trackingId?: string | undefined;
  search?: string | undefined;
}

/** Most recently changed first. */
export async function listVisibleAdvisories(tx: Tx, viewer: Viewer, f: AdvisoryFilter): Promise<AdvisoryRow[]> {
  let query = advisoriesWithOwner(tx).where(advisoriesVisibleTo(viewer));
  if (f.state) query = query.where('advisory.published', '=', f.state === 'published' ? 1 : 0);
  if (f.category) query = query.where('advisory.category', '=', f.category);
  if (f.tlp) query = query.where('advisory.tlp', '=', f.tlp);
  if (f.orgId) query = query.where('advisory.owner_org_id', '=', f.orgId);
  if (f.trackingId) query = query.where((eb) => eb(eb.fn('upper', ['advisory.tracking_id']), '=', f.trackingId!.toUpperCase()));
  if (f.search) {
    const pattern = `%${f.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where(sql<boolean>`(lower(advisory.title) like ${pattern} escape '\\' or lower(coalesce(advisory.tracking_id, '')) like ${pattern} escape '\\')`);
  }
  if (f.after) {
    const { modified, id } = f.after;
    query = query.where((eb) => eb.or([eb('advisory.modified', '<', modified), eb.and([eb('advisory.modified', '=', modified), eb('advisory.id', '<', id)])]));
  }
  return query.orderBy('advisory.modified', 'desc').orderBy('advisory.id', 'desc').limit(f.limit).execute();
}

/** Published advisories of the given TLP levels the viewer may see, newest release first. */
export async function feedAdvisories(tx: Tx, viewer: Viewer, tlps: string[], limit: number): Promise<AdvisoryRow[]> {
  return advisoriesWithOwner(tx)
    .where(advisoriesVisibleTo(viewer))
    .where('advisory.published', '=', 1)
    .where('advisory.tlp', 'in', tlps)
    .orderBy('advisory.current_release_date', 'desc')
    .orderBy('advisory.id', 'desc')
    .limit(limit)
    .execute();
}

/** The published versions of an advisory the viewer may see, oldest first. */
export async function visibleVersions(tx: Tx, viewer: Viewer, advisoryId: string): Promise<VersionRow[]> {
  return tx
    .selectFrom('advisory_version')
    .innerJoin('advisory', 'advisory.id', 'advisory_version.advisory_id')
    .selectAll('advisory_version')
    .where('advisory_version.advisory_id', '=', advisoryId)
    .where(advisoriesVisibleTo(viewer))
    .orderBy('advisory_version.number')
    .execute();
}

export async function findVisibleVersion(tx: Tx, viewer: Viewer, advisoryId: string, number: number): Promise<VersionRow | undefined> {
  return tx
    .selectFrom('advisory_version')
    .innerJoin('advisory', 'advisory.id', 'advisory_version.advisory_id')
    .selectAll('advisory_version')
    .where('advisory_version.advisory_id', '=', advisoryId)
    .where('advisory_version.number', '=', number)
    .where(advisoriesVisibleTo(viewer))
    .executeTakeFirst();
}

/** A tracking id is unique within its team (the unique index advisory_tracking): this finds the
 *  team's advisory that holds it, tombstones included, before an import or a new id is written. */
export async function advisoryHoldingTrackingId(tx: Tx, ownerOrgId: string, trackingId: string) {
  return tx
    .selectFrom('advisory')
    .select(['id', 'source', 'deleted', 'tlp', 'distribution', 'sharing_group_id', 'current_version', 'current_release_date', 'modified'])
    .where('owner_org_id', '=', ownerOrgId)
    .where('tracking_id', '=', trackingId)
    .executeTakeFirst();
}

/** The next running number for a tracking-id prefix and year, taken atomically. */
export async function nextTrackingSequence(tx: Tx, prefix: string, year: number): Promise<number> {
  const row = await tx
    .insertInto('advisory_counter')
    .values({ prefix, year, last: 1 })
    .onConflict((oc) => oc.columns(['prefix', 'year']).doUpdateSet((eb) => ({ last: eb('advisory_counter.last', '+', 1) })))
    .returning('last')
    .executeTakeFirstOrThrow();
  return Number(row.last);
}

/** The name and contacts a CSAF publisher entry is made of (the node's operator organisation). */
export async function organisationForPublisher(tx: Tx, id: string) {
  return tx.selectFrom('organisation').select(['name', 'short_name', 'contacts']).where('id', '=', id).executeTakeFirst();
}

export async function organisationExists(tx: Tx, id: string): Promise<boolean> {
  return (await tx.selectFrom('organisation').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

export async function insertAdvisory(tx: Tx, row: Insertable<AdvisoryTable>): Promise<void> {
  await tx.insertInto('advisory').values(row).execute();
}

export async function updateAdvisory(tx: Tx, id: string, changes: Updateable<AdvisoryTable>): Promise<void> {
  await tx.updateTable('advisory').set(changes).where('id', '=', id).execute();
}

export async function insertVersion(tx: Tx, row: Insertable<AdvisoryVersionTable>): Promise<void> {
  await tx.insertInto('advisory_version').values(row).execute();
}

/** A withdrawal keeps the advisory's id, owner, tracking id and handling, and drops its content. */
export async function removeVersions(tx: Tx, advisoryId: string): Promise<number> {
  const result = await tx.deleteFrom('advisory_version').where('advisory_id', '=', advisoryId).executeTakeFirst();
  return Number(result.numDeletedRows);
}
