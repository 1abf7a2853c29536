// Bulk paths of shared intelligence: ingest of one large event, streamed export, batch lookup and
// event correlation, each against MISP's published figure (../shared/docs/reference/anchors.md).
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import { closeApp, openApp } from '../src/app.ts';
import { buildServer } from '../src/server.ts';
import { createApiKey } from '../src/features/api-keys/service.ts';
import { createUser } from '../src/features/users/service.ts';
import { initNode } from '../src/features/node/service.ts';
import { createOrganisation } from '../src/features/organisations/service.ts';
import { importEvent } from '../src/features/intel/import.ts';
import { openExport } from '../src/features/intel/export.ts';
import { lookup } from '../src/features/intel/lookup.ts';
import { correlationsOfEvent } from '../src/features/intel/correlation.ts';
import { systemViewer } from '../src/policy/viewer.ts';
import type { Benchmark, Figure } from './run.ts';
import { onEveryStore, type BenchStore } from './stores.ts';
import { eventDocument, indicatorAt } from './intel-data.ts';

const MISP_INGEST_43K = { name: 'MISP: 43,000 attributes in 126 s (#9092)', value: 126, higherIsBetter: false };
const MISP_EXPORT_250K = { name: 'MISP: 250,000 URLs exported in 63.7 s (#8660)', value: 63.7, higherIsBetter: false };
const LOOKUP_TARGET = { name: 'target: 200,000 values/s', value: 200_000, higherIsBetter: true };
const CORRELATION_TARGET = { name: 'target: under 1 s', value: 1, higherIsBetter: false };

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

