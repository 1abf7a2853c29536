// Correlation computed from the index at read time, never stored per pair (the failure that grew
// MISP's correlation tables to hundreds of gigabytes), and only ever over what the viewer may see.
import type { AppContext } from '../../app.ts';
import { NotFound } from '../../domain/errors.ts';
import { authorize } from '../../policy/authorize.ts';
import { mayReadIntel } from '../../policy/intel.ts';
import type { Viewer } from '../../policy/viewer.ts';
import * as q from './queries.ts';

/** A value held by more indicators than this says nothing about any one of them (a public resolver,
 *  a popular CDN): it stops correlating, and is reported as over-correlating instead. */
export const FAN_OUT_CAP = 1000;
const SHOWN_MATCHES = 100;

export interface IndicatorCorrelations {
  /** Why the indicator does not correlate, when it does not. */
  skipped: 'warninglisted' | 'over-correlating' | 'not correlating type' | null;
  teams: number;
  countries: number;
  total: number;
  matches: { indicatorId: string; eventId: string; eventInfo: string; orgId: string; orgName: string; country: string | null; type: string; value: string; tlp: string }[];
}

export async function correlationsOfIndicator(ctx: AppContext, viewer: Viewer, indicatorId: string): Promise<IndicatorCorrelations> {
  authorize(viewer, mayReadIntel(viewer), 'sign in to read shared intelligence');
  const db = ctx.store.db;
  const indicator = await q.findVisibleIndicator(db, viewer, indicatorId);
  if (!indicator) throw new NotFound('indicator');
  const none = (skipped: IndicatorCorrelations['skipped']): IndicatorCorrelations => ({ skipped, teams: 0, countries: 0, total: 0, matches: [] });
  if (indicator.warning !== null) return none('warninglisted');
  if (indicator.correlation_key === null && indicator.ip_start === null) return none('not correlating type');
  if (indicator.correlation_key !== null && (await q.correlationCount(db, indicator.correlation_key)) > FAN_OUT_CAP) return none('over-correlating');
  const target = { indicatorId, correlationKey: indicator.correlation_key, ipStart: indicator.ip_start, ipEnd: indicator.ip_end };
  const [reach, rows] = await Promise.all([q.correlationReach(db, viewer, target), q.correlatedIndicators(db, viewer, target, SHOWN_MATCHES)]);
  return {
    skipped: null,
    teams: reach.teams,
    countries: reach.countries,
    total: reach.matches,
    matches: rows.map((r) => ({
      indicatorId: r.id,
      eventId: r.event_id,
      eventInfo: r.info,
      orgId: r.owner_org_id,
      orgName: r.owner_name,
      country: r.owner_country,
      type: r.type,
      value: r.value,
      tlp: String(r.tlp),
    })),
  };
}

export interface EventCorrelations {
  teams: number;
  countries: number;
  events: { eventId: string; info: string; orgId: string; orgName: string; country: string | null; sharedValues: number }[];
}

/** "Seen by N teams in M countries": the events that share values with this one, as the viewer sees them. */
export async function correlationsOfEvent(ctx: AppContext, viewer: Viewer, eventId: string): Promise<EventCorrelations> {
  authorize(viewer, mayReadIntel(viewer), 'sign in to read shared intelligence');
  const db = ctx.store.db;
  if (!(await q.findVisibleEvent(db, viewer, eventId))) throw new NotFound('event');
  const rows = await q.relatedEvents(db, viewer, eventId, FAN_OUT_CAP, 500);
  return {
    teams: new Set(rows.map((r) => r.owner_org_id)).size,
    countries: new Set(rows.map((r) => r.owner_country).filter((c) => c !== null)).size,
    events: rows.map((r) => ({ eventId: r.id, info: r.info, orgId: r.owner_org_id, orgName: r.owner_name, country: r.owner_country, sharedValues: Number(r.shared) })),
  };
}
