// Everything a use-case needs: the store and the node's settings. Built once per process.
import type { Config } from './config.ts';
import { openStore, type Store, type Tx } from './store/db.ts';
import { migrateToLatest } from './store/migrate.ts';

export interface AppContext {
  store: Store;
  config: Config;
}

export async function openApp(config: Config, options: { migrate?: boolean } = {}): Promise<AppContext> {
  const store = openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, pgSchema: config.pgSchema });
  if (options.migrate !== false) {
    try {
      await migrateToLatest(store.db, config.databaseUrl ? config.pgSchema : undefined);
    } catch (error) {
      await store.close();
      throw error;
    }
  }
  return { store, config };
}

export async function closeApp(ctx: AppContext): Promise<void> {
  await ctx.store.close();
}

/** Runs `work` in the caller's transaction when there is one, else in a new one: a use-case composed
 *  of others (such as `init`) commits or fails as a whole. */
export function inTransaction<T>(ctx: AppContext, outer: Tx | undefined, work: (tx: Tx) => Promise<T>): Promise<T> {
  if (outer?.isTransaction) return work(outer);
  return ctx.store.db.transaction().execute(work);
}
