import { sql, type Kysely } from 'kysely';

// TAXII 2.1: the status of each objects POST (kept for the team that posted), and an index that
// pages Sanad's own indicators (not those read from STIX objects, which page as the objects) in the
// order they were added or last changed.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('taxii_status')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organisation.id'))
    .addColumn('collection_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('request_timestamp', 'text', (c) => c.notNull())
    // The TAXII status resource (counts, successes, failures) as JSON.
    .addColumn('body', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('indicator_own_modified').on('indicator').columns(['modified', 'id']).where(sql.ref('stix_id'), 'is', null).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('indicator_own_modified').execute();
  await db.schema.dropTable('taxii_status').execute();
}
