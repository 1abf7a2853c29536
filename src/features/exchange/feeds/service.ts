// Use-cases of feeds: a team's remote sources, their settings and credentials, and pulling them now.
// Who may do what is the policy's (policy/feeds.ts); every change and every pull is audited.
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppContext } from '../../../app.ts';
import { Conflict, Invalid, NotFound, Unauthorized } from '../../../domain/errors.ts';
import type { Distribution, Pap, Tlp } from '../../../domain/handling.ts';
import { authorize } from '../../../policy/authorize.ts';
import { mayManageFeeds, mayPullFeed } from '../../../policy/feeds.ts';
import type { Actor, Viewer } from '../../../policy/viewer.ts';
import type { Tx } from '../../../store/db.ts';
import { newId } from '../../../store/ids.ts';
import { fromJson } from '../../../store/json.ts';
import type { FeedTable } from '../../../store/schema.ts';
import { addSeconds, nowIso } from '../../../store/time.ts';
import { appendAudit } from '../../audit/service.ts';
import { organisationExists } from '../misp/queries.ts';
import { checkFeedUrl } from './outbound.ts';
import { checkFeedHandling, claimFeedPull, describeCursor, mispFeedBase, runClaimedPull, type PullOptions } from './puller.ts';
import * as q from './queries.ts';
import type { CreateFeedInput, CredentialsInput, Feed, FeedKind, FeedStatus, UpdateFeedInput } from './schemas.ts';
import { sealSecret } from '../../node/derived-keys.ts';

const DEFAULT_INTERVAL_MINUTES = 60;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function toFeed(row: q.FeedRow): Feed {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind as FeedKind,
    url: row.url,
    collectionId: row.collection_id,
    csv: row.kind === 'csv' ? { valueColumn: row.csv_value_column ?? 1, typeColumn: row.csv_type_column, delimiter: row.csv_delimiter ?? ',', header: row.csv_header === 1 } : null,
    orgId: row.owner_org_id,
    orgName: row.owner_name,
    credentials: { type: (row.auth_type as 'basic' | 'bearer' | 'header' | null) ?? null, set: row.auth_secret !== null },
    tlp: row.tlp as Tlp,
    pap: row.pap as Pap,
    distribution: row.distribution as Distribution,
    sharingGroupId: row.sharing_group_id,
    publish: row.publish === 1,
    enabled: row.enabled === 1,
    intervalMinutes: row.interval_minutes,
    state: {
      status: row.status as FeedStatus,
      phase: row.status === 'running' ? row.pull_phase : null,
      startedAt: row.pull_started_at,
      finishedAt: row.pull_finished_at,
      lastSuccessAt: row.last_success_at,
      lastError: row.last_error,
      notes: fromJson<string[]>(row.last_notes, []),
      counts: { objects: row.count_objects, events: row.count_events, indicators: row.count_indicators, skipped: row.count_skipped, invalid: row.count_invalid },
      cursor: describeCursor(row.kind, row.cursor),
      nextPullAt: row.enabled === 1 ? row.next_pull_at : null,
    },
    createdAt: row.created_at,
    modified: row.modified,
  };
}

function refuseAnonymous(viewer: Viewer): void {
  if (viewer.kind === 'anonymous') throw new Unauthorized();
}

async function visibleFeed(tx: Tx, viewer: Viewer, id: string): Promise<q.FeedRow> {
  refuseAnonymous(viewer);
  const row = await q.findVisibleFeed(tx, viewer, id);
  if (!row) throw new NotFound('feed');
  return row;
}

export async function listFeeds(ctx: AppContext, viewer: Viewer): Promise<Feed[]> {
  refuseAnonymous(viewer);
  return (await q.visibleFeeds(ctx.store.db, viewer)).map(toFeed);
}

export async function getFeed(ctx: AppContext, viewer: Viewer, id: string): Promise<Feed> {
  return toFeed(await visibleFeed(ctx.store.db, viewer, id));
}

/** A feed by id or by name (the CLI's way); a name several teams use must be given as the id. */
export async function findFeed(ctx: AppContext, viewer: Viewer, ref: string): Promise<Feed> {
  refuseAnonymous(viewer);
  if (UUID.test(ref)) {
    const row = await q.findVisibleFeed(ctx.store.db, viewer, ref.toLowerCase());
    if (row) return toFeed(row);
  }
  const named = await q.visibleFeedsNamed(ctx.store.db, viewer, ref);
  if (named.length > 1) throw new Invalid('feed', `"${ref}" names feeds of ${named.map((r) => r.owner_name).join(', ')}: give the id`);
  if (!named[0]) throw new NotFound(`feed ${ref}`);
  return toFeed(named[0]);
}

