import type { Generated } from 'kysely';

// The one description of every table, so that queries are checked at compile time.
// Portable conventions (same meaning on SQLite and PostgreSQL):
//   ids are UUID text; timestamps are ISO-8601 UTC text with milliseconds;
//   booleans are integers 0/1; JSON is text written and read through store/json.ts.

export interface NodeSettingTable {
  key: string;
  value: string;
}

export interface OrganisationTable {
  id: string;
  name: string;
  short_name: string;
  country: string | null;
  tier: string;
  status: string;
  home_node: string;
  contacts: string; // JSON: OrganisationContacts
  pgp_public_key: string | null;
  pgp_fingerprint: string | null;
  profile: string;
  created_at: string;
  modified_at: string;
}

export interface ConstituencyEntryTable {
  id: string;
  org_id: string;
  kind: string; // 'ipv4' | 'ipv6' | 'asn' | 'domain'
  value: string; // normalised form
  /** Order within the organisation's constituency (v4 before v6, numeric), fixed when written. */
  position: number;
}

export interface UserTable {
  id: string;
  org_id: string;
  email: string;
  name: string;
  role: string;
  password_hash: string;
  disabled: number;
  /** Set when someone other than the user chose the password: it must be changed at first login. */
  password_change_required: Generated<number>;
  totp_secret: string | null;
  totp_pending_secret: string | null;
  /** Last TOTP time step accepted: a code is never accepted twice. */
  totp_last_step: number | null;
  failed_logins: number;
  locked_until: string | null;
  created_at: string;
  modified_at: string;
  last_login_at: string | null;
}

export interface RecoveryCodeTable {
  id: string;
  user_id: string;
  code_hash: string;
  used_at: string | null;
}

export interface SessionTable {
  id: string; // SHA-256 of the cookie token: a database leak does not yield live sessions
  user_id: string;
  stage: string; // 'mfa' (password checked, second factor pending) | 'active'
  csrf_token: string;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
  source_ip: string;
  user_agent: string;
}

export interface ApiKeyTable {
  id: string;
  user_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  role: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
  last_used_ip: string | null;
}

export interface AuditLogTable {
  seq: number;
  id: string;
  at: string;
  actor_type: string;
  actor_id: string | null;
  actor_label: string;
  org_id: string | null;
  source_ip: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  details: string; // JSON
  prev_hash: string;
  hash: string;
}

export interface Database {
  node_setting: NodeSettingTable;
  organisation: OrganisationTable;
  constituency_entry: ConstituencyEntryTable;
  app_user: UserTable;
  recovery_code: RecoveryCodeTable;
  session: SessionTable;
  api_key: ApiKeyTable;
  audit_log: AuditLogTable;
}

