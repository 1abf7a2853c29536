// Who may create and change sharing groups. Reading follows `sharingGroupsVisibleTo` in intel.ts.
import type { Viewer } from './viewer.ts';

const MANAGERS = ['org-admin', 'secretariat', 'admin'];

function isTeamManager(viewer: Viewer): boolean {
  return viewer.kind === 'user' && MANAGERS.includes(viewer.role);
}

/** A team's managers create groups owned by their team. */
export function mayCreateSharingGroup(viewer: Viewer): boolean {
  return viewer.kind === 'system' || isTeamManager(viewer);
}

/** Name, description, releasability and removals: the owner team's managers. */
export function mayEditSharingGroup(viewer: Viewer, group: { ownerOrgId: string }): boolean {
  if (viewer.kind === 'system') return true;
  return isTeamManager(viewer) && viewer.kind === 'user' && viewer.orgId === group.ownerOrgId;
}

/** Adding members: the owner team's managers, or the managers of a member team holding the extend right. */
export function mayExtendSharingGroup(viewer: Viewer, group: { ownerOrgId: string; extenders: string[] }): boolean {
  if (mayEditSharingGroup(viewer, group)) return true;
  return isTeamManager(viewer) && viewer.kind === 'user' && group.extenders.includes(viewer.orgId);
}
