// When the warninglists change, every stored indicator is checked again, so a list loaded today
// flags yesterday's false positives too (MISP's exclusions are not retroactive until a clean-up).
import type { AppContext } from '../../app.ts';
import * as q from './queries.ts';
import { warninglistMatcher } from './warninglist-cache.ts';

export interface RescanResult {
  checked: number;
  changed: number;
}

/** Walks live indicators in id order, batch by batch (each its own short transaction). */
export async function rescanWarnings(ctx: AppContext, onProgress?: (progress: RescanResult) => void, batchSize = 5000): Promise<RescanResult> {
  const matcher = await warninglistMatcher(ctx);
  const result: RescanResult = { checked: 0, changed: 0 };
  let afterId: string | null = null;
  for (;;) {
    const batch = await q.liveIndicatorsAfter(ctx.store.db, afterId, batchSize);
    if (batch.length === 0) break;
    const changes = batch.flatMap((row) => {
      const hits = matcher.match(row.type, row.normalised);
      const warning = hits.length ? [...new Set(hits.map((h) => h.list))].join(', ') : null;
      return warning === row.warning ? [] : [{ id: row.id, warning }];
    });
    if (changes.length) {
      await ctx.store.db.transaction().execute(async (tx) => {
        for (const change of changes) await q.setIndicatorWarning(tx, change.id, change.warning);
      });
    }
    result.checked += batch.length;
    result.changed += changes.length;
    onProgress?.({ ...result });
    afterId = batch[batch.length - 1]!.id;
    if (batch.length < batchSize) break;
  }
  return result;
}
