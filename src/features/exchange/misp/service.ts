// MISP JSON in: every event of a document, streamed one at a time, checked by Sanad's own ingest and
// written in one transaction, so that a bad value anywhere leaves nothing behind. The importing team
// owns what it imports. MISP's event uuid stays the event's id when no other event on the node holds
// it; a re-import by the same team replaces its copy when the document's timestamp is newer (MISP's
// last-writer-wins) and is skipped, with the reason, when not. Sightings in the document are
// recorded as the importing team's (the reporting MISP organisation is named in their source).
import type { AppContext } from '../../../app.ts';
import { Invalid } from '../../../domain/errors.ts';
import type { Distribution, Tlp } from '../../../domain/handling.ts';
import { readMispEvent, type MispEventAt, type MispEventRead, type MispReadOptions } from '../../../domain/misp/read.ts';
import { at, epochSecondsToIso } from '../../../domain/misp/values.ts';
import type { WarninglistMatcher } from '../../../domain/warninglists.ts';
import { compileBodySchema, describeSchemaError } from '../../../http/validation.ts';
import { authorize } from '../../../policy/authorize.ts';
import { mayWriteIntel } from '../../../policy/events.ts';
import type { Actor } from '../../../policy/viewer.ts';
import type { Engine, Tx } from '../../../store/db.ts';
import { newId } from '../../../store/ids.ts';
import type { EventTable } from '../../../store/schema.ts';
import { nextVersion, nowIso } from '../../../store/time.ts';
import { appendAudit } from '../../audit/service.ts';
import { prepareBatch, type IngestIndicator } from '../../intel/ingest.ts';
import * as intel from '../../intel/queries.ts';
import { IndicatorInput, type ObjectInput } from '../../intel/schemas.ts';
import { checkHandling, newEventRow, type Handling } from '../../intel/service.ts';
import { canonicalEventTags } from '../../intel/tags.ts';
import { warninglistMatcher } from '../../intel/warninglist-cache.ts';
import { readNodeInfo } from '../../node/service.ts';
import { mispTimestampOf } from './export.ts';
import * as q from './queries.ts';
import { MispDocumentReader } from './reader.ts';

export const DEFAULT_MISP_TLP: Tlp = 'AMBER';
export const DEFAULT_MISP_DISTRIBUTION = 'organisation' as const;
export const MISP_IMPORT_MAX_BYTES = 1024 * 1024 * 1024;
const REFRESH_STATISTICS_AFTER_ROWS = 10_000;

export interface MispImportOptions {
  /** The owning team when the operator's CLI imports (a user always imports as their own team). */
  ownerOrgId?: string | undefined;
  /** TLP of events without a tlp: tag (AMBER unless told: never CLEAR by assumption). */
  defaultTlp?: Tlp | undefined;
  /** Distribution of events that state none (the owner only, unless told). */
  defaultDistribution?: Exclude<Distribution, 'sharing_group'> | undefined;
  maxBytes?: number | undefined;
  onProgress?: ((progress: MispImportProgress) => void) | undefined;
}

export interface MispImportProgress {
  bytes: number;
  events: number;
  attributes: number;
}

export type MispImportOutcome = 'created' | 'updated' | 'skipped';

export interface MispImportedEvent {
  /** Position in the document (0 for a single event). */
  index: number;
  uuid: string | null;
  /** The Sanad event written or left as it was; null when none exists (skipped with no copy). */
  id: string | null;
  info: string;
  outcome: MispImportOutcome;
  /** Why an event was skipped. */
  reason?: string;
  attributes: number;
  objects: number;
  sightings: number;
  /** Attributes MISP marks deleted, not imported. */
  deletedAttributes: number;
  /** Where the event was read differently from how it was written (defaults, narrowing). */
  notes: string[];
}

export interface MispImportResult {
  events: number;
  created: number;
  updated: number;
  skipped: number;
  attributes: number;
  objects: number;
  sightings: number;
  /** Attributes MISP marks deleted, not imported. */
  deletedAttributes: number;
  bytes: number;
  items: MispImportedEvent[];
}

