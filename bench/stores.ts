// Where benchmarks run: a throw-away SQLite directory, and a throw-away schema on a PostgreSQL
// server when one is reachable (SANAD_BENCH_PG_URL, default the local test database).
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig, type Config } from '../src/config.ts';
import type { Engine } from '../src/store/db.ts';
import type { Figure } from './run.ts';

const PG_URL = process.env.SANAD_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface BenchStore {
  engine: Engine;
  config: Config;
  drop(): Promise<void>;
}

async function withClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function benchStores(): Promise<BenchStore[]> {
  const stores: BenchStore[] = [];
  const sqliteDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sanad-bench-'));
  stores.push({
    engine: 'sqlite',
    config: loadConfig({ dataDir: sqliteDir, logLevel: 'silent' }, {}),
    drop: async () => fs.rmSync(sqliteDir, { recursive: true, force: true }),
  });
  const schema = `bench_${crypto.randomBytes(5).toString('hex')}`;
  try {
    await withClient((client) => client.query(`create schema ${schema}`));
  } catch {
    console.log(`   (PostgreSQL not reachable at ${PG_URL}: SQLite figures only)`);
    return stores;
  }
  const pgDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sanad-bench-'));
  stores.push({
    engine: 'postgres',
    config: loadConfig({ dataDir: pgDir, logLevel: 'silent', databaseUrl: PG_URL, pgSchema: schema }, {}),
    drop: async () => {
      await withClient((client) => client.query(`drop schema if exists ${schema} cascade`));
      fs.rmSync(pgDir, { recursive: true, force: true });
    },
  });
  return stores;
}

/** Runs `measure` on every bench store in turn, dropping each afterwards, and gathers the figures. */
export async function onEveryStore(measure: (store: BenchStore) => Promise<Figure[]>): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const store of await benchStores()) {
    try {
      figures.push(...(await measure(store)));
    } finally {
      await store.drop();
    }
  }
  return figures;
}
