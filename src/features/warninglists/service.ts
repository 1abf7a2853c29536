// Warninglists: the shipped starter lists, plus MISP-format lists the operators load.
import type { AppContext } from '../../app.ts';
import { NotFound } from '../../domain/errors.ts';
import { STARTER_WARNINGLISTS, parseWarninglist, type Warninglist } from '../../domain/warninglists.ts';
import { fromJson, toJson } from '../../store/json.ts';
import { nextVersion } from '../../store/time.ts';
import { authorize, requireUser } from '../../policy/authorize.ts';
import { mayManageWarninglists } from '../../policy/events.ts';
import type { Actor, Viewer } from '../../policy/viewer.ts';
import { appendAudit } from '../audit/service.ts';
import * as q from './queries.ts';
import { rescanWarnings, type RescanResult } from '../intel/warnings.ts';
import { newId } from '../../store/ids.ts';

export interface WarninglistSummary {
  /** Stored indicators checked again after the change, and how many changed their flag. */
  rescan?: RescanResult;
  id: string | null;
  name: string;
  version: number;
  description: string;
  type: string;
  entries: number;
  matchingAttributes: string[];
  source: 'shipped' | 'loaded';
  enabled: boolean;
  loadedAt: string | null;
}

function summary(list: Warninglist, extra: Pick<WarninglistSummary, 'id' | 'source' | 'enabled' | 'loadedAt'>): WarninglistSummary {
  return { name: list.name, version: list.version, description: list.description, type: list.type, entries: list.list.length, matchingAttributes: list.matching_attributes, ...extra };
}

export async function listWarninglists(ctx: AppContext, viewer: Viewer): Promise<WarninglistSummary[]> {
  if (viewer.kind !== 'system') requireUser(viewer);
  const shipped = STARTER_WARNINGLISTS.map((list) => summary(list, { id: null, source: 'shipped', enabled: true, loadedAt: null }));
  const loaded = (await q.listWarninglists(ctx.store.db)).map((row) =>
    summary(parseWarninglist(fromJson<unknown>(row.definition, null)), { id: row.id, source: 'loaded', enabled: row.enabled === 1, loadedAt: row.loaded_at }),
  );
  return [...shipped, ...loaded];
}

/** Loads (or replaces, by name) a MISP-format warninglist. */
export async function loadWarninglist(ctx: AppContext, actor: Actor, json: unknown, onProgress?: (progress: RescanResult) => void): Promise<WarninglistSummary> {
  authorize(actor.viewer, mayManageWarninglists(actor.viewer), 'warninglists are loaded by the node operators');
  const list = parseWarninglist(json);
  const loaded = await ctx.store.db.transaction().execute(async (tx) => {
    const existing = await q.findWarninglistByName(tx, list.name);
    const loadedAt = nextVersion(existing?.loaded_at);
    const id = existing?.id ?? newId();
    await q.upsertWarninglist(tx, { id, name: list.name, version: list.version, description: list.description, definition: toJson(list), enabled: 1, loaded_at: loadedAt });
    await appendAudit(tx, ctx.store.engine, actor, { action: 'warninglist.load', objectType: 'warninglist', objectId: id, details: { name: list.name, version: list.version, entries: list.list.length } });
    return summary(list, { id, source: 'loaded', enabled: true, loadedAt });
  });
  return { ...loaded, rescan: await rescanWarnings(ctx, onProgress) };
}

export async function setWarninglistEnabled(ctx: AppContext, actor: Actor, id: string, enabled: boolean): Promise<RescanResult> {
  authorize(actor.viewer, mayManageWarninglists(actor.viewer), 'warninglists are managed by the node operators');
  await ctx.store.db.transaction().execute(async (tx) => {
    const row = await q.findWarninglist(tx, id);
    if (!row) throw new NotFound('warninglist');
    await q.setWarninglistEnabled(tx, id, enabled, nextVersion(row.loaded_at));
    await appendAudit(tx, ctx.store.engine, actor, { action: enabled ? 'warninglist.enable' : 'warninglist.disable', objectType: 'warninglist', objectId: id, details: { name: row.name } });
  });
  return rescanWarnings(ctx);
}
