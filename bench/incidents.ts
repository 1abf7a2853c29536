// Incident coordination at consortium scale: 100,000 incidents with 1,000,000 observables across 50
// teams (SANAD_BENCH_SCALE scales both). Measures filtered lists and full-text search as a team's
// analyst sees them (p95), a year's statistics for the secretariat, and routing of 10,000 observables,
// against TheHive's published figures (../shared/docs/reference/anchors.md) and the issue's targets.
import { closeApp, openApp, type AppContext } from '../src/app.ts';
import type { Db } from '../src/store/db.ts';
import type { CoordinationRequestTable, IncidentObservableTable, IncidentTable, IncidentTermTable } from '../src/store/schema.ts';
import { newId } from '../src/store/ids.ts';
import { toJson } from '../src/store/json.ts';
import { normaliseIndicator, correlationKey } from '../src/domain/indicators/normalise.ts';
import type { IndicatorType } from '../src/domain/indicators/types.ts';
import { rsitClasses } from '../src/domain/taxonomies/shipped.ts';
import { searchTerms } from '../src/domain/search-terms.ts';
import { calendarOf } from '../src/domain/incidents/business-hours.ts';
import type { Severity } from '../src/domain/incidents/lifecycle.ts';
import { slaStatus } from '../src/domain/incidents/sla.ts';
import { initNode } from '../src/features/node/service.ts';
import { listIncidents } from '../src/features/incidents/service.ts';
import { adjustIncidentCounts } from '../src/features/incidents/queries.ts';
import { incidentStatistics } from '../src/features/incidents/statistics.ts';
import { loadRirStatistics, routeValues } from '../src/features/routing/service.ts';
import { systemViewer, type UserViewer } from '../src/policy/viewer.ts';
import type { Benchmark, Figure } from './run.ts';
import { onEveryStore, type BenchStore } from './stores.ts';
import { indicatorAt } from './intel-data.ts';

const THEHIVE_SEARCH = { name: 'TheHive: 11.97 s to search 12,580 cases', value: 11_970, higherIsBetter: false };
const LIST_TARGET = { name: 'target: p95 under 50 ms', value: 50, higherIsBetter: false };
const THEHIVE_STATS = { name: 'TheHive: about 60 s of statistics at 15,000 cases', value: 60_000, higherIsBetter: false };
const STATS_TARGET_MS = 200;
const ROUTING_TARGET = { name: 'target: under 1 s', value: 1, higherIsBetter: false };

const TEAMS = 50;
const COUNTRIES = ['MY', 'ID', 'SA', 'TR', 'EG', 'PK', 'BD', 'NG', 'MA', 'AE', 'QA', 'OM', 'KW', 'BH', 'JO', 'TN', 'DZ', 'SN', 'UZ', 'KZ', 'AZ', 'BN', 'IR', 'IQ', 'SD'];
const STATUSES = ['new', 'triaged', 'in_progress', 'in_progress', 'resolved', 'closed', 'closed', 'rejected'];
const SEVERITIES = ['critical', 'high', 'medium', 'medium', 'low', 'low'];
const WORDS = ['phishing', 'ransomware', 'defacement', 'ddos', 'botnet', 'credential', 'leak', 'ministry', 'bank', 'portal', 'scan', 'malware', 'webmail', 'telecom', 'university', 'exfiltration', 'spam', 'c2'];
const YEAR = 2026;
const BATCH = 500;

function rng(seed: number) {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x1_0000_0000;
  };
}

const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function insertAll<T>(db: Db, table: 'organisation' | 'incident' | 'incident_observable' | 'incident_term' | 'coordination_request' | 'constituency_entry', rows: T[]): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) await db.insertInto(table).values(rows.slice(i, i + BATCH) as never).execute();
}

