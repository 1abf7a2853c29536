// The same visibility rules as the SQL predicates, written as plain functions over plain records.
// Property tests generate random worlds and check that the database answers exactly as this model does.
import type { Role } from '../domain/roles.ts';
import type { Viewer } from './viewer.ts';

export interface ModelUser {
  id: string;
  orgId: string;
  role: Role;
}
export interface ModelAuditEntry {
  seq: number;
  orgId: string | null;
  actorId: string | null;
}
export interface ModelApiKey {
  id: string;
  userId: string;
}

const isOperator = (viewer: Viewer) => viewer.kind === 'user' && (viewer.role === 'admin' || viewer.role === 'secretariat');

export function modelUserVisible(viewer: Viewer, user: ModelUser): boolean {
  if (viewer.kind === 'system') return true;
  if (viewer.kind !== 'user') return false;
  return isOperator(viewer) || user.orgId === viewer.orgId;
}

export function modelAuditEntryVisible(viewer: Viewer, entry: ModelAuditEntry): boolean {
  if (viewer.kind === 'system') return true;
  if (viewer.kind !== 'user') return false;
  if (isOperator(viewer)) return true;
  if (viewer.role === 'org-admin') return entry.orgId === viewer.orgId;
  return entry.actorId === viewer.userId;
}

export function modelApiKeyVisible(viewer: Viewer, key: ModelApiKey, users: ModelUser[]): boolean {
  if (viewer.kind === 'system') return true;
  if (viewer.kind !== 'user') return false;
  if (viewer.role === 'admin') return true;
  if (viewer.role === 'org-admin' || viewer.role === 'secretariat') {
    return users.find((u) => u.id === key.userId)?.orgId === viewer.orgId;
  }
  return key.userId === viewer.userId;
}

export function modelOrganisationVisible(viewer: Viewer): boolean {
  return viewer.kind === 'user' || viewer.kind === 'system';
}

// ---- shared intelligence -------------------------------------------------------------------

export interface ModelOrganisation {
  id: string;
  homeNode: string;
  status: string;
}
export interface ModelSharingGroup {
  id: string;
  members: string[]; // organisation ids
  nodes: string[]; // nodes the group is released to
}
export interface ModelHandling {
  distribution: string;
  sharingGroupId: string | null;
  tlp: string;
}
export interface ModelEvent extends ModelHandling {
  id: string;
  ownerOrgId: string;
  published: boolean;
  deleted: boolean;
}
export interface ModelIndicator {
  id: string;
  eventId: string;
  deleted: boolean;
  /** null: as the event. */
  distribution: string | null;
  sharingGroupId: string | null;
  tlp: string | null;
}

export interface ModelWorld {
  organisations: ModelOrganisation[];
  groups: ModelSharingGroup[];
}

function modelReaches(viewer: Viewer, world: ModelWorld, owner: string, published: boolean, deleted: boolean, h: ModelHandling): boolean {
  if (deleted) return false;
  const group = world.groups.find((g) => g.id === h.sharingGroupId);
  const open = h.distribution === 'community' || h.distribution === 'federation';
  switch (viewer.kind) {
    case 'system':
      return true;
    case 'user':
      if (owner === viewer.orgId) return true;
      if (!published) return false;
      if (world.organisations.find((o) => o.id === viewer.orgId)?.status !== 'member') return false;
      if (h.distribution === 'sharing_group') return group?.members.includes(viewer.orgId) ?? false;
      return open && h.tlp !== 'RED';
    case 'anonymous':
      return Boolean(viewer.mayReadClear) && published && open && h.tlp === 'CLEAR';
    case 'peer': {
      if (!published) return false;
      if (h.distribution === 'federation') return h.tlp !== 'RED';
      if (h.distribution !== 'sharing_group' || !group) return false;
      const hostsMember = group.members.some((m) => {
        const organisation = world.organisations.find((o) => o.id === m);
        return organisation?.homeNode === viewer.node && organisation.status === 'member';
      });
      return group.nodes.includes(viewer.node) && hostsMember;
    }
  }
}

export function modelEventVisible(viewer: Viewer, world: ModelWorld, event: ModelEvent): boolean {
  return modelReaches(viewer, world, event.ownerOrgId, event.published, event.deleted, event);
}

export function modelIndicatorVisible(viewer: Viewer, world: ModelWorld, event: ModelEvent, indicator: ModelIndicator): boolean {
  if (!modelEventVisible(viewer, world, event)) return false;
  return modelReaches(viewer, world, event.ownerOrgId, event.published, indicator.deleted, {
    distribution: indicator.distribution ?? event.distribution,
    sharingGroupId: indicator.sharingGroupId ?? event.sharingGroupId,
    tlp: indicator.tlp ?? event.tlp,
  });
}

// ---- incidents -------------------------------------------------------------------------------

export interface ModelIncident {
  id: string;
  ownerOrgId: string;
  reporterOrgId: string | null;
  /** Teams with a coordination request, whatever its state. */
  coordinatingOrgIds: string[];
}
export interface ModelIncidentEntry {
  id: string;
  incidentId: string;
  orgId: string | null;
  internal: boolean;
}

export function modelIncidentVisible(viewer: Viewer, incident: ModelIncident): boolean {
  if (viewer.kind === 'system') return true;
  if (viewer.kind !== 'user') return false;
  return incident.ownerOrgId === viewer.orgId || incident.reporterOrgId === viewer.orgId || incident.coordinatingOrgIds.includes(viewer.orgId);
}

export function modelIncidentEntryVisible(viewer: Viewer, incident: ModelIncident, entry: ModelIncidentEntry): boolean {
  if (!modelIncidentVisible(viewer, incident)) return false;
  if (viewer.kind === 'system') return true;
  return !entry.internal || (viewer.kind === 'user' && entry.orgId === viewer.orgId);
}

export function modelIncidentCounted(viewer: Viewer, incident: ModelIncident): boolean {
  return isOperator(viewer) || modelIncidentVisible(viewer, incident);
}

// ---- advisories ------------------------------------------------------------------------------

export interface ModelAdvisory extends ModelHandling {
  id: string;
  ownerOrgId: string;
  published: boolean;
  deleted: boolean;
}

/** A draft stays with its owner team; a published advisory reaches others exactly as an event would. */
export function modelAdvisoryVisible(viewer: Viewer, world: ModelWorld, advisory: ModelAdvisory): boolean {
  return modelReaches(viewer, world, advisory.ownerOrgId, advisory.published, advisory.deleted, advisory);
}
