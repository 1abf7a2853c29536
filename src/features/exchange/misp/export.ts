// MISP JSON out, streamed: one event (`{"Event": …}`), the events a caller may see (`{"response":
// [...]}`), and a MISP-format feed (manifest.json, <uuid>.json, hashes.csv). Events are read in
// keyset batches and each event's attributes batch by batch, so memory stays flat however many there
// are. What a caller receives is decided by the policy predicates alone.
import type { AppContext } from '../../../app.ts';
import { NotFound } from '../../../domain/errors.ts';
import type { Distribution, Pap, Tlp } from '../../../domain/handling.ts';
import { isoToEpochSeconds } from '../../../domain/misp/values.ts';
import {
  mispAttribute,
  mispEventHeader,
  mispHashLines,
  mispManifestEntry,
  mispObject,
  type AttributeForMisp,
  type EventForMisp,
  type MispSharingGroupRef,
  type ObjectForMisp,
} from '../../../domain/misp/write.ts';
import { authorize } from '../../../policy/authorize.ts';
import { mayReadIntel } from '../../../policy/intel.ts';
import type { Actor, Viewer } from '../../../policy/viewer.ts';
import type { Tx } from '../../../store/db.ts';
import type { EventTable } from '../../../store/schema.ts';
import { appendAudit } from '../../audit/service.ts';
import * as intel from '../../intel/queries.ts';
import { membersOf } from '../../sharing-groups/queries.ts';
import * as q from './queries.ts';

const EVENT_BATCH = 100;
const ATTRIBUTE_BATCH = 500;
// Object members are read in (object, id) order, which no index serves: larger batches, fewer sorts.
const OBJECT_ATTRIBUTE_BATCH = 2000;
const HASH_BATCH = 5000;

/** The event's version as MISP counts it (seconds): MISP's own timestamp while the event is as
 *  imported, else when Sanad last changed it. Exports write it, re-imports compare against it. */
export function mispTimestampOf(row: Pick<EventTable, 'modified' | 'misp_timestamp' | 'misp_version'>): number {
  if (row.misp_timestamp && row.misp_version === row.modified) return isoToEpochSeconds(row.misp_timestamp);
  return isoToEpochSeconds(row.modified);
}

export interface MispEventFilter {
  tag?: string | undefined;
  tlp?: string | undefined;
  orgId?: string | undefined;
  published?: boolean | undefined;
  from?: string | undefined;
  to?: string | undefined;
  /** At most this many events. */
  limit?: number | undefined;
}

function readGate(viewer: Viewer): void {
  authorize(viewer, mayReadIntel(viewer), 'sign in to read shared intelligence');
}

// ---- building the parts -------------------------------------------------------------------------

async function sharingGroupRefs(tx: Tx, rows: intel.EventRow[]): Promise<Map<string, MispSharingGroupRef>> {
  const ids = [...new Set(rows.flatMap((r) => (r.distribution === 'sharing_group' && r.sharing_group_id ? [r.sharing_group_id] : [])))];
  const [groups, members] = await Promise.all([q.sharingGroupsByIds(tx, ids), membersOf(tx, ids)]);
  return new Map(
    groups.map((g) => [g.id, { id: g.id, name: g.name, description: g.description, members: members.filter((m) => m.group_id === g.id).map((m) => ({ id: m.org_id, name: m.name })) }]),
  );
}

async function eventsForMisp(tx: Tx, rows: intel.EventRow[]): Promise<EventForMisp[]> {
  const [tags, groups] = await Promise.all([intel.tagsOfEvents(tx, rows.map((r) => r.id)), sharingGroupRefs(tx, rows)]);
  return rows.map((row) => ({
    id: row.id,
    info: row.info,
    date: row.date,
    threatLevel: row.threat_level,
    analysis: row.analysis,
    tlp: row.tlp as Tlp,
    pap: row.pap as Pap,
    distribution: row.distribution as Distribution,
    sharingGroup: row.sharing_group_id ? (groups.get(row.sharing_group_id) ?? null) : null,
    published: row.published === 1,
    publishedAt: row.published_at,
    timestamp: mispTimestampOf(row),
    owner: { id: row.owner_org_id, name: row.owner_name },
    tags: tags.filter((t) => t.event_id === row.id).map((t) => t.name),
  }));
}

