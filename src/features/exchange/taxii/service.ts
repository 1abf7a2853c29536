// The TAXII 2.1 server's use-cases: discovery, one API root, the caller's collections, pages of
// objects and manifests in the order they were added, object versions, posting objects (imported
// as a new event shared the collection's way) and the status of a post.
import crypto from 'node:crypto';
import type { AppContext } from '../../../app.ts';
import { DomainError, Forbidden, Invalid, NotFound } from '../../../domain/errors.ts';
import type { Pap, Tlp } from '../../../domain/handling.ts';
import { papMarkingId, tlpMarkingId } from '../../../domain/stix/markings.ts';
import { validateStixObject } from '../../../domain/stix/objects.ts';
import { parsePattern } from '../../../domain/stix/pattern.ts';
import { indicatorIdOfStix, stixIdOf, stixIdOfIndicator, stixIndicatorFor, versionKey } from '../../../domain/stix/sanad-mapping.ts';
import { isStixTimestamp, parseStixTimestamp } from '../../../domain/stix/timestamps.ts';
import { mayReadIntel } from '../../../policy/intel.ts';
import { postedHandling, taxiiCollectionsFor, type TaxiiCollection } from '../../../policy/taxii.ts';
import type { Actor, Viewer } from '../../../policy/viewer.ts';
import { nowIso } from '../../../store/time.ts';
import { nodeDerivedKey } from '../../node/derived-keys.ts';
import { readNodeInfo } from '../../node/service.ts';
import { tagsByIndicator } from '../../intel/queries.ts';
import { listVisibleGroups } from '../../sharing-groups/queries.ts';
import { importStix } from '../stix/import.ts';
import { sanadIndicatorOf } from '../stix/queries.ts';
import * as q from './queries.ts';

export const TAXII_MEDIA_TYPE = 'application/taxii+json;version=2.1';
export const STIX_MEDIA_TYPE = 'application/stix+json;version=2.1';
export const MAX_CONTENT_LENGTH = 64 * 1024 * 1024;
export const MAX_PAGE = 1000;
const DEFAULT_PAGE = 100;

// ------------------------------------------------------------------------ discovery

export async function discovery(ctx: AppContext, baseUrl: string) {
  const node = await readNodeInfo(ctx);
  const root = `${baseUrl}/taxii2/api/`;
  return {
    title: `Sanad TAXII server${node?.name ? ` (${node.name})` : ''}`,
    description: 'Shared threat intelligence under TLP 2.0 and PAP handling rules: each collection is a sharing scope.',
    default: root,
    api_roots: [root],
  };
}

export function apiRoot() {
  return { title: 'Sanad', description: 'Intelligence the caller may see, by sharing scope', versions: [TAXII_MEDIA_TYPE], max_content_length: MAX_CONTENT_LENGTH };
}

// ------------------------------------------------------------------------ collections

async function collectionsOf(ctx: AppContext, viewer: Viewer): Promise<TaxiiCollection[]> {
  if (viewer.kind !== 'user') return taxiiCollectionsFor(viewer, null, []);
  const groups = await listVisibleGroups(ctx.store.db, viewer);
  return taxiiCollectionsFor(viewer, await q.teamName(ctx.store.db, viewer.orgId), groups).sort((a, b) => a.id.localeCompare(b.id));
}

function describe(collection: TaxiiCollection) {
  return { id: collection.id, title: collection.title, description: collection.description, can_read: collection.canRead, can_write: collection.canWrite, media_types: [STIX_MEDIA_TYPE] };
}

export async function listCollections(ctx: AppContext, viewer: Viewer) {
  const collections = await collectionsOf(ctx, viewer);
  return collections.length ? { collections: collections.map(describe) } : {};
}

async function collectionFor(ctx: AppContext, viewer: Viewer, id: string): Promise<TaxiiCollection> {
  const collection = (await collectionsOf(ctx, viewer)).find((c) => c.id === id);
  if (!collection) throw new NotFound(`collection ${id}`);
  return collection;
}

export async function getCollection(ctx: AppContext, viewer: Viewer, id: string) {
  return describe(await collectionFor(ctx, viewer, id));
}

// ------------------------------------------------------------------------ paging

