import type { Tx } from '../../store/db.ts';
import type { RirRecord } from '../../domain/routing/rir-stats.ts';

const BATCH = 500;

/** Replaces what the named registries registered; other registries' rows stay. */
export async function replaceRegistrations(tx: Tx, registries: string[], rows: RirRecord[], onProgress?: (written: number) => void): Promise<void> {
  if (registries.length) await tx.deleteFrom('rir_registration').where('registry', 'in', registries).execute();
  for (let i = 0; i < rows.length; i += BATCH) {
    await tx
      .insertInto('rir_registration')
      .values(rows.slice(i, i + BATCH).map((r) => ({ kind: r.kind, low: r.start, high: r.end, country: r.country, registry: r.registry })))
      .execute();
    onProgress?.(Math.min(i + BATCH, rows.length));
  }
}

export async function* registrations(tx: Tx): AsyncGenerator<RirRecord> {
  let after: { kind: string; low: string; registry: string } | undefined;
  for (;;) {
    let query = tx.selectFrom('rir_registration').selectAll().orderBy('kind').orderBy('low').orderBy('registry').limit(10_000);
    if (after) {
      const a = after;
      query = query.where((eb) =>
        eb.or([
          eb('kind', '>', a.kind),
          eb.and([eb('kind', '=', a.kind), eb('low', '>', a.low)]),
          eb.and([eb('kind', '=', a.kind), eb('low', '=', a.low), eb('registry', '>', a.registry)]),
        ]),
      );
    }
    const rows = await query.execute();
    for (const r of rows) yield { kind: r.kind as RirRecord['kind'], start: r.low, end: r.high, country: r.country, registry: r.registry };
    if (rows.length < 10_000) return;
    const last = rows.at(-1)!;
    after = { kind: last.kind, low: last.low, registry: last.registry };
  }
}

export async function registrationSummary(tx: Tx) {
  return tx
    .selectFrom('rir_registration')
    .select(['registry', 'kind', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy(['registry', 'kind'])
    .orderBy('registry')
    .orderBy('kind')
    .execute();
}

/** What routing reads from the directory: member teams, their constituencies and countries. */
export async function routingDirectory(tx: Tx) {
  const [teams, entries] = await Promise.all([
    tx.selectFrom('organisation').select(['id', 'name', 'short_name', 'country', 'tier', 'status']).where('status', '=', 'member').orderBy('name').execute(),
    tx
      .selectFrom('constituency_entry')
      .innerJoin('organisation', 'organisation.id', 'constituency_entry.org_id')
      .where('organisation.status', '=', 'member')
      .select(['constituency_entry.org_id', 'constituency_entry.kind', 'constituency_entry.value'])
      .orderBy('constituency_entry.org_id')
      .orderBy('constituency_entry.position')
      .execute(),
  ]);
  return { teams, entries };
}

/** Changes whenever registrations, teams or constituencies change: the compiled router is rebuilt then. */
export async function routingStamp(tx: Tx): Promise<string> {
  const [registrations, organisations, entries] = await Promise.all([
    tx.selectFrom('rir_registration').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    tx.selectFrom('organisation').select([(eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.max('modified_at').as('latest')]).executeTakeFirstOrThrow(),
    tx.selectFrom('constituency_entry').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return `${Number(registrations.n)}:${Number(organisations.n)}:${organisations.latest ?? ''}:${Number(entries.n)}`;
}
