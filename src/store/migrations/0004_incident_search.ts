import type { Kysely } from 'kysely';

// A search checks its common words per incident: the (incident, term) index answers "does this
// incident have a term starting with w" by one range probe, where the incident-only index read
// every term of the incident.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('incident_term_incident').execute();
  await db.schema.createIndex('incident_term_incident').on('incident_term').columns(['incident_id', 'term']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('incident_term_incident').execute();
  await db.schema.createIndex('incident_term_incident').on('incident_term').column('incident_id').execute();
}
