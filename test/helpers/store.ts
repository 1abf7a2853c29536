// A fresh database for each test: SQLite in a temporary directory, or PostgreSQL in a schema of its own,
// dropped afterwards, so runs never see each other's data.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig, type Config } from '../../src/config.ts';
import { closeApp, openApp, type AppContext } from '../../src/app.ts';
import type { Engine } from '../../src/store/db.ts';

export const TEST_PG_URL = process.env.SANAD_TEST_PG_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

let cachedEngines: Promise<Engine[]> | undefined;

/** SQLite always; PostgreSQL when reachable. With SANAD_TEST_REQUIRE_PG=1 (CI) an unreachable server fails the run. */
export function testEngines(): Promise<Engine[]> {
  cachedEngines ??= (async () => {
    if (process.env.SANAD_TEST_ENGINES === 'sqlite') return ['sqlite'];
    if (await postgresReachable()) return process.env.SANAD_TEST_ENGINES === 'postgres' ? ['postgres'] : ['sqlite', 'postgres'];
    if (process.env.SANAD_TEST_REQUIRE_PG === '1') throw new Error(`PostgreSQL is required but not reachable at ${TEST_PG_URL}`);
    console.warn(`# PostgreSQL not reachable at ${TEST_PG_URL}: running on SQLite only`);
    return ['sqlite'];
  })();
  return cachedEngines;
}

export interface TestStore {
  config: Config;
  cleanup(): Promise<void>;
}

/** Config of a brand-new empty store on `engine`. Password hashing stays argon2id, at a test-sized cost. */
export async function freshStore(engine: Engine, overrides: Partial<Config> = {}): Promise<TestStore> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sanad-test-'));
  const base: Partial<Config> = {
    dataDir,
    logLevel: 'silent',
    passwordHashing: { memoryCost: 1024, timeCost: 1, parallelism: 1 },
    ...overrides,
  };
  if (engine === 'sqlite') {
    const config = loadConfig({ ...base, databaseUrl: undefined, pgSchema: undefined }, {});
    return { config, cleanup: async () => fs.rmSync(dataDir, { recursive: true, force: true }) };
  }
  const schema = `t_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const config = loadConfig({ ...base, databaseUrl: TEST_PG_URL, pgSchema: schema }, {});
  return {
    config,
    cleanup: async () => {
      const client = new pg.Client({ connectionString: TEST_PG_URL });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** An opened, migrated app context on a fresh store; `close` also drops the store. */
export async function freshContext(engine: Engine, overrides: Partial<Config> = {}): Promise<AppContext & { close(): Promise<void> }> {
  const store = await freshStore(engine, overrides);
  const ctx = await openApp(store.config);
  return {
    ...ctx,
    close: async () => {
      await closeApp(ctx);
      await store.cleanup();
    },
  };
}
