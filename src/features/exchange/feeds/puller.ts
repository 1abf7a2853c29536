// Pulling a feed: what is new on the remote, imported as the feed's team with the feed's handling.
//
// - TAXII 2.1: every page added after the cursor (the last X-TAXII-Date-Added-Last seen, or the
//   server's page token where a pull stopped at its budget) is fetched first, then imported as one
//   STIX document into one event per pull. Fetching before importing keeps network waits outside
//   the import's transaction (on SQLite that transaction holds the node's only connection), and one
//   document makes the pull all or nothing: a page that fails leaves no event and the cursor where
//   it was.
// - MISP feed: manifest.json, then each event file whose timestamp is newer than the one seen, each
//   imported on its own (a MISP event is a unit of its own; one bad file does not hold back the others).
// - CSV and free text: the file (not fetched again while its ETag or Last-Modified holds, not
//   imported again while its content hash is the same); the values it holds that earlier pulls did
//   not bring become one event. A line that holds no valid value is counted and named, not fatal.
//
// A pull holds the feed's lease in the database (so the server's schedule and the operator's CLI
// never pull one feed twice at once), writes its counts as it goes, and always ends by recording
// its outcome: a failing remote becomes the feed's last error, never an exception for the caller.
import crypto from 'node:crypto';
import { parse as parseCsv } from 'csv-parse/sync';
import type { AppContext } from '../../../app.ts';
import { Conflict, DomainError, Invalid, NotFound } from '../../../domain/errors.ts';
import { distributionToMisp, papToMispTag, tlpToMispTag, type Distribution, type Pap, type Tlp } from '../../../domain/handling.ts';
import { extractIndicators, recogniseValue } from '../../../domain/indicators/detect.ts';
import { systemViewer, type Actor } from '../../../policy/viewer.ts';
import type { Tx } from '../../../store/db.ts';
import { newId } from '../../../store/ids.ts';
import { fromJson, toJson } from '../../../store/json.ts';
import type { IndicatorTable } from '../../../store/schema.ts';
import { addSeconds, nowIso } from '../../../store/time.ts';
import { appendAudit } from '../../audit/service.ts';
import { prepareBatch } from '../../intel/ingest.ts';
import * as intel from '../../intel/queries.ts';
import { checkHandling, newEventRow } from '../../intel/service.ts';
import { warninglistMatcher } from '../../intel/warninglist-cache.ts';
import { readNodeInfo } from '../../node/service.ts';
import { importMisp } from '../misp/service.ts';
import { groupsOfTeam } from '../misp/queries.ts';
import { importStix } from '../stix/import.ts';
import { TaxiiClient, TaxiiError, TaxiiProtocolError, type ObjectPage } from '../taxii/client.ts';
import { checkFeedAddress, checkFeedUrl, describeFailure, fetchFeedFile, FeedSourceError, type FeedRequest } from './outbound.ts';
import * as q from './queries.ts';
import { openSecret } from '../../node/derived-keys.ts';

export interface PullLimits {
  /** One request, its answer included. */
  timeoutMs: number;
  /** One file (a list, a manifest, an event file), and the STIX objects one TAXII pull holds. */
  maxFileBytes: number;
  /** STIX objects held in memory by one pull; the next pull goes on from there. */
  maxTaxiiObjects: number;
  /** MISP event files fetched by one pull; the next pull goes on from there. */
  maxMispEvents: number;
  /** No new page or file is fetched after this long. */
  deadlineMs: number;
}

export const DEFAULT_PULL_LIMITS: PullLimits = {
  timeoutMs: 60_000,
  maxFileBytes: 64 * 1024 * 1024,
  maxTaxiiObjects: 50_000,
  maxMispEvents: 1000,
  deadlineMs: 30 * 60_000,
};

// A lease older than this belongs to a process that died mid-pull (a pull stops fetching at its
// deadline, and its import is bounded by what it fetched).
const LEASE_MS = 2 * DEFAULT_PULL_LIMITS.deadlineMs;
const TAXII_PAGE = 1000;
/** How often the server looks for feeds whose interval has passed. */
export const FEED_SCHEDULE_SECONDS = 60;
const MAX_NOTES = 20;
const PROGRESS_EVERY_MS = 1000;
// As the other importers do after a bulk load, so that the planner keeps picking selective indexes.
const REFRESH_STATISTICS_AFTER_ROWS = 10_000;

