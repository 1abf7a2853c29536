// Use-cases of shared intelligence: events and their indicators. Each runs in one transaction,
// checks the policy and writes one audit record (per event or batch, never per indicator).
import type { Insertable } from 'kysely';
import type { AppContext } from '../../app.ts';
import type { EventTable } from '../../store/schema.ts';
import type { Engine, Tx } from '../../store/db.ts';
import { nextVersion, nowIso } from '../../store/time.ts';
import { Invalid, NotFound } from '../../domain/errors.ts';
import { decodeCursor, pageOf, type Page } from '../../domain/cursor.ts';
import type { DistributionScope, Tlp } from '../../domain/handling.ts';
import { authorize, requireIdentified, requireUser } from '../../policy/authorize.ts';
import { mayReadIntel } from '../../policy/intel.ts';
import { isEditableHere, mayEditEvent, mayWriteIntel } from '../../policy/events.ts';
import type { Actor, Viewer } from '../../policy/viewer.ts';
import { appendAudit } from '../audit/service.ts';
import { readNodeInfo } from '../node/service.ts';
import { prepareBatch } from './ingest.ts';
import * as q from './queries.ts';
import type { CreateEventInput, Event, Indicator, IndicatorInput, ListEventsFilter, ObjectInput, UpdateEventInput } from './schemas.ts';
import { canonicalEventTags } from './tags.ts';
import { warninglistMatcher } from './warninglist-cache.ts';
import type { WarninglistMatcher } from '../../domain/warninglists.ts';
import { newId } from '../../store/ids.ts';

function toEvent(row: q.EventRow, tags: string[], indicatorCount: number): Event {
  return {
    id: row.id,
    info: row.info,
    date: row.date,
    threatLevel: row.threat_level,
    analysis: row.analysis,
    ownerOrgId: row.owner_org_id,
    ownerOrgName: row.owner_name,
    ownerCountry: row.owner_country,
    originNode: row.origin_node,
    tlp: row.tlp,
    pap: row.pap,
    distribution: row.distribution,
    sharingGroupId: row.sharing_group_id,
    tags,
    published: row.published === 1,
    publishedAt: row.published_at,
    createdAt: row.created_at,
    modified: row.modified,
    indicatorCount,
  };
}

function toIndicator(row: q.IndicatorRow, tags: string[]): Indicator {
  return {
    id: row.id,
    eventId: row.event_id,
    objectId: row.object_id,
    objectName: row.object_name,
    objectRelation: row.object_relation,
    type: row.type,
    category: row.category,
    value: row.value,
    normalised: row.normalised,
    toIds: row.to_ids === 1,
    comment: row.comment,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    tlp: row.tlp ?? row.event_tlp,
    pap: row.event_pap,
    distribution: row.distribution ?? row.event_distribution,
    sharingGroupId: row.distribution ? row.sharing_group_id : row.event_sharing_group_id,
    tags,
    warning: row.warning,
    modified: row.modified,
  };
}

async function assembleEvents(tx: Tx, viewer: Viewer, rows: q.EventRow[]): Promise<Event[]> {
  const ids = rows.map((r) => r.id);
  const [tags, counts] = await Promise.all([q.tagsOfEvents(tx, ids), q.visibleIndicatorCounts(tx, viewer, ids)]);
  return rows.map((row) => toEvent(row, tags.filter((t) => t.event_id === row.id).map((t) => t.name), counts.get(row.id) ?? 0));
}

async function assembleIndicators(tx: Tx, rows: q.IndicatorRow[]): Promise<Indicator[]> {
  const tags = await q.tagsOfIndicators(tx, rows.map((r) => r.id));
  return rows.map((row) => toIndicator(row, tags.filter((t) => t.indicator_id === row.id).map((t) => t.name)));
}

async function visibleEventRow(tx: Tx, viewer: Viewer, id: string): Promise<q.EventRow> {
  authorize(viewer, mayReadIntel(viewer), 'sign in to read shared intelligence');
  const row = await q.findVisibleEvent(tx, viewer, id);
  if (!row) throw new NotFound('event');
  return row;
}

export async function getEvent(ctx: AppContext, viewer: Viewer, id: string): Promise<Event> {
  const row = await visibleEventRow(ctx.store.db, viewer, id);
  return (await assembleEvents(ctx.store.db, viewer, [row]))[0]!;
}

