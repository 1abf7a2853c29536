// Which TAXII 2.1 collections a caller has, and what each holds. A collection is a sharing scope —
// the caller's own team, the community, the federation, or one sharing group of the team — and
// always reads through the handling-rule predicates of intel.ts: a scope narrows what the caller may
// see, it never widens it.
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import { uuidV5 } from '../domain/stix/identifiers.ts';
import { SANAD_STIX_NAMESPACE } from '../domain/stix/markings.ts';
import type { Database } from '../store/schema.ts';
import { mayWriteIntel } from './events.ts';
import type { Viewer } from './viewer.ts';

export type CollectionScope = { kind: 'team'; orgId: string } | { kind: 'community' } | { kind: 'federation' } | { kind: 'group'; groupId: string; name: string };

export interface TaxiiCollection {
  id: string;
  title: string;
  description: string;
  scope: CollectionScope;
  canRead: boolean;
  canWrite: boolean;
}

function collectionId(scope: CollectionScope): string {
  switch (scope.kind) {
    case 'team':
      return uuidV5(SANAD_STIX_NAMESPACE, `taxii team ${scope.orgId}`);
    case 'group':
      return uuidV5(SANAD_STIX_NAMESPACE, `taxii group ${scope.groupId}`);
    default:
      return uuidV5(SANAD_STIX_NAMESPACE, `taxii ${scope.kind}`);
  }
}

/** The caller's collections: its team's own, the community's, the federation's and one per sharing
 *  group it belongs to; the anonymous (when the operator opened TLP:CLEAR) read the open two. */
export function taxiiCollectionsFor(viewer: Viewer, team: { name: string } | null, groups: { id: string; name: string }[]): TaxiiCollection[] {
  const of = (scope: CollectionScope, title: string, description: string, canWrite: boolean): TaxiiCollection => ({ id: collectionId(scope), title, description, scope, canRead: true, canWrite });
  if (viewer.kind === 'anonymous') {
    if (!viewer.mayReadClear) return [];
    return [
      of({ kind: 'community' }, 'Community', 'TLP:CLEAR intelligence shared with the community', false),
      of({ kind: 'federation' }, 'Federation', 'TLP:CLEAR intelligence shared across the federation', false),
    ];
  }
  if (viewer.kind !== 'user') return [];
  const write = mayWriteIntel(viewer);
  return [
    of({ kind: 'team', orgId: viewer.orgId }, `${team?.name ?? 'Team'}: own`, "Everything the team owns; objects posted here stay with the team", write),
    of({ kind: 'community' }, 'Community', 'Intelligence shared with every member team on this node; objects posted here are shared with them', write),
    of({ kind: 'federation' }, 'Federation', 'Intelligence shared with the member teams of every peered node; objects posted here travel to them', write),
    ...groups.map((group) => of({ kind: 'group', groupId: group.id, name: group.name }, `Sharing group: ${group.name}`, `Intelligence shared with the members of ${group.name}`, write)),
  ];
}

/** The handling an object posted to a collection is shared with, before its own markings. */
export function postedHandling(scope: CollectionScope): { distribution: 'organisation' | 'community' | 'federation' | 'sharing_group'; sharingGroupId?: string; tlp: 'GREEN' | 'AMBER' } {
  switch (scope.kind) {
    case 'team':
      return { distribution: 'organisation', tlp: 'AMBER' };
    case 'community':
      return { distribution: 'community', tlp: 'GREEN' };
    case 'federation':
      return { distribution: 'federation', tlp: 'GREEN' };
    case 'group':
      return { distribution: 'sharing_group', sharingGroupId: scope.groupId, tlp: 'AMBER' };
  }
}

/** STIX objects held in the collection's scope (to be combined with stixObjectsVisibleTo). */
export function stixObjectsInScope(scope: CollectionScope) {
  return (eb: ExpressionBuilder<Database, 'stix_object' | 'event'>): Expression<SqlBool> => {
    const distribution = eb.fn.coalesce('stix_object.distribution', 'event.distribution');
    switch (scope.kind) {
      case 'team':
        return eb('event.owner_org_id', '=', scope.orgId);
      case 'group':
        return eb.and([eb(distribution, '=', 'sharing_group'), eb(eb.fn.coalesce('stix_object.sharing_group_id', 'event.sharing_group_id'), '=', scope.groupId)]);
      default:
        return eb(distribution, '=', scope.kind);
    }
  };
}

/** Sanad's own indicators in the collection's scope (to be combined with indicatorsVisibleTo). */
export function indicatorsInScope(scope: CollectionScope) {
  return (eb: ExpressionBuilder<Database, 'indicator' | 'event'>): Expression<SqlBool> => {
    const distribution = eb.fn.coalesce('indicator.distribution', 'event.distribution');
    switch (scope.kind) {
      case 'team':
        return eb('event.owner_org_id', '=', scope.orgId);
      case 'group':
        return eb.and([eb(distribution, '=', 'sharing_group'), eb(eb.fn.coalesce('indicator.sharing_group_id', 'event.sharing_group_id'), '=', scope.groupId)]);
      default:
        return eb(distribution, '=', scope.kind);
    }
  };
}

/** A TAXII status resource is read by the team whose POST it reports. */
export function taxiiStatusesVisibleTo(viewer: Viewer) {
  return (eb: ExpressionBuilder<Database, 'taxii_status'>): Expression<SqlBool> => {
    if (viewer.kind === 'system') return eb.lit(true);
    if (viewer.kind !== 'user') return eb.lit(false);
    return eb('taxii_status.org_id', '=', viewer.orgId);
  };
}