async function attributesForMisp(tx: Tx, rows: q.AttributeRow[]): Promise<AttributeForMisp[]> {
  const ids = rows.map((r) => r.id);
  const [tags, sightings] = await Promise.all([intel.tagsOfIndicators(tx, ids), q.sightingsOfIndicators(tx, ids)]);
  const tagsOf = new Map<string, string[]>();
  for (const tag of tags) tagsOf.set(tag.indicator_id, [...(tagsOf.get(tag.indicator_id) ?? []), tag.name]);
  const sightingsOf = new Map<string, AttributeForMisp['sightings'][number][]>();
  for (const s of sightings) {
    const list = sightingsOf.get(s.indicator_id) ?? [];
    list.push({ id: s.id, kind: s.kind, seenAt: s.seen_at, source: s.source, org: { id: s.org_id, name: s.org_name } });
    sightingsOf.set(s.indicator_id, list);
  }
  return rows.map((row) => ({
    uuid: row.misp_uuid ?? row.id,
    type: row.type,
    category: row.category,
    value: row.value,
    toIds: row.to_ids === 1,
    comment: row.comment,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    tlp: row.tlp as Tlp | null,
    distribution: row.distribution as Distribution | null,
    sharingGroupId: row.sharing_group_id,
    tags: tagsOf.get(row.id) ?? [],
    modified: row.modified,
    relation: row.object_relation,
    sightings: sightingsOf.get(row.id) ?? [],
  }));
}

/** The JSON of one event object (what goes inside `{"Event": …}`), chunk by chunk. */
async function* eventJson(tx: Tx, viewer: Viewer, event: EventForMisp): AsyncGenerator<string> {
  const header = JSON.stringify(mispEventHeader(event));
  yield `${header.slice(0, -1)},"Attribute":[`;
  let afterId: string | undefined;
  let first = true;
  for (;;) {
    const rows = await q.plainAttributes(tx, viewer, event.id, afterId, ATTRIBUTE_BATCH);
    if (rows.length === 0) break;
    const attributes = await attributesForMisp(tx, rows);
    yield `${first ? '' : ','}${attributes.map((a) => JSON.stringify(mispAttribute(a))).join(',')}`;
    first = false;
    afterId = rows[rows.length - 1]!.id;
    if (rows.length < ATTRIBUTE_BATCH) break;
  }
  yield '],"Object":[';
  // Attributes arrive grouped by object; an object is written once its last attribute has been read.
  let open: { id: string; object: ObjectForMisp; attributes: Record<string, unknown>[] } | undefined;
  let firstObject = true;
  const close = () => {
    const text = `${firstObject ? '' : ','}${JSON.stringify(mispObject(open!.object, open!.attributes))}`;
    firstObject = false;
    return text;
  };
  let after: { objectId: string; id: string } | undefined;
  for (;;) {
    const rows = await q.objectAttributes(tx, viewer, event.id, after, OBJECT_ATTRIBUTE_BATCH);
    if (rows.length === 0) break;
    const [objects, attributes] = await Promise.all([q.objectsByIds(tx, [...new Set(rows.map((r) => r.object_id!))]), attributesForMisp(tx, rows)]);
    const objectById = new Map(objects.map((o) => [o.id, o]));
    let chunk = '';
    rows.forEach((row, i) => {
      if (open === undefined || open.id !== row.object_id) {
        if (open !== undefined) chunk += close();
        const meta = objectById.get(row.object_id!)!;
        open = {
          id: meta.id,
          object: { uuid: meta.misp_uuid ?? meta.id, name: meta.name, metaCategory: meta.meta_category, comment: meta.comment, modified: meta.modified },
          attributes: [],
        };
      }
      open.attributes.push(mispAttribute(attributes[i]!));
    });
    if (chunk) yield chunk;
    const last = rows[rows.length - 1]!;
    after = { objectId: last.object_id!, id: last.id };
    if (rows.length < OBJECT_ATTRIBUTE_BATCH) break;
  }
  if (open !== undefined) yield close();
  yield ']}';
}

