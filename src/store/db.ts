// Opens the store: SQLite under the data directory by default, PostgreSQL when a URL is given.
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect, sql, type Transaction } from 'kysely';
import type { Database } from './schema.ts';

export type Engine = 'sqlite' | 'postgres';
export type Db = Kysely<Database>;
/** Either the database or an open transaction: functions that touch the store take one. */
export type Tx = Kysely<Database> | Transaction<Database>;

export interface StoreOptions {
  /** postgres://… ; when absent, SQLite in `dataDir`. */
  databaseUrl?: string | undefined;
  dataDir: string;
  /** PostgreSQL schema to work in (tests use one each); defaults to the server's search_path. */
  pgSchema?: string | undefined;
}

export interface Store {
  db: Db;
  engine: Engine;
  /** Where the store lives, for messages (the SQLite file, or the PostgreSQL host/database). */
  location: string;
  /** Brings the query planner's statistics up to date after tables have grown or shrunk a lot, so
   *  it picks the selective index (a team's incidents, not every incident of a status). */
  refreshPlannerStatistics(): Promise<void>;
  close(): Promise<void>;
}

// int8 (counts, sums) arrive from pg as strings; the values Sanad counts fit in a double,
// so both engines hand the same number type to the code above.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

export function openStore(options: StoreOptions): Store {
  if (options.databaseUrl) {
    const url = new URL(options.databaseUrl);
    if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
      throw new Error(`DATABASE_URL must start with postgres:// (got ${url.protocol})`);
    }
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: 10,
      ...(options.pgSchema ? { options: `-c search_path=${options.pgSchema}` } : {}),
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      engine: 'postgres',
      location: `${url.hostname}:${url.port || 5432}${url.pathname}${options.pgSchema ? ` (schema ${options.pgSchema})` : ''}`,
      // Autovacuum analyses in time on a server; this serves right after a bulk load. Only this
      // node's own tables: other schemas on the same server are not its business.
      refreshPlannerStatistics: async () => {
        const { rows } = await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(db);
        if (rows.length) await sql`analyze ${sql.join(rows.map((r) => sql.id(r.name)))}`.execute(db);
      },
      close: () => db.destroy(),
    };
  }
  fs.mkdirSync(options.dataDir, { recursive: true });
  const file = path.join(options.dataDir, 'sanad.db');
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  // The CLI and the server share the file: under load a writer may wait its turn rather than fail.
  sqlite.pragma('busy_timeout = 30000');
  sqlite.pragma('synchronous = NORMAL');
  // Indicators are keyed by random UUIDs and indexed by normalised value: inserts touch pages all
  // over the B-trees, so a cache far above the 2 MiB default keeps bulk ingest off the disk.
  sqlite.pragma('cache_size = -131072'); // 128 MiB
  sqlite.pragma('temp_store = MEMORY');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return {
    db,
    engine: 'sqlite',
    location: file,
    // SQLite has no autovacuum analyser: without statistics its planner takes any equality index,
    // e.g. every incident of a status before the viewer's team. `optimize` analyses (fully, since
    // sampled statistics misjudge low-cardinality columns) only the tables whose size changed about
    // tenfold since their last analysis, so after the first run it costs next to nothing.
    refreshPlannerStatistics: async () => {
      sqlite.pragma('optimize = 0x10002');
    },
    close: () => db.destroy(),
  };
}

// Kysely prepares every query anew; preparing costs about as much as running a small query, and a
// node runs the same few hundred statements over and over, so they are kept (bounded).
function withStatementCache(sqlite: SQLite.Database, limit = 1000) {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text: string): SQLite.Statement {
      let statement = statements.get(text);
      if (!statement) {
        if (statements.size >= limit) statements.clear();
        statement = sqlite.prepare(text);
        statements.set(text, statement);
      }
      return statement;
    },
  };
}