const validateIndicator = compileBodySchema<IndicatorInput>(IndicatorInput);

// Sanad's field names → MISP's, for errors raised on the indicators read from a MISP attribute.
const MISP_FIELD: Readonly<Record<string, string>> = {
  toIds: 'to_ids',
  firstSeen: 'first_seen',
  lastSeen: 'last_seen',
  sharingGroupId: 'sharing_group_id',
  tags: 'Tag',
  tlp: 'Tag',
  relation: 'object_relation',
  attributes: 'Attribute',
};

function inMispTerms(base: string, suffix: string | undefined): string {
  if (!suffix) return base;
  const head = /^[A-Za-z]+/.exec(suffix)?.[0] ?? '';
  return `${base}.${(MISP_FIELD[head] ?? head) + suffix.slice(head.length).replace(/^\[\d+\]/, '')}`;
}

/** A field named by Sanad's ingest (`indicators[2].value`, `objects[0].attributes[1].type`) as the
 *  place in the MISP document it came from. */
function documentField(field: string, read: MispEventRead): string {
  let match = /^indicators\[(\d+)\](?:\.(.+))?$/.exec(field);
  const indicator = match ? read.indicators[Number(match[1])] : undefined;
  if (match && indicator) return inMispTerms(indicator.path, match[2]);
  match = /^objects\[(\d+)\]\.attributes\[(\d+)\](?:\.(.+))?$/.exec(field);
  const member = match ? read.objects[Number(match[1])]?.attributes[Number(match[2])] : undefined;
  if (match && member) return inMispTerms(member.path, match[3]);
  match = /^objects\[(\d+)\](?:\.(.+))?$/.exec(field);
  const object = match ? read.objects[Number(match[1])] : undefined;
  if (match && object) return inMispTerms(object.path, match[2]);
  return at(read.path, field);
}

function withoutUndefined<T extends object>(fields: T): T {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as T;
}

/** Sanad's own schema for an indicator, on each attribute read from MISP. */
function checkAgainstSchema(fields: object, path: string): void {
  if (validateIndicator(fields)) return;
  const first = validateIndicator.errors?.[0];
  if (!first) throw new Invalid(path, 'is invalid');
  const { field, reason } = describeSchemaError(first);
  throw new Invalid(inMispTerms(path, field || undefined), reason);
}

interface Target {
  tx: Tx;
  engine: Engine;
  actor: Actor;
  ownerOrgId: string;
  originNode: string;
  warninglists: WarninglistMatcher;
  usableGroups: Set<string>;
}

type IngestObject = ObjectInput & { attributes: (ObjectInput['attributes'][number] & Omit<IngestIndicator, 'type' | 'value' | 'toIds' | 'comment'>)[] };

/** The event's indicators and objects written under `eventId`, with their MISP uuids and sightings. */
async function writeContent(target: Target, read: MispEventRead, eventId: string, handling: Handling, version: string) {
  const indicators: IngestIndicator[] = read.indicators.map((i) => withoutUndefined(i.fields));
  // Object members carry an attribute's own handling, tags and times: the ingest reads them from the
  // same fields as for plain indicators.
  const objects: IngestObject[] = read.objects.map((o) => ({
    name: o.name,
    ...(o.comment !== undefined && { comment: o.comment }),
    attributes: o.attributes.map((a) => withoutUndefined({ ...a.fields, relation: a.relation })),
  }));
  let batch;
  try {
    batch = prepareBatch(indicators, objects, {
      event: { id: eventId, tlp: handling.tlp, distribution: handling.distribution },
      version,
      warninglists: target.warninglists,
      usableGroups: target.usableGroups,
    });
  } catch (error) {
    if (error instanceof Invalid) throw new Invalid(documentField(error.field, read), error.reason);
    throw error;
  }
  await intel.insertObjects(target.tx, batch.objects);
  await intel.insertIndicators(target.tx, target.engine, batch.indicators, batch.tags);

  // The batch holds the plain indicators first, then each object's members, in the order read.
  const sources = [...read.indicators, ...read.objects.flatMap((o) => o.attributes)];
  const elements = [
    ...sources.flatMap((source, i) => (source.uuid ? [{ id: batch.indicators[i]!.id, event_id: eventId, uuid: source.uuid }] : [])),
    ...read.objects.flatMap((object, j) => (object.uuid ? [{ id: batch.objects[j]!.id, event_id: eventId, uuid: object.uuid }] : [])),
  ];
  await q.insertMispElements(target.tx, elements);
  const sightings = sources.flatMap((source, i) =>
    source.sightings.map((s) => ({ id: newId(), indicator_id: batch.indicators[i]!.id, org_id: target.ownerOrgId, kind: s.kind, seen_at: s.seenAt, source: s.source, created_at: version })),
  );
  await q.insertSightings(target.tx, sightings);
  return { attributes: batch.indicators.length, objects: batch.objects.length, sightings: sightings.length };
}