async function measure(store: BenchStore, scale: number, durationSeconds: number, progress: (m: string) => void): Promise<Figure[]> {
  const ctx = await openApp(store.config);
  const operator = { viewer: systemViewer('bench'), sourceIp: null };
  try {
    await initNode(ctx, { nodeName: 'Bench', country: 'MY', adminEmail: 'admin@bench.example', adminPassword: 'bench password 123' });
    const teamA = await createOrganisation(ctx, operator, { name: 'Team A', shortName: 'A', country: 'MY', tier: 'full' }, { homeNode: 'Bench' });
    const teamB = await createOrganisation(ctx, operator, { name: 'Team B', shortName: 'B', country: 'ID', tier: 'full' }, { homeNode: 'Bench' });
    const figures: Figure[] = [];

    const ingestCount = Math.round(43_000 * scale);
    progress(`import one ${ingestCount}-indicator event (${store.engine})`);
    let start = process.hrtime.bigint();
    const big = await importEvent(ctx, operator, eventDocument({ info: 'Large campaign', count: ingestCount }), { ownerOrgId: teamA.id });
    const ingestSeconds = seconds(start);
    figures.push({ name: `ingest ${ingestCount} indicators, one event (${store.engine})`, value: ingestSeconds, unit: 's', baseline: MISP_INGEST_43K });
    figures.push({ name: `  ingest rate (${store.engine})`, value: ingestCount / ingestSeconds, unit: 'ind/s', baseline: { name: 'MISP ≈ 340 attributes/s', value: 340, higherIsBetter: true } });

    // Team B saw 3% of team A's values: the overlap correlation has to find.
    const overlap = Math.round(ingestCount * 0.03);
    const partner = await importEvent(ctx, operator, eventDocument({ info: 'Partner sightings', count: overlap, offset: ingestCount - overlap }), { ownerOrgId: teamB.id });

    const urlCount = Math.round(250_000 * scale);
    progress(`import ${urlCount} URLs in 5 events (${store.engine})`);
    for (let e = 0; e < 5; e++) {
      await importEvent(ctx, operator, eventDocument({ info: `URL feed ${e}`, count: urlCount / 5, offset: 10_000_000 + e * (urlCount / 5), mix: 'url' }), { ownerOrgId: teamA.id });
    }
    progress(`export ${urlCount} URLs as text (${store.engine})`);
    start = process.hrtime.bigint();
    let lines = 0;
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    for await (const chunk of await openExport(ctx, operator, { format: 'text', type: 'url' })) {
      lines += chunk.split('\n').length - 1;
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    }
    const exportSeconds = seconds(start);
    const expectedUrls = urlCount + Math.round(ingestCount * 0.15) + Math.round(overlap * 0.15);
    if (Math.abs(lines - expectedUrls) > expectedUrls * 0.05) throw new Error(`export produced ${lines} lines, expected about ${expectedUrls}`);
    figures.push({ name: `stream export of ${lines} URLs (${store.engine})`, value: exportSeconds, unit: 's', baseline: MISP_EXPORT_250K });
    figures.push({
      name: `  memory growth during that export (${store.engine})`,
      value: Math.max(0, rssPeak - rssBefore) / 2 ** 20,
      unit: 'MiB',
      baseline: { name: 'the exported text itself', value: Math.max(1, (lines * 60) / 2 ** 20), higherIsBetter: false },
    });

    const values = Array.from({ length: 10_000 }, (_, i) => indicatorAt((i * 7) % ingestCount, 'mixed').value);
    progress(`batch lookup of ${values.length} values (${store.engine})`);
    const teamViewer = { kind: 'user' as const, userId: '00000000-0000-4000-8000-000000000000', orgId: teamB.id, email: 'b@bench.example', role: 'analyst' as const, via: 'apikey' as const };
    start = process.hrtime.bigint();
    const results = await lookup(ctx, teamViewer, values);
    const lookupSeconds = seconds(start);
    if (results.filter((r) => r.matches.length > 0).length < values.length * 0.5) throw new Error('batch lookup found too few of the stored values');
    figures.push({ name: `batch lookup, 10,000 values (${store.engine})`, value: values.length / lookupSeconds, unit: 'values/s', baseline: LOOKUP_TARGET });

    progress(`single lookups over HTTP with an API key for ${durationSeconds}s (${store.engine})`);
    const analyst = await createUser(ctx, operator, { orgId: teamB.id, email: 'analyst@b.bench.example', name: 'Analyst B', role: 'analyst', password: 'bench password 123' });
    const { key } = await createApiKey(ctx, operator, analyst.id, { name: 'bench' });
    const server = await buildServer(ctx, { logger: false });
    try {
      await server.listen({ host: '127.0.0.1', port: 0 });
      const base = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
      const requests = values.slice(0, 200).map((value) => ({ method: 'GET' as const, path: `/api/v1/lookup?value=${encodeURIComponent(value)}` }));
      const result = await autocannon({ url: base, connections: 20, duration: durationSeconds, headers: { authorization: `Bearer ${key}` }, requests });
      if (result.non2xx > 0 || result.errors > 0) throw new Error(`lookup over HTTP: ${result.non2xx} non-2xx, ${result.errors} errors`);
      figures.push({ name: `single lookups over HTTP (${store.engine})`, value: result.requests.average, unit: 'req/s', baseline: { name: 'target: 10,000 req/s', value: 10_000, higherIsBetter: true } });
      figures.push({ name: `  p99 latency of a lookup (${store.engine})`, value: result.latency.p99, unit: 'ms', baseline: { name: 'target: 20 ms', value: 20, higherIsBetter: false } });
    } finally {
      await server.close();
    }

    progress(`correlate the partner event against everything (${store.engine})`);
    start = process.hrtime.bigint();
    const related = await correlationsOfEvent(ctx, teamViewer, partner.id);
    const correlationSeconds = seconds(start);
    if (!related.events.some((e) => e.eventId === big.id)) throw new Error('correlation missed the overlapping event');
    figures.push({ name: `correlate a ${overlap}-indicator event (${store.engine})`, value: correlationSeconds, unit: 's', baseline: CORRELATION_TARGET });
    return figures;
  } finally {
    await closeApp(ctx);
  }
}

export const intelBulk: Benchmark = {
  name: 'intel-bulk',
  async run({ durationSeconds, progress }) {
    // SANAD_BENCH_SCALE shrinks or grows every data set (1 = the sizes of MISP's published figures).
    const scale = Number(process.env.SANAD_BENCH_SCALE ?? '1');
    return onEveryStore((store) => measure(store, scale, durationSeconds, progress));
  },
};