/** Teams with constituencies: team t holds 100.t.0.0/16, AS (64512+t) and the domain team-t.net. */
export async function createTeams(ctx: AppContext): Promise<{ id: string; country: string }[]> {
  const now = new Date().toISOString();
  const teams = Array.from({ length: TEAMS }, (_, t) => ({ id: newId(), country: COUNTRIES[t % COUNTRIES.length]!, t }));
  await insertAll(
    ctx.store.db,
    'organisation',
    teams.map(({ id, country, t }) => ({ id, name: `Team ${t}`, short_name: `T${t}`, country, tier: t < COUNTRIES.length ? 'full' : 'general', status: 'member', home_node: 'Bench', contacts: '{}', pgp_public_key: null, pgp_fingerprint: null, profile: '', created_at: now, modified_at: now })),
  );
  await insertAll(
    ctx.store.db,
    'constituency_entry',
    teams.flatMap(({ id, t }) => [
      { id: newId(), org_id: id, kind: 'ipv4', value: `100.${t}.0.0/16`, position: 0 },
      { id: newId(), org_id: id, kind: 'asn', value: `AS${64512 + t}`, position: 1 },
      { id: newId(), org_id: id, kind: 'domain', value: `team-${t}.net`, position: 2 },
    ]),
  );
  return teams;
}

/** Incidents over one year with their observables, search terms and coordination requests, as the service writes them. */
export async function createIncidents(ctx: AppContext, teams: { id: string; country: string }[], count: number, observablesEach: number, progress: (m: string) => void) {
  const classes = rsitClasses();
  const random = rng(42);
  const yearStart = Date.UTC(YEAR, 0, 1);
  const yearMs = Date.UTC(YEAR + 1, 0, 1) - yearStart;
  const samples: { ownerIndex: number; value: string; word: string }[] = [];
  for (let start = 0; start < count; start += 2000) {
    const incidents: IncidentTable[] = [];
    const observables: IncidentObservableTable[] = [];
    const terms: IncidentTermTable[] = [];
    const requests: CoordinationRequestTable[] = [];
    for (let i = start; i < Math.min(count, start + 2000); i++) {
      const id = newId();
      const ownerIndex = Math.floor(random() * teams.length);
      const owner = teams[ownerIndex]!;
      const rsit = pick(random, classes);
      const status = pick(random, STATUSES);
      const opened = yearStart + Math.floor(random() * yearMs * 0.9);
      const iso = (ms: number) => new Date(ms).toISOString();
      const acknowledged = status === 'new' ? null : opened + Math.floor(random() * 8 * 3600_000);
      const resolved = ['resolved', 'closed', 'rejected'].includes(status) ? opened + Math.floor(random() * 20 * 86_400_000) : null;
      const severity = pick(random, SEVERITIES);
      const title = `${pick(random, WORDS)} ${pick(random, WORDS)} at ${pick(random, WORDS)} ${i}`;
      const description = Array.from({ length: 12 }, () => pick(random, WORDS)).join(' ');
      const reference = `MY-${YEAR}-${String(i + 1).padStart(6, '0')}`;
      incidents.push({
        id, reference, title, description, classification: rsit.classification, rsit_type: rsit.types[0]?.type ?? null, severity, tlp: 'AMBER', pap: 'AMBER', status,
        owner_org_id: owner.id, assignee_user_id: null, reporter_kind: 'team', reporter_org_id: owner.id, reporter_name: 'bench', reporter_email: null,
        affected_systems: null, affected_people: null, loss_amount: null, loss_currency: null, country: pick(random, COUNTRIES),
        opened_at: iso(opened), acknowledged_at: acknowledged ? iso(acknowledged) : null, seconds_to_acknowledge: acknowledged ? Math.round((acknowledged - opened) / 1000) : null,
        first_response_at: acknowledged ? iso(acknowledged) : null,
        resolved_at: resolved ? iso(resolved) : null, seconds_to_resolve: resolved ? Math.round((resolved - opened) / 1000) : null, closed_at: status === 'closed' || status === 'rejected' ? iso(resolved!) : null, escalated_at: null, tracking_hash: null,
        escalate_at: ['new', 'triaged', 'in_progress'].includes(status) ? escalationPoint(severity, opened, acknowledged) : null,
        created_at: iso(opened), modified: iso(resolved ?? acknowledged ?? opened),
      });
      const values: string[] = [];
      for (let o = 0; o < observablesEach; o++) {
        const { type, value } = indicatorAt(i * observablesEach + o, 'mixed');
        const { normalised } = normaliseIndicator(type as IndicatorType, value);
        values.push(value, normalised);
        observables.push({ id: newId(), incident_id: id, type, value, normalised, correlation_key: correlationKey(type as IndicatorType, normalised), ip_start: null, ip_end: null, comment: '', routing: toJson({ teams: [], decidedBy: null, countries: [], conflicts: false }), decided_by: null, created_at: iso(opened) });
        if (o === 0 && i % 50 === 0) samples.push({ ownerIndex, value: normalised, word: title.split(' ')[0]! });
      }
      for (const term of searchTerms(reference, title, description, ...values)) terms.push({ term, incident_id: id });
      if (random() < 0.2) {
        const asked = teams[(ownerIndex + 1 + Math.floor(random() * (teams.length - 1))) % teams.length]!;
        requests.push({ id: newId(), incident_id: id, org_id: asked.id, status: 'accepted', action: 'assist', message: '', reason: null, note: '', requested_by: 'bench', created_at: iso(opened), modified: iso(opened), responded_at: null, completed_at: null });
      }
    }
    await ctx.store.db.transaction().execute(async (tx) => {
      await insertAll(tx as unknown as Db, 'incident', incidents);
      await adjustIncidentCounts(tx, incidents, +1);
      await insertAll(tx as unknown as Db, 'incident_observable', observables);
      await insertAll(tx as unknown as Db, 'incident_term', terms);
      await insertAll(tx as unknown as Db, 'coordination_request', requests);
    });
    progress(`  ${Math.min(count, start + 2000)} of ${count} incidents written`);
  }
  return samples;
}

