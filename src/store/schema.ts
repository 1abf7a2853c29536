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

export interface SharingGroupTable {
  id: string;
  name: string;
  description: string;
  owner_org_id: string;
  created_at: string;
  modified: string;
}

export interface SharingGroupOrgTable {
  group_id: string;
  org_id: string;
  /** 1: this member may add further organisations. */
  extend: number;
}

export interface SharingGroupNodeTable {
  group_id: string;
  /** A node the group's records may be released to (federation). */
  node: string;
}

export interface EventTable {
  id: string;
  info: string;
  date: string; // YYYY-MM-DD
  threat_level: string;
  analysis: string;
  owner_org_id: string;
  origin_node: string;
  tlp: string;
  pap: string;
  distribution: string;
  sharing_group_id: string | null;
  published: number;
  published_at: string | null;
  created_at: string;
  /** The version: strictly increasing with every change. */
  modified: string;
  deleted: number;
  /** The MISP event uuid it was imported from (migration 0007). */
  misp_uuid?: string | null;
  /** MISP's timestamp of the version imported, and the Sanad version that import wrote. */
  misp_timestamp?: string | null;
  misp_version?: string | null;
  /** Position in this node's change feed; null until numbered after the write commits (migration 0011). */
  feed_seq?: string | number | null;
  /** 1 while a received event's indicators are still arriving (migration 0011). */
  partial?: number;
  /** The peer a received event came from (migration 0011). */
  via_node?: string | null;
  /** JSON: the origin's record and its chain, for a received event (migration 0011). */
  provenance?: string | null;
}

export interface IntelObjectTable {
  id: string;
  event_id: string;
  name: string;
  meta_category: string;
  comment: string;
  created_at: string;
  modified: string;
}

export interface IndicatorTable {
  id: string;
  event_id: string;
  object_id: string | null;
  object_relation: string | null;
  type: string;
  category: string;
  value: string;
  normalised: string;
  correlation_key: string | null;
  ip_start: string | null;
  ip_end: string | null;
  to_ids: number;
  comment: string;
  first_seen: string | null;
  last_seen: string | null;
  tlp: string | null;
  distribution: string | null;
  sharing_group_id: string | null;
  warning: string | null;
  created_at: string;
  modified: string;
  deleted: number;
  /** The STIX indicator this one was read from (exported as that object). */
  stix_id: string | null;
  /** JSON: the chain of a received indicator (migration 0011). */
  provenance?: string | null;
}

export interface CorrelationCountTable {
  correlation_key: string;
  n: number;
}

export interface EventTagTable {
  event_id: string;
  name: string;
}

export interface IndicatorTagTable {
  indicator_id: string;
  name: string;
}

export interface SightingTable {
  id: string;
  indicator_id: string;
  org_id: string;
  kind: string; // 'sighting' | 'false-positive' | 'expiration'
  seen_at: string;
  source: string;
  created_at: string;
}

export interface WarninglistTable {
  id: string;
  name: string;
  version: number;
  description: string;
  definition: string;
  enabled: number;
  loaded_at: string;
}

export interface IncidentCounterTable {
  prefix: string;
  year: number;
  last: number;
}

export interface IncidentTable {
  id: string;
  reference: string;
  title: string;
  description: string;
  classification: string;
  rsit_type: string | null;
  severity: string;
  tlp: string;
  pap: string;
  status: string;
  owner_org_id: string;
  assignee_user_id: string | null;
  reporter_kind: string; // 'team' | 'outside' | 'public'
  reporter_org_id: string | null;
  reporter_name: string;
  reporter_email: string | null;
  affected_systems: number | null;
  affected_people: number | null;
  loss_amount: string | null; // decimal text
  loss_currency: string | null;
  country: string | null;
  opened_at: string;
  acknowledged_at: string | null;
  seconds_to_acknowledge: number | null;
  first_response_at: string | null;
  resolved_at: string | null;
  seconds_to_resolve: number | null;
  closed_at: string | null;
  escalated_at: string | null;
  escalate_at: string | null;
  tracking_hash: string | null;
  created_at: string;
  modified: string;
}

export interface IncidentCountTable {
  day: string; // YYYY-MM-DD of opened_at (UTC)
  dimension: string; // 'classification' | 'severity' | 'country' | 'team'
  key: string;
  n: number;
}

export interface IncidentTermTable {
  term: string;
  incident_id: string;
}

export interface IncidentObservableTable {
  id: string;
  incident_id: string;
  type: string;
  value: string;
  normalised: string;
  correlation_key: string | null;
  ip_start: string | null;
  ip_end: string | null;
  comment: string;
  routing: string; // JSON: RoutingDecision
  decided_by: string | null;
  created_at: string;
}

export interface IncidentEventTable {
  incident_id: string;
  event_id: string;
  created_at: string;
}