export async function listEvents(ctx: AppContext, viewer: Viewer, filter: ListEventsFilter): Promise<Page<Event>> {
  authorize(viewer, mayReadIntel(viewer), 'sign in to read shared intelligence');
  const limit = filter.limit ?? 50;
  const after = decodeCursor(filter.cursor, 2);
  const rows = await q.listVisibleEvents(ctx.store.db, viewer, {
    ...filter,
    limit: limit + 1,
    search: filter.q,
    after: after ? { modified: String(after[0]), id: String(after[1]) } : undefined,
  });
  const page = pageOf(rows, limit, (last) => [last.modified, last.id]);
  return { items: await assembleEvents(ctx.store.db, viewer, page.rows), nextCursor: page.nextCursor };
}

export type IndicatorSearch = Omit<q.IndicatorFilter, 'limit' | 'afterId'> & { limit?: number | undefined; cursor?: string | undefined };

export async function listEventIndicators(
  ctx: AppContext,
  viewer: Viewer,
  eventId: string,
  options: { limit?: number | undefined; cursor?: string | undefined; type?: string | undefined },
): Promise<Page<Indicator>> {
  await visibleEventRow(ctx.store.db, viewer, eventId);
  return searchIndicators(ctx, viewer, { ...options, eventId });
}

/** Indicators across every event the viewer may see, by type, tag, team, country, TLP or time. */
export async function searchIndicators(ctx: AppContext, viewer: Viewer, options: IndicatorSearch): Promise<Page<Indicator>> {
  authorize(viewer, mayReadIntel(viewer), 'sign in to read shared intelligence');
  const limit = options.limit ?? 100;
  const after = decodeCursor(options.cursor, 1);
  const rows = await q.searchVisibleIndicators(ctx.store.db, viewer, { ...options, limit: limit + 1, afterId: after ? String(after[0]) : undefined });
  const page = pageOf(rows, limit, (last) => [last.id]);
  return { items: await assembleIndicators(ctx.store.db, page.rows), nextCursor: page.nextCursor };
}

export async function getIndicator(ctx: AppContext, viewer: Viewer, id: string): Promise<Indicator> {
  authorize(viewer, mayReadIntel(viewer), 'sign in to read shared intelligence');
  const row = await q.findVisibleIndicator(ctx.store.db, viewer, id);
  if (!row) throw new NotFound('indicator');
  return (await assembleIndicators(ctx.store.db, [row]))[0]!;
}

// ---- writes -----------------------------------------------------------------------------------

export interface Handling {
  tlp: Tlp;
  distribution: DistributionScope;
}

/** Event-level handling: a sharing group must be one of the team's, and TLP:RED names its recipients. */
export async function checkHandling(tx: Tx, viewer: Viewer, input: { tlp: Tlp; distribution: string; sharingGroupId?: string | null | undefined }): Promise<Handling> {
  if (input.distribution === 'sharing_group') {
    if (!input.sharingGroupId) throw new Invalid('sharingGroupId', 'required with distribution sharing_group');
    if (!(await q.sharingGroupUsableBy(tx, viewer, input.sharingGroupId))) throw new Invalid('sharingGroupId', 'not a sharing group of your team');
    return { tlp: input.tlp, distribution: { distribution: 'sharing_group', sharingGroupId: input.sharingGroupId } };
  }
  if (input.sharingGroupId) throw new Invalid('sharingGroupId', 'only with distribution sharing_group');
  if (input.tlp === 'RED' && (input.distribution === 'community' || input.distribution === 'federation')) {
    throw new Invalid('distribution', 'TLP:RED goes only to named recipients: use organisation or sharing_group');
  }
  return { tlp: input.tlp, distribution: { distribution: input.distribution as 'organisation' | 'community' | 'federation' } };
}


// The matcher is read before the transaction opens: on SQLite the transaction holds the only connection.
interface BatchTarget {
  engine: Engine;
  viewer: Viewer;
  warninglists: WarninglistMatcher;
  eventId: string;
  handling: Handling;
  version: string;
}