export interface PullCounts {
  objects: number;
  events: number;
  indicators: number;
  skipped: number;
  invalid: number;
}

export interface PullProgress extends PullCounts {
  /** What the pull is doing, in words. */
  phase: string;
}

export type PullStatus = 'succeeded' | 'unchanged' | 'failed';

export interface PullOutcome {
  feedId: string;
  status: PullStatus;
  error: string | null;
  counts: PullCounts;
  notes: string[];
  eventIds: string[];
}

export interface PullOptions {
  limits?: Partial<PullLimits> | undefined;
  onProgress?: ((progress: PullProgress) => void) | undefined;
}

interface TaxiiCursor {
  addedAfter?: string;
  /** The server's token for the page after the last one taken, when a pull stopped at its budget. */
  next?: string;
}
interface MispCursor {
  etag?: string;
  /** Event uuid → the manifest timestamp imported. */
  events?: Record<string, number>;
}
interface ListCursor {
  etag?: string;
  lastModified?: string;
  sha256?: string;
}

interface SourceResult {
  status: PullStatus;
  error?: string;
  /** The cursor to keep; undefined keeps the one held. */
  cursor?: object;
}

/** The cursor in words, for the feed's state. */
export function describeCursor(kind: string, cursorJson: string): string | null {
  if (kind === 'taxii') {
    const { addedAfter, next } = fromJson<TaxiiCursor>(cursorJson, {});
    if (next) return `the page after those taken by the last pull${addedAfter ? ` (objects added after ${addedAfter})` : ''}`;
    return addedAfter ? `objects added after ${addedAfter}` : null;
  }
  if (kind === 'misp') {
    const seen = Object.keys(fromJson<MispCursor>(cursorJson, {}).events ?? {}).length;
    return seen ? `${seen} events seen` : null;
  }
  const list = fromJson<ListCursor>(cursorJson, {});
  if (!list.sha256) return null;
  return `content ${list.sha256.slice(0, 12)}${list.etag ? `, ETag ${list.etag}` : ''}${list.lastModified ? `, last modified ${list.lastModified}` : ''}`;
}

/** Everything a pull may write under the feed: its team may only use its own sharing groups. */
export async function checkFeedHandling(tx: Tx, ownerOrgId: string, handling: { tlp: Tlp; distribution: Distribution; sharingGroupId: string | null }): Promise<void> {
  await checkHandling(tx, systemViewer('feeds'), handling);
  if (handling.distribution === 'sharing_group' && !(await groupsOfTeam(tx, ownerOrgId)).some((g) => g.id === handling.sharingGroupId)) {
    throw new Invalid('sharingGroupId', "not a sharing group the feed's team belongs to");
  }
}

function describeError(error: unknown, feedUrl: string, timeoutMs: number): string {
  if (error instanceof Invalid) return `${error.field}: ${error.reason}`;
  if (error instanceof DomainError || error instanceof FeedSourceError || error instanceof TaxiiError || error instanceof TaxiiProtocolError) return error.message;
  return describeFailure(error, feedUrl, timeoutMs);
}

const sha256 = (data: string | Buffer) => crypto.createHash('sha256').update(data).digest('hex');

async function* once(text: string): AsyncGenerator<string> {
  yield text;
}

class Pull {
  readonly counts: PullCounts = { objects: 0, events: 0, indicators: 0, skipped: 0, invalid: 0 };
  readonly notes: string[] = [];
  readonly eventIds: string[] = [];
  readonly startedMs = Date.now();
  private lastWrite = 0;

  constructor(
    readonly ctx: AppContext,
    readonly feed: q.FeedRow,
    readonly token: string,
    readonly limits: PullLimits,
    private readonly onProgress: PullOptions['onProgress'],
  ) {}

