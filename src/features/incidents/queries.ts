import { sql, type Insertable, type Selectable, type SelectQueryBuilder, type Updateable } from 'kysely';
import type { Tx } from '../../store/db.ts';
import type {
  CoordinationRequestTable,
  Database,
  IncidentAttachmentTable,
  IncidentEntryTable,
  IncidentObservableTable,
  IncidentTable,
  IncidentTaskTable,
} from '../../store/schema.ts';
import { entriesVisibleTo, incidentAudienceParts, incidentsCountedFor, incidentsVisibleTo } from '../../policy/incidents.ts';
import { eventsVisibleTo } from '../../policy/intel.ts';
import { prefixBound } from '../../domain/search-terms.ts';
import type { Viewer } from '../../policy/viewer.ts';

const BATCH = 400;

/** The next running number for a prefix and year, taken atomically. */
export async function nextSequence(tx: Tx, prefix: string, year: number): Promise<number> {
  const row = await tx
    .insertInto('incident_counter')
    .values({ prefix, year, last: 1 })
    .onConflict((oc) => oc.columns(['prefix', 'year']).doUpdateSet((eb) => ({ last: eb('incident_counter.last', '+', 1) })))
    .returning('last')
    .executeTakeFirstOrThrow();
  return Number(row.last);
}

export async function insertIncident(tx: Tx, row: Insertable<IncidentTable>): Promise<void> {
  await tx.insertInto('incident').values(row).execute();
}

export async function updateIncident(tx: Tx, id: string, changes: Updateable<IncidentTable>): Promise<void> {
  await tx.updateTable('incident').set(changes).where('id', '=', id).execute();
}

function incidentsWithOwner(tx: Tx) {
  return tx
    .selectFrom('incident')
    .innerJoin('organisation as owner', 'owner.id', 'incident.owner_org_id')
    .leftJoin('app_user as assignee', 'assignee.id', 'incident.assignee_user_id')
    .selectAll('incident')
    .select(['owner.name as owner_name', 'owner.country as owner_country', 'owner.contacts as owner_contacts', 'assignee.name as assignee_name']);
}
export type IncidentRow = Awaited<ReturnType<typeof findVisibleIncident>> & {};

export async function findVisibleIncident(tx: Tx, viewer: Viewer, id: string) {
  return incidentsWithOwner(tx).where('incident.id', '=', id).where(incidentsVisibleTo(viewer)).executeTakeFirst();
}

export async function findVisibleIncidentByReference(tx: Tx, viewer: Viewer, reference: string) {
  return incidentsWithOwner(tx).where('incident.reference', '=', reference).where(incidentsVisibleTo(viewer)).executeTakeFirst();
}

export async function findIncidentByTrackingHash(tx: Tx, hash: string) {
  return tx.selectFrom('incident').select(['id', 'reference', 'status', 'opened_at', 'modified']).where('tracking_hash', '=', hash).executeTakeFirst();
}

export interface IncidentFilter {
  /** Every word must start one of the incident's search terms. */
  words?: string[] | undefined;
  status?: string | undefined;
  severity?: string | undefined;
  classification?: string | undefined;
  orgId?: string | undefined;
  country?: string | undefined;
  assigneeUserId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  after?: { modified: string; id: string } | undefined;
  limit: number;
  /** A search starts from its rarest word when it starts fewer terms than this (default 2,000). */
  leadingWordLimit?: number;
}

const LEADING_WORD_LIMIT = 2000;

