// Use-cases of peering: the operator adds, lists, pauses, resumes and removes peer nodes, and checks
// the link to one. Who may do what is the policy's (policy/federation.ts); every change is audited.
import type { AppContext } from '../../app.ts';
import { Conflict, Invalid, NotFound } from '../../domain/errors.ts';
import { nodePublicKey } from '../../domain/federation/node-key.ts';
import { verifyRecord } from '../../domain/federation/record-signature.ts';
import { authorize, requireIdentified } from '../../policy/authorize.ts';
import { mayManagePeers, mayViewPeers } from '../../policy/federation.ts';
import type { Actor, Viewer } from '../../policy/viewer.ts';
import type { Tx } from '../../store/db.ts';
import { newId } from '../../store/ids.ts';
import { nowIso } from '../../store/time.ts';
import { appendAudit } from '../audit/service.ts';
import { keyFingerprint } from '../node/keys.ts';
import { callPeer, FederationCallError } from './client.ts';
import { thisNode } from './identity.ts';
import * as q from './queries.ts';
import type { CreatePeerInput, Directory, DirectoryOrganisation, Hello, Peer, PeerStatus, UpdatePeerInput } from './schemas.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function toPeer(row: q.PeerRow): Peer {
  return {
    id: row.id,
    name: row.name,
    url: row.base_url,
    publicKey: row.public_key,
    fingerprint: row.fingerprint,
    status: row.status as PeerStatus,
    createdAt: row.created_at,
    modified: row.modified,
    lastContactAt: row.last_contact_at,
    lastError: row.last_error,
    sync: {
      lastSyncAt: row.last_sync_at ?? null,
      lastError: row.last_sync_error ?? null,
      running: Boolean(row.sync_lease && row.sync_lease > nowIso()),
      behind: row.remote_head == null || row.remote_position == null ? null : Math.max(0, Number(row.remote_head) - Number(row.remote_position)),
      receivedRecords: Number(row.received_records ?? 0),
      receivedTombstones: Number(row.received_tombstones ?? 0),
      refusedRecords: Number(row.refused_records ?? 0),
    },
  };
}

function mayView(viewer: Viewer): void {
  requireIdentified(viewer);
  authorize(viewer, mayViewPeers(viewer), "only the node's administrators and secretariat see its peers");
}

function mayManage(viewer: Viewer): void {
  requireIdentified(viewer);
  authorize(viewer, mayManagePeers(viewer), "only the node's administrators manage its peers");
}

