import type { Kysely } from 'kysely';

// Peers: the other Sanad nodes this node trusts, each known by its Ed25519 public key. The key's
// fingerprint is kept beside it because it is what signed requests name (their keyid) and what
// operators compare out of band. `peer_nonce` remembers the nonces of accepted signed requests,
// so that a request replayed within the replay window is refused; older entries are pruned.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('peer')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('base_url', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('modified', 'text', (c) => c.notNull())
    .addColumn('last_contact_at', 'text')
    .addColumn('last_error', 'text')
    .execute();
  await db.schema.createIndex('peer_name').on('peer').column('name').unique().execute();
  await db.schema.createIndex('peer_base_url').on('peer').column('base_url').unique().execute();
  await db.schema.createIndex('peer_public_key').on('peer').column('public_key').unique().execute();
  await db.schema.createIndex('peer_fingerprint').on('peer').column('fingerprint').unique().execute();

  await db.schema
    .createTable('peer_nonce')
    .addColumn('peer_id', 'text', (c) => c.notNull().references('peer.id').onDelete('cascade'))
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('seen_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('peer_nonce_pk', ['peer_id', 'nonce'])
    .execute();
  await db.schema.createIndex('peer_nonce_seen_at').on('peer_nonce').column('seen_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('peer_nonce_seen_at').execute();
  await db.schema.dropTable('peer_nonce').execute();
  await db.schema.dropIndex('peer_fingerprint').execute();
  await db.schema.dropIndex('peer_public_key').execute();
  await db.schema.dropIndex('peer_base_url').execute();
  await db.schema.dropIndex('peer_name').execute();
  await db.schema.dropTable('peer').execute();
}