/** When an open incident next calls for escalation, as the service keeps it (teams here state no hours). */
function escalationPoint(severity: string, opened: number, acknowledged: number | null): string | null {
  const at = new Date(opened);
  const status = slaStatus({ severity: severity as Severity, openedAt: at, now: at, calendar: calendarOf(undefined, undefined), acknowledgedAt: acknowledged ? new Date(acknowledged) : null, firstResponseAt: acknowledged ? new Date(acknowledged) : null });
  const pending = (['acknowledge', 'firstResponse', 'resolve'] as const).filter((t) => status[t].metAt === null).map((t) => status[t].escalateAt.getTime());
  return pending.length ? new Date(Math.min(...pending)).toISOString() : null;
}

/** A delegated-extended statistics file of `count` IPv4 registrations over 1.0.0.0–99.255.255.255, in COUNTRIES. */
async function* rirLines(count: number): AsyncGenerator<string> {
  yield `2|apnic|20261122|${count}|19830613|20261121|+1000\n`;
  const step = Math.floor((99 * 2 ** 24) / count);
  for (let i = 0; i < count; i++) {
    const start = 2 ** 24 + i * step;
    const ip = [start >>> 24, (start >>> 16) & 255, (start >>> 8) & 255, start & 255].join('.');
    yield `apnic|${COUNTRIES[i % COUNTRIES.length]}|ipv4|${ip}|${2 ** Math.floor(Math.log2(step))}|20100101|allocated|A${i}\n`;
  }
}

