import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Incident coordination: incidents with their observables, timeline, attachments, links to events,
// coordination requests to other teams and tasks; routing data loaded from the registries; the
// notification outbox, webhooks and preferences.
export async function up(db: Kysely<any>): Promise<void> {
  const binary = db.getExecutor().adapter instanceof PostgresAdapter ? sql`bytea` : sql`blob`;

  // The last sequence number used per reference prefix and year: MY-2026-00042.
  await db.schema
    .createTable('incident_counter')
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('last', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('incident_counter_pk', ['prefix', 'year'])
    .execute();

  await db.schema
    .createTable('incident')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('reference', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('classification', 'text', (c) => c.notNull())
    .addColumn('rsit_type', 'text')
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('tlp', 'text', (c) => c.notNull())
    .addColumn('pap', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('owner_org_id', 'text', (c) => c.notNull().references('organisation.id'))
    .addColumn('assignee_user_id', 'text', (c) => c.references('app_user.id'))
    // 'team' (a member team reported it), 'outside' (entered for someone outside) or 'public' (the report form).
    .addColumn('reporter_kind', 'text', (c) => c.notNull())
    .addColumn('reporter_org_id', 'text', (c) => c.references('organisation.id'))
    .addColumn('reporter_name', 'text', (c) => c.notNull())
    .addColumn('reporter_email', 'text')
    .addColumn('affected_systems', 'integer')
    .addColumn('affected_people', 'integer')
    // Decimal text (exact on both engines) and its ISO 4217 currency.
    .addColumn('loss_amount', 'text')
    .addColumn('loss_currency', 'text')
    .addColumn('country', 'text')
    .addColumn('opened_at', 'text', (c) => c.notNull())
    .addColumn('acknowledged_at', 'text')
    .addColumn('seconds_to_acknowledge', 'integer')
    .addColumn('first_response_at', 'text')
    .addColumn('resolved_at', 'text')
    .addColumn('seconds_to_resolve', 'integer')
    .addColumn('closed_at', 'text')
    .addColumn('escalated_at', 'text')
    // When a running SLA timer next calls for escalation (kept on every change), so the sweep reads only those due.
    .addColumn('escalate_at', 'text')
    // SHA-256 of the secret a public reporter follows the report with.
    .addColumn('tracking_hash', 'text', (c) => c.unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('modified', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('incident_owner').on('incident').columns(['owner_org_id', 'modified']).execute();
  await db.schema.createIndex('incident_modified').on('incident').columns(['modified', 'id']).execute();
  await db.schema.createIndex('incident_escalate').on('incident').columns(['escalate_at']).execute();
  await db.schema.createIndex('incident_reporter').on('incident').columns(['reporter_org_id', 'modified']).execute();
  // Covers every column statistics read, so a year's figures come from the index alone.
  await db.schema
    .createIndex('incident_statistics')
    .on('incident')
    .columns(['opened_at', 'classification', 'rsit_type', 'severity', 'country', 'owner_org_id', 'reporter_org_id', 'seconds_to_acknowledge', 'seconds_to_resolve'])
    .execute();
  await db.schema.createIndex('incident_status').on('incident').columns(['status', 'modified']).execute();

  // Search terms of each incident (domain/search-terms.ts): word-prefix search by index range scans.
  // Byte order on both engines, so that a prefix range holds exactly the terms with that prefix.
  const byteOrderText = db.getExecutor().adapter instanceof PostgresAdapter ? sql`text collate "C"` : sql`text`;
  await db.schema
    .createTable('incident_term')
    .addColumn('term', byteOrderText, (c) => c.notNull())
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incident.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('incident_term_pk', ['term', 'incident_id'])
    .execute();
  await db.schema.createIndex('incident_term_incident').on('incident_term').column('incident_id').execute();

  // Incidents counted per opening day and per value of each statistics dimension ('classification'
  // as class/type, 'severity', 'country', 'team'), kept in step with every write: a year's figures
  // for the whole node sum a few thousand rows instead of reading every incident.
  await db.schema
    .createTable('incident_count')
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('dimension', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('incident_count_pk', ['day', 'dimension', 'key'])
    .execute();

  await db.schema
    .createTable('incident_observable')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incident.id').onDelete('cascade'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('normalised', 'text', (c) => c.notNull())
    .addColumn('correlation_key', 'text')
    .addColumn('ip_start', 'text')
    .addColumn('ip_end', 'text')
    .addColumn('comment', 'text', (c) => c.notNull())
    // The routing decision when the observable was added (JSON) and the source that decided it.
    .addColumn('routing', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('incident_observable_incident').on('incident_observable').columns(['incident_id', 'created_at']).execute();
  await db.schema.createIndex('incident_observable_key').on('incident_observable').columns(['correlation_key', 'incident_id']).execute();

  await db.schema
    .createTable('incident_event')
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incident.id').onDelete('cascade'))
    .addColumn('event_id', 'text', (c) => c.notNull().references('event.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('incident_event_pk', ['incident_id', 'event_id'])
    .execute();

  // The timeline: comments, status changes, coordination steps, e-mails sent and received.
  await db.schema
    .createTable('incident_entry')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incident.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.references('organisation.id'))
    .addColumn('author_user_id', 'text', (c) => c.references('app_user.id'))
    .addColumn('author_label', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    // 1: seen by the authoring team only.
    .addColumn('internal', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('incident_entry_incident').on('incident_entry').columns(['incident_id', 'created_at']).execute();

  await db.schema
    .createTable('incident_attachment')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incident.id').onDelete('cascade'))
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('content', binary, (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.references('organisation.id'))
    .addColumn('uploaded_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('incident_attachment_incident').on('incident_attachment').columns(['incident_id', 'created_at']).execute();

  // One per team asked to help; each team moves its own request through its lifecycle.
  await db.schema
    .createTable('coordination_request')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incident.id').onDelete('cascade'))
    .addColumn('org_id', 'text', (c) => c.notNull().references('organisation.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('modified', 'text', (c) => c.notNull())
    .addColumn('responded_at', 'text')
    .addColumn('completed_at', 'text')
    .addUniqueConstraint('coordination_request_team', ['incident_id', 'org_id'])
    .execute();
  await db.schema.createIndex('coordination_request_org').on('coordination_request').columns(['org_id', 'incident_id']).execute();

  await db.schema
    .createTable('incident_task')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incident.id').onDelete('cascade'))
    .addColumn('org_id', 'text', (c) => c.notNull().references('organisation.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('assignee_user_id', 'text', (c) => c.references('app_user.id'))
    .addColumn('due_at', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('modified', 'text', (c) => c.notNull())
    .addColumn('done_at', 'text')
    .execute();
  await db.schema.createIndex('incident_task_incident').on('incident_task').columns(['incident_id', 'created_at']).execute();

  // Registrations from the RIRs' delegated-extended statistics (rir-stats.ts RirRecord).
  await db.schema
    .createTable('rir_registration')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('low', 'text', (c) => c.notNull())
    .addColumn('high', 'text', (c) => c.notNull())
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('registry', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('rir_registration_pk', ['kind', 'low', 'registry'])
    .execute();

  // Outgoing e-mail and webhook deliveries: written in the transaction that caused them, sent after,
  // retried with back-off; the state of each is visible.
  await db.schema
    .createTable('notification')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.references('organisation.id'))
    .addColumn('user_id', 'text', (c) => c.references('app_user.id'))
    .addColumn('webhook_id', 'text')
    .addColumn('incident_id', 'text', (c) => c.references('incident.id').onDelete('cascade'))
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('encrypted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .execute();
  await db.schema.createIndex('notification_due').on('notification').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('notification_incident').on('notification').columns(['incident_id', 'created_at']).execute();

  await db.schema
    .createTable('webhook')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organisation.id'))
    // 'out': Sanad posts signed notifications to the URL; 'in': a system posts signed reports to Sanad.
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('url', 'text')
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('topics', 'text', (c) => c.notNull()) // JSON array
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhook_org').on('webhook').column('org_id').execute();

  // Per user or team: whether a topic reaches them by a channel. No row: the default (on).
  await db.schema
    .createTable('notification_preference')
    .addColumn('owner_kind', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('notification_preference_pk', ['owner_kind', 'owner_id', 'topic', 'channel'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'notification_preference', 'webhook', 'notification', 'rir_registration', 'incident_task', 'coordination_request',
    'incident_attachment', 'incident_entry', 'incident_event', 'incident_observable', 'incident_count', 'incident_term', 'incident', 'incident_counter',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