/** The base URL as stored: http(s), no credentials, query or fragment, no trailing slash. */
export function peerBaseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new Invalid('url', 'must be an absolute http or https URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Invalid('url', 'must be an http or https URL');
  if (url.username || url.password) throw new Invalid('url', 'must not carry credentials: peers authenticate with their keys');
  if (url.search || url.hash) throw new Invalid('url', 'must not have a query or a fragment');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

export async function listPeers(ctx: AppContext, viewer: Viewer): Promise<Peer[]> {
  mayView(viewer);
  return (await q.listPeers(ctx.store.db)).map(toPeer);
}

async function existingPeer(tx: Tx, id: string): Promise<q.PeerRow> {
  const row = UUID.test(id) ? await q.peerById(tx, id.toLowerCase()) : undefined;
  if (!row) throw new NotFound('peer');
  return row;
}

export async function getPeer(ctx: AppContext, viewer: Viewer, id: string): Promise<Peer> {
  mayView(viewer);
  return toPeer(await existingPeer(ctx.store.db, id));
}

/** A peer by id or by name (the CLI's way). */
export async function findPeer(ctx: AppContext, viewer: Viewer, ref: string): Promise<Peer> {
  mayView(viewer);
  const row = (UUID.test(ref) ? await q.peerById(ctx.store.db, ref.toLowerCase()) : undefined) ?? (await q.peerByName(ctx.store.db, ref));
  if (!row) throw new NotFound(`peer ${ref}`);
  return toPeer(row);
}

export async function createPeer(ctx: AppContext, actor: Actor, input: CreatePeerInput): Promise<Peer> {
  mayManage(actor.viewer);
  const baseUrl = peerBaseUrl(input.url);
  const publicKey = input.publicKey.trim();
  nodePublicKey(publicKey, 'publicKey');
  const name = input.name?.trim() || new URL(baseUrl).host;
  const self = await thisNode(ctx);
  if (publicKey === self.publicKey) throw new Invalid('publicKey', "is this node's own key: a node does not peer with itself");
  const fingerprint = keyFingerprint(publicKey);
  return ctx.store.db.transaction().execute(async (tx) => {
    for (const clash of await q.clashingPeers(tx, publicKey, baseUrl, name)) {
      if (clash.public_key === publicKey) throw new Conflict('publicKey', `the peer "${clash.name}" already has this key (fingerprint ${fingerprint})`);
      if (clash.base_url === baseUrl) throw new Conflict('url', `the peer "${clash.name}" already has the address ${baseUrl}`);
      throw new Conflict('name', `a peer is already named "${name}"`);
    }
    const now = nowIso();
    const row = { id: newId(), name, base_url: baseUrl, public_key: publicKey, fingerprint, status: 'active', created_at: now, modified: now, last_contact_at: null, last_error: null };
    await q.insertPeer(tx, row);
    await appendAudit(tx, ctx.store.engine, actor, { action: 'peer.create', objectType: 'peer', objectId: row.id, orgId: null, details: { name, url: baseUrl, fingerprint } });
    return toPeer((await q.peerById(tx, row.id))!);
  });
}

export async function updatePeer(ctx: AppContext, actor: Actor, id: string, input: UpdatePeerInput): Promise<Peer> {
  mayManage(actor.viewer);
  return ctx.store.db.transaction().execute(async (tx) => {
    const row = await existingPeer(tx, id);
    if (row.status === input.status) return toPeer(row);
    const modified = nowIso();
    await q.updatePeer(tx, row.id, { status: input.status, modified });
    await appendAudit(tx, ctx.store.engine, actor, {
      action: input.status === 'paused' ? 'peer.pause' : 'peer.resume',
      objectType: 'peer',
      objectId: row.id,
      orgId: null,
      details: { name: row.name, from: row.status, to: input.status },
    });
    return toPeer({ ...row, status: input.status, modified });
  });
}

export async function deletePeer(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  mayManage(actor.viewer);
  await ctx.store.db.transaction().execute(async (tx) => {
    const row = await existingPeer(tx, id);
    await q.deletePeer(tx, row.id);
    await appendAudit(tx, ctx.store.engine, actor, { action: 'peer.delete', objectType: 'peer', objectId: row.id, orgId: null, details: { name: row.name, url: row.base_url, fingerprint: row.fingerprint } });
  });
}

// ---- outgoing calls -----------------------------------------------------------------------------

/** Records the outcome of a call to the peer: the time of a success, or the error of a failure. */
async function recordOutcome(ctx: AppContext, peerId: string, error: string | null): Promise<void> {
  const changes = error === null ? { last_contact_at: nowIso(), last_error: null } : { last_error: error };
  await q.updatePeer(ctx.store.db, peerId, changes);
}

export type LinkCheck =
  | { ok: true; peer: Peer; hello: Hello; renamed: boolean }
  /** `notPeered`: the peer refused our signature, most likely because it has not added this node yet. */
  | { ok: false; peer: Peer; error: string; notPeered: boolean };

/**
 * Calls the peer's hello with this node's signature. On success the peer's announced key must be
 * the one we hold; a peer still named after its host takes the name it announces.
 */
export async function checkPeerLink(ctx: AppContext, actor: Actor, id: string): Promise<LinkCheck> {
  mayManage(actor.viewer);
  const row = await existingPeer(ctx.store.db, id);
  let hello: Hello;
  try {
    hello = (await callPeer(ctx, toPeer(row), 'GET', '/federation/v1/hello')) as Hello;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await recordOutcome(ctx, row.id, message);
    const notPeered = error instanceof FederationCallError && error.peerStatus === 401;
    return { ok: false, peer: toPeer({ ...row, last_error: message }), error: message, notPeered };
  }
  if (hello.publicKey !== row.public_key) {
    const message = `the peer answers with another key (fingerprint ${typeof hello.publicKey === 'string' ? keyFingerprint(hello.publicKey) : '?'}) than the one added (${row.fingerprint})`;
    await recordOutcome(ctx, row.id, message);
    return { ok: false, peer: toPeer({ ...row, last_error: message }), error: message, notPeered: false };
  }
  const renamed = (await adoptAnnouncedName(ctx, actor, row, hello.node)) !== row.name;
  await recordOutcome(ctx, row.id, null);
  return { ok: true, peer: toPeer((await q.peerById(ctx.store.db, row.id))!), hello, renamed };
}

/**
 * A peer added without a name is named after its host until it answers a signed call: it then takes
 * the name it announces (which its records are signed with), unless another peer holds that name.
 * Returns the peer's name from now on.
 */
async function adoptAnnouncedName(ctx: AppContext, actor: Actor, row: q.PeerRow, announcedName: unknown): Promise<string> {
  const announced = typeof announcedName === 'string' ? announcedName.trim() : '';
  if (!announced || announced === row.name || row.name !== new URL(row.base_url).host) return row.name;
  return ctx.store.db.transaction().execute(async (tx) => {
    if (await q.peerByName(tx, announced)) return row.name;
    await q.updatePeer(tx, row.id, { name: announced, modified: nowIso() });
    await appendAudit(tx, ctx.store.engine, actor, { action: 'peer.rename', objectType: 'peer', objectId: row.id, orgId: null, details: { from: row.name, to: announced } });
    return announced;
  });
}

export interface VerifiedDirectory {
  peer: Peer;
  organisations: DirectoryOrganisation[];
}

/**
 * Fetches the peer's directory and checks that every entry was signed by the peer itself, with the
 * key this node holds for it. One bad entry refuses the whole answer: it says the link is not to be trusted.
 */
export async function fetchPeerDirectory(ctx: AppContext, actor: Actor, id: string): Promise<VerifiedDirectory> {
  mayManage(actor.viewer);
  const row = await existingPeer(ctx.store.db, id);
  let directory: Directory;
  try {
    directory = (await callPeer(ctx, toPeer(row), 'GET', '/federation/v1/directory')) as Directory;
    if (!directory || !Array.isArray(directory.items)) throw new Invalid('directory', 'the answer is not a directory');
    // Every entry then has to be signed with the peer's key under the name it announces.
    const name = await adoptAnnouncedName(ctx, actor, row, directory.node);
    verifyDirectory(directory, name, row.public_key);
  } catch (error) {
    await recordOutcome(ctx, row.id, error instanceof Error ? error.message : String(error));
    throw error;
  }
  await recordOutcome(ctx, row.id, null);
  return { peer: toPeer((await q.peerById(ctx.store.db, row.id))!), organisations: directory.items.map((entry) => entry.organisation) };
}

/** Throws Invalid naming the first entry that the origin did not sign as it stands. */
export function verifyDirectory(directory: Directory, origin: string, publicKey: string): void {
  directory.items.forEach((entry, index) => {
    if (entry?.provenance?.node !== origin) throw new Invalid(`items[${index}].provenance.node`, `the entry is signed as "${String(entry?.provenance?.node)}", not by the peer "${origin}"`);
    verifyRecord(entry.organisation, entry.provenance, publicKey);
  });
}
