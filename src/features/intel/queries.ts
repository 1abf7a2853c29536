// Every query of shared intelligence. Reads filter with the handling-rule predicates of policy/intel.ts.
import { CompiledQuery, sql, type Insertable } from 'kysely';
import type { Engine, Tx } from '../../store/db.ts';
import type { EventTable, IndicatorTable, IntelObjectTable } from '../../store/schema.ts';
import type { Viewer } from '../../policy/viewer.ts';
import { eventsVisibleTo, indicatorsVisibleTo, sharingGroupsVisibleTo } from '../../policy/intel.ts';

export type EventRow = EventTable & { owner_name: string; owner_country: string | null };
export type IndicatorRow = IndicatorTable & { object_name: string | null; event_tlp: string; event_pap: string; event_distribution: string; event_sharing_group_id: string | null };

// Multi-row inserts in batches that stay under both engines' bound-parameter limits.
const BATCH = 400;

function eventsWithOwner(tx: Tx) {
  return tx
    .selectFrom('event')
    .innerJoin('organisation', 'organisation.id', 'event.owner_org_id')
    .selectAll('event')
    .select(['organisation.name as owner_name', 'organisation.country as owner_country']);
}

export async function findVisibleEvent(tx: Tx, viewer: Viewer, id: string): Promise<EventRow | undefined> {
  return eventsWithOwner(tx).where('event.id', '=', id).where(eventsVisibleTo(viewer)).executeTakeFirst();
}

