// Lookup of many values at once: each value is recognised (defanged forms included), turned into its
// correlation key, and answered with what the viewer may see of it, in the order asked.
import type { AppContext } from '../../app.ts';
import type { Tx } from '../../store/db.ts';
import { Invalid, NotFound } from '../../domain/errors.ts';
import { recogniseValue } from '../../domain/indicators/detect.ts';
import { correlationKey } from '../../domain/indicators/normalise.ts';
import { indicatorTypeInfo } from '../../domain/indicators/types.ts';
import { nowIso } from '../../store/time.ts';
import { authorize, requireUser } from '../../policy/authorize.ts';
import { mayReadIntel } from '../../policy/intel.ts';
import { mayReportSighting } from '../../policy/events.ts';
import type { Actor, Viewer } from '../../policy/viewer.ts';
import { appendAudit } from '../audit/service.ts';
import * as q from './queries.ts';
import { newId } from '../../store/ids.ts';

export const MAX_LOOKUP_VALUES = 10_000;
const MATCHES_PER_VALUE = 100;
const KEYS_PER_QUERY = 500;

export interface SightingSummary {
  sighting: number;
  falsePositive: number;
  expiration: number;
  lastSeen: string | null;
}

export interface LookupMatch {
  indicatorId: string;
  eventId: string;
  eventInfo: string;
  orgName: string;
  country: string | null;
  type: string;
  value: string;
  tlp: string;
  pap: string;
  toIds: boolean;
  firstSeen: string | null;
  lastSeen: string | null;
  warning: string | null;
  sightings: SightingSummary;
}

export interface LookupResult {
  value: string;
  type: string | null;
  matches: LookupMatch[];
}

function keyOf(value: string): { type: string; key: string } | undefined {
  const found = recogniseValue(value);
  if (!found || !indicatorTypeInfo(found.type).correlates) return undefined;
  const key = correlationKey(found.type, found.normalised);
  return key ? { type: found.type, key } : undefined;
}

async function summarise(tx: Tx, ids: string[]): Promise<Map<string, SightingSummary>> {
  const summaries = new Map<string, SightingSummary>();
  for (const row of await q.sightingCounts(tx, ids)) {
    const s = summaries.get(row.indicator_id) ?? { sighting: 0, falsePositive: 0, expiration: 0, lastSeen: null };
    const n = Number(row.n);
    if (row.kind === 'sighting') {
      s.sighting += n;
      s.lastSeen = row.last ? String(row.last) : s.lastSeen;
    } else if (row.kind === 'false-positive') s.falsePositive += n;
    else s.expiration += n;
    summaries.set(row.indicator_id, s);
  }
  return summaries;
}

export async function lookup(ctx: AppContext, viewer: Viewer, values: string[]): Promise<LookupResult[]> {
  authorize(viewer, mayReadIntel(viewer), 'sign in to read shared intelligence');
  if (values.length > MAX_LOOKUP_VALUES) throw new Invalid('values', `at most ${MAX_LOOKUP_VALUES} values per request`);
  const recognised = values.map(keyOf);
  const keys = [...new Set(recognised.flatMap((r) => (r ? [r.key] : [])))];
  const byKey = new Map<string, Awaited<ReturnType<typeof q.lookupByKeys>>>();
  for (let i = 0; i < keys.length; i += KEYS_PER_QUERY) {
    for (const row of await q.lookupByKeys(ctx.store.db, viewer, keys.slice(i, i + KEYS_PER_QUERY))) {
      const list = byKey.get(row.correlation_key!) ?? [];
      if (list.length < MATCHES_PER_VALUE) list.push(row);
      byKey.set(row.correlation_key!, list);
    }
  }
  const matchedIds = [...byKey.values()].flat().map((r) => r.id);
  const sightings = new Map<string, SightingSummary>();
  for (let i = 0; i < matchedIds.length; i += KEYS_PER_QUERY) {
    for (const [id, s] of await summarise(ctx.store.db, matchedIds.slice(i, i + KEYS_PER_QUERY))) sightings.set(id, s);
  }
  return values.map((value, i) => {
    const r = recognised[i];
    const rows = r ? (byKey.get(r.key) ?? []) : [];
    return {
      value,
      type: r?.type ?? null,
      matches: rows.map((row) => ({
        indicatorId: row.id,
        eventId: row.event_id,
        eventInfo: row.info,
        orgName: row.owner_name,
        country: row.owner_country,
        type: row.type,
        value: row.value,
        tlp: String(row.tlp),
        pap: row.pap,
        toIds: row.to_ids === 1,
        firstSeen: row.first_seen,
        lastSeen: row.last_seen,
        warning: row.warning,
        sightings: sightings.get(row.id) ?? { sighting: 0, falsePositive: 0, expiration: 0, lastSeen: null },
      })),
    };
  });
}

export const SIGHTING_KINDS = ['sighting', 'false-positive', 'expiration'] as const;

export async function reportSighting(
  ctx: AppContext,
  actor: Actor,
  indicatorId: string,
  input: { kind: (typeof SIGHTING_KINDS)[number]; seenAt?: string | undefined; source?: string | undefined },
): Promise<{ id: string; summary: SightingSummary }> {
  const viewer = actor.viewer;
  requireUser(viewer);
  authorize(viewer, mayReportSighting(viewer), 'readers cannot report sightings');
  const seenAt = input.seenAt ? new Date(input.seenAt).toISOString() : nowIso();
  if (Date.parse(seenAt) > Date.now() + 5 * 60_000) throw new Invalid('seenAt', 'is in the future');
  return ctx.store.db.transaction().execute(async (tx) => {
    if (!(await q.findVisibleIndicator(tx, viewer, indicatorId))) throw new NotFound('indicator');
    const id = newId();
    await q.insertSighting(tx, { id, indicator_id: indicatorId, org_id: viewer.orgId, kind: input.kind, seen_at: seenAt, source: input.source?.trim() ?? '', created_at: nowIso() });
    await appendAudit(tx, ctx.store.engine, actor, { action: 'indicator.sighting', objectType: 'indicator', objectId: indicatorId, details: { kind: input.kind } });
    const summary = (await summarise(tx, [indicatorId])).get(indicatorId)!;
    return { id, summary };
  });
}

export async function listSightings(ctx: AppContext, viewer: Viewer, indicatorId: string) {
  authorize(viewer, mayReadIntel(viewer), 'sign in to read shared intelligence');
  if (!(await q.findVisibleIndicator(ctx.store.db, viewer, indicatorId))) throw new NotFound('indicator');
  const [summary, rows] = await Promise.all([summarise(ctx.store.db, [indicatorId]), q.sightingsOf(ctx.store.db, indicatorId, 500)]);
  return {
    summary: summary.get(indicatorId) ?? { sighting: 0, falsePositive: 0, expiration: 0, lastSeen: null },
    items: rows.map((r) => ({ id: r.id, kind: r.kind, seenAt: r.seen_at, source: r.source, orgId: r.org_id, orgName: r.org_name, country: r.country })),
  };
}
