// What a TAXII collection holds, read page by page in the order objects were added: the STIX objects
// held as received, and Sanad's own indicators (one STIX indicator each, added when last changed).
// Both read through the handling-rule predicates and the collection's scope.
import type { ExpressionBuilder } from 'kysely';
import type { Tx } from '../../../store/db.ts';
import type { Database } from '../../../store/schema.ts';
import { indicatorsVisibleTo, stixObjectsVisibleTo } from '../../../policy/intel.ts';
import { indicatorsInScope, stixObjectsInScope, taxiiStatusesVisibleTo, type CollectionScope } from '../../../policy/taxii.ts';
import type { Viewer } from '../../../policy/viewer.ts';
import { STIX_EXPRESSIBLE_TYPES } from '../../../domain/stix/sanad-mapping.ts';
import { STIX_INDICATOR_COLUMNS } from '../stix/queries.ts';

/** Where a page ends: the date added, which source (0 held objects, 1 own indicators), the key. */
export interface PageCursor {
  d: string;
  s: 0 | 1;
  k: string;
}

export type VersionMatch = { kind: 'last' } | { kind: 'first' } | { kind: 'all' } | { kind: 'at'; versions: string[]; isoTimes: string[] };

export interface ObjectFilter {
  addedAfter?: string | undefined;
  /** STIX ids asked for, and the Sanad indicator ids among them. */
  ids?: { stix: string[]; indicators: string[] } | undefined;
  types?: string[] | undefined;
  version: VersionMatch;
  /** Without 2.1 in the list, nothing matches: Sanad holds STIX 2.1 only. */
  specVersions?: string[] | undefined;
  after?: PageCursor | undefined;
}

// A page is read in rounds of candidates taken from the order index alone (a range scan the
// planners always choose), each marked visible or not by the policy's predicates in SQL; only the
// keys of candidates the caller may not see leave the database. Asked to sort everything the
// caller may see, PostgreSQL misjudged the predicates and sorted the whole collection per page.
// A round is about a page when everything is visible, and grows when much is not.
const FIRST_ROUND_MIN = 100;
const ROUND_MAX = 8000;
const roundSizes = function* (limit: number) {
  let size = Math.max(limit, FIRST_ROUND_MIN);
  for (;;) {
    yield size;
    size = Math.min(size * 2, ROUND_MAX);
  }
};

export async function heldObjectsPage(tx: Tx, viewer: Viewer, scope: CollectionScope, f: ObjectFilter, limit: number) {
  const found: { id: string; version: string; object: string; date_added: string; added_key: string }[] = [];
  let afterKey = f.after?.s === 0 ? f.after.k : undefined;
  const afterDate = f.after?.s === 1 ? f.after.d : undefined;
  for (const round of roundSizes(limit)) {
    let candidates = tx.selectFrom('stix_object').selectAll('stix_object');
    if (f.addedAfter) candidates = candidates.where('stix_object.date_added', '>', f.addedAfter);
    if (f.ids) candidates = candidates.where('stix_object.id', 'in', f.ids.stix.length ? f.ids.stix : ['']);
    if (f.types) candidates = candidates.where('stix_object.type', 'in', f.types);
    if (f.specVersions) candidates = candidates.where('stix_object.spec_version', 'in', f.specVersions);
    candidates = candidates.where((eb) => versionCondition(eb, f.version));
    if (afterKey !== undefined) candidates = candidates.where('stix_object.added_key', '>', afterKey);
    else if (afterDate !== undefined) candidates = candidates.where('stix_object.date_added', '>', afterDate);
    const rows = await tx
      .selectFrom(candidates.orderBy('stix_object.added_key').limit(round).as('stix_object'))
      .innerJoin('event', 'event.id', 'stix_object.event_id')
      .select('stix_object.added_key')
      .select((eb) => eb.case().when(eb.and([stixObjectsVisibleTo(viewer)(eb), stixObjectsInScope(scope)(eb)])).then(eb.ref('stix_object.object')).else(null).end().as('object'))
      .orderBy('stix_object.added_key')
      .execute();
    for (const row of rows) {
      if (row.object === null) continue;
      // added_key is date_added|id|version|owner.
      const [dateAdded = '', id = '', version = ''] = row.added_key.split('|');
      found.push({ id, version, object: row.object, date_added: dateAdded, added_key: row.added_key });
    }
    if (found.length >= limit || rows.length < round) break;
    afterKey = rows[rows.length - 1]!.added_key;
  }
  return found.slice(0, limit);
}