  /** Imports run as the node on the team's behalf: the team owns what they write. */
  get importer(): Actor {
    return { viewer: systemViewer(`feed ${this.feed.name}`), sourceIp: null };
  }

  get handling() {
    return {
      tlp: this.feed.tlp as Tlp,
      pap: this.feed.pap as Pap,
      distribution: this.feed.distribution as Distribution,
      sharingGroupId: this.feed.distribution === 'sharing_group' ? this.feed.sharing_group_id : null,
    };
  }

  get pastDeadline(): boolean {
    return Date.now() - this.startedMs > this.limits.deadlineMs;
  }

  note(text: string): void {
    if (this.notes.length < MAX_NOTES) this.notes.push(text);
  }

  /** Progress shown to whoever watches, not written (the import's transaction holds the store). */
  onProgressOnly(phase: string): void {
    this.onProgress?.({ ...this.counts, phase });
  }

  async progress(phase: string): Promise<void> {
    this.onProgress?.({ ...this.counts, phase });
    if (Date.now() - this.lastWrite < PROGRESS_EVERY_MS) return;
    this.lastWrite = Date.now();
    await q.recordProgress(this.ctx.store.db, this.feed.id, this.token, { ...countColumns(this.counts), pull_phase: phase.slice(0, 200) });
  }

  credentialHeaders(): Record<string, string> {
    const { auth_type: type, auth_secret: sealed } = this.feed;
    if (!type || !sealed) return {};
    const secret = openSecret(this.ctx.config.dataDir, sealed);
    if (type === 'basic') return { authorization: `Basic ${Buffer.from(`${this.feed.auth_user ?? ''}:${secret}`).toString('base64')}` };
    if (type === 'bearer') return { authorization: `Bearer ${secret}` };
    return { [this.feed.auth_header ?? 'authorization']: secret };
  }

  request(headers: Record<string, string>): FeedRequest {
    return { headers: { ...this.credentialHeaders(), ...headers }, allowedHosts: this.ctx.config.feedAllowedHosts, timeoutMs: this.limits.timeoutMs, maxBytes: this.limits.maxFileBytes };
  }
}

function countColumns(counts: PullCounts) {
  return { count_objects: counts.objects, count_events: counts.events, count_indicators: counts.indicators, count_skipped: counts.skipped, count_invalid: counts.invalid };
}

// ---- TAXII 2.1 --------------------------------------------------------------------------------

/** The collection's pages from where the last pull stopped: the server's own token when the last
 *  pull kept one (objects added at one instant may span pages, so a date alone could skip some),
 *  else everything added after the cursor's date. A token the server no longer takes is dropped for
 *  the date, and what comes twice is held already and skipped. */
async function* taxiiPages(client: TaxiiClient, root: string, collectionId: string, cursor: TaxiiCursor, limit: number, pull: Pull): AsyncGenerator<ObjectPage> {
  if (!cursor.next) {
    yield* client.allObjects(root, collectionId, { addedAfter: cursor.addedAfter, limit });
    return;
  }
  let next: string | undefined = cursor.next;
  let addedAfter = cursor.addedAfter;
  for (;;) {
    let page: ObjectPage;
    try {
      page = await client.objectsPage(root, collectionId, { addedAfter, limit }, next);
    } catch (error) {
      const refusedToken = next === cursor.next && error instanceof TaxiiError && error.status >= 400 && error.status < 500 && error.status !== 401 && error.status !== 403;
      if (!refusedToken) throw error;
      pull.note(`the server no longer takes the page token kept by the last pull (${error.message}): fetching again from ${cursor.addedAfter ?? 'the start'}`);
      yield* client.allObjects(root, collectionId, { addedAfter: cursor.addedAfter, limit });
      return;
    }
    yield page;
    if (!page.more) return;
    if (page.next) next = page.next;
    else if (page.dateAddedLast && page.dateAddedLast !== addedAfter) {
      addedAfter = page.dateAddedLast;
      next = undefined;
    } else throw new TaxiiProtocolError('the server says there is more but gives neither next nor X-TAXII-Date-Added-Last');
  }
}

