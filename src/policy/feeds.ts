// Who sees a team's feeds, who configures them and who pulls them.
//
// A feed speaks for its team: everything it brings is published under the team's name with the
// handling the feed sets, and it holds credentials to a remote system. So its settings are the team
// managers' business (the org-admin), as the team's webhooks are; analysts, who publish the team's
// intelligence anyway, may pull an existing feed now but not point it elsewhere. Every member of
// the team sees its feeds (never their credentials). The node's operators (admin, secretariat) see
// and manage every team's feeds, since feeds make the node itself reach out to the network.
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { Viewer } from './viewer.ts';

function isOperator(viewer: Viewer): boolean {
  return viewer.kind === 'system' || (viewer.kind === 'user' && (viewer.role === 'admin' || viewer.role === 'secretariat'));
}

/** Feeds a viewer may see: its own team's, or every feed for the node's operators. */
export function feedsVisibleTo(viewer: Viewer) {
  return (eb: ExpressionBuilder<Database, 'feed'>): Expression<SqlBool> => {
    if (isOperator(viewer)) return eb.lit(true);
    if (viewer.kind !== 'user') return eb.lit(false);
    return eb('feed.owner_org_id', '=', viewer.orgId);
  };
}

/** Creating, changing or removing a team's feed. */
export function mayManageFeeds(viewer: Viewer, ownerOrgId: string): boolean {
  if (isOperator(viewer)) return true;
  return viewer.kind === 'user' && viewer.role === 'org-admin' && viewer.orgId === ownerOrgId;
}

/** Pulling a team's feed now. */
export function mayPullFeed(viewer: Viewer, ownerOrgId: string): boolean {
  if (isOperator(viewer)) return true;
  return viewer.kind === 'user' && (viewer.role === 'org-admin' || viewer.role === 'analyst') && viewer.orgId === ownerOrgId;
}