export interface ObjectsQuery {
  added_after?: string | undefined;
  limit?: number | undefined;
  next?: string | undefined;
  'match[id]'?: string | undefined;
  'match[type]'?: string | undefined;
  'match[version]'?: string | undefined;
  'match[spec_version]'?: string | undefined;
}

// `next` is a stateless cursor signed by the node, so it survives restarts and cannot be forged
// to page past what the filters allow.
const cursorKey = (ctx: AppContext) => nodeDerivedKey(ctx.config.dataDir, 'taxii next cursor');

function encodeCursor(ctx: AppContext, cursor: q.PageCursor): string {
  const body = Buffer.from(JSON.stringify(cursor)).toString('base64url');
  return `${body}.${crypto.createHmac('sha256', cursorKey(ctx)).update(body).digest('base64url')}`;
}

function decodeCursor(ctx: AppContext, token: string): q.PageCursor {
  const [body, signature] = token.split('.');
  const expected = body ? crypto.createHmac('sha256', cursorKey(ctx)).update(body).digest('base64url') : '';
  if (!body || !signature || signature.length !== expected.length || !crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(expected))) {
    throw new Invalid('next', 'is not a cursor this server gave out');
  }
  return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as q.PageCursor;
}

const list = (value: string | undefined) => (value === undefined ? undefined : value.split(',').map((v) => v.trim()).filter((v) => v !== ''));

function parseFilter(ctx: AppContext, query: ObjectsQuery, objectId?: string): q.ObjectFilter {
  const addedAfter = query.added_after;
  if (addedAfter !== undefined && !isStixTimestamp(addedAfter) && Number.isNaN(Date.parse(addedAfter))) throw new Invalid('added_after', 'must be a timestamp');
  const ids = objectId ? [objectId] : list(query['match[id]']);
  const versions = list(query['match[version]']) ?? ['last'];
  let version: q.VersionMatch;
  if (versions.includes('all')) version = { kind: 'all' };
  else if (versions.length === 1 && versions[0] === 'last') version = { kind: 'last' };
  else if (versions.length === 1 && versions[0] === 'first') version = { kind: 'first' };
  else {
    const stamps = versions.filter((v) => v !== 'first' && v !== 'last');
    if (stamps.length !== versions.length) version = { kind: 'all' }; // first and last together: both ends, served as all
    else {
      for (const stamp of stamps) if (!isStixTimestamp(stamp)) throw new Invalid('match[version]', `"${stamp}" is neither last, first, all nor a timestamp`);
      version = { kind: 'at', versions: stamps.map((s) => versionKey({ modified: s })), isoTimes: stamps.map((s) => parseStixTimestamp(s, 'match[version]').iso) };
    }
  }
  return {
    addedAfter: addedAfter === undefined ? undefined : new Date(addedAfter).toISOString(),
    ids: ids ? { stix: ids, indicators: ids.flatMap((id) => indicatorIdOfStix(id) ?? []) } : undefined,
    types: list(query['match[type]']),
    version,
    specVersions: list(query['match[spec_version]']),
    after: query.next ? decodeCursor(ctx, query.next) : undefined,
  };
}

interface PageEntry {
  cursor: q.PageCursor;
  dateAdded: string;
  id: string;
  /** The object's text, as held or as written now. */
  text: () => string;
  /** Its `modified` (or `created`), or the date added for objects without versions. */
  version: () => string;
}

/** Addition order: date added, then held objects before own indicators, then the key. */
function compareCursors(a: q.PageCursor, b: q.PageCursor): number {
  if (a.d !== b.d) return a.d < b.d ? -1 : 1;
  if (a.s !== b.s) return a.s - b.s;
  return a.k < b.k ? -1 : a.k > b.k ? 1 : 0;
}

