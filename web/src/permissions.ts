// What the UI offers to whom. The server enforces the same rules; this only hides what would fail.
import { ROLES, type Role, type User } from './api.ts';

const RANK: Record<Role, number> = { reader: 1, analyst: 2, 'org-admin': 3, secretariat: 4, admin: 5 };

export function roleAtMost(role: Role, ceiling: Role): boolean {
  return RANK[role] <= RANK[ceiling];
}

/** Create organisations and edit any of them. */
export function canManageOrganisations(user: User): boolean {
  return user.role === 'admin' || user.role === 'secretariat';
}

export function canEditOrganisation(user: User, orgId: string): boolean {
  return canManageOrganisations(user) || (user.role === 'org-admin' && user.orgId === orgId);
}

export function canManageUsers(user: User): boolean {
  return user.role === 'admin' || user.role === 'org-admin';
}

/** Roles this user may hand to a user or an API key. */
export function assignableRoles(user: User): Role[] {
  return ROLES.filter((r) => roleAtMost(r, user.role));
}

/** Analysts and above publish shared intelligence, always as their own team. */
export function canWriteIntel(user: User): boolean {
  return RANK[user.role] >= RANK.analyst;
}

/** Only the owner team's writers publish or delete an event. */
export function canEditEvent(user: User, ownerOrgId: string): boolean {
  return canWriteIntel(user) && user.orgId === ownerOrgId;
}
