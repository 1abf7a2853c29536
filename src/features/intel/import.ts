// Bulk ingest of one event of any size: the JSON is parsed as it streams in, indicators are
// validated and inserted in batches inside one transaction, so memory stays flat and a failure
// anywhere leaves nothing behind.
import { Tokenizer, TokenParser, TokenType } from '@streamparser/json';
import { Type } from 'typebox';
import type { AppContext } from '../../app.ts';
import { compileBodySchema, schemaInvalid } from '../../http/validation.ts';
import type { Engine, Tx } from '../../store/db.ts';
import { nowIso } from '../../store/time.ts';
import { Invalid } from '../../domain/errors.ts';
import type { Tlp } from '../../domain/handling.ts';
import type { WarninglistMatcher } from '../../domain/warninglists.ts';
import { authorize } from '../../policy/authorize.ts';
import { mayWriteIntel } from '../../policy/events.ts';
import type { Actor } from '../../policy/viewer.ts';
import { appendAudit } from '../audit/service.ts';
import { readNodeInfo } from '../node/service.ts';
import { prepareBatch } from './ingest.ts';
import * as q from './queries.ts';
import { CreateEventBody, IndicatorInput, ObjectInput, type CreateEventInput } from './schemas.ts';
import { canonicalEventTags } from './tags.ts';
import { warninglistMatcher } from './warninglist-cache.ts';
import { checkHandling, getEvent, newEventRow, type Handling } from './service.ts';
import type { Event } from './schemas.ts';
import { newId } from '../../store/ids.ts';

const HEADER_FIELDS = ['info', 'date', 'threatLevel', 'analysis', 'tlp', 'pap', 'distribution', 'sharingGroupId', 'tags', 'published'] as const;
type Header = Omit<CreateEventInput, 'indicators' | 'objects'>;
const validateHeader = compileBodySchema<Header>(Type.Omit(CreateEventBody, ['indicators', 'objects']));
const validateIndicator = compileBodySchema<IndicatorInput>(IndicatorInput);
const validateObject = compileBodySchema<ObjectInput>(ObjectInput);

export interface ImportProgress {
  bytes: number;
  indicators: number;
}

export interface ImportOptions {
  /** The owning team when the operator's CLI imports (a user always imports as their own team). */
  ownerOrgId?: string;
  batchSize?: number;
  maxBytes?: number;
  onProgress?: (progress: ImportProgress) => void;
}

const DEFAULT_BATCH = 2000;
const REFRESH_STATISTICS_AFTER_ROWS = 10_000;
const DEFAULT_MAX_BYTES = 1024 * 1024 * 1024;

/** Receives the streamed document's parts in order and writes them in batches. */
class EventImport {
  private header: Partial<Header> = {};
  private headerDone = false;
  private eventId = newId();
  private handling: Handling | undefined;
  private pendingIndicators: IndicatorInput[] = [];
  private pendingObjects: ObjectInput[] = [];
  private indicatorIndex = 0;
  private objectIndex = 0;
  readonly counts = { indicators: 0, objects: 0 };

  constructor(
    private readonly tx: Tx,
    private readonly engine: Engine,
    private readonly actor: Actor,
    private readonly ownerOrgId: string,
    private readonly originNode: string,
    private readonly warninglists: WarninglistMatcher,
    private readonly usableGroups: Set<string>,
    private readonly batchSize: number,
  ) {}

  setHeader(key: (typeof HEADER_FIELDS)[number], value: unknown): void {
    (this.header as Record<string, unknown>)[key] = value;
  }

  async addIndicator(value: unknown): Promise<void> {
    const field = `indicators[${this.indicatorIndex}]`;
    this.indicatorIndex += 1;
    if (!validateIndicator(value)) throw schemaInvalid(validateIndicator.errors, field);
    this.pendingIndicators.push(value);
    if (this.pendingIndicators.length >= this.batchSize) await this.flush();
  }

  async addObject(value: unknown): Promise<void> {
    const field = `objects[${this.objectIndex}]`;
    this.objectIndex += 1;
    if (!validateObject(value)) throw schemaInvalid(validateObject.errors, field);
    this.pendingObjects.push(value);
    if (this.pendingObjects.length >= this.batchSize / 10) await this.flush();
  }

  /** Writes the event row once its fields are known; indicators that came first wait in memory. */
  private async ensureEvent(complete: boolean): Promise<boolean> {
    if (this.headerDone) return true;
    if (!complete && (this.header.info === undefined || this.header.tlp === undefined || this.header.distribution === undefined)) return false;
    if (!validateHeader(this.header)) throw schemaInvalid(validateHeader.errors);
    const header = this.header as Header;
    const info = header.info.trim();
    if (!info) throw new Invalid('info', 'must not be blank');
    this.handling = await checkHandling(this.tx, this.actor.viewer, header);
    const now = nowIso();
    await q.insertEvent(this.tx, newEventRow({ id: this.eventId, ownerOrgId: this.ownerOrgId, originNode: this.originNode, info, now }, header));
    await q.replaceEventTags(this.tx, this.eventId, canonicalEventTags(header.tags ?? [], 'tags'));
    this.headerDone = true;
    return true;
  }

