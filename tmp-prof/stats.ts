import { closeApp, openApp } from '../src/app.ts';
import { initNode } from '../src/features/node/service.ts';
import * as q from '../src/features/incidents/queries.ts';
import { incidentStatistics } from '../src/features/incidents/statistics.ts';
import { benchStores } from '../bench/stores.ts';
import { createIncidents, createTeams } from '../bench/incidents.ts';
const engine = process.argv[2] ?? 'sqlite';
for (const store of (await benchStores()).filter((s) => s.engine === engine)) {
  const ctx = await openApp(store.config);
  await initNode(ctx, { nodeName: 'Bench', country: 'MY', adminEmail: 'admin@bench.example', adminPassword: 'bench password 123' });
  const teams = await createTeams(ctx);
  await createIncidents(ctx, teams, Number(process.argv[3] ?? 20000), 10, () => undefined);
  const v = { kind: 'user' as const, userId: 'x', orgId: teams[0]!.id, email: 'e', role: 'secretariat' as const, via: 'session' as const };
  for (let r = 0; r < 3; r++) {
    let t = performance.now();
    const g = (await q.statisticGroups(ctx.store.db, v, '2026-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z')).what;
    const a = performance.now() - t; t = performance.now();
    const m = await q.milestoneDurations(ctx.store.db, v, '2026-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z');
    const b = performance.now() - t; t = performance.now();
    await incidentStatistics(ctx, v, { year: 2026 });
    console.log(engine, 'groups', a.toFixed(0), g.length, 'milestones', b.toFixed(0), m.length, 'total', (performance.now() - t).toFixed(0));
  }
  await closeApp(ctx); await store.drop();
}