/** Visible events after `after` in the order of the event list (newest version first). */
async function* visibleEventBatches(tx: Tx, viewer: Viewer, filter: MispEventFilter): AsyncGenerator<intel.EventRow[]> {
  let after: { modified: string; id: string } | undefined;
  let remaining = filter.limit ?? Number.POSITIVE_INFINITY;
  while (remaining > 0) {
    const limit = Math.min(EVENT_BATCH, remaining);
    const rows = await intel.listVisibleEvents(tx, viewer, { ...filter, limit, after });
    if (rows.length === 0) return;
    yield rows;
    remaining -= rows.length;
    const last = rows[rows.length - 1]!;
    after = { modified: last.modified, id: last.id };
    if (rows.length < limit) return;
  }
}

async function visibleEvent(tx: Tx, viewer: Viewer, id: string, publishedOnly: boolean): Promise<EventForMisp> {
  readGate(viewer);
  const row = await intel.findVisibleEvent(tx, viewer, id);
  if (!row || (publishedOnly && row.published !== 1)) throw new NotFound('event');
  return (await eventsForMisp(tx, [row]))[0]!;
}

// ---- the exports --------------------------------------------------------------------------------

/** One event as `{"Event": …}`; the checks run before the first chunk, so refusals are problems. */
export async function openMispEvent(ctx: AppContext, viewer: Viewer, id: string): Promise<AsyncGenerator<string>> {
  const event = await visibleEvent(ctx.store.db, viewer, id, false);
  return (async function* () {
    yield '{"Event":';
    yield* eventJson(ctx.store.db, viewer, event);
    yield '}\n';
  })();
}

/** The events the caller may see as MISP's REST `{"response": [...]}`. Audited, as bulk exports are. */
export async function openMispEvents(ctx: AppContext, actor: Actor, filter: MispEventFilter): Promise<AsyncGenerator<string>> {
  const viewer = actor.viewer;
  readGate(viewer);
  await ctx.store.db.transaction().execute((tx) => appendAudit(tx, ctx.store.engine, actor, { action: 'event.misp_export', details: { ...filter } }));
  return (async function* () {
    yield '{"response":[';
    let first = true;
    for await (const rows of visibleEventBatches(ctx.store.db, viewer, filter)) {
      for (const event of await eventsForMisp(ctx.store.db, rows)) {
        yield `${first ? '' : ','}\n{"Event":`;
        yield* eventJson(ctx.store.db, viewer, event);
        yield '}';
        first = false;
      }
    }
    yield '\n]}\n';
  })();
}

/** A feed's manifest.json: every published event the caller may see, keyed by its uuid. */
export async function openFeedManifest(ctx: AppContext, viewer: Viewer): Promise<AsyncGenerator<string>> {
  readGate(viewer);
  return (async function* () {
    yield '{';
    let first = true;
    for await (const rows of visibleEventBatches(ctx.store.db, viewer, { published: true })) {
      const events = await eventsForMisp(ctx.store.db, rows);
      yield events.map((event, i) => `${first && i === 0 ? '' : ','}\n${JSON.stringify(event.id)}:${JSON.stringify(mispManifestEntry(event))}`).join('');
      first = false;
    }
    yield '\n}\n';
  })();
}

/** A feed's <uuid>.json: a published event the caller may see, else 404. */
export async function openFeedEvent(ctx: AppContext, viewer: Viewer, id: string): Promise<AsyncGenerator<string>> {
  const event = await visibleEvent(ctx.store.db, viewer, id, true);
  return (async function* () {
    yield '{"Event":';
    yield* eventJson(ctx.store.db, viewer, event);
    yield '}\n';
  })();
}

/** A feed's hashes.csv: `md5,event uuid` for each value of each attribute the caller may see. */
export async function openFeedHashes(ctx: AppContext, viewer: Viewer): Promise<AsyncGenerator<string>> {
  readGate(viewer);
  return (async function* () {
    let afterId: string | undefined;
    for (;;) {
      const rows = await q.feedHashBatch(ctx.store.db, viewer, afterId, HASH_BATCH);
      if (rows.length === 0) return;
      const lines = rows.flatMap((r) => mispHashLines(r.type, r.value, r.normalised, r.event_id));
      if (lines.length) yield `${lines.join('\n')}\n`;
      afterId = rows[rows.length - 1]!.id;
      if (rows.length < HASH_BATCH) return;
    }
  })();
}
