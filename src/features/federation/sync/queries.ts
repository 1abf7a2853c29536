// Every query of sync: the change feed this node serves (numbered in commit order), what each peer
// holds of it, the records received from peers with their chains, and the manifests chains point into.

import { eventsVisibleTo, indicatorsVisibleTo } from '../../../policy/intel.ts';
import type { PeerViewer } from '../../../policy/viewer.ts';
import type { Tx } from '../../../store/db.ts';
import type { EventTable, IntelObjectTable, PeerEventTable, SignedManifestTable } from '../../../store/schema.ts';
import type { EventColumns, IndicatorColumns, OwnerRecord } from './records.ts';

const BATCH = 400;

// ---- the feed ---------------------------------------------------------------------------------

/**
 * Numbers the events written since the last call, in the order their writes became visible. The
 * clock lives in node_setting, never taken back: an event renumbered gets a number above every
 * earlier one. Updating that row first makes two numbering runs on PostgreSQL wait for each other.
 */
export async function numberNewChanges(tx: Tx): Promise<number> {
  // Most calls find nothing to number: they take no lock then.
  if (!(await tx.selectFrom('event').select('id').where('feed_seq', 'is', null).executeTakeFirst())) return 0;
  await tx.insertInto('node_setting').values({ key: 'feed_clock', value: '0' }).onConflict((oc) => oc.column('key').doNothing()).execute();
  await tx.updateTable('node_setting').set((eb) => ({ value: eb.ref('value') })).where('key', '=', 'feed_clock').execute();
  const pending = await tx.selectFrom('event').select('id').where('feed_seq', 'is', null).orderBy('modified').orderBy('id').execute();
  if (pending.length === 0) return 0;
  let seq = await feedHead(tx);
  for (const row of pending) await tx.updateTable('event').set({ feed_seq: ++seq }).where('id', '=', row.id).execute();
  await tx.updateTable('node_setting').set({ value: String(seq) }).where('key', '=', 'feed_clock').execute();
  return pending.length;
}

/** The newest number given in this node's change feed. */
export async function feedHead(tx: Tx): Promise<number> {
  const row = await tx.selectFrom('node_setting').select('value').where('key', '=', 'feed_clock').executeTakeFirst();
  return Number(row?.value ?? 0);
}

/** `visible`: whether the peer may see the event now. */
export type FeedEventRow = EventColumns & { feed_seq: number; deleted: number; provenance: string | null; via_node: string | null; visible: boolean };

function feedEvents(tx: Tx, viewer: PeerViewer) {
  return tx
    .selectFrom('event')
    .innerJoin('organisation', 'organisation.id', 'event.owner_org_id')
    .select([
      'event.id', 'event.info', 'event.date', 'event.threat_level', 'event.analysis', 'event.origin_node', 'event.tlp', 'event.pap', 'event.distribution',
      'event.sharing_group_id', 'event.published', 'event.published_at', 'event.created_at', 'event.modified', 'event.owner_org_id', 'event.deleted',
      'event.provenance', 'event.via_node', 'event.feed_seq',
      'organisation.name as owner_name', 'organisation.short_name as owner_short_name', 'organisation.country as owner_country',
      'organisation.tier as owner_tier', 'organisation.home_node as owner_home_node',
    ])
    .select((eb) => eb.case().when(eventsVisibleTo(viewer)(eb)).then(1).else(0).end().as('visible'));
}

function asFeedRow(row: Record<string, unknown>): FeedEventRow {
  return { ...(row as unknown as FeedEventRow), feed_seq: Number(row.feed_seq), visible: Number(row.visible) === 1 };
}

/** The next numbered events after `afterSeq`, leaving out those that came from the peer or started there. */
export async function nextFeedEvents(tx: Tx, viewer: PeerViewer, afterSeq: number, limit: number): Promise<FeedEventRow[]> {
  const peerNode = viewer.node;
  const rows = await feedEvents(tx, viewer)
    .where('event.feed_seq', '>', afterSeq)
    .where('event.partial', '=', 0)
    .where('event.origin_node', '!=', peerNode)
    .where((eb) => eb.or([eb('event.via_node', 'is', null), eb('event.via_node', '!=', peerNode)]))
    .orderBy('event.feed_seq')
    .limit(limit)
    .execute();
  return rows.map(asFeedRow);
}