// ---- settings ---------------------------------------------------------------------------------

/** The address as pulled: a TAXII API root and a MISP feed directory end with "/". */
function feedUrl(ctx: AppContext, kind: FeedKind, text: string): string {
  const url = checkFeedUrl(text.trim(), ctx.config.feedAllowedHosts).toString();
  if (kind === 'misp') return mispFeedBase(url);
  if (kind === 'taxii') return url.endsWith('/') ? url : `${url}/`;
  return url;
}

function credentialColumns(ctx: AppContext, kind: FeedKind, credentials: CredentialsInput | null): Pick<FeedTable, 'auth_type' | 'auth_user' | 'auth_header' | 'auth_secret'> {
  // Stored sealed: a copy of the database alone does not give away a remote's credentials.
  const seal = (secret: string) => sealSecret(ctx.config.dataDir, secret);
  if (credentials === null) return { auth_type: null, auth_user: null, auth_header: null, auth_secret: null };
  // The TAXII 2.1 client speaks HTTP Basic, which every TAXII server must take (an API key goes as the password).
  if (kind === 'taxii' && credentials.type !== 'basic') throw new Invalid('credentials.type', 'a TAXII feed sends HTTP Basic credentials (an API key goes as the password)');
  switch (credentials.type) {
    case 'basic':
      return { auth_type: 'basic', auth_user: credentials.username ?? (kind === 'taxii' ? 'sanad' : ''), auth_header: null, auth_secret: seal(credentials.password) };
    case 'bearer':
      return { auth_type: 'bearer', auth_user: null, auth_header: null, auth_secret: seal(credentials.token) };
    case 'header':
      return { auth_type: 'header', auth_user: null, auth_header: credentials.name.toLowerCase(), auth_secret: seal(credentials.value) };
  }
}

function sourceColumns(kind: FeedKind, input: Pick<CreateFeedInput, 'collectionId' | 'csv'>): Pick<FeedTable, 'collection_id' | 'csv_value_column' | 'csv_type_column' | 'csv_delimiter' | 'csv_header'> {
  if (kind === 'taxii' && !input.collectionId) throw new Invalid('collectionId', 'a TAXII feed names the collection it pulls');
  if (kind !== 'taxii' && input.collectionId !== undefined) throw new Invalid('collectionId', 'only a TAXII feed has a collection');
  if (kind === 'csv' && !input.csv) throw new Invalid('csv', 'a CSV feed names its value column (csv.valueColumn)');
  if (kind !== 'csv' && input.csv !== undefined) throw new Invalid('csv', 'only a CSV feed has columns');
  if (input.csv?.typeColumn && input.csv.typeColumn === input.csv.valueColumn) throw new Invalid('csv.typeColumn', 'is the value column');
  return {
    collection_id: kind === 'taxii' ? input.collectionId! : null,
    csv_value_column: input.csv?.valueColumn ?? null,
    csv_type_column: input.csv?.typeColumn ?? null,
    csv_delimiter: input.csv ? (input.csv.delimiter ?? ',') : null,
    csv_header: input.csv?.header ? 1 : 0,
  };
}

