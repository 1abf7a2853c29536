// The queries of the MISP exchange. Reads go through the handling-rule predicates of policy/intel.ts;
// events and indicators themselves are written with the intel feature's queries.
import type { Tx } from '../../../store/db.ts';
import type { EventTable, MispElementTable } from '../../../store/schema.ts';
import { indicatorsVisibleTo } from '../../../policy/intel.ts';
import type { Viewer } from '../../../policy/viewer.ts';

// Rows per multi-row insert and ids per `in` list: under both engines' bound-parameter limits.
const BATCH = 400;

// ---- import -------------------------------------------------------------------------------------

/** The sharing groups `orgId` belongs to: the only groups its imports may name. */
export async function groupsOfTeam(tx: Tx, orgId: string): Promise<{ id: string; name: string }[]> {
  return tx
    .selectFrom('sharing_group')
    .innerJoin('sharing_group_org', 'sharing_group_org.group_id', 'sharing_group.id')
    .select(['sharing_group.id', 'sharing_group.name'])
    .where('sharing_group_org.org_id', '=', orgId)
    .orderBy('sharing_group.name')
    .execute();
}

export async function organisationExists(tx: Tx, id: string): Promise<boolean> {
  return (await tx.selectFrom('organisation').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

/** The team's own copy of the MISP event `uuid`: imported under that uuid or another id, or its own
 *  event of that id (a re-import of what it exported). Tombstones included. */
export async function findTeamCopy(tx: Tx, ownerOrgId: string, uuid: string): Promise<EventTable | undefined> {
  // Two lookups, each on an index (the primary key, then event_misp_uuid): an `or` of the two
  // would scan every event of the team.
  const byId = await tx.selectFrom('event').selectAll().where('id', '=', uuid).where('owner_org_id', '=', ownerOrgId).executeTakeFirst();
  return byId ?? tx.selectFrom('event').selectAll().where('owner_org_id', '=', ownerOrgId).where('misp_uuid', '=', uuid).executeTakeFirst();
}

export async function eventIdTaken(tx: Tx, id: string): Promise<boolean> {
  return (await tx.selectFrom('event').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

export async function insertMispElements(tx: Tx, rows: MispElementTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) await tx.insertInto('misp_element').values(rows.slice(i, i + BATCH)).execute();
}

export interface SightingRow {
  id: string;
  indicator_id: string;
  org_id: string;
  kind: string;
  seen_at: string;
  source: string;
  created_at: string;
}

export async function insertSightings(tx: Tx, rows: SightingRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) await tx.insertInto('sighting').values(rows.slice(i, i + BATCH)).execute();
}

// ---- export -------------------------------------------------------------------------------------

function visibleIndicatorsOf(tx: Tx, viewer: Viewer, eventId: string) {
  return tx
    .selectFrom('indicator')
    .innerJoin('event', 'event.id', 'indicator.event_id')
    .leftJoin('misp_element', 'misp_element.id', 'indicator.id')
    .where('indicator.event_id', '=', eventId)
    .where(indicatorsVisibleTo(viewer))
    .select([
      'indicator.id',
      'indicator.object_id',
      'indicator.object_relation',
      'indicator.type',
      'indicator.category',
      'indicator.value',
      'indicator.to_ids',
      'indicator.comment',
      'indicator.first_seen',
      'indicator.last_seen',
      'indicator.tlp',
      'indicator.distribution',
      'indicator.sharing_group_id',
      'indicator.modified',
      'misp_element.uuid as misp_uuid',
    ]);
}

export type AttributeRow = Awaited<ReturnType<typeof plainAttributes>>[number];

/** A batch of the event's visible indicators outside objects, in id order after `afterId`. */
export async function plainAttributes(tx: Tx, viewer: Viewer, eventId: string, afterId: string | undefined, limit: number) {
  let query = visibleIndicatorsOf(tx, viewer, eventId).where('indicator.object_id', 'is', null);
  if (afterId !== undefined) query = query.where('indicator.id', '>', afterId);
  return query.orderBy('indicator.id').limit(limit).execute();
}

/** A batch of the event's visible indicators inside objects, object by object, after `after`. */
export async function objectAttributes(tx: Tx, viewer: Viewer, eventId: string, after: { objectId: string; id: string } | undefined, limit: number) {
  let query = visibleIndicatorsOf(tx, viewer, eventId).where('indicator.object_id', 'is not', null);
  if (after !== undefined) {
    const { objectId, id } = after;
    query = query.where((eb) => eb.or([eb('indicator.object_id', '>', objectId), eb.and([eb('indicator.object_id', '=', objectId), eb('indicator.id', '>', id)])]));
  }
  return query.orderBy('indicator.object_id').orderBy('indicator.id').limit(limit).execute();
}

export async function objectsByIds(tx: Tx, ids: string[]) {
  if (ids.length === 0) return [];
  return tx
    .selectFrom('intel_object')
    .leftJoin('misp_element', 'misp_element.id', 'intel_object.id')
    .select(['intel_object.id', 'intel_object.name', 'intel_object.meta_category', 'intel_object.comment', 'intel_object.modified', 'misp_element.uuid as misp_uuid'])
    .where('intel_object.id', 'in', ids)
    .execute();
}

/** Sightings of indicators the caller already may see, with the reporting team. */
export async function sightingsOfIndicators(tx: Tx, indicatorIds: string[]) {
  const rows = [];
  for (let i = 0; i < indicatorIds.length; i += BATCH) {
    rows.push(
      ...(await tx
        .selectFrom('sighting')
        .innerJoin('organisation', 'organisation.id', 'sighting.org_id')
        .select(['sighting.id', 'sighting.indicator_id', 'sighting.kind', 'sighting.seen_at', 'sighting.source', 'sighting.org_id', 'organisation.name as org_name'])
        .where('sighting.indicator_id', 'in', indicatorIds.slice(i, i + BATCH))
        .orderBy('sighting.seen_at')
        .orderBy('sighting.id')
        .execute()),
    );
  }
  return rows;
}

export async function sharingGroupsByIds(tx: Tx, ids: string[]) {
  if (ids.length === 0) return [];
  return tx.selectFrom('sharing_group').select(['id', 'name', 'description']).where('id', 'in', ids).execute();
}

/** Visible live indicators of published events, in id order after `afterId` (a feed's hashes.csv). */
export async function feedHashBatch(tx: Tx, viewer: Viewer, afterId: string | undefined, limit: number) {
  let query = tx
    .selectFrom('indicator')
    .innerJoin('event', 'event.id', 'indicator.event_id')
    .where(indicatorsVisibleTo(viewer))
    .where('event.published', '=', 1)
    .select(['indicator.id', 'indicator.event_id', 'indicator.type', 'indicator.value', 'indicator.normalised']);
  if (afterId !== undefined) query = query.where('indicator.id', '>', afterId);
  return query.orderBy('indicator.id').limit(limit).execute();
}