export async function feedEventById(tx: Tx, viewer: PeerViewer, id: string): Promise<FeedEventRow | undefined> {
  const row = await feedEvents(tx, viewer).where('event.id', '=', id).executeTakeFirst();
  return row ? asFeedRow(row) : undefined;
}

export async function eventTags(tx: Tx, id: string): Promise<string[]> {
  return (await tx.selectFrom('event_tag').select('name').where('event_id', '=', id).execute()).map((r) => r.name);
}

export type FeedIndicatorRow = IndicatorColumns & { deleted: number; provenance: string | null; visible: number; had: number };

/**
 * The event's indicators after (modified, id), in that order: `visible` says whether the peer may
 * see one now, `had` whether it could have before it was deleted. `onlyVisible` leaves out the rest.
 */
export async function feedIndicators(tx: Tx, viewer: PeerViewer, eventId: string, options: { since: string | null; after: [string, string] | null; onlyVisible: boolean; limit: number }): Promise<FeedIndicatorRow[]> {
  let query = tx
    .selectFrom('indicator')
    .innerJoin('event', 'event.id', 'indicator.event_id')
    .leftJoin('intel_object', 'intel_object.id', 'indicator.object_id')
    .select([
      'indicator.id', 'indicator.event_id', 'indicator.object_id', 'indicator.object_relation', 'indicator.type', 'indicator.category', 'indicator.value',
      'indicator.to_ids', 'indicator.comment', 'indicator.first_seen', 'indicator.last_seen', 'indicator.tlp', 'indicator.distribution',
      'indicator.sharing_group_id', 'indicator.stix_id', 'indicator.created_at', 'indicator.modified', 'indicator.deleted', 'indicator.provenance',
      'intel_object.name as object_name', 'intel_object.meta_category as object_meta_category', 'intel_object.comment as object_comment',
      'intel_object.created_at as object_created_at',
    ])
    .select((eb) => [
      eb.case().when(indicatorsVisibleTo(viewer)(eb)).then(1).else(0).end().as('visible'),
      eb.case().when(indicatorsVisibleTo(viewer, { asIfLive: true })(eb)).then(1).else(0).end().as('had'),
    ])
    .where('indicator.event_id', '=', eventId);
  if (options.onlyVisible) query = query.where(indicatorsVisibleTo(viewer));
  if (options.since !== null) query = query.where('indicator.modified', '>', options.since);
  if (options.after !== null) {
    const [modified, id] = options.after;
    query = query.where((eb) => eb.or([eb('indicator.modified', '>', modified), eb.and([eb('indicator.modified', '=', modified), eb('indicator.id', '>', id)])]));
  }
  const rows = await query.orderBy('indicator.modified').orderBy('indicator.id').limit(options.limit).execute();
  return rows.map((row) => ({ ...row, provenance: row.provenance ?? null, visible: Number(row.visible), had: Number(row.had) }));
}

export async function indicatorTags(tx: Tx, ids: string[]): Promise<Map<string, string[]>> {
  const tags = new Map<string, string[]>();
  for (let i = 0; i < ids.length; i += BATCH) {
    const rows = await tx.selectFrom('indicator_tag').select(['indicator_id', 'name']).where('indicator_id', 'in', ids.slice(i, i + BATCH)).execute();
    for (const row of rows) tags.set(row.indicator_id, [...(tags.get(row.indicator_id) ?? []), row.name]);
  }
  return tags;
}

// ---- what peers hold ----------------------------------------------------------------------------

export async function heldByPeer(tx: Tx, peerId: string, eventIds: string[]): Promise<Map<string, { version: string; handling: string }>> {
  const held = new Map<string, { version: string; handling: string }>();
  for (let i = 0; i < eventIds.length; i += BATCH) {
    const rows = await tx.selectFrom('peer_event').select(['event_id', 'version', 'handling']).where('peer_id', '=', peerId).where('event_id', 'in', eventIds.slice(i, i + BATCH)).execute();
    for (const row of rows) held.set(row.event_id, { version: row.version ?? '', handling: row.handling ?? '' });
  }
  return held;
}

/** What a served page will have given the peer once it acknowledges it (`version` null: dropped). */
export async function recordPending(tx: Tx, rows: PeerEventTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) {
    await tx
      .insertInto('peer_event_pending')
      .values(rows.slice(i, i + BATCH))
      .onConflict((oc) => oc.columns(['peer_id', 'event_id']).doUpdateSet((eb) => ({ version: eb.ref('excluded.version'), handling: eb.ref('excluded.handling'), seq: eb.ref('excluded.seq') })))
      .execute();
  }
}

