import type { Kysely } from 'kysely';

// What a MISP exchange needs to remember. An imported event keeps MISP's uuid as its id when no other
// event on the node holds it; `misp_uuid` records it in every case, so a re-import by the same team
// finds its copy. `misp_timestamp` is MISP's version of the event as imported and `misp_version` the
// Sanad version that import wrote: while the two versions agree, the MISP timestamp is the event's.
// Attribute and object uuids from MISP are kept beside the rows in `misp_element`.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('event').addColumn('misp_uuid', 'text').execute();
  await db.schema.alterTable('event').addColumn('misp_timestamp', 'text').execute();
  await db.schema.alterTable('event').addColumn('misp_version', 'text').execute();
  await db.schema.createIndex('event_misp_uuid').on('event').columns(['owner_org_id', 'misp_uuid']).unique().execute();

  await db.schema
    .createTable('misp_element')
    // The indicator or object (both have UUIDv7 ids, never equal).
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('event_id', 'text', (c) => c.notNull().references('event.id').onDelete('cascade'))
    .addColumn('uuid', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('misp_element_event').on('misp_element').column('event_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('misp_element').execute();
  await db.schema.dropIndex('event_misp_uuid').execute();
  await db.schema.alterTable('event').dropColumn('misp_version').execute();
  await db.schema.alterTable('event').dropColumn('misp_timestamp').execute();
  await db.schema.alterTable('event').dropColumn('misp_uuid').execute();
}
