// Import of a STIX 2.1 document of any size into one event: every object checked, kept unchanged as
// the version it is (a version already held is skipped, so re-imports and relays settle), simple
// indicator patterns and cyber observables turned into Sanad indicators for lookup and correlation.
// One transaction: a bad object anywhere leaves nothing behind.
import type { AppContext } from '../../../app.ts';
import { Invalid } from '../../../domain/errors.ts';
import { tlpRank, type Distribution, type Pap, type Tlp } from '../../../domain/handling.ts';
import { isIndicatorType } from '../../../domain/indicators/types.ts';
import { handlingFromMarkingRefs } from '../../../domain/stix/markings.ts';
import { validateStixObject } from '../../../domain/stix/objects.ts';
import { parsePattern, simpleIndicators } from '../../../domain/stix/pattern.ts';
import { observedValues, versionKey } from '../../../domain/stix/sanad-mapping.ts';
import type { WarninglistMatcher } from '../../../domain/warninglists.ts';
import { authorize } from '../../../policy/authorize.ts';
import { mayWriteIntel } from '../../../policy/events.ts';
import type { Actor } from '../../../policy/viewer.ts';
import type { Tx } from '../../../store/db.ts';
import { newId } from '../../../store/ids.ts';
import type { StixObjectTable } from '../../../store/schema.ts';
import { nowIso } from '../../../store/time.ts';
import { appendAudit } from '../../audit/service.ts';
import { readNodeInfo } from '../../node/service.ts';
import { prepareBatch, type IngestIndicator, type PreparedBatch } from '../../intel/ingest.ts';
import * as intel from '../../intel/queries.ts';
import { checkHandling, newEventRow, type Handling } from '../../intel/service.ts';
import { warninglistMatcher } from '../../intel/warninglist-cache.ts';
import { readStixDocument, type DocumentShape } from './reader.ts';
import * as q from './queries.ts';

export interface StixImportOptions {
  /** The owning team when the operator's CLI imports (a user always imports as their own team). */
  ownerOrgId?: string | undefined;
  /** The event's handling; objects' own TLP markings may only make single objects stricter. */
  tlp?: Tlp | undefined;
  pap?: Pap | undefined;
  distribution?: Distribution | undefined;
  sharingGroupId?: string | undefined;
  info?: string | undefined;
  published?: boolean | undefined;
  maxBytes?: number | undefined;
  onProgress?: ((progress: { bytes: number; objects: number }) => void) | undefined;
}

export interface StixImportResult {
  /** The new event, or null when every version was held already (no empty event is left behind). */
  eventId: string | null;
  shape: DocumentShape;
  /** Versions stored. */
  objects: number;
  /** Versions this node held already. */
  skipped: number;
  /** Sanad indicators read from patterns and observables. */
  indicators: number;
  byType: Record<string, number>;
  warnings: string[];
}

const DEFAULT_MAX_BYTES = 1024 * 1024 * 1024;
const BATCH = 1000;
const MAX_WARNINGS = 100;
// Objects whose markings name something unknown get the narrowest handling until the reference
// resolves: never guessed as a known level, never shared wider than the importing team.
const FAIL_CLOSED = { tlp: 'RED' as Tlp, distribution: 'organisation' as const };

interface Pending {
  row: StixObjectTable;
  indicators: IngestIndicator[];
}

class StixImport {
  readonly result: Omit<StixImportResult, 'shape' | 'eventId'> & { eventId: string };
  private pending: Pending[] = [];
  private readonly markingsSeen = new Set<string>();
  private readonly unresolved: { id: string; version: string; refs: string[]; tlp: Tlp | null }[] = [];
  private readonly reports: { name: string; published: string | undefined }[] = [];
  private readonly dateAdded = nowIso();