export interface EventFilter {
  limit: number;
  after?: { modified: string; id: string } | undefined;
  search?: string | undefined;
  tag?: string | undefined;
  orgId?: string | undefined;
  country?: string | undefined;
  tlp?: string | undefined;
  published?: boolean | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

/** Newest version first. */
export async function listVisibleEvents(tx: Tx, viewer: Viewer, f: EventFilter): Promise<EventRow[]> {
  let query = eventsWithOwner(tx).where(eventsVisibleTo(viewer));
  if (f.search) {
    const pattern = `%${f.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where(sql<boolean>`lower(event.info) like ${pattern} escape '\\'`);
  }
  if (f.tag) {
    const tag = f.tag;
    query = query.where((eb) => eb.exists(eb.selectFrom('event_tag').select('event_tag.name').whereRef('event_tag.event_id', '=', 'event.id').where('event_tag.name', '=', tag)));
  }
  if (f.orgId) query = query.where('event.owner_org_id', '=', f.orgId);
  if (f.country) query = query.where('organisation.country', '=', f.country.toUpperCase());
  if (f.tlp) query = query.where('event.tlp', '=', f.tlp);
  if (f.published !== undefined) query = query.where('event.published', '=', f.published ? 1 : 0);
  if (f.from) query = query.where('event.date', '>=', f.from);
  if (f.to) query = query.where('event.date', '<=', f.to);
  if (f.after) {
    const { modified, id } = f.after;
    query = query.where((eb) => eb.or([eb('event.modified', '<', modified), eb.and([eb('event.modified', '=', modified), eb('event.id', '<', id)])]));
  }
  return query.orderBy('event.modified', 'desc').orderBy('event.id', 'desc').limit(f.limit).execute();
}

export async function tagsOfEvents(tx: Tx, eventIds: string[]) {
  if (eventIds.length === 0) return [];
  return tx.selectFrom('event_tag').select(['event_id', 'name']).where('event_id', 'in', eventIds).orderBy('name').execute();
}

/** Indicators of the events that the viewer may see, counted per event. */
export async function visibleIndicatorCounts(tx: Tx, viewer: Viewer, eventIds: string[]): Promise<Map<string, number>> {
  if (eventIds.length === 0) return new Map();
  const rows = await tx
    .selectFrom('indicator')
    .innerJoin('event', 'event.id', 'indicator.event_id')
    .select(['indicator.event_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('indicator.event_id', 'in', eventIds)
    .where(indicatorsVisibleTo(viewer))
    .groupBy('indicator.event_id')
    .execute();
  return new Map(rows.map((r) => [r.event_id, Number(r.n)]));
}

function indicatorsWithEvent(tx: Tx) {
  return tx
    .selectFrom('indicator')
    .innerJoin('event', 'event.id', 'indicator.event_id')
    .leftJoin('intel_object', 'intel_object.id', 'indicator.object_id')
    .selectAll('indicator')
    .select([
      'intel_object.name as object_name',
      'event.tlp as event_tlp',
      'event.pap as event_pap',
      'event.distribution as event_distribution',
      'event.sharing_group_id as event_sharing_group_id',
    ]);
}

export interface IndicatorFilter {
  limit: number;
  afterId?: string | undefined;
  eventId?: string | undefined;
  type?: string | undefined;
  /** On the indicator or on its event. */
  tag?: string | undefined;
  orgId?: string | undefined;
  country?: string | undefined;
  /** The effective TLP (the indicator's own, else its event's). */
  tlp?: string | undefined;
  toIds?: boolean | undefined;
  since?: string | undefined;
}

/** Visible indicators in id order (ids are time-ordered: oldest first), keyset-paged. */
export async function searchVisibleIndicators(tx: Tx, viewer: Viewer, f: IndicatorFilter): Promise<IndicatorRow[]> {
  let query = indicatorsWithEvent(tx).where(indicatorsVisibleTo(viewer));
  if (f.eventId) query = query.where('indicator.event_id', '=', f.eventId);
  if (f.type) query = query.where('indicator.type', '=', f.type);
  if (f.tag) {
    const tag = f.tag;
    query = query.where((eb) =>
      eb.or([
        eb.exists(eb.selectFrom('indicator_tag').select('indicator_tag.name').whereRef('indicator_tag.indicator_id', '=', 'indicator.id').where('indicator_tag.name', '=', tag)),
        eb.exists(eb.selectFrom('event_tag').select('event_tag.name').whereRef('event_tag.event_id', '=', 'indicator.event_id').where('event_tag.name', '=', tag)),
      ]),
    );
  }
  if (f.orgId) query = query.where('event.owner_org_id', '=', f.orgId);
  if (f.country) {
    const country = f.country.toUpperCase();
    query = query.where((eb) => eb.exists(eb.selectFrom('organisation').select('organisation.id').whereRef('organisation.id', '=', 'event.owner_org_id').where('organisation.country', '=', country)));
  }
  if (f.tlp) query = query.where((eb) => eb(eb.fn.coalesce('indicator.tlp', 'event.tlp'), '=', f.tlp!));
  if (f.toIds !== undefined) query = query.where('indicator.to_ids', '=', f.toIds ? 1 : 0);
  if (f.since) query = query.where('indicator.modified', '>', f.since);
  if (f.afterId) query = query.where('indicator.id', '>', f.afterId);
  return query.orderBy('indicator.id').limit(f.limit).execute();
}

export async function findVisibleIndicator(tx: Tx, viewer: Viewer, id: string): Promise<IndicatorRow | undefined> {
  return indicatorsWithEvent(tx).where('indicator.id', '=', id).where(indicatorsVisibleTo(viewer)).executeTakeFirst();
}

export async function tagsOfIndicators(tx: Tx, indicatorIds: string[]) {
  if (indicatorIds.length === 0) return [];
  return tx.selectFrom('indicator_tag').select(['indicator_id', 'name']).where('indicator_id', 'in', indicatorIds).orderBy('name').execute();
}

/** The tags of each of `indicatorIds`, by indicator. */
export async function tagsByIndicator(tx: Tx, indicatorIds: string[]): Promise<Map<string, string[]>> {
  const tags = new Map<string, string[]>();
  for (const row of await tagsOfIndicators(tx, indicatorIds)) tags.set(row.indicator_id, [...(tags.get(row.indicator_id) ?? []), row.name]);
  return tags;
}

/** Whether an organisation of that id exists (the operator's CLI names the owner of an import). */
export async function organisationExists(tx: Tx, id: string): Promise<boolean> {
  return (await tx.selectFrom('organisation').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

export async function usableSharingGroups(tx: Tx, viewer: Viewer): Promise<Set<string>> {
  const rows = await tx.selectFrom('sharing_group').select('id').where(sharingGroupsVisibleTo(viewer)).execute();
  return new Set(rows.map((r) => r.id));
}

export async function sharingGroupUsableBy(tx: Tx, viewer: Viewer, id: string): Promise<boolean> {
  return (await tx.selectFrom('sharing_group').select('id').where('id', '=', id).where(sharingGroupsVisibleTo(viewer)).executeTakeFirst()) !== undefined;
}

// ---- writes ----------------------------------------------------------------------------------

export async function insertEvent(tx: Tx, row: Insertable<EventTable>): Promise<void> {
  await tx.insertInto('event').values(row).execute();
}

/** Every change to an event (or its indicators) goes through here: it takes the event out of the
 *  change feed's numbering, to be numbered again once the transaction is visible (see sync). */
export async function updateEvent(tx: Tx, id: string, changes: Partial<EventTable>): Promise<void> {
  await tx.updateTable('event').set({ ...changes, feed_seq: null }).where('id', '=', id).execute();
}

export async function replaceEventTags(tx: Tx, eventId: string, tags: string[]): Promise<void> {
  await tx.deleteFrom('event_tag').where('event_id', '=', eventId).execute();
  if (tags.length) await tx.insertInto('event_tag').values(tags.map((name) => ({ event_id: eventId, name }))).execute();
}

export async function insertObjects(tx: Tx, rows: IntelObjectTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) await tx.insertInto('intel_object').values(rows.slice(i, i + BATCH)).execute();
}

const INDICATOR_COLUMNS = [
  'id', 'event_id', 'object_id', 'object_relation', 'type', 'category', 'value', 'normalised', 'correlation_key', 'ip_start', 'ip_end',
  'to_ids', 'comment', 'first_seen', 'last_seen', 'tlp', 'distribution', 'sharing_group_id', 'warning', 'created_at', 'modified', 'deleted', 'stix_id',
  'provenance',
] as const satisfies readonly (keyof IndicatorTable)[];
const INTEGER_COLUMNS: ReadonlySet<string> = new Set(['to_ids', 'deleted']);
// PostgreSQL parses every bound parameter of a multi-row insert; one array per column is a few
// parameters however many rows, and unnest turns them back into rows.
const PG_BATCH = 5000;

const SQLITE_ROWS_PER_INSERT = 100;
const sqliteInsertTexts = new Map<number, string>();
function sqliteInsertText(rows: number): string {
  let text = sqliteInsertTexts.get(rows);
  if (!text) {
    const row = `(${INDICATOR_COLUMNS.map(() => '?').join(',')})`;
    text = `insert into indicator (${INDICATOR_COLUMNS.join(',')}) values ${Array.from({ length: rows }, () => row).join(',')}`;
    sqliteInsertTexts.set(rows, text);
  }
  return text;
}

async function insertIndicatorRows(tx: Tx, engine: Engine, rows: IndicatorTable[]): Promise<void> {
  if (engine === 'sqlite') {
    // Built once per batch size and bound positionally: the query builder would rebuild the text
    // and walk every value for each batch.
    for (let i = 0; i < rows.length; i += SQLITE_ROWS_PER_INSERT) {
      const batch = rows.slice(i, i + SQLITE_ROWS_PER_INSERT);
      const params: unknown[] = [];
      for (const row of batch) for (const column of INDICATOR_COLUMNS) params.push(row[column] ?? null);
      await tx.executeQuery(CompiledQuery.raw(sqliteInsertText(batch.length), params));
    }
    return;
  }
  for (let i = 0; i < rows.length; i += PG_BATCH) {
    const batch = rows.slice(i, i + PG_BATCH);
    const arrays = INDICATOR_COLUMNS.map((column) => sql`${batch.map((row) => row[column] ?? null)}::${sql.raw(INTEGER_COLUMNS.has(column) ? 'int[]' : 'text[]')}`);
    await tx
      .insertInto('indicator')
      .columns([...INDICATOR_COLUMNS])
      .expression(sql`select * from unnest(${sql.join(arrays)})`)
      .execute();
  }
}

export async function insertIndicators(tx: Tx, engine: Engine, rows: IndicatorTable[], tags: { indicator_id: string; name: string }[]): Promise<void> {
  await insertIndicatorRows(tx, engine, rows);
  for (let i = 0; i < tags.length; i += BATCH) await tx.insertInto('indicator_tag').values(tags.slice(i, i + BATCH)).execute();
  await adjustCorrelationCounts(tx, countKeys(rows.map((r) => r.correlation_key)), +1);
}

function countKeys(keys: (string | null)[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) if (key !== null) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

async function adjustCorrelationCounts(tx: Tx, counts: Map<string, number>, sign: 1 | -1): Promise<void> {
  const entries = [...counts].map(([correlation_key, n]) => ({ correlation_key, n: n * sign }));
  for (let i = 0; i < entries.length; i += BATCH) {
    await tx
      .insertInto('correlation_count')
      .values(entries.slice(i, i + BATCH))
      .onConflict((oc) => oc.column('correlation_key').doUpdateSet((eb) => ({ n: eb('correlation_count.n', '+', eb.ref('excluded.n')) })))
      .execute();
  }
}

/** Turns live indicators into tombstones (content kept only as the id and version). */
export async function tombstoneIndicators(tx: Tx, where: { eventId?: string; indicatorId?: string }, version: string): Promise<number> {
  let keysQuery = tx.selectFrom('indicator').select('correlation_key').where('deleted', '=', 0);
  let update = tx.updateTable('indicator').set({ deleted: 1, modified: version, value: '', normalised: '', correlation_key: null, ip_start: null, ip_end: null, comment: '', warning: null }).where('deleted', '=', 0);
  if (where.eventId) {
    keysQuery = keysQuery.where('event_id', '=', where.eventId);
    update = update.where('event_id', '=', where.eventId);
  }
  if (where.indicatorId) {
    keysQuery = keysQuery.where('id', '=', where.indicatorId);
    update = update.where('id', '=', where.indicatorId);
  }
  const keys = await keysQuery.execute();
  const result = await update.executeTakeFirst();
  await adjustCorrelationCounts(tx, countKeys(keys.map((k) => k.correlation_key)), -1);
  if (where.eventId) await tx.deleteFrom('event_tag').where('event_id', '=', where.eventId).execute();
  return Number(result.numUpdatedRows);
}

/** Removes indicators for good (a copy replaced by its origin's newer version), keeping the correlation counts right. */
export async function removeIndicators(tx: Tx, where: { eventId: string } | { ids: string[] }): Promise<void> {
  const ids = 'ids' in where ? where.ids : (await tx.selectFrom('indicator').select('id').where('event_id', '=', where.eventId).execute()).map((r) => r.id);
  for (let i = 0; i < ids.length; i += BATCH) {
    const batch = ids.slice(i, i + BATCH);
    const keys = await tx.selectFrom('indicator').select('correlation_key').where('id', 'in', batch).where('deleted', '=', 0).execute();
    await adjustCorrelationCounts(tx, countKeys(keys.map((k) => k.correlation_key)), -1);
    await tx.deleteFrom('indicator').where('id', 'in', batch).execute();
  }
  if ('eventId' in where) await tx.deleteFrom('intel_object').where('event_id', '=', where.eventId).execute();
}

// ---- correlation ------------------------------------------------------------------------------

export interface CorrelationTarget {
  indicatorId: string;
  correlationKey: string | null;
  ipStart: string | null;
  ipEnd: string | null;
}

export async function correlationCount(tx: Tx, key: string): Promise<number> {
  const row = await tx.selectFrom('correlation_count').select('n').where('correlation_key', '=', key).executeTakeFirst();
  return row ? Number(row.n) : 0;
}

/** Other visible indicators matching one indicator: the same key, or (for IPs) a block containing
 *  the address or an address inside the block. Warninglisted matches are left out. */
function matchesOf(tx: Tx, viewer: Viewer, target: CorrelationTarget) {
  return tx
    .selectFrom('indicator')
    .innerJoin('event', 'event.id', 'indicator.event_id')
    .innerJoin('organisation', 'organisation.id', 'event.owner_org_id')
    .where(indicatorsVisibleTo(viewer))
    .where('indicator.id', '!=', target.indicatorId)
    .where('indicator.warning', 'is', null)
    .where((eb) => {
      const alternatives = [];
      if (target.correlationKey !== null) alternatives.push(eb('indicator.correlation_key', '=', target.correlationKey));
      if (target.ipStart !== null && target.ipEnd !== null) {
        // A block that contains the target, or an address or block inside the target.
        alternatives.push(eb.and([eb('indicator.ip_start', '<=', target.ipStart), eb('indicator.ip_end', '>=', target.ipEnd)]));
        alternatives.push(eb.and([eb('indicator.ip_start', '>=', target.ipStart), eb('indicator.ip_end', '<=', target.ipEnd)]));
      }
      return alternatives.length ? eb.or(alternatives) : eb.lit(false);
    });
}

export async function correlatedIndicators(tx: Tx, viewer: Viewer, target: CorrelationTarget, limit: number) {
  return matchesOf(tx, viewer, target)
    .select([
      'indicator.id',
      'indicator.event_id',
      'indicator.type',
      'indicator.value',
      'event.info',
      'event.owner_org_id',
      'organisation.name as owner_name',
      'organisation.country as owner_country',
      (eb) => eb.fn.coalesce('indicator.tlp', 'event.tlp').as('tlp'),
    ])
    .orderBy('indicator.modified', 'desc')
    .limit(limit)
    .execute();
}

export async function correlationReach(tx: Tx, viewer: Viewer, target: CorrelationTarget) {
  const row = await matchesOf(tx, viewer, target)
    .select([
      (eb) => eb.fn.countAll<number>().as('matches'),
      (eb) => eb.fn.count<number>('event.owner_org_id').distinct().as('teams'),
      (eb) => eb.fn.count<number>('organisation.country').distinct().as('countries'),
    ])
    .executeTakeFirstOrThrow();
  return { matches: Number(row.matches), teams: Number(row.teams), countries: Number(row.countries) };
}

/** Events sharing values with `eventId`, as the viewer may see them, with how many values each shares.
 *  Keys held by more than `fanOutCap` indicators are skipped: they say nothing about a relation. */
export async function relatedEvents(tx: Tx, viewer: Viewer, eventId: string, fanOutCap: number, limit: number) {
  return tx
    .selectFrom('indicator as mine')
    .innerJoin('event as mine_event', 'mine_event.id', 'mine.event_id')
    .innerJoin('correlation_count', 'correlation_count.correlation_key', 'mine.correlation_key')
    .innerJoin('indicator', 'indicator.correlation_key', 'mine.correlation_key')
    .innerJoin('event', 'event.id', 'indicator.event_id')
    .innerJoin('organisation', 'organisation.id', 'event.owner_org_id')
    .where('mine.event_id', '=', eventId)
    .where('mine.deleted', '=', 0)
    .where('mine.warning', 'is', null)
    .where('correlation_count.n', '<=', fanOutCap)
    .where('indicator.event_id', '!=', eventId)
    .where('indicator.warning', 'is', null)
    .where(indicatorsVisibleTo(viewer))
    .select([
      'event.id',
      'event.info',
      'event.owner_org_id',
      'organisation.name as owner_name',
      'organisation.country as owner_country',
      (eb) => eb.fn.count<number>('mine.correlation_key').distinct().as('shared'),
    ])
    .groupBy(['event.id', 'event.info', 'event.owner_org_id', 'organisation.name', 'organisation.country'])
    .orderBy('shared', 'desc')
    .orderBy('event.id')
    .limit(limit)
    .execute();
}

// ---- lookup and sightings ---------------------------------------------------------------------

export async function lookupByKeys(tx: Tx, viewer: Viewer, keys: string[]) {
  if (keys.length === 0) return [];
  return tx
    .selectFrom('indicator')
    .innerJoin('event', 'event.id', 'indicator.event_id')
    .innerJoin('organisation', 'organisation.id', 'event.owner_org_id')
    .where('indicator.correlation_key', 'in', keys)
    .where(indicatorsVisibleTo(viewer))
    .select([
      'indicator.id',
      'indicator.correlation_key',
      'indicator.event_id',
      'indicator.type',
      'indicator.value',
      'indicator.to_ids',
      'indicator.first_seen',
      'indicator.last_seen',
      'indicator.warning',
      'event.info',
      'event.pap',
      'organisation.name as owner_name',
      'organisation.country as owner_country',
      (eb) => eb.fn.coalesce('indicator.tlp', 'event.tlp').as('tlp'),
    ])
    .orderBy('indicator.correlation_key')
    .orderBy('indicator.modified', 'desc')
    .execute();
}

export async function sightingCounts(tx: Tx, indicatorIds: string[]) {
  if (indicatorIds.length === 0) return [];
  return tx
    .selectFrom('sighting')
    .select(['indicator_id', 'kind', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.max('seen_at').as('last')])
    .where('indicator_id', 'in', indicatorIds)
    .groupBy(['indicator_id', 'kind'])
    .execute();
}

export async function insertSighting(tx: Tx, row: { id: string; indicator_id: string; org_id: string; kind: string; seen_at: string; source: string; created_at: string }): Promise<void> {
  await tx.insertInto('sighting').values(row).execute();
}

export async function sightingsOf(tx: Tx, indicatorId: string, limit: number) {
  return tx
    .selectFrom('sighting')
    .innerJoin('organisation', 'organisation.id', 'sighting.org_id')
    .select(['sighting.id', 'sighting.kind', 'sighting.seen_at', 'sighting.source', 'sighting.org_id', 'organisation.name as org_name', 'organisation.country'])
    .where('sighting.indicator_id', '=', indicatorId)
    .orderBy('sighting.seen_at', 'desc')
    .limit(limit)
    .execute();
}

// ---- export -----------------------------------------------------------------------------------

export interface ExportFilter {
  type?: string | undefined;
  eventId?: string | undefined;
  toIds?: boolean | undefined;
  since?: string | undefined;
}

/** One batch of visible live indicators after `afterId`, in id order (a keyset cursor: nothing is held open between batches). */
export async function exportBatch(tx: Tx, viewer: Viewer, filter: ExportFilter, afterId: string | null, limit: number) {
  let query = tx
    .selectFrom('indicator')
    .innerJoin('event', 'event.id', 'indicator.event_id')
    .where(indicatorsVisibleTo(viewer))
    .select([
      'indicator.id',
      'indicator.event_id',
      'indicator.category',
      'indicator.type',
      'indicator.value',
      'indicator.comment',
      'indicator.to_ids',
      'indicator.modified',
      'indicator.warning',
      (eb) => eb.fn.coalesce('indicator.tlp', 'event.tlp').as('tlp'),
      'event.pap',
    ]);
  if (filter.type) query = query.where('indicator.type', '=', filter.type);
  if (filter.eventId) query = query.where('indicator.event_id', '=', filter.eventId);
  if (filter.toIds !== undefined) query = query.where('indicator.to_ids', '=', filter.toIds ? 1 : 0);
  if (filter.since) query = query.where('indicator.modified', '>', filter.since);
  if (afterId) query = query.where('indicator.id', '>', afterId);
  return query.orderBy('indicator.id').limit(limit).execute();
}

// ---- warninglist re-scan ----------------------------------------------------------------------

export async function liveIndicatorsAfter(tx: Tx, afterId: string | null, limit: number) {
  let query = tx.selectFrom('indicator').select(['id', 'type', 'normalised', 'warning']).where('deleted', '=', 0);
  if (afterId) query = query.where('id', '>', afterId);
  return query.orderBy('id').limit(limit).execute();
}

export async function setIndicatorWarning(tx: Tx, id: string, warning: string | null): Promise<void> {
  await tx.updateTable('indicator').set({ warning }).where('id', '=', id).execute();
}
