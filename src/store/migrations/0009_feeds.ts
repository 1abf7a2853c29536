import { sql, type Kysely } from 'kysely';

// Feeds: remote sources (a TAXII 2.1 collection, a MISP-format feed, a CSV or free-text file) that a
// team pulls on a schedule. A feed row holds its settings, the credentials sent to the remote (never
// returned by the API), the handling given to what it brings, and the state of its pulls: the lease
// of the pull running now (`pull_token`, so that the server and the CLI never pull one feed twice
// at once), the outcome and counts of the last pull, and the cursor that makes the next pull fetch
// only what is new. `feed_event` lists the events the pulls wrote; `feed_value` the values a list
// feed (CSV, free text) has brought already, by hash, so that a changed file adds only its new lines.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('feed')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner_org_id', 'text', (c) => c.notNull().references('organisation.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('collection_id', 'text')
    .addColumn('csv_value_column', 'integer')
    .addColumn('csv_type_column', 'integer')
    .addColumn('csv_delimiter', 'text')
    .addColumn('csv_header', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('auth_type', 'text')
    .addColumn('auth_user', 'text')
    .addColumn('auth_header', 'text')
    .addColumn('auth_secret', 'text')
    .addColumn('tlp', 'text', (c) => c.notNull())
    .addColumn('pap', 'text', (c) => c.notNull())
    .addColumn('distribution', 'text', (c) => c.notNull())
    .addColumn('sharing_group_id', 'text', (c) => c.references('sharing_group.id'))
    .addColumn('publish', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('interval_minutes', 'integer', (c) => c.notNull())
    .addColumn('next_pull_at', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('pull_token', 'text')
    .addColumn('pull_started_at', 'text')
    .addColumn('pull_phase', 'text')
    .addColumn('pull_finished_at', 'text')
    .addColumn('last_success_at', 'text')
    .addColumn('last_error', 'text')
    .addColumn('last_notes', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('count_objects', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('count_events', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('count_indicators', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('count_skipped', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('count_invalid', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('cursor', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('modified', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('feed_owner_name').on('feed').columns(['owner_org_id', 'name']).unique().execute();
  await db.schema.createIndex('feed_due').on('feed').columns(['next_pull_at', 'id']).where(sql.ref('enabled'), '=', 1).execute();

  await db.schema
    .createTable('feed_event')
    .addColumn('feed_id', 'text', (c) => c.notNull().references('feed.id').onDelete('cascade'))
    .addColumn('event_id', 'text', (c) => c.notNull().references('event.id'))
    .addColumn('pulled_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('feed_event_pk', ['feed_id', 'event_id'])
    .execute();

  await db.schema
    .createTable('feed_value')
    .addColumn('feed_id', 'text', (c) => c.notNull().references('feed.id').onDelete('cascade'))
    // sha256 of "type|normalised value": fixed length, whatever the value's.
    .addColumn('value_hash', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('feed_value_pk', ['feed_id', 'value_hash'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('feed_value').execute();
  await db.schema.dropTable('feed_event').execute();
  await db.schema.dropIndex('feed_due').execute();
  await db.schema.dropIndex('feed_owner_name').execute();
  await db.schema.dropTable('feed').execute();
}