  constructor(
    private readonly tx: Tx,
    private readonly ctx: AppContext,
    private readonly event: { id: string; ownerOrgId: string; handling: Handling },
    private readonly warninglists: WarninglistMatcher,
    private readonly usableGroups: Set<string>,
  ) {
    this.result = { eventId: event.id, objects: 0, skipped: 0, indicators: 0, byType: {}, warnings: [] };
  }

  private warn(message: string): void {
    if (this.result.warnings.length < MAX_WARNINGS) this.result.warnings.push(message);
  }

  /** Checks one object (synchronously, as the parser hands it over) and queues it for writing. */
  take(object: Record<string, unknown>, path: string): void {
    const problem = validateStixObject(object, path)[0];
    if (problem) throw new Invalid(problem.path || path || 'body', problem.reason);
    const type = object.type as string;
    const id = object.id as string;
    const at = (property: string) => (path ? `${path}.${property}` : property);
    if (type === 'marking-definition') this.markingsSeen.add(id);
    if (type === 'report' && typeof object.name === 'string') this.reports.push({ name: object.name, published: object.published as string | undefined });

    const refs = Array.isArray(object.object_marking_refs) ? (object.object_marking_refs as string[]) : [];
    const marked = handlingFromMarkingRefs(refs);
    const unknown = marked.unknown.filter((ref) => !this.markingsSeen.has(ref));
    const ownTlp = marked.tlp !== null && tlpRank(marked.tlp) > tlpRank(this.event.handling.tlp) ? marked.tlp : null;
    const version = versionKey(object);
    const handling = unknown.length ? FAIL_CLOSED : { tlp: ownTlp, distribution: null };
    if (unknown.length) this.unresolved.push({ id, version, refs: unknown, tlp: ownTlp });

    const indicators: IngestIndicator[] = [];
    const indicatorHandling = unknown.length ? { tlp: FAIL_CLOSED.tlp, distribution: FAIL_CLOSED.distribution } : ownTlp ? { tlp: ownTlp } : {};
    if (type === 'indicator' && object.revoked !== true) {
      if (object.pattern_type === 'stix') {
        let pattern;
        try {
          pattern = parsePattern(object.pattern as string);
        } catch (error) {
          if (error instanceof Invalid) throw new Invalid(at('pattern'), error.reason);
          throw error;
        }
        for (const simple of simpleIndicators(pattern) ?? []) {
          indicators.push({
            type: simple.type,
            value: simple.value,
            toIds: true,
            ...(typeof object.name === 'string' ? { comment: object.name.slice(0, 4000) } : {}),
            ...(typeof object.valid_from === 'string' ? { firstSeen: object.valid_from } : {}),
            ...(typeof object.valid_until === 'string' ? { lastSeen: object.valid_until } : {}),
            ...indicatorHandling,
            stixId: id,
          });
        }
      }
    } else {
      for (const observed of observedValues(object)) indicators.push({ type: observed.type, value: observed.value, toIds: false, ...indicatorHandling, stixId: id });
    }
    this.pending.push({
      row: {
        id,
        version,
        type,
        event_id: this.event.id,
        owner_org_id: this.event.ownerOrgId,
        spec_version: typeof object.spec_version === 'string' ? object.spec_version : '2.1',
        latest: 0,
        revoked: object.revoked === true ? 1 : 0,
        tlp: handling.tlp,
        distribution: handling.distribution,
        sharing_group_id: null,
        deleted: 0,
        object: JSON.stringify(object),
        date_added: this.dateAdded,
        added_key: `${this.dateAdded}|${id}|${version}|${this.event.ownerOrgId}`,
      },
      indicators,
    });
  }

