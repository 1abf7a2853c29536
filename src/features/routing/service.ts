// Finding the team(s) responsible for an observable: the compiled router over the members'
// constituencies, the registries' statistics the operator loaded, ccTLDs and the directory's
// national teams. Built once and rebuilt only when any of those change.
import readline from 'node:readline';
import { Readable } from 'node:stream';
import type { AppContext } from '../../app.ts';
import { Invalid } from '../../domain/errors.ts';
import { recogniseObservable } from '../../domain/indicators/detect.ts';
import { isIndicatorType, type IndicatorType } from '../../domain/indicators/types.ts';
import { RirStatsAccumulator, RirTable } from '../../domain/routing/rir-stats.ts';
import { compileRouting, type Router, type RoutingDecision, type RoutingSource } from '../../domain/routing/route.ts';
import { authorize, requireIdentified } from '../../policy/authorize.ts';
import { mayManageRouting } from '../../policy/incidents.ts';
import type { Actor, Viewer } from '../../policy/viewer.ts';
import { appendAudit } from '../audit/service.ts';
import * as q from './queries.ts';

export interface RoutedTeam {
  orgId: string;
  name: string;
  country: string | null;
  source: RoutingSource;
  detail: string;
}

export interface Routing {
  type: string | null;
  value: string;
  teams: RoutedTeam[];
  decidedBy: RoutingSource | null;
  countries: string[];
  conflicts: boolean;
  reason?: string;
}

export interface CompiledRouting {
  router: Router;
  teams: ReadonlyMap<string, { name: string; country: string | null }>;
}

const cache = new WeakMap<AppContext['store'], { stamp: string; routing: CompiledRouting }>();

/** The router for the directory and registrations as they are now. */
export async function currentRouting(ctx: AppContext): Promise<CompiledRouting> {
  const stamp = await q.routingStamp(ctx.store.db);
  const cached = cache.get(ctx.store);
  if (cached?.stamp === stamp) return cached.routing;
  const { teams, entries } = await q.routingDirectory(ctx.store.db);
  const records = [];
  for await (const record of q.registrations(ctx.store.db)) records.push(record);
  const constituencies = new Map<string, { orgId: string; ipPrefixes: string[]; asns: string[]; domains: string[] }>();
  for (const entry of entries) {
    const c = constituencies.get(entry.org_id) ?? { orgId: entry.org_id, ipPrefixes: [], asns: [], domains: [] };
    if (entry.kind === 'asn') c.asns.push(entry.value);
    else if (entry.kind === 'domain') c.domains.push(entry.value);
    else c.ipPrefixes.push(entry.value);
    constituencies.set(entry.org_id, c);
  }
  // A country's national team is its full member; where it has none, every member team of that country.
  const byCountry = new Map<string, typeof teams>();
  for (const team of teams) if (team.country) byCountry.set(team.country, [...(byCountry.get(team.country) ?? []), team]);
  const nationalTeams = new Map<string, string[]>();
  for (const [country, members] of byCountry) {
    const full = members.filter((t) => t.tier === 'full');
    nationalTeams.set(country, (full.length ? full : members).map((t) => t.id));
  }
  const routing: CompiledRouting = {
    router: compileRouting({ constituencies: [...constituencies.values()], rir: RirTable.fromRows(records), nationalTeams }),
    teams: new Map(teams.map((t) => [t.id, { name: t.name, country: t.country }])),
  };
  cache.set(ctx.store, { stamp, routing });
  return routing;
}

/** Names the teams of a routing decision for display and storage. */
export function describeDecision(routing: CompiledRouting, type: string | null, value: string, decision: RoutingDecision): Routing {
  return {
    type,
    value,
    teams: decision.candidates.map((c) => ({ orgId: c.orgId, name: routing.teams.get(c.orgId)?.name ?? c.orgId, country: routing.teams.get(c.orgId)?.country ?? null, source: c.source, detail: c.detail })),
    decidedBy: decision.decidedBy,
    countries: decision.countries,
    conflicts: decision.conflicts,
    ...(decision.reason ? { reason: decision.reason } : {}),
  };
}

export interface RouteRequest {
  value: string;
  type?: string | undefined;
  country?: string | undefined;
}

export const MAX_ROUTE_VALUES = 10_000;

/** Routes values as typed (or recognised, defanged forms included); `field` names each one in errors. */
export async function routeValues(ctx: AppContext, viewer: Viewer, requests: RouteRequest[], field = 'observables'): Promise<Routing[]> {
  requireIdentified(viewer);
  if (requests.length > MAX_ROUTE_VALUES) throw new Invalid(field, `at most ${MAX_ROUTE_VALUES} values at once`);
  const routing = await currentRouting(ctx);
  return requests.map((request, i) => {
    let type: IndicatorType | undefined;
    if (request.type !== undefined) {
      if (!isIndicatorType(request.type)) throw new Invalid(`${field}[${i}].type`, `unknown indicator type "${request.type}"`);
      type = request.type;
    } else {
      type = recogniseObservable(request.value)?.type;
    }
    if (type === undefined) {
      return { type: null, value: request.value, teams: [], decidedBy: null, countries: [], conflicts: false, reason: 'not recognised as an address, domain, URL, e-mail address or AS number' };
    }
    try {
      const observable = { type, value: request.value, ...(request.country ? { country: request.country } : {}) };
      return describeDecision(routing, type, request.value, routing.router.route(observable));
    } catch (error) {
      if (error instanceof Invalid) throw new Invalid(`${field}[${i}].${error.field === 'country' ? 'country' : 'value'}`, error.reason);
      throw error;
    }
  });
}

export interface LoadResult {
  registries: string[];
  registrations: number;
}

/** Loads one or more delegated-extended statistics files (concatenated), replacing what the registries
 *  named in them registered before. A bad line refuses the whole load, naming the line. */
export async function loadRirStatistics(
  ctx: AppContext,
  actor: Actor,
  source: NodeJS.ReadableStream | AsyncIterable<string | Uint8Array>,
  onProgress?: (progress: { phase: 'read' | 'write'; count: number }) => void,
): Promise<LoadResult> {
  authorize(actor.viewer, mayManageRouting(actor.viewer), 'registry data is loaded by the node operators');
  const accumulator = new RirStatsAccumulator();
  const lines = readline.createInterface({ input: Readable.from(source as AsyncIterable<string | Uint8Array>), crlfDelay: Infinity });
  let read = 0;
  for await (const line of lines) {
    accumulator.add(line);
    read += 1;
    if (read % 50_000 === 0) onProgress?.({ phase: 'read', count: read });
  }
  const rows = accumulator.finish().rows();
  const registries = [...new Set(rows.map((r) => r.registry))].sort();
  if (rows.length === 0) throw new Invalid('file', 'holds no registration: expected delegated-extended statistics lines such as apnic|MY|ipv4|203.0.113.0|256|20100101|allocated|A1');
  await ctx.store.db.transaction().execute(async (tx) => {
    await q.replaceRegistrations(tx, registries, rows, (count) => onProgress?.({ phase: 'write', count }));
    await appendAudit(tx, ctx.store.engine, actor, { action: 'routing.load', objectType: 'rir_registration', details: { registries, registrations: rows.length } });
  });
  return { registries, registrations: rows.length };
}

export async function registrationSummary(ctx: AppContext, viewer: Viewer) {
  requireIdentified(viewer);
  return (await q.registrationSummary(ctx.store.db)).map((r) => ({ registry: r.registry, kind: r.kind, count: Number(r.n) }));
}
