// Pulling from a peer: page after page from the cursor this node last stored, each page verified
// and applied in one transaction with the cursor that follows it. An interrupted pull (the peer
// or this node stopped mid-way) starts again from the last applied page: nothing lost, and a page
// received twice changes nothing the second time. A lease keeps two pulls from one peer apart.
import type { AppContext } from '../../../app.ts';
import { Conflict } from '../../../domain/errors.ts';
import { authorize, requireIdentified } from '../../../policy/authorize.ts';
import { mayManagePeers } from '../../../policy/federation.ts';
import type { Actor } from '../../../policy/viewer.ts';
import { addSeconds, nowIso } from '../../../store/time.ts';
import { appendAudit } from '../../audit/service.ts';
import { callPeer } from '../client.ts';
import { thisNode } from '../identity.ts';
import * as peers from '../queries.ts';
import { applyPage, type ApplyOutcome } from './apply.ts';
import * as q from './queries.ts';
import { DEFAULT_PAGE_RECORDS, type SyncPage } from './feed.ts';

const LEASE_SECONDS = 600;

export interface SyncProgress {
  peer: string;
  pages: number;
  records: number;
  tombstones: number;
  skipped: number;
  refused: number;
  /** Events of the peer's feed still ahead of this node's cursor after the last page. */
  behind: number;
  done: boolean;
}

export interface SyncOptions {
  pageRecords?: number;
  /** Stops after this many pages (the next call goes on from there). */
  maxPages?: number;
  onPage?: (progress: SyncProgress) => void;
}

export async function pullFromPeer(ctx: AppContext, actor: Actor, peerId: string, options: SyncOptions = {}): Promise<SyncProgress> {
  requireIdentified(actor.viewer);
  authorize(actor.viewer, mayManagePeers(actor.viewer), "only the node's administrators run its sync");
  const peer = await peers.peerById(ctx.store.db, peerId);
  if (!peer) throw new Conflict('peer', 'no such peer');
  if (peer.status !== 'active') throw new Conflict('peer', `the peer "${peer.name}" is paused: resume it to sync`);
  // The lease is the time it ends: a pull that died leaves one that others may take once it has passed.
  const now = nowIso();
  if (!(await q.takeSyncLease(ctx.store.db, peer.id, now, addSeconds(now, LEASE_SECONDS)))) throw new Conflict('peer', `a sync with "${peer.name}" is running already`);

  const self = await thisNode(ctx);
  const progress: SyncProgress = { peer: peer.name, pages: 0, records: 0, tombstones: 0, skipped: 0, refused: 0, behind: 0, done: false };
  let cursor = peer.sync_cursor ?? '';
  try {
    while (!progress.done && (options.maxPages === undefined || progress.pages < options.maxPages)) {
      const limit = options.pageRecords ?? DEFAULT_PAGE_RECORDS;
      const page = (await callPeer(ctx, { url: peer.base_url, name: peer.name }, 'GET', `/federation/v1/changes?limit=${limit}${cursor ? `&after=${encodeURIComponent(cursor)}` : ''}`)) as SyncPage;
      await applyPage(ctx, actor, peer, self.node, page, async (tx, outcome: ApplyOutcome) => {
        await q.recordPulledPage(tx, peer.id, page, { records: outcome.records, tombstones: outcome.tombstones, refused: outcome.refused.length });
        await appendAudit(tx, ctx.store.engine, actor, {
          action: 'federation.sync.batch',
          objectType: 'peer',
          objectId: peer.id,
          orgId: null,
          details: { peer: peer.name, records: outcome.records, tombstones: outcome.tombstones, skipped: outcome.skipped, refused: outcome.refused.length, position: page.position, head: page.head },
        });
        progress.records += outcome.records;
        progress.tombstones += outcome.tombstones;
        progress.skipped += outcome.skipped;
        progress.refused += outcome.refused.length;
      });
      cursor = page.cursor;
      progress.pages++;
      progress.behind = Math.max(0, page.head - page.position);
      progress.done = page.done;
      options.onPage?.({ ...progress });
    }
    await q.endPull(ctx.store.db, peer.id, { at: nowIso() });
    return progress;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await q.endPull(ctx.store.db, peer.id, { error: message });
    throw error;
  }
}

/** Pulls from every active peer in turn; a failing peer does not stop the others. */
export async function pullFromAllPeers(ctx: AppContext, actor: Actor, options: SyncOptions = {}): Promise<{ peer: string; progress?: SyncProgress; error?: string }[]> {
  const results: { peer: string; progress?: SyncProgress; error?: string }[] = [];
  for (const peer of await peers.listPeers(ctx.store.db)) {
    if (peer.status !== 'active') continue;
    try {
      results.push({ peer: peer.name, progress: await pullFromPeer(ctx, actor, peer.id, options) });
    } catch (error) {
      results.push({ peer: peer.name, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return results;
}
