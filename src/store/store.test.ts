// The store behaves the same on SQLite and PostgreSQL: migrations, integrity, timestamps and numbers.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { freshStore, testEngines, type TestStore } from '../../test/helpers/store.ts';
import type { AppContext } from '../app.ts';
import { systemViewer } from '../policy/viewer.ts';
import { createOrganisation, getOrganisation } from '../features/organisations/service.ts';
import { createUser } from '../features/users/service.ts';
import { openStore, type Store } from './db.ts';
import { migrateToLatest } from './migrate.ts';

// Every file under migrations/ must be registered and applied, in name order.
const MIGRATION_FILES = fs.readdirSync(path.join(import.meta.dirname, 'migrations')).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -'.ts'.length)).sort();

const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const operator = { viewer: systemViewer('store test'), sourceIp: null };

function open(test: TestStore): Store {
  const { databaseUrl, dataDir, pgSchema } = test.config;
  return openStore({ databaseUrl, dataDir, pgSchema });
}

for (const engine of await testEngines()) {
  describe(`store (${engine})`, () => {
    let testStore: TestStore;
    let store: Store;
    let ctx: AppContext;
    const schema = () => (engine === 'postgres' ? testStore.config.pgSchema : undefined);

    before(async () => {
      testStore = await freshStore(engine);
      store = open(testStore);
      ctx = { store, config: testStore.config };
    });
    after(async () => {
      await store.close();
      await testStore.cleanup();
    });

    test('migrations apply to an empty store once; a second run applies nothing', async () => {
      assert.equal(store.engine, engine);
      assert.deepEqual(await migrateToLatest(store.db, schema()), MIGRATION_FILES);
      assert.deepEqual(await migrateToLatest(store.db, schema()), []);
      const tables = (await store.db.introspection.getTables()).map((t) => t.name);
      for (const table of ['node_setting', 'organisation', 'constituency_entry', 'app_user', 'recovery_code', 'session', 'api_key', 'audit_log']) {
        assert.ok(tables.includes(table), `table ${table} missing`);
      }
      if (engine === 'postgres') {
        // Everything, Kysely's bookkeeping included, lives in the node's own schema.
        const { rows } = await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = ${schema()}`.execute(store.db);
        const inSchema = rows.map((r) => r.table_name);
        assert.ok(inSchema.includes('organisation') && inSchema.includes('kysely_migration'), inSchema.join(', '));
      }
    });

    test('a second connection to the migrated store finds nothing to apply', async () => {
      const other = open(testStore);
      try {
        assert.deepEqual(await migrateToLatest(other.db, schema()), []);
      } finally {
        await other.close();
      }
    });

    if (engine === 'sqlite') {
      test('SQLite runs in WAL mode with foreign keys enforced', async () => {
        const journal = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(store.db);
        assert.deepEqual(journal.rows, [{ journal_mode: 'wal' }]);
        const foreignKeys = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(store.db);
        assert.deepEqual(foreignKeys.rows, [{ foreign_keys: 1 }]);
      });
    }

    test('a user of an organisation that does not exist is refused by the database', async () => {
      const id = crypto.randomUUID();
      const now = new Date().toISOString();
      await assert.rejects(
        store.db
          .insertInto('app_user')
          .values({
            id,
            org_id: crypto.randomUUID(),
            email: 'orphan@nowhere.example',
            name: 'Orphan',
            role: 'reader',
            password_hash: 'x',
            disabled: 0,
            failed_logins: 0,
            created_at: now,
            modified_at: now,
          })
          .execute(),
        /foreign key/i,
      );
      assert.equal(await store.db.selectFrom('app_user').select('id').where('id', '=', id).executeTakeFirst(), undefined);
    });

    test('timestamps written by services read back as the same ISO-8601 string', async () => {
      const org = await createOrganisation(ctx, operator, { name: 'Timeland CERT', shortName: 'TIME-CERT', country: 'MY', tier: 'full' }, { homeNode: 'test' });
      assert.match(org.createdAt, ISO_MS);
      assert.equal(new Date(org.createdAt).toISOString(), org.createdAt);
      const row = await store.db.selectFrom('organisation').select(['created_at', 'modified_at']).where('id', '=', org.id).executeTakeFirstOrThrow();
      assert.equal(typeof row.created_at, 'string');
      assert.equal(row.created_at, org.createdAt);
      assert.equal(row.modified_at, org.modifiedAt);
      const fetched = await getOrganisation(ctx, systemViewer('store test'), org.id);
      assert.equal(fetched.createdAt, org.createdAt);

      const user = await createUser(ctx, operator, { orgId: org.id, email: 'clock@timeland.example', name: 'Clock', role: 'analyst', password: 'a long enough test password' });
      const userRow = await store.db.selectFrom('app_user').select('created_at').where('id', '=', user.id).executeTakeFirstOrThrow();
      assert.equal(userRow.created_at, user.createdAt);
      assert.match(user.createdAt, ISO_MS);

      // Text comparison orders them as time does, on both engines.
      const audit = await store.db.selectFrom('audit_log').select('at').where('at', '>=', org.createdAt).orderBy('at').execute();
      assert.equal(audit.length, 2);
      for (const entry of audit) assert.match(entry.at, ISO_MS);
    });

    test('counts and sums arrive as JS numbers', async () => {
      const { n } = await store.db.selectFrom('organisation').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      assert.equal(typeof n, 'number');
      assert.equal(n, 1);
      const users = await store.db.selectFrom('app_user').select((eb) => eb.fn.count('id').as('n')).executeTakeFirstOrThrow();
      assert.strictEqual(users.n, 1);
      const raw = await sql<{ n: unknown; s: unknown }>`select count(*) as n, sum(seq) as s from audit_log`.execute(store.db);
      assert.deepEqual(raw.rows, [{ n: 2, s: 3 }]);
      const seq = await store.db.selectFrom('audit_log').select('seq').orderBy('seq').execute();
      assert.deepEqual(seq, [{ seq: 1 }, { seq: 2 }]);
    });
  });
}