async function pullTaxii(pull: Pull): Promise<SourceResult> {
  const { feed, limits } = pull;
  const cursor = fromJson<TaxiiCursor>(feed.cursor, {});
  const root = checkFeedUrl(feed.url, pull.ctx.config.feedAllowedHosts);
  await checkFeedAddress(root, pull.ctx.config.feedAllowedHosts);
  if (!feed.collection_id) throw new Invalid('collectionId', 'a TAXII feed names the collection it pulls');
  const client = new TaxiiClient({
    ...(feed.auth_type === 'basic' && feed.auth_secret ? { password: openSecret(pull.ctx.config.dataDir, feed.auth_secret), user: feed.auth_user ?? undefined } : {}),
    timeoutMs: limits.timeoutMs,
  });

  await pull.progress(`fetching objects from collection ${feed.collection_id}`);
  const texts: string[] = [];
  let bytes = 0;
  let addedLast = cursor.addedAfter;
  let resume: TaxiiCursor | undefined;
  // Never ask for more in one page than the pull may hold.
  const pageSize = Math.min(TAXII_PAGE, limits.maxTaxiiObjects);
  for await (const page of taxiiPages(client, root.toString(), feed.collection_id, cursor, pageSize, pull)) {
    for (const object of page.objects) {
      const text = JSON.stringify(object);
      bytes += text.length;
      texts.push(text);
    }
    if (page.dateAddedLast) addedLast = page.dateAddedLast;
    await pull.progress(`${texts.length} objects fetched`);
    if (page.more && (texts.length >= limits.maxTaxiiObjects || bytes >= limits.maxFileBytes || pull.pastDeadline)) {
      // The next pull goes on from the server's token (it continues the query begun from the
      // cursor's date), or from this date when the server pages by date alone.
      resume = page.next ? { ...(cursor.addedAfter ? { addedAfter: cursor.addedAfter } : {}), next: page.next } : { ...(addedLast ? { addedAfter: addedLast } : {}) };
      break;
    }
  }
  if (texts.length === 0) return { status: 'unchanged' };

  const document = function* () {
    yield '[';
    for (let i = 0; i < texts.length; i += 1) yield i === 0 ? texts[i]! : `,${texts[i]!}`;
    yield ']';
  };
  const handling = pull.handling;
  const result = await importStix(pull.ctx, pull.importer, document(), {
    ownerOrgId: feed.owner_org_id,
    tlp: handling.tlp,
    pap: handling.pap,
    distribution: handling.distribution,
    sharingGroupId: handling.sharingGroupId ?? undefined,
    published: feed.publish === 1,
    info: `${feed.name}: TAXII pull of ${nowIso().slice(0, 16).replace('T', ' ')} UTC`,
    onProgress: ({ objects }) => pull.onProgressOnly(`importing: ${objects} of ${texts.length} objects read`),
  });
  pull.counts.objects = result.objects;
  pull.counts.skipped = result.skipped;
  pull.counts.indicators = result.indicators;
  pull.counts.events = result.eventId ? 1 : 0;
  if (result.eventId) pull.eventIds.push(result.eventId);
  for (const warning of result.warnings) pull.note(warning);
  if (resume) {
    pull.note(`stopped after ${texts.length} objects; the next pull goes on from there`);
    return { status: 'succeeded', cursor: resume };
  }
  return { status: 'succeeded', cursor: addedLast ? { addedAfter: addedLast } : {} };
}

// ---- MISP feed --------------------------------------------------------------------------------

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function parseJson(body: Buffer, what: string): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new FeedSourceError(`${what} is not JSON`);
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The directory of a MISP feed, ending with "/" (a manifest.json address names its directory). */
export function mispFeedBase(url: string): string {
  const base = url.replace(/manifest\.json$/, '');
  return base.endsWith('/') ? base : `${base}/`;
}

/** The remote's handling describes its own community; here the feed's handling is the floor. The
 *  strictest tlp: tag wins, so the feed's is added beside the event's own; the distribution is the
 *  feed's, and an element keeps its own only when it is "your organisation only". */
