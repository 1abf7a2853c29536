import type { Kysely } from 'kysely';

// Sync between peered nodes.
//
// `event.feed_seq` orders this node's change feed in commit order: every write to an event (or to
// its indicators) clears it, and the feed numbers cleared rows only once their transaction is
// visible, so a long import that commits late still comes after what peers have already read.
// `event.partial` marks a received event whose indicators are still arriving (not passed on yet);
// `event.via_node` is the peer a received event came from, and `provenance` its origin-signed record
// and relay chain; `indicator.provenance` holds an indicator's chain (its record is rebuilt from
// its columns). `signed_manifest` keeps the signed lists of record versions that chains point into.
// `peer_event` is what a peer holds of this node's events (the version and handling it received),
// committed when the peer acknowledges the page; `peer_event_pending` what a page served but not yet
// acknowledged. `node_key` holds the keys of nodes this node learned from a peer's signed word (the
// origins of relayed records), and `peer` gains the state of its sync.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('event').addColumn('feed_seq', 'bigint').execute();
  await db.schema.alterTable('event').addColumn('via_node', 'text').execute();
  await db.schema.alterTable('event').addColumn('provenance', 'text').execute();
  await db.schema.alterTable('event').addColumn('partial', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.createIndex('event_feed_seq').on('event').column('feed_seq').execute();
  await db.schema.createIndex('indicator_event_version').on('indicator').columns(['event_id', 'modified', 'id']).execute();
  await db.schema.alterTable('indicator').addColumn('provenance', 'text').execute();

  await db.schema
    .createTable('signed_manifest')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('node', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('signed_at', 'text', (c) => c.notNull())
    .addColumn('signature', 'text', (c) => c.notNull())
    .addColumn('versions', 'text', (c) => c.notNull())
    .execute();

  for (const table of ['peer_event', 'peer_event_pending']) {
    await db.schema
      .createTable(table)
      .addColumn('peer_id', 'text', (c) => c.notNull().references('peer.id').onDelete('cascade'))
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('version', 'text')
      .addColumn('handling', 'text')
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint(`${table}_pk`, ['peer_id', 'event_id'])
      .execute();
  }

  await db.schema
    .createTable('node_key')
    .addColumn('node', 'text', (c) => c.primaryKey())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('learned_from', 'text', (c) => c.notNull())
    .addColumn('learned_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema.alterTable('peer').addColumn('sync_cursor', 'text').execute();
  await db.schema.alterTable('peer').addColumn('sync_lease', 'text').execute();
  await db.schema.alterTable('peer').addColumn('last_sync_at', 'text').execute();
  await db.schema.alterTable('peer').addColumn('last_sync_error', 'text').execute();
  await db.schema.alterTable('peer').addColumn('remote_head', 'bigint').execute();
  await db.schema.alterTable('peer').addColumn('remote_position', 'bigint').execute();
  await db.schema.alterTable('peer').addColumn('received_records', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('peer').addColumn('received_tombstones', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('peer').addColumn('refused_records', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const column of ['refused_records', 'received_tombstones', 'received_records', 'remote_position', 'remote_head', 'last_sync_error', 'last_sync_at', 'sync_lease', 'sync_cursor']) {
    await db.schema.alterTable('peer').dropColumn(column).execute();
  }
  await db.schema.dropTable('node_key').execute();
  await db.schema.dropTable('peer_event_pending').execute();
  await db.schema.dropTable('peer_event').execute();
  await db.schema.dropTable('signed_manifest').execute();
  await db.schema.alterTable('indicator').dropColumn('provenance').execute();
  await db.schema.dropIndex('indicator_event_version').execute();
  await db.schema.dropIndex('event_feed_seq').execute();
  for (const column of ['partial', 'provenance', 'via_node', 'feed_seq']) await db.schema.alterTable('event').dropColumn(column).execute();
}
