// Who may see shared intelligence: the handling rules (distribution ∩ TLP, publication, tombstones)
// turned into one SQL predicate per viewer. Every read of events and indicators filters with these;
// `reference-model.ts` states the same rules in plain code and property tests keep the two equal.
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { Viewer } from './viewer.ts';

/** The columns (or expressions) that decide who a record reaches. */
export interface Reach {
  owner: Expression<string>;
  published: Expression<number>;
  deleted: Expression<number>;
  distribution: Expression<string>;
  sharingGroup: Expression<string | null>;
  tlp: Expression<string>;
}

// Distributions that name no recipient: TLP:RED never travels through them.
const OPEN_DISTRIBUTIONS = ['community', 'federation'];

/** The handling rules for any shared record (events, indicators, advisories…), over its columns. */
export function reaches(eb: ExpressionBuilder<Database, never>, viewer: Viewer, r: Reach): Expression<SqlBool> {
  const live = eb(r.deleted, '=', 0);
  const published = eb(r.published, '=', 1);
  const notRed = eb(r.tlp, '!=', 'RED');
  switch (viewer.kind) {
    case 'system':
      return live;
    case 'user': {
      const inGroup = eb.exists(
        eb
          .selectFrom('sharing_group_org')
          .select(sql.lit(1).as('one'))
          .where('sharing_group_org.group_id', '=', r.sharingGroup as Expression<string>)
          .where('sharing_group_org.org_id', '=', viewer.orgId),
      );
      // Only a team in good standing receives what others share; a suspended, departed or
      // applying team keeps seeing its own records.
      const activeMember = eb.exists(
        eb.selectFrom('organisation').select(sql.lit(1).as('one')).where('organisation.id', '=', viewer.orgId).where('organisation.status', '=', 'member'),
      );
      return eb.and([
        live,
        eb.or([
          eb(r.owner, '=', viewer.orgId),
          eb.and([
            published,
            activeMember,
            eb.or([
              eb.and([eb(r.distribution, '=', 'sharing_group'), inGroup]),
              eb.and([eb(r.distribution, 'in', OPEN_DISTRIBUTIONS), notRed]),
            ]),
          ]),
        ]),
      ]);
    }
    case 'anonymous':
      if (!viewer.mayReadClear) return eb.lit(false);
      return eb.and([live, published, eb(r.tlp, '=', 'CLEAR'), eb(r.distribution, 'in', OPEN_DISTRIBUTIONS)]);
    case 'peer': {
      // A group's records go to a node that the group is released to and that hosts one of its members.
      const releasedTo = eb.exists(
        eb
          .selectFrom('sharing_group_node')
          .select(sql.lit(1).as('one'))
          .where('sharing_group_node.group_id', '=', r.sharingGroup as Expression<string>)
          .where('sharing_group_node.node', '=', viewer.node),
      );
      const memberThere = eb.exists(
        eb
          .selectFrom('sharing_group_org')
          .innerJoin('organisation', 'organisation.id', 'sharing_group_org.org_id')
          .select(sql.lit(1).as('one'))
          .where('sharing_group_org.group_id', '=', r.sharingGroup as Expression<string>)
          .where('organisation.home_node', '=', viewer.node)
          .where('organisation.status', '=', 'member'),
      );
      return eb.and([
        live,
        published,
        eb.or([
          eb.and([eb(r.distribution, '=', 'federation'), notRed]),
          eb.and([eb(r.distribution, '=', 'sharing_group'), releasedTo, memberThere]),
        ]),
      ]);
    }
  }
}

/** Everyone may ask for shared intelligence (the predicates decide what they get), except the
 *  anonymous when the operator has not opened TLP:CLEAR to them. */
export function mayReadIntel(viewer: Viewer): boolean {
  return viewer.kind !== 'anonymous' || Boolean(viewer.mayReadClear);
}

/** Events the viewer may see. */
export function eventsVisibleTo(viewer: Viewer) {
  return (eb: ExpressionBuilder<Database, 'event'>): Expression<SqlBool> =>
    reaches(eb as unknown as ExpressionBuilder<Database, never>, viewer, {
      owner: eb.ref('event.owner_org_id'),
      published: eb.ref('event.published'),
      deleted: eb.ref('event.deleted'),
      distribution: eb.ref('event.distribution'),
      sharingGroup: eb.ref('event.sharing_group_id'),
      tlp: eb.ref('event.tlp'),
    });
}

/** Indicators the viewer may see: the event must reach the viewer, and so must the indicator's own
 *  (only ever stricter) handling. Queries must join `event` on `indicator.event_id`.
 *  `asIfLive`: whether a deleted indicator would reach the viewer had it not been deleted, that is,
 *  whether the viewer may have received it (a tombstone goes to those only). */
export function indicatorsVisibleTo(viewer: Viewer, options: { asIfLive?: boolean } = {}) {
  return (eb: ExpressionBuilder<Database, 'indicator' | 'event'>): Expression<SqlBool> => {
    const base = eb as unknown as ExpressionBuilder<Database, never>;
    const ownHandling = reaches(base, viewer, {
      owner: eb.ref('event.owner_org_id'),
      published: eb.ref('event.published'),
      deleted: options.asIfLive ? sql<number>`0` : eb.ref('indicator.deleted'),
      distribution: eb.fn.coalesce('indicator.distribution', 'event.distribution'),
      sharingGroup: eb.fn.coalesce('indicator.sharing_group_id', 'event.sharing_group_id'),
      tlp: eb.fn.coalesce('indicator.tlp', 'event.tlp'),
    });
    return eb.and([eventsVisibleTo(viewer)(eb as unknown as ExpressionBuilder<Database, 'event'>), ownHandling]);
  };
}

/** STIX objects held as received: like indicators, the event must reach the viewer and so must the
 *  object's own (only ever stricter) handling. Queries must join `event` on `stix_object.event_id`. */
export function stixObjectsVisibleTo(viewer: Viewer) {
  return (eb: ExpressionBuilder<Database, 'stix_object' | 'event'>): Expression<SqlBool> => {
    const base = eb as unknown as ExpressionBuilder<Database, never>;
    const ownHandling = reaches(base, viewer, {
      owner: eb.ref('event.owner_org_id'),
      published: eb.ref('event.published'),
      deleted: eb.ref('stix_object.deleted'),
      distribution: eb.fn.coalesce('stix_object.distribution', 'event.distribution'),
      sharingGroup: eb.fn.coalesce('stix_object.sharing_group_id', 'event.sharing_group_id'),
      tlp: eb.fn.coalesce('stix_object.tlp', 'event.tlp'),
    });
    return eb.and([eventsVisibleTo(viewer)(eb as unknown as ExpressionBuilder<Database, 'event'>), ownHandling]);
  };
}

/** Sharing groups the viewer may see (and use): its members' users, the operators' CLI. */
export function sharingGroupsVisibleTo(viewer: Viewer) {
  return (eb: ExpressionBuilder<Database, 'sharing_group'>): Expression<SqlBool> => {
    if (viewer.kind === 'system') return eb.lit(true);
    if (viewer.kind !== 'user') return eb.lit(false);
    return eb.exists(
      eb
        .selectFrom('sharing_group_org')
        .select(sql.lit(1).as('one'))
        .whereRef('sharing_group_org.group_id', '=', 'sharing_group.id')
        .where('sharing_group_org.org_id', '=', viewer.orgId),
    );
  };
}