  get queued(): number {
    return this.pending.length;
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    const ids = [...new Set(batch.map((p) => p.row.id))];
    const held = await q.heldVersions(this.tx, this.event.ownerOrgId, ids);
    const newestBefore = new Map([...held].map(([id, versions]) => [id, versions.reduce((a, b) => (b > a ? b : a))]));
    const stored = new Set([...held].flatMap(([id, versions]) => versions.map((version) => `${id} ${version}`)));
    const fresh: Pending[] = [];
    for (const item of batch) {
      const key = `${item.row.id} ${item.row.version}`;
      if (stored.has(key)) {
        this.result.skipped += 1;
        continue;
      }
      stored.add(key);
      fresh.push(item);
    }
    if (fresh.length === 0) return;

    // The newest version of each object after this batch; an object seen for the first time with one
    // version is flagged latest as written, the others are settled after the insert.
    const newestNow = new Map(newestBefore);
    const versionsInBatch = new Map<string, number>();
    for (const item of fresh) {
      if ((newestNow.get(item.row.id) ?? '') <= item.row.version) newestNow.set(item.row.id, item.row.version);
      versionsInBatch.set(item.row.id, (versionsInBatch.get(item.row.id) ?? 0) + 1);
    }
    const unsettled: string[] = [];
    for (const item of fresh) {
      if (!newestBefore.has(item.row.id) && versionsInBatch.get(item.row.id) === 1) item.row.latest = 1;
      else unsettled.push(item.row.id);
    }
    await q.insertStixObjects(this.tx, this.ctx.store.engine, fresh.map((p) => p.row));
    if (unsettled.length) await q.markLatestVersions(this.tx, this.event.ownerOrgId, [...new Set(unsettled)]);

    // Indicators come only from a version that is now the newest; those of an older version it replaces go.
    const candidates: { objectId: string; indicator: IngestIndicator }[] = [];
    for (const item of fresh) {
      this.result.objects += 1;
      this.result.byType[item.row.type] = (this.result.byType[item.row.type] ?? 0) + 1;
      if (newestNow.get(item.row.id) !== item.row.version) continue;
      if (newestBefore.has(item.row.id)) {
        for (const old of await q.indicatorsReadFrom(this.tx, this.event.ownerOrgId, item.row.id)) await intel.tombstoneIndicators(this.tx, { indicatorId: old }, nowIso());
      }
      for (const indicator of item.indicators) if (isIndicatorType(indicator.type)) candidates.push({ objectId: item.row.id, indicator });
    }
    const prepared = this.prepare(candidates);
    if (prepared.indicators.length) {
      await intel.insertIndicators(this.tx, this.ctx.store.engine, prepared.indicators, prepared.tags);
      this.result.indicators += prepared.indicators.length;
    }
  }

  /** The batch's indicators ready to insert; values STIX accepts but Sanad cannot index stay in
   *  their objects, unindexed, with a warning. */
  private prepare(candidates: { objectId: string; indicator: IngestIndicator }[]): PreparedBatch {
    try {
      return prepareBatch(candidates.map((c) => c.indicator), [], this.ingestContext());
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
    }
    // One is bad: find which, one by one.
    const prepared: PreparedBatch = { objects: [], indicators: [], tags: [] };
    for (const { objectId, indicator } of candidates) {
      try {
        const one = prepareBatch([indicator], [], this.ingestContext());
        prepared.indicators.push(...one.indicators);
        prepared.tags.push(...one.tags);
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        this.warn(`${objectId}: ${indicator.type} "${indicator.value.slice(0, 80)}" is not indexed: ${error.reason}`);
      }
    }
    return prepared;
  }

  private ingestContext() {
    return {
      event: { id: this.event.id, tlp: this.event.handling.tlp, distribution: this.event.handling.distribution },
      version: this.dateAdded,
      warninglists: this.warninglists,
      usableGroups: this.usableGroups,
    };
  }

  /** Objects whose unknown marking references turned out to be defined (later in the document, or
   *  held from before) get their own handling back; the rest stay closed, with a warning. */
  async resolveMarkings(): Promise<void> {
    const refs = [...new Set(this.unresolved.flatMap((u) => u.refs))];
    const held = await q.heldMarkingDefinitions(this.tx, refs.filter((ref) => !this.markingsSeen.has(ref)));
    for (const item of this.unresolved) {
      const stillUnknown = item.refs.filter((ref) => !this.markingsSeen.has(ref) && !held.has(ref));
      if (stillUnknown.length === 0) await q.setObjectHandling(this.tx, this.event.id, item.id, item.version, item.tlp);
      else this.warn(`${item.id}: marking ${stillUnknown.join(', ')} is not defined; the object is kept TLP:RED for your team only`);
    }
  }

