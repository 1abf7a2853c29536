// Feeds and the state of their pulls. Which feeds a viewer sees is the policy's predicate; the pull
// lease is taken and released by conditional updates, so the database decides who pulls.
import type { Insertable, Selectable, Updateable } from 'kysely';
import { feedsVisibleTo } from '../../../policy/feeds.ts';
import type { Viewer } from '../../../policy/viewer.ts';
import type { Tx } from '../../../store/db.ts';
import type { FeedTable } from '../../../store/schema.ts';

export type FeedRow = Selectable<FeedTable> & { owner_name: string };

const HASH_BATCH = 1000;

function withOwner(tx: Tx) {
  return tx.selectFrom('feed').innerJoin('organisation', 'organisation.id', 'feed.owner_org_id').selectAll('feed').select('organisation.name as owner_name');
}

export async function visibleFeeds(tx: Tx, viewer: Viewer): Promise<FeedRow[]> {
  return withOwner(tx).where(feedsVisibleTo(viewer)).orderBy('organisation.name').orderBy('feed.name').execute();
}

export async function findVisibleFeed(tx: Tx, viewer: Viewer, id: string): Promise<FeedRow | undefined> {
  return withOwner(tx).where('feed.id', '=', id).where(feedsVisibleTo(viewer)).executeTakeFirst();
}

/** Feeds of that name the viewer sees (a name is unique within a team, not across teams). */
export async function visibleFeedsNamed(tx: Tx, viewer: Viewer, name: string): Promise<FeedRow[]> {
  return withOwner(tx).where('feed.name', '=', name).where(feedsVisibleTo(viewer)).execute();
}

export async function feedNameTaken(tx: Tx, ownerOrgId: string, name: string, exceptId?: string): Promise<boolean> {
  let query = tx.selectFrom('feed').select('id').where('owner_org_id', '=', ownerOrgId).where('name', '=', name);
  if (exceptId) query = query.where('id', '!=', exceptId);
  return (await query.executeTakeFirst()) !== undefined;
}

export async function insertFeed(tx: Tx, row: Insertable<FeedTable>): Promise<void> {
  await tx.insertInto('feed').values(row).execute();
}

export async function updateFeed(tx: Tx, id: string, changes: Updateable<FeedTable>): Promise<void> {
  await tx.updateTable('feed').set(changes).where('id', '=', id).execute();
}

export async function deleteFeed(tx: Tx, id: string): Promise<void> {
  await tx.deleteFrom('feed').where('id', '=', id).execute();
}

/** Enabled feeds due at `now`, the longest waiting first. */
export async function dueFeedIds(tx: Tx, now: string): Promise<string[]> {
  const rows = await tx.selectFrom('feed').select('id').where('enabled', '=', 1).where('next_pull_at', '<=', now).orderBy('next_pull_at').orderBy('id').execute();
  return rows.map((r) => r.id);
}

export async function feedById(tx: Tx, id: string): Promise<FeedRow | undefined> {
  return withOwner(tx).where('feed.id', '=', id).executeTakeFirst();
}

// ---- the pull lease ---------------------------------------------------------------------------

/** Takes the feed's pull for `token` unless another pull holds it (a lease older than `staleBefore`
 *  is taken over: its process died). True when taken. */
export async function claimPull(tx: Tx, id: string, token: string, now: string, staleBefore: string): Promise<boolean> {
  const result = await tx
    .updateTable('feed')
    .set({ pull_token: token, status: 'running', pull_started_at: now, pull_phase: 'starting', count_objects: 0, count_events: 0, count_indicators: 0, count_skipped: 0, count_invalid: 0, last_notes: '[]' })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('pull_token', 'is', null), eb('pull_started_at', '<', staleBefore)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Writes what the pull holding `token` has done so far (nothing once it lost the lease). */
export async function recordProgress(tx: Tx, id: string, token: string, changes: Updateable<FeedTable>): Promise<void> {
  await tx.updateTable('feed').set(changes).where('id', '=', id).where('pull_token', '=', token).execute();
}

export async function recordPulledEvents(tx: Tx, feedId: string, eventIds: string[], pulledAt: string): Promise<void> {
  if (eventIds.length === 0) return;
  await tx
    .insertInto('feed_event')
    .values([...new Set(eventIds)].map((event_id) => ({ feed_id: feedId, event_id, pulled_at: pulledAt })))
    .onConflict((oc) => oc.columns(['feed_id', 'event_id']).doNothing())
    .execute();
}

// ---- values a list feed brought already -------------------------------------------------------

export async function knownValueHashes(tx: Tx, feedId: string, hashes: string[]): Promise<Set<string>> {
  const known = new Set<string>();
  for (let i = 0; i < hashes.length; i += HASH_BATCH) {
    const rows = await tx.selectFrom('feed_value').select('value_hash').where('feed_id', '=', feedId).where('value_hash', 'in', hashes.slice(i, i + HASH_BATCH)).execute();
    for (const row of rows) known.add(row.value_hash);
  }
  return known;
}

export async function rememberValueHashes(tx: Tx, feedId: string, hashes: string[]): Promise<void> {
  for (let i = 0; i < hashes.length; i += HASH_BATCH) {
    await tx
      .insertInto('feed_value')
      .values(hashes.slice(i, i + HASH_BATCH).map((value_hash) => ({ feed_id: feedId, value_hash })))
      .onConflict((oc) => oc.columns(['feed_id', 'value_hash']).doNothing())
      .execute();
  }
}