function withFeedHandling(event: Record<string, unknown>, pull: Pull): void {
  const handling = pull.handling;
  const tags = Array.isArray(event.Tag) ? event.Tag : [];
  event.Tag = [...tags, { name: tlpToMispTag(handling.tlp) }, { name: papToMispTag(handling.pap) }];
  event.distribution = String(distributionToMisp(handling.distribution));
  delete event.SharingGroup;
  event.sharing_group_id = '0';
  if (handling.distribution === 'sharing_group' && handling.sharingGroupId) {
    event.SharingGroup = { uuid: handling.sharingGroupId };
    event.sharing_group_id = handling.sharingGroupId;
  }
  event.published = pull.feed.publish === 1;
  const objects = Array.isArray(event.Object) ? event.Object.filter(isRecord) : [];
  const elements = [
    ...(Array.isArray(event.Attribute) ? event.Attribute.filter(isRecord) : []),
    ...objects,
    ...objects.flatMap((o) => (Array.isArray(o.Attribute) ? o.Attribute.filter(isRecord) : [])),
  ];
  for (const element of elements) {
    if (String(element.distribution ?? '') === '0') continue;
    delete element.distribution;
    delete element.sharing_group_id;
    delete element.SharingGroup;
  }
}

function manifestTimestamp(entry: unknown): number | undefined {
  if (!isRecord(entry)) return undefined;
  const value = entry.timestamp;
  const text = typeof value === 'number' || typeof value === 'string' ? String(value).trim() : '';
  return /^\d{1,12}$/.test(text) ? Number(text) : undefined;
}

async function pullMisp(pull: Pull): Promise<SourceResult> {
  const { feed, limits } = pull;
  const cursor = fromJson<MispCursor>(feed.cursor, {});
  const seen = cursor.events ?? {};
  const base = new URL(mispFeedBase(feed.url));
  await pull.progress('fetching manifest.json');
  const manifestResponse = await fetchFeedFile(new URL('manifest.json', base), pull.request({ accept: 'application/json', ...(cursor.etag ? { 'if-none-match': cursor.etag } : {}) }));
  if (manifestResponse.status === 304) return { status: 'unchanged' };
  const manifest = parseJson(manifestResponse.body!, 'manifest.json');
  if (!isRecord(manifest)) throw new FeedSourceError('manifest.json is not a MISP feed manifest (an object keyed by event uuid)');

  const listed: Record<string, number> = {};
  const wanted: { uuid: string; timestamp: number }[] = [];
  for (const [uuid, entry] of Object.entries(manifest)) {
    const timestamp = manifestTimestamp(entry);
    if (!UUID.test(uuid) || timestamp === undefined) {
      pull.counts.invalid += 1;
      pull.note(`manifest.json: entry "${uuid.slice(0, 60)}" is not an event uuid with a timestamp`);
      continue;
    }
    const key = uuid.toLowerCase();
    listed[key] = seen[key] ?? -1;
    if (timestamp > (seen[key] ?? -1)) wanted.push({ uuid: key, timestamp });
  }
  wanted.sort((a, b) => a.timestamp - b.timestamp || a.uuid.localeCompare(b.uuid));
  const nextCursor = (events: Record<string, number>) => ({ ...(manifestResponse.headers.get('etag') ? { etag: manifestResponse.headers.get('etag')! } : {}), events });

  const failures: string[] = [];
  let fetched = 0;
  for (const { uuid, timestamp } of wanted) {
    if (fetched >= limits.maxMispEvents || pull.pastDeadline) {
      pull.note(`${wanted.length - fetched} more events wait for the next pull`);
      break;
    }
    fetched += 1;
    await pull.progress(`event ${fetched} of ${wanted.length}`);
    try {
      const file = await fetchFeedFile(new URL(`${uuid}.json`, base), pull.request({ accept: 'application/json' }));
      const document = parseJson(file.body!, `${uuid}.json`);
      if (!isRecord(document) || !isRecord(document.Event)) throw new FeedSourceError(`${uuid}.json is not a MISP event ({"Event": …})`);
      withFeedHandling(document.Event, pull);
      const handling = pull.handling;
      const result = await importMisp(pull.ctx, pull.importer, once(JSON.stringify(document)), {
        ownerOrgId: feed.owner_org_id,
        defaultTlp: handling.tlp,
        defaultDistribution: handling.distribution === 'sharing_group' ? 'organisation' : handling.distribution,
        maxBytes: limits.maxFileBytes,
      });
      pull.counts.events += result.created + result.updated;
      pull.counts.skipped += result.skipped;
      pull.counts.indicators += result.attributes;
      pull.counts.objects += result.objects;
      for (const item of result.items) if (item.outcome !== 'skipped' && item.id) pull.eventIds.push(item.id);
      listed[uuid] = timestamp;
    } catch (error) {
      pull.counts.invalid += 1;
      const reason = `${uuid}: ${describeError(error, feed.url, limits.timeoutMs)}`;
      failures.push(reason);
      pull.note(reason);
    }
  }
  // Events gone from the manifest are forgotten: the cursor never outgrows the feed. The manifest's
  // ETag is kept only when every event it lists was taken, so that an unfinished pull goes on.
  const events = Object.fromEntries(Object.entries(listed).filter(([, ts]) => ts >= 0));
  const finished = failures.length === 0 && fetched === wanted.length;
  const cursorAfter = finished ? nextCursor(events) : { events };
  if (failures.length) return { status: 'failed', error: `${failures.length} of ${fetched} events could not be imported; first: ${failures[0]}`, cursor: cursorAfter };
  return { status: wanted.length === 0 ? 'unchanged' : 'succeeded', cursor: cursorAfter };
}

