// The change feed a peer pulls: after its cursor, what it may now hold of this node's events and
// their indicators, what it must drop (tombstones), each record with the signed chain that proves
// where it came from. Which records may cross is the policy's (eventsVisibleTo/indicatorsVisibleTo
// with the peer as viewer), evaluated in the database for each page.
//
// The unit of change is the event: any write to an event or its indicators renumbers the event, and
// the page then gives the peer either the whole event (a snapshot, when the peer does not hold it or
// its handling changed since) or what changed since the version it holds. What a peer holds is
// recorded when it acknowledges a page by asking for the next one, so an interrupted pull resumes
// from its last cursor with nothing lost and nothing applied twice (the receiver skips versions it has).
import type { AppContext } from '../../../app.ts';
import { Invalid, Unauthorized } from '../../../domain/errors.ts';
import { checkChain, manifestId, MAX_MANIFEST_VERSIONS, signManifest, type Chain, type Manifest, type ManifestEntry } from '../../../domain/federation/manifest.ts';
import { recordVersionId, signRecord, type Provenance } from '../../../domain/federation/record-signature.ts';
import type { PeerViewer, Viewer } from '../../../policy/viewer.ts';
import type { Tx } from '../../../store/db.ts';
import type { PeerEventTable } from '../../../store/schema.ts';
import { fromJson } from '../../../store/json.ts';
import { thisNode, type NodeSigner } from '../identity.ts';
import { peerByName, type PeerRow } from '../queries.ts';
import * as q from './queries.ts';
import { asJson, eventRecord, handlingKey, indicatorRecord, tombstoneRecord, type EventRecord, type SyncRecord } from './records.ts';

export const DEFAULT_PAGE_RECORDS = 2000;
export const MAX_PAGE_RECORDS = 10_000;
const EVENTS_PER_READ = 50;

export interface SyncChange {
  record: SyncRecord;
  chain: Chain;
  /** On an event: the receiver replaces what it holds of the event with what follows. */
  snapshot?: true;
}

/** The key of a node named in the page's chains, vouched for by the sending node. */
export interface NodeKeyEntry {
  node: string;
  publicKey: string;
  provenance: Provenance;
}

export interface SyncPage {
  node: string;
  /** The sender's newest feed position: how far behind the receiver is. */
  head: number;
  /** Where the cursor stands in the same numbering. */
  position: number;
  cursor: string;
  done: boolean;
  /** The event whose indicators go on in the next page, if any. */
  partial: string | null;
  keys: NodeKeyEntry[];
  manifests: Manifest[];
  changes: SyncChange[];
}

/** Stored with a received event: the origin's record as received, its chain, and the nodes of the chain. */
export interface StoredProvenance {
  record: SyncRecord;
  chain: Chain;
  nodes: string[];
}

// ---- cursor -------------------------------------------------------------------------------------

interface InProgress {
  seq: number;
  id: string;
  /** Indicators changed after this version (a delta), or all of them (a snapshot: null). */
  since: string | null;
  after: [string, string] | null;
  version: string;
  handling: string;
}

interface FeedCursor {
  /** Every event numbered up to here is done. */
  s: number;
  e?: InProgress;
}

