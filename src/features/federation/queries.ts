// Peers, the nonces of their accepted requests, and the directory this node shows them.
import type { Insertable, Selectable, Updateable } from 'kysely';
import { directoryVisibleToPeer } from '../../policy/federation.ts';
import type { Viewer } from '../../policy/viewer.ts';
import type { Tx } from '../../store/db.ts';
import type { OrganisationTable, PeerTable } from '../../store/schema.ts';

export type PeerRow = Selectable<PeerTable>;

export async function listPeers(tx: Tx): Promise<PeerRow[]> {
  return tx.selectFrom('peer').selectAll().orderBy('name').orderBy('id').execute();
}

export async function peerById(tx: Tx, id: string): Promise<PeerRow | undefined> {
  return tx.selectFrom('peer').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function peerByName(tx: Tx, name: string): Promise<PeerRow | undefined> {
  return tx.selectFrom('peer').selectAll().where('name', '=', name).executeTakeFirst();
}

export async function peerByFingerprint(tx: Tx, fingerprint: string): Promise<PeerRow | undefined> {
  return tx.selectFrom('peer').selectAll().where('fingerprint', '=', fingerprint).executeTakeFirst();
}

/** The peer already holding this key, address or name, if any: which of them clashes is the caller's to say. */
export async function clashingPeers(tx: Tx, publicKey: string, baseUrl: string, name: string): Promise<PeerRow[]> {
  return tx
    .selectFrom('peer')
    .selectAll()
    .where((eb) => eb.or([eb('public_key', '=', publicKey), eb('base_url', '=', baseUrl), eb('name', '=', name)]))
    .execute();
}

export async function insertPeer(tx: Tx, row: Insertable<PeerTable>): Promise<void> {
  await tx.insertInto('peer').values(row).execute();
}

export async function updatePeer(tx: Tx, id: string, changes: Updateable<PeerTable>): Promise<void> {
  await tx.updateTable('peer').set(changes).where('id', '=', id).execute();
}

export async function deletePeer(tx: Tx, id: string): Promise<void> {
  await tx.deleteFrom('peer_nonce').where('peer_id', '=', id).execute();
  await tx.deleteFrom('peer').where('id', '=', id).execute();
}

/** Remembers the nonce; false when the peer had used it already (the database decides, so two
 *  copies of one request racing each other cannot both pass). */
export async function rememberNonce(tx: Tx, peerId: string, nonce: string, seenAt: string): Promise<boolean> {
  const result = await tx
    .insertInto('peer_nonce')
    .values({ peer_id: peerId, nonce, seen_at: seenAt })
    .onConflict((oc) => oc.columns(['peer_id', 'nonce']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export async function forgetNoncesBefore(tx: Tx, cutoff: string): Promise<void> {
  await tx.deleteFrom('peer_nonce').where('seen_at', '<', cutoff).execute();
}

export type DirectoryRow = Pick<OrganisationTable, 'id' | 'name' | 'short_name' | 'country' | 'tier' | 'status' | 'home_node' | 'modified_at'>;

export async function directoryForPeer(tx: Tx, viewer: Viewer, thisNode: string): Promise<DirectoryRow[]> {
  return tx
    .selectFrom('organisation')
    .select(['id', 'name', 'short_name', 'country', 'tier', 'status', 'home_node', 'modified_at'])
    .where(directoryVisibleToPeer(viewer, thisNode))
    .orderBy('name')
    .orderBy('id')
    .execute();
}