export interface IncidentEntryTable {
  id: string;
  incident_id: string;
  kind: string;
  org_id: string | null;
  author_user_id: string | null;
  author_label: string;
  body: string;
  details: string; // JSON
  internal: number;
  created_at: string;
}

export interface IncidentAttachmentTable {
  id: string;
  incident_id: string;
  filename: string;
  media_type: string;
  size: number;
  sha256: string;
  content: Buffer;
  org_id: string | null;
  uploaded_by: string;
  created_at: string;
}

export interface CoordinationRequestTable {
  id: string;
  incident_id: string;
  org_id: string;
  status: string;
  action: string;
  message: string;
  reason: string | null;
  note: string;
  requested_by: string;
  created_at: string;
  modified: string;
  responded_at: string | null;
  completed_at: string | null;
}

export interface IncidentTaskTable {
  id: string;
  incident_id: string;
  org_id: string;
  title: string;
  assignee_user_id: string | null;
  due_at: string | null;
  status: string;
  created_at: string;
  modified: string;
  done_at: string | null;
}

export interface RirRegistrationTable {
  kind: string;
  low: string;
  high: string;
  country: string;
  registry: string;
}

export interface NotificationTable {
  id: string;
  channel: string; // 'email' | 'webhook'
  topic: string;
  org_id: string | null;
  user_id: string | null;
  webhook_id: string | null;
  incident_id: string | null;
  target: string;
  subject: string;
  body: string;
  status: string; // 'pending' | 'sent' | 'failed'
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  encrypted: number;
  created_at: string;
  sent_at: string | null;
}

export interface WebhookTable {
  id: string;
  org_id: string;
  direction: string; // 'out' | 'in'
  url: string | null;
  secret: string;
  topics: string; // JSON array
  enabled: number;
  created_at: string;
}

export interface NotificationPreferenceTable {
  owner_kind: string; // 'user' | 'team'
  owner_id: string;
  topic: string;
  channel: string;
  enabled: number;
}

/** A version of a STIX object held unchanged (migration 0005). */
export interface StixObjectTable {
  id: string;
  /** `modified` (or `created`) with a nine-digit fraction: versions sort as text. */
  version: string;
  type: string;
  event_id: string;
  /** The event's owner: each team holds its own history of an object. */
  owner_org_id: string;
  spec_version: string;
  /** 1 on the newest version the team holds of the object. */
  latest: number;
  revoked: number;
  /** Handling stricter than the event's, from the object's own markings; null: the event's. */
  tlp: string | null;
  distribution: string | null;
  sharing_group_id: string | null;
  deleted: number;
  object: string;
  date_added: string;
  /** `date_added|id|version|owner`: orders TAXII pages. */
  added_key: string;
}

/** The last tracking-id number used per prefix and year (migration 0006). */
export interface AdvisoryCounterTable {
  prefix: string;
  year: number;
  last: number;
}

/** A security advisory: handling, the view others get, and the owner's working copy (migration 0006). */
export interface AdvisoryTable {
  id: string;
  owner_org_id: string;
  origin_node: string;
  source: string; // 'authored' | 'imported'
  tracking_id: string | null;
  title: string;
  category: string;
  tlp: string;
  distribution: string;
  sharing_group_id: string | null;
  draft: string; // JSON: AdvisoryDraft
  pending_changes: number;
  published: number;
  current_version: number;
  initial_release_date: string | null;
  current_release_date: string | null;
  created_at: string;
  modified: string;
  deleted: number;
}

/** One published version of an advisory, with its CSAF 2.0 document (migration 0006). */
export interface AdvisoryVersionTable {
  advisory_id: string;
  number: number;
  tracking_version: string;
  status: string; // 'interim' | 'final'
  title: string;
  category: string;
  summary: string;
  content: string; // JSON: AdvisoryContent
  document: string; // JSON: the CSAF document
  published_at: string;
}

/** The MISP uuid of an imported indicator or object (migration 0007). */
export interface MispElementTable {
  id: string;
  event_id: string;
  uuid: string;
}

/** The status resource of a TAXII objects POST (migration 0008). */
export interface TaxiiStatusTable {
  id: string;
  org_id: string;
  collection_id: string;
  status: string;
  request_timestamp: string;
  body: string;
}

