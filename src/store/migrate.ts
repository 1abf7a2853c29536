// Versioned migrations, ordered by name, applied on start and by `sanad migrate`.
import { Migrator, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';
import type { Db } from './db.ts';
import * as identity from './migrations/0001_identity.ts';
import * as intel from './migrations/0002_intel.ts';
import * as incidents from './migrations/0003_incidents.ts';
import * as incidentSearch from './migrations/0004_incident_search.ts';
import * as stix from './migrations/0005_stix.ts';
import * as advisories from './migrations/0006_advisories.ts';
import * as misp from './migrations/0007_misp.ts';
import * as taxii from './migrations/0008_taxii.ts';
import * as feeds from './migrations/0009_feeds.ts';
import * as peers from './migrations/0010_peers.ts';
import * as sync from './migrations/0011_sync.ts';

const migrations: Record<string, Migration> = {
  '0001_identity': identity,
  '0002_intel': intel,
  '0003_incidents': incidents,
  '0004_incident_search': incidentSearch,
  '0005_stix': stix,
  '0006_advisories': advisories,
  '0007_misp': misp,
  '0008_taxii': taxii,
  '0009_feeds': feeds,
  '0010_peers': peers,
  '0011_sync': sync,
};

class StaticMigrations implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}

/** `schema`: the PostgreSQL schema the node works in, when not the server's default (Kysely otherwise
 *  finds its bookkeeping tables in whichever schema has them first). */
export async function migrateToLatest(db: Db, schema?: string): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new StaticMigrations(), ...(schema ? { migrationTableSchema: schema } : {}) });
  let result: MigrationResultSet = await migrator.migrateToLatest();
  // Kysely looks for its bookkeeping tables by reading the columns of every schema on the server,
  // by name: another schema dropped meanwhile (a shared server, other nodes' or tests' schemas) fails
  // that read with "schema … does not exist" before anything was applied. Reading again settles it.
  for (let attempt = 1; attempt < 5 && result.error && isVanishedSchema(result) && !result.results?.length; attempt++) {
    result = await migrator.migrateToLatest();
  }
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    throw new Error(`migration ${failed?.migrationName ?? '?'} failed: ${String(result.error)}`, { cause: result.error });
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

function isVanishedSchema(result: MigrationResultSet): boolean {
  return (result.error as { code?: unknown } | undefined)?.code === '3F000'; // invalid_schema_name
}
