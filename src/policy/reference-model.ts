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
  if (viewer.kind === 'anonymous') return false;
  return isOperator(viewer) || user.orgId === viewer.orgId;
}

export function modelAuditEntryVisible(viewer: Viewer, entry: ModelAuditEntry): boolean {
  if (viewer.kind === 'system') return true;
  if (viewer.kind === 'anonymous') return false;
  if (isOperator(viewer)) return true;
  if (viewer.role === 'org-admin') return entry.orgId === viewer.orgId;
  return entry.actorId === viewer.userId;
}

export function modelApiKeyVisible(viewer: Viewer, key: ModelApiKey, users: ModelUser[]): boolean {
  if (viewer.kind === 'system') return true;
  if (viewer.kind === 'anonymous') return false;
  if (viewer.role === 'admin') return true;
  if (viewer.role === 'org-admin' || viewer.role === 'secretariat') {
    return users.find((u) => u.id === key.userId)?.orgId === viewer.orgId;
  }
  return key.userId === viewer.userId;
}

export function modelOrganisationVisible(viewer: Viewer): boolean {
  return viewer.kind !== 'anonymous';
}