async function importOne(target: Target, found: MispEventAt, index: number, options: MispReadOptions): Promise<MispImportedEvent> {
  const read = readMispEvent(found.event, found.path, options);
  for (const indicator of [...read.indicators, ...read.objects.flatMap((o) => o.attributes)]) checkAgainstSchema(withoutUndefined(indicator.fields), indicator.path);
  const { tx, actor, ownerOrgId } = target;
  const header = read.header;
  const summary = { index, uuid: read.uuid ?? null, info: header.info, notes: read.notes, deletedAttributes: 0 };

  const existing = read.uuid ? await q.findTeamCopy(tx, ownerOrgId, read.uuid) : undefined;
  if (existing?.deleted) {
    return { ...summary, id: existing.id, outcome: 'skipped', reason: 'deleted on this node: an import does not bring a deleted event back', attributes: 0, objects: 0, sightings: 0 };
  }
  if (existing) {
    const held = mispTimestampOf(existing);
    if (read.timestamp === undefined || read.timestamp <= held) {
      const reason = read.timestamp === undefined ? `the document has no timestamp; the copy held has ${held}` : `not newer than the copy held (timestamp ${read.timestamp} ≤ ${held})`;
      return { ...summary, id: existing.id, outcome: 'skipped', reason, attributes: 0, objects: 0, sightings: 0 };
    }
  }

  let handling;
  try {
    handling = await checkHandling(tx, actor.viewer, header);
  } catch (error) {
    if (error instanceof Invalid) throw new Invalid(at(read.path, error.field === 'sharingGroupId' ? 'SharingGroup' : error.field), error.reason);
    throw error;
  }
  const tags = canonicalEventTags(header.tags, at(read.path, 'Tag'));
  const mispTimestamp = read.timestamp !== undefined ? epochSecondsToIso(read.timestamp) : null;

  let id: string;
  let version: string;
  if (existing) {
    id = existing.id;
    version = nextVersion(existing.modified);
    await intel.tombstoneIndicators(tx, { eventId: id }, version);
    const published = header.published ? 1 : 0;
    const changes: Partial<EventTable> = {
      info: header.info,
      date: header.date ?? existing.date,
      threat_level: header.threatLevel,
      analysis: header.analysis,
      tlp: header.tlp,
      pap: header.pap ?? 'CLEAR',
      distribution: header.distribution,
      sharing_group_id: header.sharingGroupId,
      published,
      published_at: published ? (header.publishedAt ?? existing.published_at ?? version) : null,
      modified: version,
      misp_uuid: read.uuid ?? null,
      misp_timestamp: mispTimestamp,
      misp_version: version,
    };
    await intel.updateEvent(tx, id, changes);
  } else {
    const free = read.uuid !== undefined && !(await q.eventIdTaken(tx, read.uuid));
    if (read.uuid !== undefined && !free) read.notes.push('its uuid is held by another event on this node: imported under a new id');
    id = free ? read.uuid! : newId();
    version = nowIso();
    const row = newEventRow({ id, ownerOrgId, originNode: target.originNode, info: header.info, now: version }, header);
    if (header.published && header.publishedAt) row.published_at = header.publishedAt;
    await intel.insertEvent(tx, { ...row, misp_uuid: read.uuid ?? null, misp_timestamp: mispTimestamp, misp_version: version });
  }
  await intel.replaceEventTags(tx, id, tags);
  const written = await writeContent(target, read, id, handling, version);
  const outcome: MispImportOutcome = existing ? 'updated' : 'created';
  await appendAudit(tx, target.engine, actor, {
    action: existing ? 'event.misp_update' : 'event.misp_import',
    objectType: 'event',
    objectId: id,
    orgId: ownerOrgId,
    details: { mispUuid: read.uuid ?? null, mispTimestamp: read.timestamp ?? null, creator: read.creator ?? null, ...written, deletedAttributes: read.deletedAttributes },
  });
  return { ...summary, id, outcome, ...written, deletedAttributes: read.deletedAttributes };
}