async function insertBatch(tx: Tx, target: BatchTarget, indicators: IndicatorInput[], objects: ObjectInput[]) {
  const { engine, viewer, warninglists, eventId, handling, version } = target;
  const batch = prepareBatch(indicators, objects, {
    event: { id: eventId, ...handling },
    version,
    warninglists,
    usableGroups: await q.usableSharingGroups(tx, viewer),
  });
  await q.insertObjects(tx, batch.objects);
  await q.insertIndicators(tx, engine, batch.indicators, batch.tags);
  return batch;
}

/** A new event's row: the fields given, their defaults, and the first version. */
export function newEventRow(
  fixed: { id: string; ownerOrgId: string; originNode: string; info: string; now: string },
  input: Pick<CreateEventInput, 'date' | 'threatLevel' | 'analysis' | 'tlp' | 'pap' | 'distribution' | 'sharingGroupId' | 'published'>,
): Insertable<EventTable> {
  return {
    id: fixed.id,
    info: fixed.info,
    date: input.date ?? fixed.now.slice(0, 10),
    threat_level: input.threatLevel ?? 'undefined',
    analysis: input.analysis ?? 'initial',
    owner_org_id: fixed.ownerOrgId,
    origin_node: fixed.originNode,
    tlp: input.tlp,
    pap: input.pap ?? 'CLEAR',
    distribution: input.distribution,
    sharing_group_id: input.distribution === 'sharing_group' ? (input.sharingGroupId ?? null) : null,
    published: input.published ? 1 : 0,
    published_at: input.published ? fixed.now : null,
    created_at: fixed.now,
    modified: fixed.now,
    deleted: 0,
  };
}

function ownerOf(viewer: Viewer): string {
  requireUser(viewer);
  return viewer.orgId;
}

export async function createEvent(ctx: AppContext, actor: Actor, input: CreateEventInput): Promise<Event> {
  const viewer = actor.viewer;
  authorize(viewer, mayWriteIntel(viewer), 'readers cannot publish intelligence');
  const ownerOrgId = ownerOf(viewer);
  const info = input.info.trim();
  if (!info) throw new Invalid('info', 'must not be blank');
  const tags = canonicalEventTags(input.tags ?? [], 'tags');
  const node = await readNodeInfo(ctx);
  const warninglists = await warninglistMatcher(ctx);
  return ctx.store.db.transaction().execute(async (tx) => {
    const handling = await checkHandling(tx, viewer, input);
    const now = nowIso();
    const id = newId();
    await q.insertEvent(tx, newEventRow({ id, ownerOrgId, originNode: node?.name ?? 'local', info, now }, input));
    await q.replaceEventTags(tx, id, tags);
    const target = { engine: ctx.store.engine, viewer, warninglists, eventId: id, handling, version: now };
    const batch = await insertBatch(tx, target, input.indicators ?? [], input.objects ?? []);
    await appendAudit(tx, ctx.store.engine, actor, {
      action: 'event.create',
      objectType: 'event',
      objectId: id,
      details: { info, tlp: input.tlp, distribution: input.distribution, indicators: batch.indicators.length, objects: batch.objects.length, published: Boolean(input.published) },
    });
    const row = (await q.findVisibleEvent(tx, viewer, id))!;
    return (await assembleEvents(tx, viewer, [row]))[0]!;
  });
}

async function editableEvent(tx: Tx, viewer: Viewer, id: string): Promise<q.EventRow> {
  const row = await visibleEventRow(tx, viewer, id);
  authorize(viewer, isEditableHere(row), `this event is a copy from the node "${row.origin_node}": only its origin changes it`);
  authorize(viewer, mayEditEvent(viewer, row.owner_org_id), 'only the owner team changes its events');
  return row;
}