function versionCondition(eb: ExpressionBuilder<Database, 'stix_object'>, match: VersionMatch) {
  switch (match.kind) {
    case 'last':
      return eb('stix_object.latest', '=', 1);
    case 'first':
      return eb(
        'stix_object.version',
        '=',
        eb
          .selectFrom('stix_object as older')
          .select((inner) => inner.fn.min('older.version').as('version'))
          .whereRef('older.owner_org_id', '=', 'stix_object.owner_org_id')
          .whereRef('older.id', '=', 'stix_object.id'),
      );
    case 'all':
      return eb.lit(true);
    case 'at':
      return eb('stix_object.version', 'in', match.versions.length ? match.versions : ['-']);
  }
}

export async function ownIndicatorsPage(tx: Tx, viewer: Viewer, scope: CollectionScope, f: ObjectFilter, limit: number) {
  const visibleIds: string[] = [];
  let after = f.after;
  for (const round of roundSizes(limit)) {
    let candidates = tx
      .selectFrom('indicator')
      .selectAll('indicator')
      .where('indicator.stix_id', 'is', null)
      .where('indicator.deleted', '=', 0)
      .where('indicator.type', 'in', STIX_EXPRESSIBLE_TYPES);
    if (f.addedAfter) candidates = candidates.where('indicator.modified', '>', f.addedAfter);
    if (f.ids) candidates = candidates.where('indicator.id', 'in', f.ids.indicators.length ? f.ids.indicators : ['']);
    if (f.version.kind === 'at') candidates = candidates.where('indicator.modified', 'in', f.version.isoTimes.length ? f.version.isoTimes : ['-']);
    const cursor = after;
    if (cursor) {
      candidates = candidates.where((eb) =>
        cursor.s === 0
          ? eb('indicator.modified', '>=', cursor.d)
          : eb.or([eb('indicator.modified', '>', cursor.d), eb.and([eb('indicator.modified', '=', cursor.d), eb('indicator.id', '>', cursor.k)])]),
      );
    }
    const rows = await tx
      .selectFrom(candidates.orderBy('indicator.modified').orderBy('indicator.id').limit(round).as('indicator'))
      .innerJoin('event', 'event.id', 'indicator.event_id')
      .select(['indicator.id', 'indicator.modified'])
      .select((eb) => eb.and([indicatorsVisibleTo(viewer)(eb), indicatorsInScope(scope)(eb)]).as('visible'))
      .orderBy('indicator.modified')
      .orderBy('indicator.id')
      .execute();
    for (const row of rows) if (row.visible) visibleIds.push(row.id);
    if (visibleIds.length >= limit || rows.length < round) break;
    const last = rows[rows.length - 1]!;
    after = { d: last.modified, s: 1, k: last.id };
  }
  const ids = visibleIds.slice(0, limit);
  if (ids.length === 0) return [];
  return tx
    .selectFrom('indicator')
    .innerJoin('event', 'event.id', 'indicator.event_id')
    .select([...STIX_INDICATOR_COLUMNS, (eb) => eb.fn.coalesce('indicator.tlp', 'event.tlp').as('tlp')])
    .where('indicator.id', 'in', ids)
    .where(indicatorsVisibleTo(viewer))
    .orderBy('indicator.modified')
    .orderBy('indicator.id')
    .execute();
}

export async function teamName(tx: Tx, orgId: string): Promise<{ name: string } | null> {
  return (await tx.selectFrom('organisation').select('name').where('id', '=', orgId).executeTakeFirst()) ?? null;
}

export async function insertStatus(tx: Tx, row: { id: string; org_id: string; collection_id: string; status: string; request_timestamp: string; body: string }): Promise<void> {
  await tx.insertInto('taxii_status').values(row).execute();
}

/** A status resource, for the team that posted it. */
export async function findStatus(tx: Tx, viewer: Viewer, id: string) {
  return tx.selectFrom('taxii_status').select(['body']).where('taxii_status.id', '=', id).where(taxiiStatusesVisibleTo(viewer)).executeTakeFirst();
}
