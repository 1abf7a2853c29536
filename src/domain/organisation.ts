// Membership vocabulary of the consortium.
export const TIERS = ['full', 'general', 'professional', 'affiliate', 'commercial', 'observer'] as const;
export type Tier = (typeof TIERS)[number];

export const MEMBER_STATUSES = ['applicant', 'member', 'suspended', 'left'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

export interface OrganisationContacts {
  roleEmail?: string;
  phone?: string;
  emergencyPhone?: string;
  businessHours?: string;
  timeZone?: string;
}
