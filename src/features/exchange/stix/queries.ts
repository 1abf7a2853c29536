// STIX objects held as received: versions written once, the newest flagged, read back through the
// handling-rule predicate of the policy module.
import { CompiledQuery, sql } from 'kysely';
import type { Engine, Tx } from '../../../store/db.ts';
import type { StixObjectTable } from '../../../store/schema.ts';
import { indicatorsVisibleTo, stixObjectsVisibleTo } from '../../../policy/intel.ts';
import type { Viewer } from '../../../policy/viewer.ts';
import type { IndicatorType } from '../../../domain/indicators/types.ts';
import type { SanadIndicator } from '../../../domain/stix/sanad-mapping.ts';

const BATCH = 200;
// Both engines take a few thousand bound parameters in one statement (SQLite's limit is 32,766).
const HELD_BATCH = 2000;

/** Every version the team holds of each of `ids`. */
export async function heldVersions(tx: Tx, ownerOrgId: string, ids: string[]): Promise<Map<string, string[]>> {
  const held = new Map<string, string[]>();
  for (let i = 0; i < ids.length; i += HELD_BATCH) {
    const rows = await tx.selectFrom('stix_object').select(['id', 'version']).where('owner_org_id', '=', ownerOrgId).where('id', 'in', ids.slice(i, i + HELD_BATCH)).execute();
    for (const row of rows) held.set(row.id, [...(held.get(row.id) ?? []), row.version]);
  }
  return held;
}

const COLUMNS = [
  'id', 'version', 'type', 'event_id', 'owner_org_id', 'spec_version', 'latest', 'revoked', 'tlp', 'distribution', 'sharing_group_id', 'deleted', 'object', 'date_added', 'added_key',
] as const satisfies readonly (keyof StixObjectTable)[];
const INTEGER_COLUMNS: ReadonlySet<string> = new Set(['latest', 'revoked', 'deleted']);
const SQLITE_ROWS_PER_INSERT = 50;
const sqliteInsertTexts = new Map<number, string>();

function sqliteInsertText(rows: number): string {
  let text = sqliteInsertTexts.get(rows);
  if (!text) {
    const row = `(${COLUMNS.map(() => '?').join(',')})`;
    text = `insert into stix_object (${COLUMNS.join(',')}) values ${Array.from({ length: rows }, () => row).join(',')}`;
    sqliteInsertTexts.set(rows, text);
  }
  return text;
}

/** Bulk insert: on SQLite one prepared statement per batch size bound positionally, on PostgreSQL
 *  one array per column turned back into rows by unnest (a few parameters however many rows). */
export async function insertStixObjects(tx: Tx, engine: Engine, rows: StixObjectTable[]): Promise<void> {
  if (engine === 'sqlite') {
    for (let i = 0; i < rows.length; i += SQLITE_ROWS_PER_INSERT) {
      const batch = rows.slice(i, i + SQLITE_ROWS_PER_INSERT);
      const params: unknown[] = [];
      for (const row of batch) for (const column of COLUMNS) params.push(row[column]);
      await tx.executeQuery(CompiledQuery.raw(sqliteInsertText(batch.length), params));
    }
    return;
  }
  for (let i = 0; i < rows.length; i += 5000) {
    const batch = rows.slice(i, i + 5000);
    const arrays = COLUMNS.map((column) => sql`${batch.map((row) => row[column])}::${sql.raw(INTEGER_COLUMNS.has(column) ? 'int[]' : 'text[]')}`);
    await tx
      .insertInto('stix_object')
      .columns([...COLUMNS])
      .expression(sql`select * from unnest(${sql.join(arrays)})`)
      .execute();
  }
}

/** Flags the team's newest version of each of `ids` as the latest, and only that one. */
export async function markLatestVersions(tx: Tx, ownerOrgId: string, ids: string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += BATCH) {
    await tx
      .updateTable('stix_object')
      .set({
        latest: sql<number>`case when stix_object.version = (select max(newer.version) from stix_object as newer where newer.owner_org_id = stix_object.owner_org_id and newer.id = stix_object.id) then 1 else 0 end`,
      })
      .where('owner_org_id', '=', ownerOrgId)
      .where('id', 'in', ids.slice(i, i + BATCH))
      .execute();
  }
}

/** Marking definitions this node holds, among `ids`. */
export async function heldMarkingDefinitions(tx: Tx, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await tx.selectFrom('stix_object').select('id').distinct().where('type', '=', 'marking-definition').where('id', 'in', ids).execute();
  return new Set(rows.map((r) => r.id));
}

/** Relaxes the fail-closed handling given to versions whose marking references have now resolved. */
export async function setObjectHandling(tx: Tx, eventId: string, id: string, version: string, tlp: string | null): Promise<void> {
  await tx.updateTable('stix_object').set({ tlp, distribution: null }).where('event_id', '=', eventId).where('id', '=', id).where('version', '=', version).execute();
  await tx.updateTable('indicator').set({ tlp, distribution: null }).where('event_id', '=', eventId).where('stix_id', '=', id).where('deleted', '=', 0).execute();
}

