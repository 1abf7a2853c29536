import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { freshContext, testEngines } from '../../test/helpers/store.ts';

for (const engine of await testEngines()) {
  describe(`planner statistics (${engine})`, () => {
    test('a refresh after a bulk load gives the planner the grown table', async () => {
      const ctx = await freshContext(engine);
      try {
        const rows = Array.from({ length: 3000 }, (_, i) => ({ prefix: `P${i % 30}`, year: 2000 + Math.floor(i / 30), last: i }));
        for (let i = 0; i < rows.length; i += 500) await ctx.store.db.insertInto('incident_counter').values(rows.slice(i, i + 500)).execute();
        await ctx.store.refreshPlannerStatistics();
        if (engine === 'sqlite') {
          const stat = await sql<{ stat: string }>`select stat from sqlite_stat1 where tbl = 'incident_counter'`.execute(ctx.store.db);
          assert.ok(stat.rows.length > 0, 'the table has statistics');
          assert.equal(stat.rows[0]!.stat.split(' ')[0], '3000', 'counted whole, not sampled');
        } else {
          const stat = await sql<{ reltuples: number }>`select reltuples from pg_class where relname = 'incident_counter' and relnamespace = current_schema()::regnamespace`.execute(ctx.store.db);
          assert.equal(Number(stat.rows[0]!.reltuples), 3000);
        }
        // A second refresh with nothing changed finds nothing to do and is harmless.
        await ctx.store.refreshPlannerStatistics();
      } finally {
        await ctx.close();
      }
    });
  });
}
