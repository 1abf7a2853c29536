import type { Kysely } from 'kysely';

// STIX 2.1 objects as received, each version kept unchanged (custom properties, x- objects and
// extensions included) so that re-export gives back what came in. Every object belongs to the event
// its import created, whose handling rules it follows, made stricter by its own markings. Each team
// holds its own copy of an object: two teams importing the same report may handle it differently.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('stix_object')
    .addColumn('id', 'text', (c) => c.notNull())
    // The `modified` timestamp (`created` for objects without one) with its fraction padded to nine
    // digits: versions then sort as text on both engines.
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull().references('event.id').onDelete('cascade'))
    // The owner of the event, kept here: a team's versions of an object are one history.
    .addColumn('owner_org_id', 'text', (c) => c.notNull().references('organisation.id'))
    .addColumn('spec_version', 'text', (c) => c.notNull())
    .addColumn('latest', 'integer', (c) => c.notNull())
    .addColumn('revoked', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('tlp', 'text')
    .addColumn('distribution', 'text')
    .addColumn('sharing_group_id', 'text', (c) => c.references('sharing_group.id'))
    .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('object', 'text', (c) => c.notNull())
    .addColumn('date_added', 'text', (c) => c.notNull())
    // date_added|id|version|owner: one text column that orders TAXII pages and keys their cursor.
    .addColumn('added_key', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('stix_object_pk', ['owner_org_id', 'id', 'version'])
    .execute();
  await db.schema.createIndex('stix_object_event').on('stix_object').columns(['event_id', 'type', 'id']).execute();
  await db.schema.createIndex('stix_object_added').on('stix_object').column('added_key').execute();
  await db.schema.createIndex('stix_object_id').on('stix_object').columns(['id', 'version']).execute();

  // The STIX object an indicator was read from: exported as that object, not as a new one.
  await db.schema.alterTable('indicator').addColumn('stix_id', 'text').execute();
  await db.schema.createIndex('indicator_stix').on('indicator').columns(['stix_id', 'event_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('indicator_stix').execute();
  await db.schema.alterTable('indicator').dropColumn('stix_id').execute();
  await db.schema.dropTable('stix_object').execute();
}