/** One page of what the collection holds for the caller, oldest addition first. */
async function readPage(ctx: AppContext, viewer: Viewer, collection: TaxiiCollection, filter: q.ObjectFilter, limit: number) {
  const db = ctx.store.db;
  const scope = collection.scope;
  const wantsIndicators = (!filter.types || filter.types.includes('indicator')) && (!filter.specVersions || filter.specVersions.includes('2.1'));
  const [held, own] = await Promise.all([
    q.heldObjectsPage(db, viewer, scope, filter, limit + 1),
    wantsIndicators ? q.ownIndicatorsPage(db, viewer, scope, filter, limit + 1) : Promise.resolve([]),
  ]);
  const tags = await tagsByIndicator(db, own.map((row) => row.id));
  const entries: PageEntry[] = [
    ...held.map((row): PageEntry => {
      let parsed: Record<string, unknown> | undefined;
      const object = () => (parsed ??= JSON.parse(row.object) as Record<string, unknown>);
      return {
        cursor: { d: row.date_added, s: 0, k: row.added_key },
        dateAdded: row.date_added,
        id: row.id,
        text: () => row.object,
        version: () => String(object().modified ?? object().created ?? row.date_added),
      };
    }),
    ...own.flatMap((row): PageEntry[] => {
      const indicator = stixIndicatorFor(sanadIndicatorOf(row, tags), {
        createdBy: stixIdOf('identity', 'organisation', row.owner_org_id),
        markings: [tlpMarkingId(row.tlp as Tlp), papMarkingId(row.pap as Pap)],
      });
      // Free text and comments have no STIX pattern: they are not offered as indicators.
      if (!indicator) return [];
      return [{ cursor: { d: row.modified, s: 1, k: row.id }, dateAdded: row.modified, id: stixIdOfIndicator(row.id), text: () => JSON.stringify(indicator), version: () => row.modified }];
    }),
  ];
  entries.sort((a, b) => compareCursors(a.cursor, b.cursor));
  // Whichever source ran out first decides how far this page may safely go.
  const heldEnd = held.length > limit ? held[limit - 1] : undefined;
  const ownEnd = own.length > limit ? own[limit - 1] : undefined;
  const bounds: q.PageCursor[] = [];
  if (heldEnd) bounds.push({ d: heldEnd.date_added, s: 0, k: heldEnd.added_key });
  if (ownEnd) bounds.push({ d: ownEnd.modified, s: 1, k: ownEnd.id });
  const within = entries.filter((entry) => bounds.every((bound) => compareCursors(entry.cursor, bound) <= 0));
  const page = within.slice(0, limit);
  const more = page.length < entries.length;
  const last = page.at(-1);
  return { page, more, next: more && last ? encodeCursor(ctx, last.cursor) : undefined };
}

function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE;
  return Math.min(limit, MAX_PAGE);
}

export interface PageHeaders {
  first?: string;
  last?: string;
}

const headersOf = (page: PageEntry[]): PageHeaders => (page.length ? { first: page[0]!.dateAdded, last: page.at(-1)!.dateAdded } : {});

function readable(viewer: Viewer, collection: TaxiiCollection): void {
  if (!collection.canRead || !mayReadIntel(viewer)) throw new Forbidden('this collection cannot be read by the caller');
}

/** The envelope text of a page of objects: objects are written as held, never re-serialised. */
export async function getObjects(ctx: AppContext, viewer: Viewer, collectionId: string, query: ObjectsQuery, objectId?: string): Promise<{ body: string; headers: PageHeaders; empty: boolean }> {
  const collection = await collectionFor(ctx, viewer, collectionId);
  readable(viewer, collection);
  const { page, more, next } = await readPage(ctx, viewer, collection, parseFilter(ctx, query, objectId), pageLimit(query.limit));
  if (objectId && page.length === 0 && !query.next) throw new NotFound(`object ${objectId}`);
  if (page.length === 0) return { body: '{}', headers: {}, empty: true };
  const body = `{"more":${more},${next ? `"next":${JSON.stringify(next)},` : ''}"objects":[${page.map((entry) => entry.text()).join(',')}]}`;
  return { body, headers: headersOf(page), empty: false };
}

export async function getManifest(ctx: AppContext, viewer: Viewer, collectionId: string, query: ObjectsQuery) {
  const collection = await collectionFor(ctx, viewer, collectionId);
  readable(viewer, collection);
  const { page, more, next } = await readPage(ctx, viewer, collection, parseFilter(ctx, query), pageLimit(query.limit));
  if (page.length === 0) return { body: {}, headers: {} };
  return {
    body: { more, ...(next ? { next } : {}), objects: page.map((entry) => ({ id: entry.id, date_added: entry.dateAdded, version: entry.version(), media_type: STIX_MEDIA_TYPE })) },
    headers: headersOf(page),
  };
}