/** The peer asked for what follows `ackedSeq`: everything served up to it has been applied. */
export async function acknowledge(tx: Tx, peerId: string, ackedSeq: number): Promise<void> {
  const done = await tx.selectFrom('peer_event_pending').selectAll().where('peer_id', '=', peerId).where('seq', '<=', ackedSeq).execute();
  if (done.length === 0) return;
  const kept = done.filter((row) => row.version !== null);
  const dropped = done.filter((row) => row.version === null).map((row) => row.event_id);
  for (let i = 0; i < kept.length; i += BATCH) {
    await tx
      .insertInto('peer_event')
      .values(kept.slice(i, i + BATCH))
      .onConflict((oc) => oc.columns(['peer_id', 'event_id']).doUpdateSet((eb) => ({ version: eb.ref('excluded.version'), handling: eb.ref('excluded.handling'), seq: eb.ref('excluded.seq') })))
      .execute();
  }
  for (let i = 0; i < dropped.length; i += BATCH) await tx.deleteFrom('peer_event').where('peer_id', '=', peerId).where('event_id', 'in', dropped.slice(i, i + BATCH)).execute();
  await tx.deleteFrom('peer_event_pending').where('peer_id', '=', peerId).where('seq', '<=', ackedSeq).execute();
}

// ---- manifests and keys --------------------------------------------------------------------------

export async function manifestsByIds(tx: Tx, ids: string[]): Promise<SignedManifestTable[]> {
  const rows: SignedManifestTable[] = [];
  for (let i = 0; i < ids.length; i += BATCH) rows.push(...(await tx.selectFrom('signed_manifest').selectAll().where('id', 'in', ids.slice(i, i + BATCH)).execute()));
  return rows;
}

export async function storeManifests(tx: Tx, rows: SignedManifestTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 100) await tx.insertInto('signed_manifest').values(rows.slice(i, i + 100)).onConflict((oc) => oc.column('id').doNothing()).execute();
}

/** Every node key this node holds: its peers' and those learned from them. */
export async function knownNodeKeys(tx: Tx): Promise<Map<string, string>> {
  const keys = new Map<string, string>();
  for (const row of await tx.selectFrom('node_key').select(['node', 'public_key']).execute()) keys.set(row.node, row.public_key);
  for (const row of await tx.selectFrom('peer').select(['name', 'public_key']).execute()) keys.set(row.name, row.public_key);
  return keys;
}

export async function learnNodeKey(tx: Tx, node: string, publicKey: string, learnedFrom: string, at: string): Promise<void> {
  await tx.insertInto('node_key').values({ node, public_key: publicKey, learned_from: learnedFrom, learned_at: at }).onConflict((oc) => oc.column('node').doNothing()).execute();
}


// ---- what this node received ---------------------------------------------------------------------

export async function receivedEvent(tx: Tx, id: string) {
  return tx.selectFrom('event').select(['id', 'origin_node', 'via_node', 'modified', 'deleted', 'provenance']).where('id', '=', id).executeTakeFirst();
}