function defaultName(kind: FeedKind, url: string, collectionId: string | undefined): string {
  const parsed = new URL(url);
  const where = `${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  return `${kind} ${where}${collectionId ? ` ${collectionId.slice(0, 8)}` : ''}`.slice(0, 200);
}

function auditedSettings(row: Pick<FeedTable, 'kind' | 'url' | 'tlp' | 'pap' | 'distribution' | 'sharing_group_id' | 'enabled' | 'interval_minutes' | 'auth_type' | 'auth_secret'>) {
  return { kind: row.kind, url: row.url, tlp: row.tlp, pap: row.pap, distribution: row.distribution, sharingGroupId: row.sharing_group_id, enabled: row.enabled === 1, intervalMinutes: row.interval_minutes, credentials: row.auth_secret !== null ? row.auth_type : null };
}

export async function createFeed(ctx: AppContext, actor: Actor, input: CreateFeedInput): Promise<Feed> {
  const viewer = actor.viewer;
  refuseAnonymous(viewer);
  const ownerOrgId = input.orgId ?? (viewer.kind === 'user' ? viewer.orgId : undefined);
  if (!ownerOrgId) throw new Invalid('orgId', 'name the team that owns the feed');
  authorize(viewer, mayManageFeeds(viewer, ownerOrgId), "a team's feeds are managed by its org-admin");
  const url = feedUrl(ctx, input.kind, input.url);
  const source = sourceColumns(input.kind, input);
  const name = (input.name ?? defaultName(input.kind, url, input.collectionId)).trim();
  if (!name) throw new Invalid('name', 'must not be blank');
  const distribution = input.distribution ?? 'organisation';
  const handling = { tlp: input.tlp ?? 'AMBER', distribution, sharingGroupId: distribution === 'sharing_group' ? (input.sharingGroupId ?? null) : null };
  if (distribution !== 'sharing_group' && input.sharingGroupId) throw new Invalid('sharingGroupId', 'only with distribution sharing_group');
  const now = nowIso();
  const row: FeedTable = {
    id: newId(),
    owner_org_id: ownerOrgId,
    name,
    kind: input.kind,
    url,
    ...source,
    ...credentialColumns(ctx, input.kind, input.credentials ?? null),
    tlp: handling.tlp,
    pap: input.pap ?? 'AMBER',
    distribution,
    sharing_group_id: handling.sharingGroupId,
    publish: input.publish ? 1 : 0,
    enabled: input.enabled === false ? 0 : 1,
    interval_minutes: input.intervalMinutes ?? DEFAULT_INTERVAL_MINUTES,
    // Due at once: the schedule's next round brings what the remote holds.
    next_pull_at: now,
    status: 'never',
    pull_token: null,
    pull_started_at: null,
    pull_phase: null,
    pull_finished_at: null,
    last_success_at: null,
    last_error: null,
    last_notes: '[]',
    count_objects: 0,
    count_events: 0,
    count_indicators: 0,
    count_skipped: 0,
    count_invalid: 0,
    cursor: '{}',
    created_at: now,
    modified: now,
  };
  await ctx.store.db.transaction().execute(async (tx) => {
    if (!(await organisationExists(tx, ownerOrgId))) throw new Invalid('orgId', 'no such organisation');
    await checkFeedHandling(tx, ownerOrgId, handling);
    if (await q.feedNameTaken(tx, ownerOrgId, name)) throw new Conflict('name', `the team has a feed named "${name}" already`);
    await q.insertFeed(tx, row);
    await appendAudit(tx, ctx.store.engine, actor, { action: 'feed.create', objectType: 'feed', objectId: row.id, orgId: ownerOrgId, details: { name, ...auditedSettings(row) } });
  });
  return getFeed(ctx, viewer, row.id);
}

async function manageableFeed(tx: Tx, viewer: Viewer, id: string): Promise<q.FeedRow> {
  const row = await visibleFeed(tx, viewer, id);
  authorize(viewer, mayManageFeeds(viewer, row.owner_org_id), "a team's feeds are managed by its org-admin");
  return row;
}

export async function updateFeed(ctx: AppContext, actor: Actor, id: string, input: UpdateFeedInput): Promise<Feed> {
  const viewer = actor.viewer;
  await ctx.store.db.transaction().execute(async (tx) => {
    const row = await manageableFeed(tx, viewer, id);
    const kind = row.kind as FeedKind;
    const changes: Partial<FeedTable> = {};
    if (input.name !== undefined) {
      const name = input.name.trim();
      if (!name) throw new Invalid('name', 'must not be blank');
      if (await q.feedNameTaken(tx, row.owner_org_id, name, row.id)) throw new Conflict('name', `the team has a feed named "${name}" already`);
      changes.name = name;
    }
    // Another address, collection or column is another source: its cursor starts afresh.
    let newSource = input.resetCursor === true;
    if (input.url !== undefined) {
      const url = feedUrl(ctx, kind, input.url);
      if (url !== row.url) newSource = true;
      changes.url = url;
    }
    if (input.collectionId !== undefined || input.csv !== undefined) {
      const source = sourceColumns(kind, {
        collectionId: input.collectionId ?? row.collection_id ?? undefined,
        csv: input.csv ?? (kind === 'csv' ? { valueColumn: row.csv_value_column ?? 1, typeColumn: row.csv_type_column, delimiter: row.csv_delimiter ?? ',', header: row.csv_header === 1 } : undefined),
      });
      Object.assign(changes, source);
      newSource = true;
    }
    if (newSource) changes.cursor = '{}';
    if (input.credentials !== undefined) Object.assign(changes, credentialColumns(ctx, kind, input.credentials));

    const distribution = input.distribution ?? (row.distribution as Distribution);
    const sharingGroupId = distribution !== 'sharing_group' ? null : input.sharingGroupId !== undefined ? input.sharingGroupId : row.sharing_group_id;
    if (distribution !== 'sharing_group' && input.sharingGroupId) throw new Invalid('sharingGroupId', 'only with distribution sharing_group');
    const tlp = input.tlp ?? (row.tlp as Tlp);
    if (input.tlp !== undefined || input.distribution !== undefined || input.sharingGroupId !== undefined) {
      await checkFeedHandling(tx, row.owner_org_id, { tlp, distribution, sharingGroupId });
      Object.assign(changes, { tlp, distribution, sharing_group_id: sharingGroupId });
    }
    if (input.pap !== undefined) changes.pap = input.pap;
    if (input.publish !== undefined) changes.publish = input.publish ? 1 : 0;
    if (input.enabled !== undefined) changes.enabled = input.enabled ? 1 : 0;
    if (input.intervalMinutes !== undefined) {
      changes.interval_minutes = input.intervalMinutes;
      // A feed never pulled stays due as it is; otherwise the new interval counts from the last pull.
      if (row.pull_started_at) changes.next_pull_at = addSeconds(row.pull_started_at, input.intervalMinutes * 60);
    }
    changes.modified = nowIso();
    await q.updateFeed(tx, id, changes);
    const fields = Object.keys(input).filter((k) => k !== 'credentials');
    await appendAudit(tx, ctx.store.engine, actor, {
      action: 'feed.update',
      objectType: 'feed',
      objectId: id,
      orgId: row.owner_org_id,
      details: { fields, ...(input.credentials !== undefined ? { credentials: input.credentials === null ? 'removed' : `${input.credentials.type} set` } : {}), ...(newSource ? { cursorReset: true } : {}) },
    });
  });
  return getFeed(ctx, viewer, id);
}

/** Removes the feed; the events it brought stay with the team. */
export async function deleteFeed(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  await ctx.store.db.transaction().execute(async (tx) => {
    const row = await manageableFeed(tx, actor.viewer, id);
    await q.deleteFeed(tx, id);
    await appendAudit(tx, ctx.store.engine, actor, { action: 'feed.delete', objectType: 'feed', objectId: id, orgId: row.owner_org_id, details: { name: row.name, kind: row.kind, url: row.url } });
  });
}

// ---- pulling now ------------------------------------------------------------------------------

// Pulls started by a request run on after the answer when they take long; closing the server waits for them.
const pullsUnderway = new WeakMap<AppContext, Set<Promise<unknown>>>();

/** Resolves once every pull this process started for requests has ended. */
export async function settlePulls(ctx: AppContext): Promise<void> {
  await Promise.allSettled([...(pullsUnderway.get(ctx) ?? [])]);
}

/** Starts a pull of the feed and waits for it up to `waitMs`: `finished` says whether it ended in
 *  that time (the state then holds its outcome) or runs on (the state says "running", with counts). */
export async function requestPull(ctx: AppContext, actor: Actor, id: string, waitMs: number, options: PullOptions = {}): Promise<{ finished: boolean; feed: Feed }> {
  const viewer = actor.viewer;
  const row = await visibleFeed(ctx.store.db, viewer, id);
  authorize(viewer, mayPullFeed(viewer, row.owner_org_id), "a team's feeds are pulled by its analysts and org-admin");
  const token = await claimFeedPull(ctx, id);
  if (!token) throw new Conflict(undefined, 'this feed is being pulled already');
  // The outcome is recorded in the feed's state; a store failing now leaves the lease to expire.
  const run = runClaimedPull(ctx, actor, id, token, options).then(
    () => true,
    () => true,
  );
  const underway = pullsUnderway.get(ctx) ?? new Set();
  pullsUnderway.set(ctx, underway);
  underway.add(run);
  void run.finally(() => underway.delete(run));
  const timer = new AbortController();
  const finished = await Promise.race([run, sleep(waitMs, false, { signal: timer.signal, ref: false }).catch(() => false)]);
  timer.abort();
  return { finished, feed: await getFeed(ctx, viewer, id) };
}