  /** A document holding one report names the event after it. */
  get report(): { name: string; published: string | undefined } | undefined {
    return this.reports.length === 1 ? this.reports[0] : undefined;
  }
}

/** Imports a STIX 2.1 document (bundle, array of objects or one object) from a byte stream as a new event. */
export async function importStix(ctx: AppContext, actor: Actor, source: AsyncIterable<Uint8Array | string> | Iterable<string>, options: StixImportOptions = {}): Promise<StixImportResult> {
  const viewer = actor.viewer;
  authorize(viewer, mayWriteIntel(viewer), 'readers cannot publish intelligence');
  const ownerOrgId = viewer.kind === 'user' ? viewer.orgId : options.ownerOrgId;
  if (!ownerOrgId) throw new Invalid('org', 'name the team that owns the imported event');
  const [node, warninglists] = await Promise.all([readNodeInfo(ctx), warninglistMatcher(ctx)]);
  const result = await ctx.store.db.transaction().execute(async (tx) => {
    if (viewer.kind !== 'user' && !(await intel.organisationExists(tx, ownerOrgId))) {
      throw new Invalid('org', 'no such organisation');
    }
    const tlp = options.tlp ?? 'AMBER';
    const distribution = options.distribution ?? 'organisation';
    const handling = await checkHandling(tx, viewer, { tlp, distribution, sharingGroupId: options.sharingGroupId });
    const eventId = newId();
    const now = nowIso();
    const header = { tlp, pap: options.pap ?? 'AMBER', distribution, sharingGroupId: options.sharingGroupId, published: options.published ?? false };
    await intel.insertEvent(tx, newEventRow({ id: eventId, ownerOrgId, originNode: node?.name ?? 'local', info: options.info ?? 'STIX import', now }, header));
    const target = new StixImport(tx, ctx, { id: eventId, ownerOrgId, handling }, warninglists, await intel.usableSharingGroups(tx, viewer));
    let objectsRead = 0;
    let writing: Promise<void> = Promise.resolve();
    const { shape, bundleId } = await readStixDocument(source, {
      maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
      onObject: (object, path) => {
        target.take(object, path);
        objectsRead += 1;
      },
      afterChunk: async (bytes) => {
        if (target.queued >= BATCH) {
          // On PostgreSQL a batch is written while the next one is read and checked; one at a time,
          // in order, on the transaction's connection. (SQLite writes synchronously: no overlap.)
          await writing;
          writing = target.flush();
          writing.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
        }
        options.onProgress?.({ bytes, objects: objectsRead });
      },
    });
    await writing;
    await target.flush();
    if (objectsRead === 0) throw new Invalid('objects', 'the document holds no STIX object');
    if (target.result.objects === 0) {
      await q.deleteEmptyEvent(tx, eventId);
      return { ...target.result, eventId: null, shape };
    }
    await target.resolveMarkings();
    const report = target.report;
    const info = options.info ?? report?.name ?? (bundleId ? `STIX bundle ${bundleId}` : 'STIX import');
    await intel.updateEvent(tx, eventId, { info: info.slice(0, 1000), modified: nowIso(), ...(report?.published ? { date: report.published.slice(0, 10) } : {}) });
    await appendAudit(tx, ctx.store.engine, actor, {
      action: 'stix.import',
      objectType: 'event',
      objectId: eventId,
      orgId: ownerOrgId,
      details: { shape, objects: target.result.objects, skipped: target.result.skipped, indicators: target.result.indicators },
    });
    return { ...target.result, shape };
  });
  if (result.indicators >= 10_000) await ctx.store.refreshPlannerStatistics();
  return result;
}

