// Roles of a user (and of an API key, which may carry a role no higher than its user's).
export const ROLES = ['reader', 'analyst', 'org-admin', 'secretariat', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { reader: 1, analyst: 2, 'org-admin': 3, secretariat: 4, admin: 5 };

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function roleRank(role: Role): number {
  return RANK[role];
}

/** True when `role` grants no more than `ceiling`. */
export function roleAtMost(role: Role, ceiling: Role): boolean {
  return RANK[role] <= RANK[ceiling];
}
