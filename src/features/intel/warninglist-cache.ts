// The warninglist matcher of a running node: the shipped starter lists plus every enabled list the
// operators loaded, compiled once and rebuilt only when the loaded lists change.
import type { AppContext } from '../../app.ts';
import { fromJson } from '../../store/json.ts';
import { STARTER_WARNINGLISTS, WarninglistMatcher, parseWarninglist } from '../../domain/warninglists.ts';

const cache = new WeakMap<AppContext['store'], { stamp: string; matcher: WarninglistMatcher }>();

/** A stamp that changes whenever a list is loaded, replaced, enabled or disabled. */
async function stampOf(ctx: AppContext): Promise<string> {
  const row = await ctx.store.db
    .selectFrom('warninglist')
    .select([(eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.max('loaded_at').as('latest')])
    .where('enabled', '=', 1)
    .executeTakeFirstOrThrow();
  return `${Number(row.n)}:${row.latest ?? ''}`;
}

export async function warninglistMatcher(ctx: AppContext): Promise<WarninglistMatcher> {
  const stamp = await stampOf(ctx);
  const cached = cache.get(ctx.store);
  if (cached?.stamp === stamp) return cached.matcher;
  const rows = await ctx.store.db.selectFrom('warninglist').select(['definition']).where('enabled', '=', 1).orderBy('name').execute();
  const loaded = rows.map((r) => parseWarninglist(fromJson<unknown>(r.definition, null)));
  const matcher = new WarninglistMatcher([...STARTER_WARNINGLISTS, ...loaded]);
  cache.set(ctx.store, { stamp, matcher });
  return matcher;
}
