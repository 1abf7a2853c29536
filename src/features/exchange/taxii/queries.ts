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

export async function heldObjectsPage(tx: Tx, viewer: Viewer, scope: CollectionScope, f: ObjectFilter, limit: number) {
  let query = tx
    .selectFrom('stix_object')
    .innerJoin('event', 'event.id', 'stix_object.event_id')
    .select(['stix_object.id', 'stix_object.version', 'stix_object.type', 'stix_object.object', 'stix_object.date_added', 'stix_object.added_key'])
    .where(stixObjectsVisibleTo(viewer))
    .where(stixObjectsInScope(scope));
  if (f.addedAfter) query = query.where('stix_object.date_added', '>', f.addedAfter);
  if (f.ids) query = query.where('stix_object.id', 'in', f.ids.stix.length ? f.ids.stix : ['']);
  if (f.types) query = query.where('stix_object.type', 'in', f.types);
  if (f.specVersions) query = query.where('stix_object.spec_version', 'in', f.specVersions);
  query = query.where((eb) => versionCondition(eb, f.version));
  const after = f.after;
  if (after) {
    query = query.where((eb) => (after.s === 0 ? eb('stix_object.added_key', '>', after.k) : eb('stix_object.date_added', '>', after.d)));
  }
  return query.orderBy('stix_object.added_key').limit(limit).execute();
}

function versionCondition(eb: ExpressionBuilder<Database, 'stix_object' | 'event'>, match: VersionMatch) {
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
  let query = tx
    .selectFrom('indicator')
    .innerJoin('event', 'event.id', 'indicator.event_id')
    .select([
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
      (eb) => eb.fn.coalesce('indicator.tlp', 'event.tlp').as('tlp'),
    ])
    .where('indicator.stix_id', 'is', null)
    .where('indicator.type', 'in', STIX_EXPRESSIBLE_TYPES)
    .where(indicatorsVisibleTo(viewer))
    .where(indicatorsInScope(scope));
  if (f.addedAfter) query = query.where('indicator.modified', '>', f.addedAfter);
  if (f.ids) query = query.where('indicator.id', 'in', f.ids.indicators.length ? f.ids.indicators : ['']);
  if (f.version.kind === 'at') query = query.where('indicator.modified', 'in', f.version.isoTimes.length ? f.version.isoTimes : ['-']);
  const after = f.after;
  if (after) {
    query = query.where((eb) =>
      after.s === 0
        ? eb('indicator.modified', '>=', after.d)
        : eb.or([eb('indicator.modified', '>', after.d), eb.and([eb('indicator.modified', '=', after.d), eb('indicator.id', '>', after.k)])]),
    );
  }
  return query.orderBy('indicator.modified').orderBy('indicator.id').limit(limit).execute();
}

export async function tagsOfIndicators(tx: Tx, ids: string[]): Promise<Map<string, string[]>> {
  const tags = new Map<string, string[]>();
  if (ids.length === 0) return tags;
  const rows = await tx.selectFrom('indicator_tag').select(['indicator_id', 'name']).where('indicator_id', 'in', ids).orderBy('name').execute();
  for (const row of rows) tags.set(row.indicator_id, [...(tags.get(row.indicator_id) ?? []), row.name]);
  return tags;
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