// ---- CSV and free text ------------------------------------------------------------------------

interface Candidate {
  line: number;
  type: string | undefined;
  value: string;
}

function csvCandidates(text: string, pull: Pull): Candidate[] {
  const { feed } = pull;
  const valueIndex = (feed.csv_value_column ?? 1) - 1;
  const typeIndex = feed.csv_type_column ? feed.csv_type_column - 1 : undefined;
  const candidates: Candidate[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    if ((feed.csv_header === 1 && i === 0) || raw.trim() === '' || raw.trimStart().startsWith('#')) return;
    let cells: string[];
    try {
      cells = (parseCsv(raw, { delimiter: feed.csv_delimiter ?? ',', relax_quotes: true, relax_column_count: true, trim: true }) as string[][])[0] ?? [];
    } catch (error) {
      pull.counts.invalid += 1;
      pull.note(`line ${line}: not CSV (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
      return;
    }
    const value = cells[valueIndex];
    if (!value) {
      pull.counts.invalid += 1;
      pull.note(`line ${line}: no value in column ${valueIndex + 1}`);
      return;
    }
    const type = typeIndex !== undefined ? cells[typeIndex] || undefined : undefined;
    candidates.push({ line, type, value });
  });
  return candidates;
}

function freetextCandidates(text: string, pull: Pull): Candidate[] {
  const candidates: Candidate[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) return;
    const found = extractIndicators(raw);
    if (found.length === 0) {
      pull.counts.invalid += 1;
      pull.note(`line ${i + 1}: no indicator recognised`);
      return;
    }
    for (const indicator of found) candidates.push({ line: i + 1, type: indicator.type, value: indicator.value });
  });
  return candidates;
}

async function pullList(pull: Pull): Promise<SourceResult> {
  const { feed, ctx } = pull;
  const cursor = fromJson<ListCursor>(feed.cursor, {});
  const url = checkFeedUrl(feed.url, ctx.config.feedAllowedHosts);
  await pull.progress('fetching the file');
  const response = await fetchFeedFile(
    url,
    pull.request({
      accept: feed.kind === 'csv' ? 'text/csv, text/plain;q=0.9, */*;q=0.5' : 'text/plain, */*;q=0.5',
      ...(cursor.etag ? { 'if-none-match': cursor.etag } : {}),
      ...(cursor.lastModified ? { 'if-modified-since': cursor.lastModified } : {}),
    }),
  );
  if (response.status === 304) return { status: 'unchanged' };
  const body = response.body!;
  const nextCursor: ListCursor = { sha256: sha256(body) };
  const etag = response.headers.get('etag');
  const lastModified = response.headers.get('last-modified');
  if (etag) nextCursor.etag = etag;
  if (lastModified) nextCursor.lastModified = lastModified;
  if (nextCursor.sha256 === cursor.sha256) return { status: 'unchanged', cursor: nextCursor };

  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body).replace(/^\uFEFF/, '');
  } catch {
    throw new FeedSourceError(`${url} is not UTF-8 text`);
  }
  await pull.progress('reading');
  const candidates = feed.kind === 'csv' ? csvCandidates(text, pull) : freetextCandidates(text, pull);

  const handling = pull.handling;
  const eventId = newId();
  const version = nowIso();
  const scope = handling.distribution === 'sharing_group' ? { distribution: 'sharing_group' as const, sharingGroupId: handling.sharingGroupId! } : { distribution: handling.distribution as Exclude<Distribution, 'sharing_group'> };
  const ingest = { event: { id: eventId, tlp: handling.tlp, distribution: scope }, version, warninglists: await warninglistMatcher(ctx), usableGroups: new Set<string>() };
  const rows: { row: IndicatorTable; hash: string }[] = [];
  const inFile = new Set<string>();
  for (const candidate of candidates) {
    let type = candidate.type;
    let value = candidate.value;
    if (type === undefined) {
      const recognised = recogniseValue(value);
      if (!recognised) {
        pull.counts.invalid += 1;
        pull.note(`line ${candidate.line}: "${value.slice(0, 80)}" is not a recognisable indicator`);
        continue;
      }
      type = recognised.type;
      value = recognised.value;
    }
    let row: IndicatorTable;
    try {
      row = prepareBatch([{ type, value }], [], ingest).indicators[0]!;
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      pull.counts.invalid += 1;
      pull.note(`line ${candidate.line}: ${error.reason}`);
      continue;
    }
    const hash = sha256(`${row.type}|${row.normalised}`);
    if (inFile.has(hash)) {
      pull.counts.skipped += 1;
      continue;
    }
    inFile.add(hash);
    rows.push({ row, hash });
  }
  await pull.progress(`${rows.length} values read`);

  const node = await readNodeInfo(ctx);
  await ctx.store.db.transaction().execute(async (tx) => {
    await checkFeedHandling(tx, feed.owner_org_id, handling);
    const known = await q.knownValueHashes(tx, feed.id, rows.map((r) => r.hash));
    const fresh = rows.filter((r) => !known.has(r.hash));
    pull.counts.skipped += rows.length - fresh.length;
    if (fresh.length === 0) return;
    const info = `${feed.name}: ${fresh.length} new values, pull of ${version.slice(0, 16).replace('T', ' ')} UTC`;
    await intel.insertEvent(tx, newEventRow({ id: eventId, ownerOrgId: feed.owner_org_id, originNode: node?.name ?? 'local', info, now: version }, { ...handling, sharingGroupId: handling.sharingGroupId ?? undefined, published: feed.publish === 1 }));
    await intel.insertIndicators(tx, ctx.store.engine, fresh.map((r) => r.row), []);
    await q.rememberValueHashes(tx, feed.id, fresh.map((r) => r.hash));
    await appendAudit(tx, ctx.store.engine, pull.importer, {
      action: 'feed.import',
      objectType: 'event',
      objectId: eventId,
      orgId: feed.owner_org_id,
      details: { feedId: feed.id, indicators: fresh.length, skipped: pull.counts.skipped, invalid: pull.counts.invalid },
    });
    pull.counts.events = 1;
    pull.counts.indicators = fresh.length;
    pull.eventIds.push(eventId);
  });
  if (pull.counts.indicators >= REFRESH_STATISTICS_AFTER_ROWS) await ctx.store.refreshPlannerStatistics();
  return { status: 'succeeded', cursor: nextCursor };
}

// ---- running a pull ---------------------------------------------------------------------------

/** Takes the feed's lease for a new pull; null while another pull holds it. */
export async function claimFeedPull(ctx: AppContext, feedId: string): Promise<string | null> {
  const token = newId();
  const now = new Date();
  const taken = await q.claimPull(ctx.store.db, feedId, token, nowIso(now), nowIso(new Date(now.getTime() - LEASE_MS)));
  return taken ? token : null;
}

/** Runs the pull whose lease `token` holds and records its outcome; `actor` is who asked for it
 *  (a user, the CLI, the schedule), named in the audit log. Only a store that fails throws. */
export async function runClaimedPull(ctx: AppContext, actor: Actor, feedId: string, token: string, options: PullOptions = {}): Promise<PullOutcome> {
  const limits = { ...DEFAULT_PULL_LIMITS, ...options.limits };
  const feed = await q.feedById(ctx.store.db, feedId);
  if (!feed) throw new NotFound('feed');
  const pull = new Pull(ctx, feed, token, limits, options.onProgress);
  let result: SourceResult;
  try {
    checkFeedUrl(feed.url, ctx.config.feedAllowedHosts);
    await checkFeedHandling(ctx.store.db, feed.owner_org_id, pull.handling);
    result = feed.kind === 'taxii' ? await pullTaxii(pull) : feed.kind === 'misp' ? await pullMisp(pull) : await pullList(pull);
  } catch (error) {
    result = { status: 'failed', error: describeError(error, feed.url, limits.timeoutMs) };
  }
  const outcome: PullOutcome = { feedId, status: result.status, error: result.error ?? null, counts: pull.counts, notes: pull.notes, eventIds: pull.eventIds };
  await ctx.store.db.transaction().execute(async (tx) => {
    const current = await q.feedById(tx, feedId);
    if (current && current.pull_token === token) {
      const finishedAt = nowIso();
      await q.recordProgress(tx, feedId, token, {
        ...countColumns(pull.counts),
        status: outcome.status,
        pull_token: null,
        pull_phase: null,
        pull_finished_at: finishedAt,
        last_success_at: outcome.status === 'failed' ? current.last_success_at : finishedAt,
        last_error: outcome.error,
        last_notes: toJson(pull.notes),
        next_pull_at: addSeconds(current.pull_started_at ?? finishedAt, current.interval_minutes * 60),
        ...(result.cursor ? { cursor: toJson(result.cursor) } : {}),
      });
      await q.recordPulledEvents(tx, feedId, pull.eventIds, finishedAt);
    }
    await appendAudit(tx, ctx.store.engine, actor, {
      action: 'feed.pull',
      objectType: 'feed',
      objectId: feedId,
      orgId: feed.owner_org_id,
      details: { name: feed.name, status: outcome.status, error: outcome.error, ...pull.counts, events: pull.eventIds.length },
    });
  });
  return outcome;
}

/** Pulls a feed now, in this process; Conflict while another pull of it runs. */
export async function pullFeedNow(ctx: AppContext, actor: Actor, feedId: string, options: PullOptions = {}): Promise<PullOutcome> {
  const token = await claimFeedPull(ctx, feedId);
  if (!token) throw new Conflict(undefined, 'this feed is being pulled already');
  return runClaimedPull(ctx, actor, feedId, token, options);
}

/** The schedule's job: every enabled feed whose interval has passed at `now`, one at a time. A feed
 *  that another process is pulling is left to it. */
export async function pullDueFeeds(ctx: AppContext, now: Date = new Date(), options: PullOptions = {}): Promise<PullOutcome[]> {
  const actor: Actor = { viewer: systemViewer('feed schedule'), sourceIp: null };
  const outcomes: PullOutcome[] = [];
  for (const feedId of await q.dueFeedIds(ctx.store.db, nowIso(now))) {
    const token = await claimFeedPull(ctx, feedId);
    if (!token) continue;
    try {
      outcomes.push(await runClaimedPull(ctx, actor, feedId, token, options));
    } catch (error) {
      // Removed while it was being pulled: nothing to record; the other feeds go on.
      if (!(error instanceof NotFound)) throw error;
    }
  }
  return outcomes;
}