async function timed<T>(work: () => Promise<T>): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function measure(store: BenchStore, scale: number, progress: (m: string) => void): Promise<Figure[]> {
  const ctx = await openApp(store.config);
  try {
    await initNode(ctx, { nodeName: 'Bench', country: 'MY', adminEmail: 'admin@bench.example', adminPassword: 'bench password 123' });
    const count = Math.max(1000, Math.round(100_000 * scale));
    progress(`write ${count} incidents with ${count * 10} observables (${store.engine})`);
    const teams = await createTeams(ctx);
    let start = process.hrtime.bigint();
    const samples = await createIncidents(ctx, teams, count, 10, progress);
    progress(`  written in ${seconds(start).toFixed(1)} s`);
    // As a node does after any bulk load (background.ts, the import commands).
    await ctx.store.refreshPlannerStatistics();
    const figures: Figure[] = [];
    const analyst = (teamIndex: number): UserViewer => ({ kind: 'user', userId: newId(), orgId: teams[teamIndex]!.id, email: 'a@bench.example', role: 'analyst', via: 'session' });
    const random = rng(7);

    progress(`filtered lists as a team's analyst (${store.engine})`);
    const filters = [{}, { status: 'in_progress' as const }, { severity: 'high' as const, status: 'new' as const }, { classification: 'fraud' }, { country: 'ID' }, { from: `${YEAR}-06-01T00:00:00Z`, to: `${YEAR}-07-01T00:00:00Z` }];
    const listTimes: number[] = [];
    for (let i = 0; i < 300; i++) listTimes.push(await timed(() => listIncidents(ctx, analyst(i % teams.length), { ...pick(random, filters), limit: 50 })));
    figures.push({ name: `filtered incident list p95, ${count} incidents (${store.engine})`, value: percentile(listTimes, 95), unit: 'ms', baseline: LIST_TARGET });

    progress(`full-text search as a team's analyst and across the node (${store.engine})`);
    const searchTimes: number[] = [];
    for (let i = 0; i < 300; i++) {
      const sample = samples[i % samples.length]!;
      const q = i % 3 === 0 ? sample.value : i % 3 === 1 ? `${sample.word} ${sample.value.slice(0, 6)}` : sample.value.split('.').slice(-2).join('.');
      searchTimes.push(await timed(() => listIncidents(ctx, i % 2 ? analyst(sample.ownerIndex) : systemViewer('bench'), { q, limit: 50 })));
    }
    figures.push({ name: `  full-text search p95 (${store.engine})`, value: percentile(searchTimes, 95), unit: 'ms', baseline: LIST_TARGET });
    figures.push({ name: `  full-text search p95 vs TheHive (${store.engine})`, value: percentile(searchTimes, 95), unit: 'ms', baseline: THEHIVE_SEARCH });

    progress(`statistics of a year for the secretariat (${store.engine})`);
    const secretariat: UserViewer = { kind: 'user', userId: newId(), orgId: teams[0]!.id, email: 's@bench.example', role: 'secretariat', via: 'session' };
    const statTimes: number[] = [];
    for (let i = 0; i < 5; i++) statTimes.push(await timed(() => incidentStatistics(ctx, secretariat, { year: YEAR })));
    const stats = await incidentStatistics(ctx, secretariat, { year: YEAR });
    if (stats.total !== count) throw new Error(`statistics counted ${stats.total} of ${count} incidents`);
    figures.push({ name: `statistics of a year, ${count} incidents (${store.engine})`, value: percentile(statTimes, 50), unit: 'ms', baseline: { name: `target: under ${STATS_TARGET_MS} ms`, value: STATS_TARGET_MS, higherIsBetter: false } });
    figures.push({ name: `  statistics vs TheHive (${store.engine})`, value: percentile(statTimes, 50), unit: 'ms', baseline: THEHIVE_STATS });

    progress(`routing of 10,000 observables (${store.engine})`);
    await loadRirStatistics(ctx, { viewer: systemViewer('bench'), sourceIp: null }, rirLines(50_000));
    const values = Array.from({ length: 10_000 }, (_, i) =>
      i % 4 === 0 ? { value: `100.${i % TEAMS}.${(i >> 4) & 255}.${i & 255}` } : i % 4 === 1 ? { value: `${1 + (i % 98)}.${(i * 7) & 255}.${(i * 13) & 255}.9` } : i % 4 === 2 ? { value: `host${i}.team-${i % TEAMS}.net` } : { value: `http://shop${i}.example.${pick(random, ['my', 'id', 'sa', 'tr'])}/x` },
    );
    start = process.hrtime.bigint();
    const cold = await routeValues(ctx, systemViewer('bench'), values);
    const coldSeconds = seconds(start);
    const unrouted = cold.filter((r) => r.teams.length === 0);
    if (unrouted.length > values.length * 0.1) throw new Error(`routing named no team for ${unrouted.length} observables, such as ${unrouted.slice(0, 3).map((r) => `${r.value} (${r.reason})`).join(', ')}`);
    start = process.hrtime.bigint();
    await routeValues(ctx, systemViewer('bench'), values);
    const warmSeconds = seconds(start);
    figures.push({ name: `route 10,000 observables, router built (${store.engine})`, value: coldSeconds, unit: 's', baseline: ROUTING_TARGET });
    figures.push({ name: `  route 10,000 observables, router cached (${store.engine})`, value: warmSeconds, unit: 's', baseline: ROUTING_TARGET });
    return figures;
  } finally {
    await closeApp(ctx);
  }
}

export const incidentsBench: Benchmark = {
  name: 'incidents',
  async run({ progress }) {
    const scale = Number(process.env.SANAD_BENCH_SCALE ?? '1');
    return onEveryStore((store) => measure(store, scale, progress));
  },
};
