// Who manages this node's peers, and what a peer node may read of this node's directory.
//
// Peering is a node-level trust decision: a peer's key lets that machine speak for a whole state's
// node and receive whatever the handling rules let cross to it. It belongs with the node's
// administrators, who hold the node key and its configuration. The secretariat runs membership
// (organisations, tiers) rather than the node's machinery, so it may see the peers, to know which
// nodes the consortium is linked with, but not add, pause or remove them.
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { Viewer } from './viewer.ts';
import { hasRole } from './viewer.ts';

export function mayViewPeers(viewer: Viewer): boolean {
  return viewer.kind === 'system' || hasRole(viewer, 'admin', 'secretariat');
}

export function mayManagePeers(viewer: Viewer): boolean {
  return viewer.kind === 'system' || hasRole(viewer, 'admin');
}

/**
 * The organisations a peer node sees in this node's public directory: those whose home is this
 * node, once admitted (an applicant is not yet a member; suspended and departed teams stay listed
 * with their status, so that peers learn of the change). Nobody but a peer reads it this way.
 */
export function directoryVisibleToPeer(viewer: Viewer, thisNode: string) {
  return (eb: ExpressionBuilder<Database, 'organisation'>): Expression<SqlBool> => {
    if (viewer.kind !== 'peer') return eb.lit(false);
    return eb.and([eb('organisation.home_node', '=', thisNode), eb('organisation.status', '!=', 'applicant')]);
  };
}