/** How many search terms start with `word`, counted up to `cap`. */
async function termMatchesUpTo(tx: Tx, word: string, cap: number): Promise<number> {
  const row = await tx
    .selectFrom((eb) =>
      eb.selectFrom('incident_term').select('incident_term.incident_id').where('incident_term.term', '>=', word).where('incident_term.term', '<', prefixBound(word)).limit(cap).as('matches'),
    )
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Owner and assignee names of a page of incidents chosen by `page`: joined outside it, so that the
 *  planner picks and orders the page from the incident indexes alone (joined inside, SQLite would
 *  rather loop over the organisations and sort every incident). */
function withOwner(tx: Tx, page: SelectQueryBuilder<Database, 'incident', Selectable<IncidentTable>>) {
  return tx
    .selectFrom(page.as('incident'))
    .innerJoin('organisation as owner', 'owner.id', 'incident.owner_org_id')
    .leftJoin('app_user as assignee', 'assignee.id', 'incident.assignee_user_id')
    .selectAll('incident')
    .select(['owner.name as owner_name', 'owner.country as owner_country', 'owner.contacts as owner_contacts', 'assignee.name as assignee_name'])
    .orderBy('incident.modified', 'desc')
    .orderBy('incident.id', 'desc');
}

export async function listVisibleIncidents(tx: Tx, viewer: Viewer, f: IncidentFilter) {
  // A search starts from its rarest word when that word is rare enough; its other words, or all of
  // them when every word is common, are checked per incident on the (incident, term) index.
  let leadingWord: string | undefined;
  let checkedWords = f.words ?? [];
  if (checkedWords.length) {
    const limit = f.leadingWordLimit ?? LEADING_WORD_LIMIT;
    const counts = await Promise.all(checkedWords.map(async (word) => ({ word, n: await termMatchesUpTo(tx, word, limit) })));
    const rarest = counts.reduce((a, b) => (b.n < a.n ? b : a));
    if (rarest.n === 0) return [];
    if (rarest.n < limit) {
      leadingWord = rarest.word;
      checkedWords = checkedWords.filter((word) => word !== rarest.word);
    }
  }
  const filtered = () => {
    let query = tx.selectFrom('incident').selectAll('incident');
    if (leadingWord !== undefined) {
      const word = leadingWord;
      query = query.where('incident.id', 'in', (eb) =>
        eb.selectFrom('incident_term').select('incident_term.incident_id').where('incident_term.term', '>=', word).where('incident_term.term', '<', prefixBound(word)),
      );
    }
    for (const word of checkedWords) {
      query = query.where((eb) =>
        eb.exists(
          eb
            .selectFrom('incident_term')
            .select(sql.lit(1).as('one'))
            .whereRef('incident_term.incident_id', '=', 'incident.id')
            .where('incident_term.term', '>=', word)
            .where('incident_term.term', '<', prefixBound(word)),
        ),
      );
    }
    if (f.status) query = query.where('incident.status', '=', f.status);
    if (f.severity) query = query.where('incident.severity', '=', f.severity);
    if (f.classification) query = query.where('incident.classification', '=', f.classification);
    if (f.orgId) query = query.where('incident.owner_org_id', '=', f.orgId);
    if (f.country) query = query.where('incident.country', '=', f.country);
    if (f.assigneeUserId) query = query.where('incident.assignee_user_id', '=', f.assigneeUserId);
    if (f.from) query = query.where('incident.opened_at', '>=', f.from);
    if (f.to) query = query.where('incident.opened_at', '<', f.to);
    const after = f.after;
    if (after) {
      query = query.where((eb) => eb.or([eb('incident.modified', '<', after.modified), eb.and([eb('incident.modified', '=', after.modified), eb('incident.id', '<', after.id)])]));
    }
    return query.orderBy('incident.modified', 'desc').orderBy('incident.id', 'desc').limit(f.limit);
  };
  // Led by a rare word, the few candidates are tested against the audience row by row; otherwise
  // each part of the audience is read through its own index in `modified` order and merged.
  if (leadingWord !== undefined) return withOwner(tx, filtered().where(incidentsVisibleTo(viewer))).execute();
  const parts = await Promise.all(incidentAudienceParts(viewer).map((part) => withOwner(tx, filtered().where(part)).execute()));
  const merged = new Map(parts.flat().map((row) => [row.id, row]));
  return [...merged.values()]
    .sort((a, b) => (a.modified === b.modified ? (a.id < b.id ? 1 : -1) : a.modified < b.modified ? 1 : -1))
    .slice(0, f.limit);
}

/** Adds search terms to an incident (those it has already are kept). */
export async function addTerms(tx: Tx, incidentId: string, terms: string[]): Promise<void> {
  for (let i = 0; i < terms.length; i += BATCH) {
    await tx
      .insertInto('incident_term')
      .values(terms.slice(i, i + BATCH).map((term) => ({ term, incident_id: incidentId })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

export async function replaceTerms(tx: Tx, incidentId: string, terms: string[]): Promise<void> {
  await tx.deleteFrom('incident_term').where('incident_id', '=', incidentId).execute();
  await addTerms(tx, incidentId, terms);
}

// ---- observables and events ------------------------------------------------------------------

export async function insertObservables(tx: Tx, rows: IncidentObservableTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) await tx.insertInto('incident_observable').values(rows.slice(i, i + BATCH)).execute();
}

export async function observablesOf(tx: Tx, incidentId: string) {
  return tx.selectFrom('incident_observable').selectAll().where('incident_id', '=', incidentId).orderBy('created_at').orderBy('id').execute();
}

/** Every observable's value as written and normalised (what search terms are made of). */
export async function observableValues(tx: Tx, incidentId: string): Promise<string[]> {
  return (await tx.selectFrom('incident_observable').select(['value', 'normalised']).where('incident_id', '=', incidentId).execute()).flatMap((r) => [r.value, r.normalised]);
}

export async function observableCounts(tx: Tx, incidentIds: string[]): Promise<Map<string, number>> {
  if (incidentIds.length === 0) return new Map();
  const rows = await tx
    .selectFrom('incident_observable')
    .select(['incident_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('incident_id', 'in', incidentIds)
    .groupBy('incident_id')
    .execute();
  return new Map(rows.map((r) => [r.incident_id, Number(r.n)]));
}

export async function linkEvents(tx: Tx, incidentId: string, eventIds: string[], now: string): Promise<void> {
  if (eventIds.length === 0) return;
  await tx
    .insertInto('incident_event')
    .values(eventIds.map((event_id) => ({ incident_id: incidentId, event_id, created_at: now })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function unlinkEvent(tx: Tx, incidentId: string, eventId: string): Promise<number> {
  const result = await tx.deleteFrom('incident_event').where('incident_id', '=', incidentId).where('event_id', '=', eventId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Linked events, only those the viewer may see. */
export async function linkedEventsVisibleTo(tx: Tx, viewer: Viewer, incidentId: string) {
  return tx
    .selectFrom('incident_event')
    .innerJoin('event', 'event.id', 'incident_event.event_id')
    .select(['event.id', 'event.info'])
    .where('incident_event.incident_id', '=', incidentId)
    .where(eventsVisibleTo(viewer))
    .orderBy('incident_event.created_at')
    .execute();
}

export async function visibleEventIds(tx: Tx, viewer: Viewer, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await tx.selectFrom('event').select('event.id').where('event.id', 'in', ids).where(eventsVisibleTo(viewer)).execute();
  return new Set(rows.map((r) => r.id));
}

// ---- timeline and attachments ----------------------------------------------------------------

export async function insertEntry(tx: Tx, row: IncidentEntryTable): Promise<void> {
  await tx.insertInto('incident_entry').values(row).execute();
}

export async function entriesVisibleOn(tx: Tx, viewer: Viewer, incidentId: string, limit: number, afterCreated?: { at: string; id: string }) {
  let query = tx.selectFrom('incident_entry').selectAll().where('incident_id', '=', incidentId).where(entriesVisibleTo(viewer));
  if (afterCreated) {
    query = query.where((eb) => eb.or([eb('created_at', '>', afterCreated.at), eb.and([eb('created_at', '=', afterCreated.at), eb('id', '>', afterCreated.id)])]));
  }
  return query.orderBy('created_at').orderBy('id').limit(limit).execute();
}

export async function insertAttachment(tx: Tx, row: IncidentAttachmentTable): Promise<void> {
  await tx.insertInto('incident_attachment').values(row).execute();
}

export async function attachmentsOf(tx: Tx, incidentId: string) {
  return tx
    .selectFrom('incident_attachment')
    .select(['id', 'filename', 'media_type', 'size', 'sha256', 'uploaded_by', 'created_at'])
    .where('incident_id', '=', incidentId)
    .orderBy('created_at')
    .execute();
}

export async function attachmentContent(tx: Tx, incidentId: string, id: string) {
  return tx.selectFrom('incident_attachment').selectAll().where('incident_id', '=', incidentId).where('id', '=', id).executeTakeFirst();
}

// ---- coordination and tasks ------------------------------------------------------------------

export async function insertCoordination(tx: Tx, row: CoordinationRequestTable): Promise<void> {
  await tx.insertInto('coordination_request').values(row).execute();
}

export async function updateCoordination(tx: Tx, id: string, changes: Updateable<CoordinationRequestTable>): Promise<void> {
  await tx.updateTable('coordination_request').set(changes).where('id', '=', id).execute();
}

export async function coordinationOf(tx: Tx, incidentIds: string[]) {
  if (incidentIds.length === 0) return [];
  return tx
    .selectFrom('coordination_request')
    .innerJoin('organisation', 'organisation.id', 'coordination_request.org_id')
    .selectAll('coordination_request')
    .select(['organisation.name as org_name', 'organisation.country as org_country', 'organisation.contacts as org_contacts', 'organisation.pgp_public_key as org_pgp_key'])
    .where('coordination_request.incident_id', 'in', incidentIds)
    .orderBy('coordination_request.created_at')
    .execute();
}

export async function insertTask(tx: Tx, row: IncidentTaskTable): Promise<void> {
  await tx.insertInto('incident_task').values(row).execute();
}

export async function updateTask(tx: Tx, id: string, changes: Updateable<IncidentTaskTable>): Promise<void> {
  await tx.updateTable('incident_task').set(changes).where('id', '=', id).execute();
}

export async function tasksOf(tx: Tx, incidentIds: string[]) {
  if (incidentIds.length === 0) return [];
  return tx
    .selectFrom('incident_task')
    .leftJoin('app_user', 'app_user.id', 'incident_task.assignee_user_id')
    .selectAll('incident_task')
    .select('app_user.name as assignee_name')
    .where('incident_task.incident_id', 'in', incidentIds)
    .orderBy('incident_task.created_at')
    .execute();
}

// ---- people and teams ------------------------------------------------------------------------

export async function activeUserOfTeam(tx: Tx, userId: string, orgId: string) {
  return tx.selectFrom('app_user').select(['id', 'name']).where('id', '=', userId).where('org_id', '=', orgId).where('disabled', '=', 0).executeTakeFirst();
}

export async function organisationsByIds(tx: Tx, ids: string[]) {
  if (ids.length === 0) return [];
  return tx.selectFrom('organisation').select(['id', 'name', 'country', 'status', 'contacts', 'pgp_public_key']).where('id', 'in', ids).execute();
}

// ---- statistics ------------------------------------------------------------------------------

function counted(tx: Tx, viewer: Viewer, from: string, to: string) {
  return tx.selectFrom('incident').where(incidentsCountedFor(viewer)).where('incident.opened_at', '>=', from).where('incident.opened_at', '<', to);
}

export interface CountedFields {
  opened_at: string;
  classification: string;
  rsit_type: string | null;
  severity: string;
  country: string | null;
  owner_org_id: string;
}

export const COUNT_DIMENSIONS = ['classification', 'severity', 'country', 'team'] as const;

function countKeys(row: CountedFields): [string, string][] {
  return [
    ['classification', row.rsit_type ? `${row.classification}/${row.rsit_type}` : row.classification],
    ['severity', row.severity],
    ['country', row.country ?? ''],
    ['team', row.owner_org_id],
  ];
}

/** Adds (+1) or removes (-1) incidents from the per-day counts. */
export async function adjustIncidentCounts(tx: Tx, rows: CountedFields[], sign: 1 | -1): Promise<void> {
  const totals = new Map<string, { day: string; dimension: string; key: string; n: number }>();
  for (const row of rows) {
    const day = row.opened_at.slice(0, 10);
    for (const [dimension, key] of countKeys(row)) {
      const id = `${day}\u0000${dimension}\u0000${key}`;
      const entry = totals.get(id) ?? { day, dimension, key, n: 0 };
      entry.n += sign;
      totals.set(id, entry);
    }
  }
  const entries = [...totals.values()];
  for (let i = 0; i < entries.length; i += BATCH) {
    await tx
      .insertInto('incident_count')
      .values(entries.slice(i, i + BATCH))
      .onConflict((oc) => oc.columns(['day', 'dimension', 'key']).doUpdateSet((eb) => ({ n: eb('incident_count.n', '+', eb.ref('excluded.n')) })))
      .execute();
  }
}

/** Node-wide counts per dimension and month from the per-day counts, for whole days [fromDay, toDay). */
export async function nodeCounts(tx: Tx, fromDay: string, toDay: string) {
  const month = sql<string>`substr(incident_count.day, 1, 7)`;
  const rows = await tx
    .selectFrom('incident_count')
    .select(['incident_count.dimension', 'incident_count.key', month.as('month'), sql<number>`sum(incident_count.n)`.as('n')])
    .where('incident_count.day', '>=', fromDay)
    .where('incident_count.day', '<', toDay)
    .groupBy(['incident_count.dimension', 'incident_count.key', month])
    .execute();
  return rows.map((r) => ({ dimension: r.dimension, key: r.key, month: r.month, n: Number(r.n) })).filter((r) => r.n !== 0);
}

/** Incident counts in two passes over the statistics index: by what (class, type, severity, month)
 *  and by where (country, owning team); each dimension is a sum over one of them (a few thousand
 *  groups at most, where five passes would read every incident five times). */
export async function statisticGroups(tx: Tx, viewer: Viewer, from: string, to: string) {
  const n = sql<number>`count(*)`.as('n');
  const month = sql<string>`substr(incident.opened_at, 1, 7)`;
  const [what, where] = await Promise.all([
    counted(tx, viewer, from, to)
      .select(['incident.classification', 'incident.rsit_type', 'incident.severity', month.as('month'), n])
      .groupBy(['incident.classification', 'incident.rsit_type', 'incident.severity', month])
      .execute(),
    counted(tx, viewer, from, to).select(['incident.country', 'incident.owner_org_id', n]).groupBy(['incident.country', 'incident.owner_org_id']).execute(),
  ]);
  return { what: what.map((r) => ({ ...r, n: Number(r.n) })), where: where.map((r) => ({ ...r, n: Number(r.n) })) };
}

export async function organisationNames(tx: Tx, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await tx.selectFrom('organisation').select(['id', 'name']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Seconds from opening to acknowledgement and to resolution, of counted incidents that reached either. */
export async function milestoneDurations(tx: Tx, viewer: Viewer, from: string, to: string) {
  return counted(tx, viewer, from, to)
    .select(['incident.seconds_to_acknowledge', 'incident.seconds_to_resolve'])
    .where((eb) => eb.or([eb('incident.seconds_to_acknowledge', 'is not', null), eb('incident.seconds_to_resolve', 'is not', null)]))
    .execute();
}