export function encodeFeedCursor(cursor: FeedCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeFeedCursor(text: string | undefined): FeedCursor {
  if (text === undefined || text === '') return { s: 0 };
  const bad = () => new Invalid('after', 'is not a cursor this node gave');
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (typeof value !== 'object' || value === null) throw bad();
  const { s, e } = value as FeedCursor;
  if (!Number.isSafeInteger(s) || s < 0) throw bad();
  if (e === undefined) return { s };
  const isText = (v: unknown) => typeof v === 'string' && v.length <= 200;
  if (
    typeof e !== 'object' || e === null || !Number.isSafeInteger(e.seq) || e.seq <= s || !isText(e.id) || !isText(e.version) || !isText(e.handling) ||
    !(e.since === null || isText(e.since)) || !(e.after === null || (Array.isArray(e.after) && e.after.length === 2 && e.after.every(isText)))
  ) {
    throw bad();
  }
  return { s, e: { seq: e.seq, id: e.id, since: e.since, after: e.after, version: e.version, handling: e.handling } };
}

// ---- page ---------------------------------------------------------------------------------------

/** A change before signing: own records get an origin manifest, relayed ones keep their chain and get a relay entry. */
interface Pending {
  record: SyncRecord;
  /** The chain as received, for a record that started elsewhere. */
  received?: Chain;
  snapshot?: true;
}

/**
 * The page after `after` for the peer, at most `limit` records. Asking for it acknowledges
 * everything up to `after`. Read in one transaction, so that the page is one consistent view.
 */
export async function feedPage(ctx: AppContext, peer: PeerRow, after: string | undefined, limit: number): Promise<SyncPage> {
  const cursor = decodeFeedCursor(after);
  const self = await thisNode(ctx);
  const viewer: PeerViewer = { kind: 'peer', node: peer.name };
  await ctx.store.db.transaction().execute((tx) => q.numberNewChanges(tx));
  return ctx.store.db.transaction().execute(async (tx) => {
    await q.acknowledge(tx, peer.id, cursor.s);
    const changes: Pending[] = [];
    const ledger: PeerEventTable[] = [];
    let position: FeedCursor = { s: cursor.s };

    /** Serves the event's indicators from `progress`; false when the page filled up first. */
    const serveIndicators = async (event: q.FeedEventRow, progress: InProgress): Promise<boolean> => {
      for (;;) {
        const room = limit - changes.length;
        if (room <= 0) {
          position = { s: position.s, e: progress };
          return false;
        }
        const rows = await q.feedIndicators(tx, viewer, event.id, { since: progress.since, after: progress.after, onlyVisible: progress.since === null, limit: room });
        if (rows.length === 0) return true;
        const tags = await q.indicatorTags(tx, rows.map((r) => r.id));
        for (const row of rows) {
          const received = row.provenance ? fromJson<Chain | null>(row.provenance, null) ?? undefined : undefined;
          if (row.visible === 1) {
            changes.push({ record: indicatorRecord(row, tags.get(row.id) ?? []), ...(received ? { received } : {}) });
          } else if (row.deleted === 1 && row.had === 1) {
            changes.push({ record: tombstoneRecord('indicator', row.id, row.event_id, row.modified, 'deleted', event.origin_node), ...(received ? { received } : {}) });
          }
        }
        const last = rows.at(-1)!;
        progress = { ...progress, after: [last.modified, last.id] };
        if (rows.length < room) return true;
      }
    };

    const finish = (event: q.FeedEventRow, held: { version: string; handling: string } | null) => {
      ledger.push({ peer_id: peer.id, event_id: event.id, version: held?.version ?? null, handling: held?.handling ?? null, seq: event.feed_seq });
      position = { s: event.feed_seq };
    };

    // An event left half-served by the previous page goes on where it stopped, unless it changed since.
    if (cursor.e) {
      const event = await q.feedEventById(tx, viewer, cursor.e.id);
      if (event && event.feed_seq === cursor.e.seq && event.visible) {
        if (!(await serveIndicators(event, cursor.e))) return sign(tx, self, peer, position, changes, ledger);
        finish(event, { version: cursor.e.version, handling: cursor.e.handling });
      }
      // Otherwise it comes again at its new number.
    }

    read: for (;;) {
      const events = await q.nextFeedEvents(tx, viewer, position.s, EVENTS_PER_READ);
      if (events.length === 0) break;
      const held = await q.heldByPeer(tx, peer.id, events.map((e) => e.id));
      for (const event of events) {
        if (changes.length >= limit) break read;
        const holding = held.get(event.id);
        if (!event.visible) {
          if (holding) changes.push(eventTombstone(event, self.node));
          finish(event, null);
          continue;
        }
        const handling = handlingKey(event);
        const snapshot = !holding || holding.handling !== handling;
        if (!snapshot && holding.version >= event.modified) {
          finish(event, holding);
          continue;
        }
        const stored = event.provenance ? fromJson<StoredProvenance | null>(event.provenance, null) : null;
        const record: EventRecord = stored?.record.type === 'event' ? stored.record : eventRecord(event, await q.eventTags(tx, event.id));
        changes.push({ record, ...(stored ? { received: stored.chain } : {}), ...(snapshot ? { snapshot: true as const } : {}) });
        const progress: InProgress = { seq: event.feed_seq, id: event.id, since: snapshot ? null : holding.version, after: null, version: event.modified, handling };
        if (!(await serveIndicators(event, progress))) break read;
        finish(event, { version: event.modified, handling });
      }
      if (events.length < EVENTS_PER_READ) break;
    }
    return sign(tx, self, peer, position, changes, ledger);
  });
}

/** The page for the peer that signed the request (the transport has authenticated it). */
export async function feedPageForCaller(ctx: AppContext, viewer: Viewer, after: string | undefined, limit: number): Promise<SyncPage> {
  const peer = viewer.kind === 'peer' ? await peerByName(ctx.store.db, viewer.node) : undefined;
  if (!peer) throw new Unauthorized('only a peer node reads the change feed');
  return feedPage(ctx, peer, after, limit);
}

/** The tombstone a peer holding the event gets once it may no longer see it. */
function eventTombstone(event: q.FeedEventRow, self: string): Pending {
  const stored = event.provenance ? fromJson<StoredProvenance | null>(event.provenance, null) : null;
  // A deletion travels as its origin signed it; anything else is this node withdrawing what it passed on.
  if (event.deleted === 1 && stored?.record.type === 'tombstone' && stored.record.reason === 'deleted') return { record: stored.record, received: stored.chain };
  if (event.deleted === 1 && event.origin_node === self) return { record: tombstoneRecord('event', event.id, null, event.modified, 'deleted', self) };
  return { record: tombstoneRecord('event', event.id, null, event.modified, 'withdrawn', self) };
}

async function sign(tx: Tx, self: NodeSigner, peer: PeerRow, position: FeedCursor, pending: Pending[], ledger: PeerEventTable[]): Promise<SyncPage> {
  await q.recordPending(tx, ledger);
  const now = new Date();
  const versions = pending.map((change) => recordVersionId(asJson(change.record)));
  const manifests = new Map<string, Manifest>();
  const add = (manifest: Manifest): string => {
    const id = manifestId(manifest);
    manifests.set(id, manifest);
    return id;
  };

  // Records this node writes (or withdraws) are signed as origin; records it passes on keep their
  // chain, whose manifests come from the store, and get one relay entry signed now.
  const own = pending.map((change, index) => (change.received ? -1 : index)).filter((index) => index >= 0);
  const relayed = pending.map((change, index) => (change.received ? index : -1)).filter((index) => index >= 0);
  const chains: Chain[] = new Array(pending.length);
  for (let i = 0; i < own.length; i += MAX_MANIFEST_VERSIONS) {
    const group = own.slice(i, i + MAX_MANIFEST_VERSIONS);
    const id = add(signManifest(group.map((index) => versions[index]!), self, 'origin', now));
    group.forEach((index, position) => (chains[index] = { origin: [id, position], relays: [] }));
  }
  const storedIds = new Set<string>();
  for (const index of relayed) {
    const chain = pending[index]!.received!;
    for (const entry of [chain.origin, ...chain.relays]) storedIds.add(entry[0]);
  }
  const stored = new Map<string, Manifest>();
  for (const row of await q.manifestsByIds(tx, [...storedIds])) {
    const manifest: Manifest = { node: row.node, role: row.role as Manifest['role'], signedAt: row.signed_at, versions: fromJson<string[]>(row.versions, []), signature: row.signature };
    stored.set(row.id, manifest);
  }
  const relayable = relayed.filter((index) => {
    // A chain this node cannot show in full (a manifest lost) is not passed on.
    try {
      const nodes = checkChain(versions[index]!, pending[index]!.received!, (id) => stored.get(id));
      return !nodes.includes(peer.name);
    } catch {
      return false;
    }
  });
  for (let i = 0; i < relayable.length; i += MAX_MANIFEST_VERSIONS) {
    const group = relayable.slice(i, i + MAX_MANIFEST_VERSIONS);
    const id = add(signManifest(group.map((index) => versions[index]!), self, 'relay', now));
    group.forEach((index, position) => {
      const received = pending[index]!.received!;
      for (const entry of [received.origin, ...received.relays]) manifests.set(entry[0], stored.get(entry[0])!);
      const link: ManifestEntry = [id, position];
      chains[index] = { origin: received.origin, relays: [...received.relays, link] };
    });
  }

  const changes: SyncChange[] = [];
  pending.forEach((change, index) => {
    const chain = chains[index];
    if (chain) changes.push({ record: change.record, chain, ...(change.snapshot ? { snapshot: true as const } : {}) });
  });
  const otherNodes = new Set([...manifests.values()].map((m) => m.node).filter((node) => node !== self.node && node !== peer.name));
  const known = await q.knownNodeKeys(tx);
  const keys: NodeKeyEntry[] = [];
  for (const node of otherNodes) {
    const publicKey = known.get(node);
    if (publicKey) keys.push({ node, publicKey, provenance: signRecord({ node, publicKey }, self, now) });
  }
  const done = position.e === undefined && (await q.nextFeedEvents(tx, { kind: 'peer', node: peer.name }, position.s, 1)).length === 0;
  return { node: self.node, head: await q.feedHead(tx), position: position.s, cursor: encodeFeedCursor(position), done, partial: position.e?.id ?? null, keys, manifests: [...manifests.values()], changes };
}
