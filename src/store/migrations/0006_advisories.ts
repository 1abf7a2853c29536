import type { Kysely } from 'kysely';

// Security advisories exported as CSAF 2.0. An advisory holds the team's working copy and the
// handling rules in force; each publication is kept as an immutable version with the CSAF document
// it produced (or, for an import, the document as received). Withdrawal leaves a tombstone.
export async function up(db: Kysely<any>): Promise<void> {
  // The last running number per tracking-id prefix (the team's short name) and year: MYCERT-2026-0007.
  await db.schema
    .createTable('advisory_counter')
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('last', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('advisory_counter_pk', ['prefix', 'year'])
    .execute();

  await db.schema
    .createTable('advisory')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner_org_id', 'text', (c) => c.notNull().references('organisation.id'))
    .addColumn('origin_node', 'text', (c) => c.notNull())
    // 'authored' in Sanad, or 'imported' from a CSAF document (whose publisher keeps its content).
    .addColumn('source', 'text', (c) => c.notNull())
    // CSAF `document.tracking.id`: given at the first publication (or taken from the imported document).
    .addColumn('tracking_id', 'text')
    // What other teams see: the latest published version's title and category (the draft's before that).
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('tlp', 'text', (c) => c.notNull())
    .addColumn('distribution', 'text', (c) => c.notNull())
    .addColumn('sharing_group_id', 'text', (c) => c.references('sharing_group.id'))
    // JSON: the working copy (title, category, language and content), seen by the owner team only.
    .addColumn('draft', 'text', (c) => c.notNull())
    // 1 when the working copy has changed since the latest publication.
    .addColumn('pending_changes', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('published', 'integer', (c) => c.notNull().defaultTo(0))
    // Number of the latest published version (0: never published).
    .addColumn('current_version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('initial_release_date', 'text')
    .addColumn('current_release_date', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('modified', 'text', (c) => c.notNull())
    .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // Several teams may import the same vendor advisory; within a team a tracking id names one advisory.
  await db.schema.createIndex('advisory_tracking').on('advisory').columns(['owner_org_id', 'tracking_id']).unique().execute();
  await db.schema.createIndex('advisory_modified').on('advisory').columns(['modified', 'id']).execute();
  await db.schema.createIndex('advisory_group').on('advisory').column('sharing_group_id').execute();

  await db.schema
    .createTable('advisory_version')
    .addColumn('advisory_id', 'text', (c) => c.notNull().references('advisory.id').onDelete('cascade'))
    .addColumn('number', 'integer', (c) => c.notNull())
    // CSAF `tracking.version` of this version ("3" for Sanad's integer versioning; an import's own otherwise).
    .addColumn('tracking_version', 'text', (c) => c.notNull())
    // CSAF `tracking.status`: 'interim' or 'final'.
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    // JSON: the advisory's content as published, in Sanad's terms.
    .addColumn('content', 'text', (c) => c.notNull())
    // JSON: the CSAF 2.0 document of this version.
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('advisory_version_pk', ['advisory_id', 'number'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['advisory_version', 'advisory', 'advisory_counter']) await db.schema.dropTable(table).execute();
}