export async function sharingGroupHeld(tx: Tx, id: string): Promise<boolean> {
  return (await tx.selectFrom('sharing_group').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

/**
 * Creates the owner of a received event when this node does not know it yet. Names are unique on a
 * node: a team elsewhere that shares a local team's name is told apart by its node.
 */
export async function learnOwner(tx: Tx, owner: OwnerRecord, created: string, modified: string): Promise<void> {
  if (await tx.selectFrom('organisation').select('id').where('id', '=', owner.id).executeTakeFirst()) return;
  const taken = async (column: 'name' | 'short_name', value: string) => (await tx.selectFrom('organisation').select('id').where(column, '=', value).executeTakeFirst()) !== undefined;
  const name = (await taken('name', owner.name)) ? `${owner.name} (${owner.homeNode})` : owner.name;
  const shortName = (await taken('short_name', owner.shortName)) ? `${owner.shortName}@${owner.homeNode}` : owner.shortName;
  await tx
    .insertInto('organisation')
    .values({ id: owner.id, name, short_name: shortName, country: owner.country, tier: owner.tier, status: 'member', home_node: owner.homeNode, contacts: '{}', pgp_public_key: null, pgp_fingerprint: null, profile: '', created_at: created, modified_at: modified })
    .execute();
}

/** Writes a received event's version; it enters this node's feed for its own peers. */
export async function writeReceivedEvent(tx: Tx, row: Omit<EventTable, 'feed_seq' | 'partial'>, exists: boolean): Promise<void> {
  if (exists) await tx.updateTable('event').set({ ...row, feed_seq: null }).where('id', '=', row.id).execute();
  else await tx.insertInto('event').values({ ...row, feed_seq: null }).execute();
}

export async function tombstoneReceivedEvent(tx: Tx, id: string, modified: string, viaNode: string, provenance: string): Promise<void> {
  await tx.updateTable('event').set({ deleted: 1, info: '', modified, feed_seq: null, via_node: viaNode, provenance }).where('id', '=', id).execute();
}

export async function markEventsChanged(tx: Tx, ids: string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += BATCH) await tx.updateTable('event').set({ feed_seq: null }).where('id', 'in', ids.slice(i, i + BATCH)).execute();
}

/** The peer's events left half-received by the previous page are whole now: they may be passed on. */
export async function endPartialEvents(tx: Tx, viaNode: string): Promise<void> {
  await tx.updateTable('event').set({ partial: 0, feed_seq: null }).where('partial', '=', 1).where('via_node', '=', viaNode).execute();
}

export async function markPartialEvent(tx: Tx, viaNode: string, id: string): Promise<void> {
  await tx.updateTable('event').set({ partial: 1 }).where('id', '=', id).where('via_node', '=', viaNode).execute();
}

export async function heldIndicatorVersions(tx: Tx, ids: string[]): Promise<Map<string, { modified: string; event_id: string }>> {
  const held = new Map<string, { modified: string; event_id: string }>();
  for (let i = 0; i < ids.length; i += BATCH) {
    for (const row of await tx.selectFrom('indicator').select(['id', 'modified', 'event_id']).where('id', 'in', ids.slice(i, i + BATCH)).execute()) held.set(row.id, row);
  }
  return held;
}

export async function insertReceivedObjects(tx: Tx, rows: IntelObjectTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) await tx.insertInto('intel_object').values(rows.slice(i, i + 200)).onConflict((oc) => oc.column('id').doNothing()).execute();
}

export async function receivedIndicator(tx: Tx, id: string, eventId: string) {
  return tx
    .selectFrom('indicator')
    .innerJoin('event', 'event.id', 'indicator.event_id')
    .select(['indicator.modified', 'indicator.deleted', 'event.origin_node', 'event.via_node'])
    .where('indicator.id', '=', id)
    .where('indicator.event_id', '=', eventId)
    .executeTakeFirst();
}

export async function setIndicatorChain(tx: Tx, id: string, chain: string): Promise<void> {
  await tx.updateTable('indicator').set({ provenance: chain }).where('id', '=', id).execute();
}

// ---- the pull's state, kept on the peer row -----------------------------------------------------

/** Takes the peer's sync lease (the time it ends) unless a pull holds one that has not ended. */
export async function takeSyncLease(tx: Tx, peerId: string, now: string, until: string): Promise<boolean> {
  const taken = await tx
    .updateTable('peer')
    .set({ sync_lease: until })
    .where('id', '=', peerId)
    .where((eb) => eb.or([eb('sync_lease', 'is', null), eb('sync_lease', '<', now)]))
    .executeTakeFirst();
  return Number(taken.numUpdatedRows) === 1;
}

export async function recordPulledPage(tx: Tx, peerId: string, page: { cursor: string; head: number; position: number }, counts: { records: number; tombstones: number; refused: number }): Promise<void> {
  await tx
    .updateTable('peer')
    .set((eb) => ({
      sync_cursor: page.cursor,
      remote_head: page.head,
      remote_position: page.position,
      received_records: eb('received_records', '+', counts.records),
      received_tombstones: eb('received_tombstones', '+', counts.tombstones),
      refused_records: eb('refused_records', '+', counts.refused),
    }))
    .where('id', '=', peerId)
    .execute();
}

/** Releases the lease with the pull's outcome: the time of a success, or the error that ended it. */
export async function endPull(tx: Tx, peerId: string, outcome: { at: string } | { error: string }): Promise<void> {
  const changes = 'at' in outcome ? { last_sync_at: outcome.at, last_sync_error: null } : { last_sync_error: outcome.error };
  await tx.updateTable('peer').set({ ...changes, sync_lease: null }).where('id', '=', peerId).execute();
}