/** Imports every event of a MISP JSON document from a byte stream; all or nothing. */
export async function importMisp(ctx: AppContext, actor: Actor, source: AsyncIterable<Uint8Array | string>, options: MispImportOptions = {}): Promise<MispImportResult> {
  const viewer = actor.viewer;
  authorize(viewer, mayWriteIntel(viewer), 'readers cannot publish intelligence');
  const ownerOrgId = viewer.kind === 'user' ? viewer.orgId : options.ownerOrgId;
  if (!ownerOrgId) throw new Invalid('org', 'name the team that owns the imported events');
  const maxBytes = options.maxBytes ?? MISP_IMPORT_MAX_BYTES;
  // Read before the transaction: on SQLite it holds the only connection.
  const [node, warninglists] = await Promise.all([readNodeInfo(ctx), warninglistMatcher(ctx)]);

  const result = await ctx.store.db.transaction().execute(async (tx) => {
    if (viewer.kind !== 'user' && !(await q.organisationExists(tx, ownerOrgId))) throw new Invalid('org', 'no such organisation');
    const groups = await q.groupsOfTeam(tx, ownerOrgId);
    const target: Target = {
      tx,
      engine: ctx.store.engine,
      actor,
      ownerOrgId,
      originNode: node?.name ?? 'local',
      warninglists,
      usableGroups: new Set(groups.map((g) => g.id)),
    };
    const readOptions: MispReadOptions = {
      defaultTlp: options.defaultTlp ?? DEFAULT_MISP_TLP,
      defaultDistribution: options.defaultDistribution ?? DEFAULT_MISP_DISTRIBUTION,
      sharingGroups: groups,
      now: new Date(),
    };
    const outcome: MispImportResult = { events: 0, created: 0, updated: 0, skipped: 0, attributes: 0, objects: 0, sightings: 0, deletedAttributes: 0, bytes: 0, items: [] };

    // Events arrive from the parser synchronously; writes are asynchronous, so they wait here and
    // are written between chunks (a chunk completes at most a few events).
    const queue: { found: MispEventAt; index: number }[] = [];
    const reader = new MispDocumentReader((found, index) => queue.push({ found, index }));
    const drain = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const item = await importOne(target, next.found, next.index, readOptions);
        outcome.events += 1;
        outcome[item.outcome] += 1;
        outcome.attributes += item.attributes;
        outcome.objects += item.objects;
        outcome.sightings += item.sightings;
        outcome.deletedAttributes += item.deletedAttributes;
        outcome.items.push(item);
      }
    };
    let lastReport = 0;
    for await (const chunk of source) {
      outcome.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
      if (outcome.bytes > maxBytes) throw new Invalid('body', `larger than ${maxBytes} bytes`);
      reader.write(chunk);
      await drain();
      if (options.onProgress && Date.now() - lastReport > 200) {
        lastReport = Date.now();
        options.onProgress({ bytes: outcome.bytes, events: outcome.events, attributes: outcome.attributes });
      }
    }
    reader.end();
    await drain();
    options.onProgress?.({ bytes: outcome.bytes, events: outcome.events, attributes: outcome.attributes });
    return outcome;
  });
  if (result.attributes >= REFRESH_STATISTICS_AFTER_ROWS) await ctx.store.refreshPlannerStatistics();
  return result;
}