/** The team's live indicators read from (an older version of) the STIX object `stixId`. */
export async function indicatorsReadFrom(tx: Tx, ownerOrgId: string, stixId: string): Promise<string[]> {
  const rows = await tx
    .selectFrom('indicator')
    .innerJoin('event', 'event.id', 'indicator.event_id')
    .select('indicator.id')
    .where('indicator.stix_id', '=', stixId)
    .where('event.owner_org_id', '=', ownerOrgId)
    .where('indicator.deleted', '=', 0)
    .execute();
  return rows.map((r) => r.id);
}

/** A batch of the newest visible versions of an event's objects, after `after` in (type, id) order. */
export async function visibleObjectsOfEvent(tx: Tx, viewer: Viewer, eventId: string, after: { type: string; id: string } | null, limit: number) {
  let query = tx
    .selectFrom('stix_object')
    .innerJoin('event', 'event.id', 'stix_object.event_id')
    .select(['stix_object.id', 'stix_object.type', 'stix_object.object'])
    .where('stix_object.event_id', '=', eventId)
    .where('stix_object.latest', '=', 1)
    .where(stixObjectsVisibleTo(viewer));
  if (after) query = query.where((eb) => eb.or([eb('stix_object.type', '>', after.type), eb.and([eb('stix_object.type', '=', after.type), eb('stix_object.id', '>', after.id)])]));
  return query.orderBy('stix_object.type').orderBy('stix_object.id').limit(limit).execute();
}

/** The columns a STIX indicator is written from (with the event's handling around them). */
export const STIX_INDICATOR_COLUMNS = [
  'indicator.id',
  'indicator.type',
  'indicator.value',
  'indicator.comment',
  'indicator.to_ids',
  'indicator.first_seen',
  'indicator.last_seen',
  'indicator.created_at',
  'indicator.modified',
  'event.owner_org_id',
  'event.pap',
] as const;

type StixIndicatorRow = { id: string; type: string; value: string; comment: string; to_ids: number; first_seen: string | null; last_seen: string | null; created_at: string; modified: string };

/** One of Sanad's own indicators as the STIX mapping takes it. */
export function sanadIndicatorOf(row: StixIndicatorRow, tags: Map<string, string[]>): SanadIndicator {
  return {
    id: row.id,
    type: row.type as IndicatorType,
    value: row.value,
    comment: row.comment,
    toIds: row.to_ids === 1,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    createdAt: row.created_at,
    modified: row.modified,
    tags: tags.get(row.id) ?? [],
  };
}

/** A batch of an event's visible live indicators that Sanad wrote itself (not read from a STIX
 *  object, which is exported as received), after `afterId`. */
export async function visibleOwnIndicatorsOfEvent(tx: Tx, viewer: Viewer, eventId: string, afterId: string | null, limit: number) {
  let query = tx
    .selectFrom('indicator')
    .innerJoin('event', 'event.id', 'indicator.event_id')
    .select([...STIX_INDICATOR_COLUMNS, (eb) => eb.fn.coalesce('indicator.tlp', 'event.tlp').as('tlp')])
    .where('indicator.event_id', '=', eventId)
    .where('indicator.stix_id', 'is', null)
    .where(indicatorsVisibleTo(viewer));
  if (afterId) query = query.where('indicator.id', '>', afterId);
  return query.orderBy('indicator.id').limit(limit).execute();
}

/** The event's own row, for a new event's imports to remove when they brought nothing. */
export async function deleteEmptyEvent(tx: Tx, eventId: string): Promise<void> {
  await tx.deleteFrom('event').where('id', '=', eventId).execute();
}

export async function organisationForIdentity(tx: Tx, id: string) {
  return tx.selectFrom('organisation').select(['id', 'name', 'country', 'created_at', 'modified_at']).where('id', '=', id).executeTakeFirstOrThrow();
}

/** Sightings reported of `indicatorIds`, one row per indicator and reporting team. */
export async function sightingsByTeam(tx: Tx, indicatorIds: string[]) {
  if (indicatorIds.length === 0) return [];
  return tx
    .selectFrom('sighting')
    .innerJoin('organisation', 'organisation.id', 'sighting.org_id')
    .select([
      'sighting.indicator_id',
      'sighting.org_id',
      'organisation.name',
      'organisation.country',
      'organisation.created_at as org_created_at',
      'organisation.modified_at as org_modified_at',
      (eb) => eb.fn.countAll<number>().as('n'),
      (eb) => eb.fn.min('sighting.seen_at').as('first_seen'),
      (eb) => eb.fn.max('sighting.seen_at').as('last_seen'),
      (eb) => eb.fn.min('sighting.created_at').as('first_reported'),
      (eb) => eb.fn.max('sighting.created_at').as('last_reported'),
    ])
    .where('sighting.indicator_id', 'in', indicatorIds)
    .where('sighting.kind', '=', 'sighting')
    .groupBy(['sighting.indicator_id', 'sighting.org_id', 'organisation.name', 'organisation.country', 'organisation.created_at', 'organisation.modified_at'])
    .execute();
}
