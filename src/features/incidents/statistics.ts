// Incident statistics for dashboards and the yearly report: counts grouped in the database, median
// response times from the two milestone columns. The consortium's operators count every team's
// incidents (counts only); everyone else counts what they may read.
import { Type, type Static } from 'typebox';
import type { AppContext } from '../../app.ts';
import { Invalid } from '../../domain/errors.ts';
import { requireIdentified } from '../../policy/authorize.ts';
import type { Viewer } from '../../policy/viewer.ts';
import * as q from './queries.ts';

export const StatisticsQuery = Type.Object(
  {
    year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100 })),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);
export type StatisticsQuery = Static<typeof StatisticsQuery>;

const Count = Type.Object({ key: Type.String(), label: Type.Union([Type.String(), Type.Null()]), count: Type.Integer() });
export const StatisticsSchema = Type.Object({
  from: Type.String(),
  to: Type.String(),
  scope: Type.Enum(['node', 'visible'] as const),
  total: Type.Integer(),
  byClassification: Type.Array(Count),
  bySeverity: Type.Array(Count),
  byCountry: Type.Array(Count),
  byTeam: Type.Array(Count),
  byMonth: Type.Array(Count),
  medianHoursToAcknowledge: Type.Union([Type.Number(), Type.Null()]),
  medianHoursToResolve: Type.Union([Type.Number(), Type.Null()]),
});
export type Statistics = Static<typeof StatisticsSchema>;

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return Math.round(value * 100) / 100;
}

export async function incidentStatistics(ctx: AppContext, viewer: Viewer, query: StatisticsQuery): Promise<Statistics> {
  requireIdentified(viewer);
  const year = query.year ?? new Date().getUTCFullYear();
  const from = query.from ? new Date(query.from).toISOString() : `${year}-01-01T00:00:00.000Z`;
  const to = query.to ? new Date(query.to).toISOString() : `${year + 1}-01-01T00:00:00.000Z`;
  if (from >= to) throw new Invalid('to', 'must be after from');
  const db = ctx.store.db;
  const [classification, severity, country, team, month, times] = await Promise.all([
    q.countsBy(db, viewer, from, to, 'classification'),
    q.countsBy(db, viewer, from, to, 'severity'),
    q.countsBy(db, viewer, from, to, 'country'),
    q.countsBy(db, viewer, from, to, 'team'),
    q.countsBy(db, viewer, from, to, 'month'),
    q.milestoneTimes(db, viewer, from, to),
  ]);
  const byCount = (a: { count: number; key: string }, b: { count: number; key: string }) => b.count - a.count || a.key.localeCompare(b.key);
  const hours = (start: string, end: string | null) => (end ? (Date.parse(end) - Date.parse(start)) / 3_600_000 : null);
  return {
    from,
    to,
    scope: viewer.kind === 'system' || (viewer.kind === 'user' && (viewer.role === 'secretariat' || viewer.role === 'admin')) ? 'node' : 'visible',
    total: severity.reduce((sum, r) => sum + r.n, 0),
    byClassification: classification.map((r) => ({ key: r.sub ? `${r.key}/${r.sub}` : r.key, label: r.key, count: r.n })).sort(byCount),
    bySeverity: severity.map((r) => ({ key: r.key, label: null, count: r.n })).sort(byCount),
    byCountry: country.map((r) => ({ key: r.key, label: null, count: r.n })).sort(byCount),
    byTeam: team.map((r) => ({ key: r.key, label: r.sub, count: r.n })).sort(byCount),
    byMonth: month.map((r) => ({ key: r.key, label: null, count: r.n })).sort((a, b) => a.key.localeCompare(b.key)),
    medianHoursToAcknowledge: median(times.flatMap((t) => hours(t.opened_at, t.acknowledged_at) ?? [])),
    medianHoursToResolve: median(times.flatMap((t) => hours(t.opened_at, t.resolved_at) ?? [])),
  };
}