/** A remote source a team pulls on a schedule, with the state of its pulls (migration 0009). */
export interface FeedTable {
  id: string;
  owner_org_id: string;
  name: string;
  kind: string; // 'taxii' | 'misp' | 'csv' | 'freetext'
  url: string;
  collection_id: string | null;
  /** CSV: 1-based columns of the value and of its type (absent: recognised from the value). */
  csv_value_column: number | null;
  csv_type_column: number | null;
  csv_delimiter: string | null;
  csv_header: number;
  auth_type: string | null; // 'basic' | 'bearer' | 'header'
  auth_user: string | null;
  auth_header: string | null;
  /** Sent to the remote; never returned by the API. */
  auth_secret: string | null;
  tlp: string;
  pap: string;
  distribution: string;
  sharing_group_id: string | null;
  publish: number;
  enabled: number;
  interval_minutes: number;
  next_pull_at: string;
  status: string; // 'never' | 'running' | 'succeeded' | 'unchanged' | 'failed'
  /** Held by the pull running now; null when none runs. */
  pull_token: string | null;
  pull_started_at: string | null;
  /** What the running pull is doing, in words. */
  pull_phase: string | null;
  pull_finished_at: string | null;
  last_success_at: string | null;
  last_error: string | null;
  last_notes: string; // JSON array of strings
  count_objects: number;
  count_events: number;
  count_indicators: number;
  count_skipped: number;
  count_invalid: number;
  cursor: string; // JSON, per kind
  created_at: string;
  modified: string;
}

/** An event written by a feed's pull (migration 0009). */
export interface FeedEventTable {
  feed_id: string;
  event_id: string;
  pulled_at: string;
}

/** A value a list feed has brought already: sha256 of "type|normalised" (migration 0009). */
export interface FeedValueTable {
  feed_id: string;
  value_hash: string;
}

/** Another Sanad node this node trusts, known by its Ed25519 key (migration 0010). */
export interface PeerTable {
  id: string;
  /** The peer's node name, as it signs its records. */
  name: string;
  base_url: string;
  public_key: string; // base64 of the raw 32 bytes
  fingerprint: string; // keyFingerprint(public_key): the keyid of its signed requests
  status: string; // 'active' | 'paused'
  created_at: string;
  modified: string;
  last_contact_at: string | null;
  last_error: string | null;
  /** Sync state (migration 0011): the cursor of the next pull, the lease of a pull running now. */
  sync_cursor?: string | null;
  sync_lease?: string | null;
  last_sync_at?: string | null;
  last_sync_error?: string | null;
  /** The peer's newest feed position, as its last answer said. */
  remote_head?: string | number | null;
  /** Where this node's cursor stands in the peer's feed. */
  remote_position?: string | number | null;
  received_records?: Generated<string | number>;
  received_tombstones?: Generated<string | number>;
  refused_records?: Generated<string | number>;
}

/** A signed list of record versions: an origin vouching for what it wrote, or a relay for what it passed on (migration 0011). */
export interface SignedManifestTable {
  id: string;
  node: string;
  role: string; // 'origin' | 'relay'
  signed_at: string;
  signature: string;
  versions: string; // JSON array of version hashes
}

/** What a peer holds of this node's events (migration 0011); `peer_event_pending` has the same shape. */
export interface PeerEventTable {
  peer_id: string;
  event_id: string;
  /** null in a pending row: the peer is to drop the event. */
  version: string | null;
  handling: string | null;
  seq: string | number;
}

/** The key of a node this node does not peer with, learned from a peer's signed word (migration 0011). */
export interface NodeKeyTable {
  node: string;
  public_key: string;
  learned_from: string;
  learned_at: string;
}

/** A nonce of an accepted signed request, kept for twice the replay window (migration 0010). */
export interface PeerNonceTable {
  peer_id: string;
  nonce: string;
  seen_at: string;
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
  sharing_group: SharingGroupTable;
  sharing_group_org: SharingGroupOrgTable;
  sharing_group_node: SharingGroupNodeTable;
  signed_manifest: SignedManifestTable;
  peer_event: PeerEventTable;
  peer_event_pending: PeerEventTable;
  node_key: NodeKeyTable;
  event: EventTable;
  intel_object: IntelObjectTable;
  indicator: IndicatorTable;
  correlation_count: CorrelationCountTable;
  event_tag: EventTagTable;
  indicator_tag: IndicatorTagTable;
  sighting: SightingTable;
  warninglist: WarninglistTable;
  incident_counter: IncidentCounterTable;
  incident: IncidentTable;
  incident_term: IncidentTermTable;
  incident_count: IncidentCountTable;
  incident_observable: IncidentObservableTable;
  incident_event: IncidentEventTable;
  incident_entry: IncidentEntryTable;
  incident_attachment: IncidentAttachmentTable;
  coordination_request: CoordinationRequestTable;
  incident_task: IncidentTaskTable;
  rir_registration: RirRegistrationTable;
  notification: NotificationTable;
  webhook: WebhookTable;
  notification_preference: NotificationPreferenceTable;
  stix_object: StixObjectTable;
  taxii_status: TaxiiStatusTable;
  advisory_counter: AdvisoryCounterTable;
  advisory: AdvisoryTable;
  advisory_version: AdvisoryVersionTable;
  misp_element: MispElementTable;
  feed: FeedTable;
  feed_event: FeedEventTable;
  feed_value: FeedValueTable;
  peer: PeerTable;
  peer_nonce: PeerNonceTable;
}

