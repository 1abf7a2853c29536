import type { Kysely } from 'kysely';

// Threat-intelligence sharing: sharing groups, events, indicators (attributes), objects, tags,
// sightings and loaded warninglists. Deleted events and indicators stay as tombstones
// (`deleted` = 1, content removed) so that deletions can travel to peers.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sharing_group')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('owner_org_id', 'text', (c) => c.notNull().references('organisation.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('modified', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sharing_group_org')
    .addColumn('group_id', 'text', (c) => c.notNull().references('sharing_group.id').onDelete('cascade'))
    .addColumn('org_id', 'text', (c) => c.notNull().references('organisation.id'))
    .addColumn('extend', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('sharing_group_org_pk', ['group_id', 'org_id'])
    .execute();
  await db.schema.createIndex('sharing_group_org_org').on('sharing_group_org').columns(['org_id', 'group_id']).execute();

  await db.schema
    .createTable('sharing_group_node')
    .addColumn('group_id', 'text', (c) => c.notNull().references('sharing_group.id').onDelete('cascade'))
    .addColumn('node', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('sharing_group_node_pk', ['group_id', 'node'])
    .execute();

  await db.schema
    .createTable('event')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('info', 'text', (c) => c.notNull())
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('threat_level', 'text', (c) => c.notNull())
    .addColumn('analysis', 'text', (c) => c.notNull())
    .addColumn('owner_org_id', 'text', (c) => c.notNull().references('organisation.id'))
    .addColumn('origin_node', 'text', (c) => c.notNull())
    .addColumn('tlp', 'text', (c) => c.notNull())
    .addColumn('pap', 'text', (c) => c.notNull())
    .addColumn('distribution', 'text', (c) => c.notNull())
    .addColumn('sharing_group_id', 'text', (c) => c.references('sharing_group.id'))
    .addColumn('published', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('published_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('modified', 'text', (c) => c.notNull())
    .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('event_modified').on('event').columns(['modified', 'id']).execute();
  await db.schema.createIndex('event_owner').on('event').columns(['owner_org_id', 'modified']).execute();
  await db.schema.createIndex('event_group').on('event').column('sharing_group_id').execute();

  await db.schema
    .createTable('intel_object')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('event_id', 'text', (c) => c.notNull().references('event.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('meta_category', 'text', (c) => c.notNull())
    .addColumn('comment', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('modified', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('intel_object_event').on('intel_object').column('event_id').execute();

  await db.schema
    .createTable('indicator')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('event_id', 'text', (c) => c.notNull().references('event.id').onDelete('cascade'))
    .addColumn('object_id', 'text', (c) => c.references('intel_object.id').onDelete('cascade'))
    .addColumn('object_relation', 'text')
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('normalised', 'text', (c) => c.notNull())
    // The matching key shared by compatible types (ip-src/ip-dst, domain/hostname …); null: never correlates.
    .addColumn('correlation_key', 'text')
    // IPs and CIDRs as 128-bit ranges in fixed-width hex (IPv4 mapped), so containment compares as text on both engines.
    .addColumn('ip_start', 'text')
    .addColumn('ip_end', 'text')
    .addColumn('to_ids', 'integer', (c) => c.notNull())
    .addColumn('comment', 'text', (c) => c.notNull())
    .addColumn('first_seen', 'text')
    .addColumn('last_seen', 'text')
    // null: as the event. Only ever stricter than the event (checked on write).
    .addColumn('tlp', 'text')
    .addColumn('distribution', 'text')
    .addColumn('sharing_group_id', 'text', (c) => c.references('sharing_group.id'))
    .addColumn('warning', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('modified', 'text', (c) => c.notNull())
    .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('indicator_event').on('indicator').columns(['event_id', 'id']).execute();
  await db.schema.createIndex('indicator_correlation').on('indicator').columns(['correlation_key', 'event_id']).execute();
  await db.schema.createIndex('indicator_ip_range').on('indicator').columns(['ip_start', 'ip_end']).execute();
  // Exports filter by type and page by id: (type, id) makes each page one range scan.
  await db.schema.createIndex('indicator_type_id').on('indicator').columns(['type', 'id']).execute();

  // How many live indicators share each correlation key: lets correlation skip over-correlating
  // values without ever storing a row per matching pair.
  await db.schema
    .createTable('correlation_count')
    .addColumn('correlation_key', 'text', (c) => c.primaryKey())
    .addColumn('n', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('event_tag')
    .addColumn('event_id', 'text', (c) => c.notNull().references('event.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('event_tag_pk', ['event_id', 'name'])
    .execute();
  await db.schema.createIndex('event_tag_name').on('event_tag').columns(['name', 'event_id']).execute();

  await db.schema
    .createTable('indicator_tag')
    .addColumn('indicator_id', 'text', (c) => c.notNull().references('indicator.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('indicator_tag_pk', ['indicator_id', 'name'])
    .execute();
  await db.schema.createIndex('indicator_tag_name').on('indicator_tag').columns(['name', 'indicator_id']).execute();

  await db.schema
    .createTable('sighting')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('indicator_id', 'text', (c) => c.notNull().references('indicator.id').onDelete('cascade'))
    .addColumn('org_id', 'text', (c) => c.notNull().references('organisation.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('seen_at', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sighting_indicator').on('sighting').columns(['indicator_id', 'kind']).execute();

  await db.schema
    .createTable('warninglist')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull()) // the MISP-format JSON as loaded
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('loaded_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['warninglist', 'sighting', 'indicator_tag', 'event_tag', 'correlation_count', 'indicator', 'intel_object', 'event', 'sharing_group_node', 'sharing_group_org', 'sharing_group']) {
    await db.schema.dropTable(table).execute();
  }
}