  async flush(complete = false): Promise<void> {
    if (!(await this.ensureEvent(complete))) return;
    if (this.pendingIndicators.length === 0 && this.pendingObjects.length === 0) return;
    const firstIndicator = this.indicatorIndex - this.pendingIndicators.length;
    const firstObject = this.objectIndex - this.pendingObjects.length;
    let batch;
    try {
      batch = prepareBatch(this.pendingIndicators, this.pendingObjects, {
        event: { id: this.eventId, tlp: this.handling!.tlp as Tlp, distribution: this.handling!.distribution },
        version: nowIso(),
        warninglists: this.warninglists,
        usableGroups: this.usableGroups,
      });
    } catch (error) {
      // Field names from the batch count from its start; report them as positions in the document.
      if (error instanceof Invalid) {
        const field = error.field
          .replace(/^indicators\[(\d+)\]/, (_, i: string) => `indicators[${firstIndicator + Number(i)}]`)
          .replace(/^objects\[(\d+)\]/, (_, i: string) => `objects[${firstObject + Number(i)}]`);
        throw new Invalid(field, error.reason);
      }
      throw error;
    }
    await q.insertObjects(this.tx, batch.objects);
    await q.insertIndicators(this.tx, this.engine, batch.indicators, batch.tags);
    this.counts.indicators += batch.indicators.length;
    this.counts.objects += batch.objects.length;
    this.pendingIndicators = [];
    this.pendingObjects = [];
  }

  get id(): string {
    return this.eventId;
  }
}

/** Imports one native JSON event (the body of POST /events, of any size) from a byte stream. */
export async function importEvent(ctx: AppContext, actor: Actor, source: AsyncIterable<Uint8Array | string>, options: ImportOptions = {}): Promise<Event> {
  const viewer = actor.viewer;
  authorize(viewer, mayWriteIntel(viewer), 'readers cannot publish intelligence');
  const ownerOrgId = viewer.kind === 'user' ? viewer.orgId : options.ownerOrgId;
  if (!ownerOrgId) throw new Invalid('org', 'name the team that owns the imported event');
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const [node, warninglists] = await Promise.all([readNodeInfo(ctx), warninglistMatcher(ctx)]);

  const imported = await ctx.store.db.transaction().execute(async (tx) => {
    if (viewer.kind !== 'user' && !(await q.organisationExists(tx, ownerOrgId))) {
      throw new Invalid('org', 'no such organisation');
    }
    const target = new EventImport(tx, ctx.store.engine, actor, ownerOrgId, node?.name ?? 'local', warninglists, await q.usableSharingGroups(tx, viewer), options.batchSize ?? DEFAULT_BATCH);

    // Values arrive from the parser synchronously; writes are asynchronous, so they queue here and
    // are drained between chunks (a chunk holds at most a few thousand values).
    const queue: (() => Promise<void>)[] = [];
    let depth = 0;
    let expectKey = false;
    const tokenizer = new Tokenizer();
    const parser = new TokenParser({ paths: [...HEADER_FIELDS.map((f) => `$.${f}`), '$.indicators.*', '$.objects.*'], keepStack: false });
    tokenizer.onToken = (token) => {
      // Top-level keys are checked here: the parser only hands over the paths it was asked for.
      if (token.token === TokenType.LEFT_BRACE || token.token === TokenType.LEFT_BRACKET) {
        if (depth === 0 && token.token !== TokenType.LEFT_BRACE) throw new Invalid('body', 'an event is a JSON object');
        depth += 1;
        expectKey = token.token === TokenType.LEFT_BRACE && depth === 1;
      } else if (token.token === TokenType.RIGHT_BRACE || token.token === TokenType.RIGHT_BRACKET) {
        depth -= 1;
      } else if (depth === 1 && expectKey && token.token === TokenType.STRING) {
        const key = String(token.value);
        if (!(HEADER_FIELDS as readonly string[]).includes(key) && key !== 'indicators' && key !== 'objects') throw new Invalid(key, 'unknown field');
        expectKey = false;
      } else if (depth === 1 && token.token === TokenType.COMMA) {
        expectKey = true;
      }
      parser.write(token);
    };
    parser.onValue = ({ value, key, stack }) => {
      if (stack.length === 1) target.setHeader(key as (typeof HEADER_FIELDS)[number], value);
      else if (stack[1]?.key === 'indicators') queue.push(() => target.addIndicator(value));
      else queue.push(() => target.addObject(value));
    };

    let bytes = 0;
    let lastReport = 0;
    for await (const chunk of source) {
      bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
      if (bytes > maxBytes) throw new Invalid('body', `larger than ${maxBytes} bytes`);
      try {
        tokenizer.write(chunk);
      } catch (error) {
        if (error instanceof Invalid) throw error;
        throw new Invalid('body', `not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
      }
      while (queue.length) await queue.shift()!();
      if (options.onProgress && Date.now() - lastReport > 200) {
        lastReport = Date.now();
        options.onProgress({ bytes, indicators: target.counts.indicators });
      }
    }
    if (depth !== 0 || bytes === 0) throw new Invalid('body', 'the JSON document ends early');
    while (queue.length) await queue.shift()!();
    await target.flush(true);
    options.onProgress?.({ bytes, indicators: target.counts.indicators });
    await appendAudit(tx, ctx.store.engine, actor, {
      action: 'event.import',
      objectType: 'event',
      objectId: target.id,
      orgId: ownerOrgId,
      details: { indicators: target.counts.indicators, objects: target.counts.objects, bytes },
    });
    return { id: target.id, indicators: target.counts.indicators };
  });
  // Planner statistics are refreshed only later on their own (autovacuum, background.ts): after a
  // bulk load the planner would otherwise take the grown table for a small one and scan it whole.
  if (imported.indicators >= REFRESH_STATISTICS_AFTER_ROWS) await ctx.store.refreshPlannerStatistics();
  return getEvent(ctx, viewer, imported.id);
}