export async function getVersions(ctx: AppContext, viewer: Viewer, collectionId: string, objectId: string, query: ObjectsQuery) {
  const collection = await collectionFor(ctx, viewer, collectionId);
  readable(viewer, collection);
  const { page, more, next } = await readPage(ctx, viewer, collection, parseFilter(ctx, { ...query, 'match[version]': 'all' }, objectId), pageLimit(query.limit));
  if (page.length === 0 && !query.next) throw new NotFound(`object ${objectId}`);
  return { body: { more, ...(next ? { next } : {}), versions: page.map((entry) => entry.version()) }, headers: headersOf(page) };
}

// ------------------------------------------------------------------------ writing

interface StatusDetail {
  id: string;
  version: string;
  message?: string;
}

/** Imports the envelope's valid objects as a new event shared the collection's way; the rest are
 *  reported as failures in the status, each with its reason. */
export async function postObjects(ctx: AppContext, actor: Actor, collectionId: string, envelope: unknown) {
  const viewer = actor.viewer;
  const collection = await collectionFor(ctx, viewer, collectionId);
  if (!collection.canWrite) throw new Forbidden('this collection cannot be written by the caller');
  if (envelope === null || typeof envelope !== 'object' || !Array.isArray((envelope as { objects?: unknown }).objects)) {
    throw new Invalid('objects', 'an envelope holds a list of STIX objects');
  }
  const objects = (envelope as { objects: unknown[] }).objects;
  const requestTimestamp = nowIso();
  const failures: StatusDetail[] = [];
  const accepted: Record<string, unknown>[] = [];
  objects.forEach((object, i) => {
    const record = object !== null && typeof object === 'object' && !Array.isArray(object) ? (object as Record<string, unknown>) : {};
    const detail = { id: typeof record.id === 'string' ? record.id : `objects[${i}]`, version: String(record.modified ?? record.created ?? '') };
    const problem = validateStixObject(object, `objects[${i}]`)[0];
    if (problem) return failures.push({ ...detail, message: `${problem.path}: ${problem.reason}` });
    if (record.type === 'indicator' && record.pattern_type === 'stix') {
      try {
        parsePattern(record.pattern as string);
      } catch (error) {
        if (error instanceof Invalid) return failures.push({ ...detail, message: `objects[${i}].pattern: ${error.reason}` });
        throw error;
      }
    }
    accepted.push(record);
  });
  const successes: StatusDetail[] = [];
  if (accepted.length) {
    const handling = postedHandling(collection.scope);
    try {
      await importStix(ctx, actor, [JSON.stringify(accepted)], {
        tlp: handling.tlp,
        distribution: handling.distribution,
        sharingGroupId: handling.sharingGroupId,
        published: true,
        info: `TAXII: ${collection.title}, ${requestTimestamp.slice(0, 10)}`,
        maxBytes: MAX_CONTENT_LENGTH,
      });
      for (const object of accepted) successes.push({ id: object.id as string, version: String(object.modified ?? object.created ?? requestTimestamp) });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      for (const object of accepted) failures.push({ id: object.id as string, version: String(object.modified ?? object.created ?? ''), message: error.message });
    }
  }
  const status = {
    id: crypto.randomUUID(),
    status: 'complete' as const,
    request_timestamp: requestTimestamp,
    total_count: objects.length,
    success_count: successes.length,
    successes,
    failure_count: failures.length,
    failures,
    pending_count: 0,
    pendings: [] as StatusDetail[],
  };
  if (viewer.kind === 'user') {
    await q.insertStatus(ctx.store.db, { id: status.id, org_id: viewer.orgId, collection_id: collection.id, status: status.status, request_timestamp: requestTimestamp, body: JSON.stringify(status) });
  }
  return status;
}

export async function getStatus(ctx: AppContext, viewer: Viewer, id: string) {
  const row = await q.findStatus(ctx.store.db, viewer, id);
  if (!row) throw new NotFound(`status ${id}`);
  return JSON.parse(row.body) as unknown;
}