export async function updateEvent(ctx: AppContext, actor: Actor, id: string, input: UpdateEventInput): Promise<Event> {
  const viewer = actor.viewer;
  return ctx.store.db.transaction().execute(async (tx) => {
    const row = await editableEvent(tx, viewer, id);
    const tlp = (input.tlp ?? row.tlp) as Tlp;
    const distribution = input.distribution ?? row.distribution;
    const sharingGroupId = input.sharingGroupId !== undefined ? input.sharingGroupId : input.distribution && input.distribution !== 'sharing_group' ? null : row.sharing_group_id;
    await checkHandling(tx, viewer, { tlp, distribution, sharingGroupId });
    const changes: Partial<q.EventRow> = { tlp, distribution, sharing_group_id: distribution === 'sharing_group' ? sharingGroupId : null };
    if (input.info !== undefined) {
      const info = input.info.trim();
      if (!info) throw new Invalid('info', 'must not be blank');
      changes.info = info;
    }
    if (input.date !== undefined) changes.date = input.date;
    if (input.threatLevel !== undefined) changes.threat_level = input.threatLevel;
    if (input.analysis !== undefined) changes.analysis = input.analysis;
    if (input.pap !== undefined) changes.pap = input.pap;
    const version = nextVersion(row.modified);
    await q.updateEvent(tx, id, { ...changes, modified: version });
    if (input.tags !== undefined) await q.replaceEventTags(tx, id, canonicalEventTags(input.tags, 'tags'));
    await appendAudit(tx, ctx.store.engine, actor, { action: 'event.update', objectType: 'event', objectId: id, details: { fields: Object.keys(input) } });
    return (await assembleEvents(tx, viewer, [(await q.findVisibleEvent(tx, viewer, id))!]))[0]!;
  });
}

export async function publishEvent(ctx: AppContext, actor: Actor, id: string): Promise<Event> {
  const viewer = actor.viewer;
  return ctx.store.db.transaction().execute(async (tx) => {
    const row = await editableEvent(tx, viewer, id);
    const version = nextVersion(row.modified);
    await q.updateEvent(tx, id, { published: 1, published_at: version, modified: version });
    await appendAudit(tx, ctx.store.engine, actor, { action: 'event.publish', objectType: 'event', objectId: id });
    return (await assembleEvents(tx, viewer, [(await q.findVisibleEvent(tx, viewer, id))!]))[0]!;
  });
}

/** Deletion leaves a tombstone (id, owner, handling, a new version) so that peers learn of it. */
export async function deleteEvent(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  const viewer = actor.viewer;
  await ctx.store.db.transaction().execute(async (tx) => {
    const row = await editableEvent(tx, viewer, id);
    const version = nextVersion(row.modified);
    const removed = await q.tombstoneIndicators(tx, { eventId: id }, version);
    await q.updateEvent(tx, id, { deleted: 1, info: '', modified: version });
    await appendAudit(tx, ctx.store.engine, actor, { action: 'event.delete', objectType: 'event', objectId: id, details: { indicators: removed } });
  });
}

export async function addIndicators(ctx: AppContext, actor: Actor, eventId: string, input: { indicators?: IndicatorInput[] | undefined; objects?: ObjectInput[] | undefined }): Promise<{ added: number; objects: number; modified: string }> {
  const viewer = actor.viewer;
  const warninglists = await warninglistMatcher(ctx);
  return ctx.store.db.transaction().execute(async (tx) => {
    const row = await editableEvent(tx, viewer, eventId);
    const handling = await checkHandling(tx, viewer, { tlp: row.tlp as Tlp, distribution: row.distribution, sharingGroupId: row.sharing_group_id });
    const version = nextVersion(row.modified);
    const batch = await insertBatch(tx, { engine: ctx.store.engine, viewer, warninglists, eventId, handling, version }, input.indicators ?? [], input.objects ?? []);
    await q.updateEvent(tx, eventId, { modified: version });
    await appendAudit(tx, ctx.store.engine, actor, { action: 'event.indicators_add', objectType: 'event', objectId: eventId, details: { indicators: batch.indicators.length, objects: batch.objects.length } });
    return { added: batch.indicators.length, objects: batch.objects.length, modified: version };
  });
}

export async function deleteIndicator(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  const viewer = actor.viewer;
  requireIdentified(viewer);
  await ctx.store.db.transaction().execute(async (tx) => {
    const indicator = await q.findVisibleIndicator(tx, viewer, id);
    if (!indicator) throw new NotFound('indicator');
    const event = await editableEvent(tx, viewer, indicator.event_id);
    const version = nextVersion(event.modified);
    await q.tombstoneIndicators(tx, { indicatorId: id }, version);
    await q.updateEvent(tx, event.id, { modified: version });
    await appendAudit(tx, ctx.store.engine, actor, { action: 'indicator.delete', objectType: 'indicator', objectId: id, details: { eventId: event.id } });
  });
}
