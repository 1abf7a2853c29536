// Typed client of the Sanad HTTP API (/api/v1). Every request is same-origin with the session
// cookie; every state-changing request carries the CSRF token handed out at login / session.

export const ROLES = ['reader', 'analyst', 'org-admin', 'secretariat', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const TIERS = ['full', 'general', 'professional', 'affiliate', 'commercial', 'observer'] as const;
export type Tier = (typeof TIERS)[number];

export const STATUSES = ['applicant', 'member', 'suspended', 'left'] as const;
export type MemberStatus = (typeof STATUSES)[number];

export interface User {
  id: string;
  orgId: string;
  orgName: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  /** The password was set by someone else: the user must change it before anything else. */
  passwordChangeRequired: boolean;
  mfaEnabled: boolean;
  createdAt: string;
  lastLoginAt: string | null;
}

export interface Session {
  user: User;
  csrfToken: string;
}

export type LoginResult = { mfaRequired: true } | { mfaRequired: false; user: User; csrfToken: string };

export interface MfaEnrolment {
  secret: string;
  otpauthUrl: string;
  qrSvg: string;
}

export interface RecoveryCodes {
  recoveryCodes: string[];
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  role: Role;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
}

export interface CreatedApiKey {
  apiKey: ApiKey;
  key: string;
}

export interface Contacts {
  roleEmail?: string;
  phone?: string;
  emergencyPhone?: string;
  businessHours?: string;
  timeZone?: string;
}

export interface Constituency {
  ipPrefixes: string[];
  asns: string[];
  domains: string[];
}

export interface Organisation {
  id: string;
  name: string;
  shortName: string;
  country: string | null;
  tier: Tier;
  status: MemberStatus;
  homeNode: string;
  contacts: Contacts;
  pgpPublicKey: string | null;
  pgpFingerprint: string | null;
  constituency: Constituency;
  profile: string;
  createdAt: string;
  modifiedAt: string;
}

export interface OrganisationInput {
  name: string;
  shortName: string;
  country: string | null;
  tier: Tier;
  status?: MemberStatus;
  contacts?: Contacts;
  pgpPublicKey?: string | null;
  constituency?: Constituency;
  profile?: string;
}

export interface NewUser {
  orgId: string;
  email: string;
  name: string;
  role: Role;
  password: string;
}

export interface UserPatch {
  name?: string;
  role?: Role;
  disabled?: boolean;
}

export interface PublicReport {
  name: string;
  email: string;
  title: string;
  description?: string;
  classification?: string;
  observables?: { value: string }[];
  website?: string;
}

export interface ReportReceipt {
  reference: string;
  trackingToken: string;
  status: string;
  routedTo: string[];
}

export interface ReportStatus {
  reference: string;
  status: string;
  receivedAt: string;
  updatedAt: string;
}

export interface NodeInfo {
  nodeId: string;
  name: string;
  country: string | null;
  publicKey: string;
  version: string;
}

export interface Country {
  code: string;
  name: string;
}

export const TLP_LEVELS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'] as const;
export type Tlp = (typeof TLP_LEVELS)[number];

export const PAP_LEVELS = ['CLEAR', 'GREEN', 'AMBER', 'RED'] as const;
export type Pap = (typeof PAP_LEVELS)[number];

export const DISTRIBUTIONS = ['organisation', 'sharing_group', 'community', 'federation'] as const;
export type Distribution = (typeof DISTRIBUTIONS)[number];

export interface IntelEvent {
  id: string;
  info: string;
  date: string;
  threatLevel: string;
  analysis: string;
  ownerOrgId: string;
  ownerOrgName: string;
  ownerCountry: string | null;
  originNode: string;
  tlp: string;
  pap: string;
  distribution: string;
  sharingGroupId: string | null;
  tags: string[];
  published: boolean;
  publishedAt: string | null;
  createdAt: string;
  modified: string;
  indicatorCount: number;
}

export interface EventFilter {
  q?: string;
  tag?: string;
  orgId?: string;
  country?: string;
  tlp?: string;
  published?: boolean;
  from?: string;
  to?: string;
}

export interface NewIndicator {
  type: string;
  value: string;
  category?: string;
  toIds?: boolean;
  comment?: string;
}

export interface NewEvent {
  info: string;
  tlp: Tlp;
  pap?: Pap;
  distribution: Distribution;
  sharingGroupId?: string;
  tags?: string[];
  published?: boolean;
  indicators?: NewIndicator[];
}

export interface Indicator {
  id: string;
  eventId: string;
  objectId: string | null;
  objectName: string | null;
  objectRelation: string | null;
  type: string;
  category: string;
  value: string;
  normalised: string;
  toIds: boolean;
  comment: string;
  firstSeen: string | null;
  lastSeen: string | null;
  tlp: string;
  pap: string;
  distribution: string;
  sharingGroupId: string | null;
  tags: string[];
  /** Warninglists the value is on: a likely false positive. */
  warning: string | null;
  modified: string;
}

export interface EventCorrelations {
  teams: number;
  countries: number;
  events: { eventId: string; info: string; orgId: string; orgName: string; country: string | null; sharedValues: number }[];
}

export interface SightingSummary {
  sighting: number;
  falsePositive: number;
  expiration: number;
  lastSeen: string | null;
}

export interface LookupMatch {
  indicatorId: string;
  eventId: string;
  eventInfo: string;
  orgName: string;
  country: string | null;
  type: string;
  value: string;
  tlp: string;
  pap: string;
  toIds: boolean;
  firstSeen: string | null;
  lastSeen: string | null;
  warning: string | null;
  sightings: SightingSummary;
}

export interface LookupResult {
  value: string;
  /** The recognised indicator type, or null when the value is not one Sanad correlates. */
  type: string | null;
  matches: LookupMatch[];
}

export interface SharingGroup {
  id: string;
  name: string;
  description: string;
  ownerOrgId: string;
  members: { orgId: string; name: string; country: string | null; homeNode: string; extend: boolean }[];
  releasableTo: string[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** An RFC 9457 problem as answered by the server, or a network failure (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly field: string | undefined;
  readonly reason: string | undefined;

  constructor(status: number, title: string, detail: string, field?: string, reason?: string) {
    super(detail || title);
    this.name = 'ApiError';
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.field = field;
    this.reason = reason;
  }
}

const BASE = '/api/v1';

let csrfToken: string | null = null;
let onUnauthorized: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when a request other than the authentication ones answers 401 (session gone). */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

async function toError(res: Response): Promise<ApiError> {
  let body: unknown = null;
  const type = res.headers.get('content-type') ?? '';
  try {
    body = type.includes('json') ? await res.json() : await res.text();
  } catch {
    body = null;
  }
  const fallback = res.statusText || `HTTP ${res.status}`;
  if (body && typeof body === 'object') {
    const p = body as Record<string, unknown>;
    const title = str(p.title) ?? fallback;
    const detail = str(p.detail) ?? str(p.message) ?? title;
    return new ApiError(res.status, title, detail, str(p.field), str(p.reason));
  }
  return new ApiError(res.status, fallback, typeof body === 'string' && body.trim() ? body.trim().slice(0, 300) : fallback);
}

async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' };
  const init: RequestInit = { method, credentials: 'same-origin', headers };
  if (method !== 'GET') {
    headers['Content-Type'] = 'application/json';
    if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
    init.body = JSON.stringify(body ?? {});
  }
  let res: Response;
  try {
    res = await fetch(BASE + path, init);
  } catch {
    throw new ApiError(0, 'Network error', 'The server could not be reached. Check your connection and try again.');
  }
  if (!res.ok) {
    const err = await toError(res);
    if (res.status === 401 && !path.startsWith('/auth/') && onUnauthorized) onUnauthorized();
    throw err;
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

function query(params: Record<string, string | number | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== null && v !== undefined && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

const id = (value: string): string => encodeURIComponent(value);

export const api = {
  // Authentication
  session: () => request<Session>('GET', '/auth/session'),
  login: (email: string, password: string) => request<LoginResult>('POST', '/auth/login', { email, password }),
  loginMfa: (code: string) => request<Session>('POST', '/auth/login/mfa', { code }),
  logout: () => request<void>('POST', '/auth/logout'),

  // The logged-in user
  changePassword: (currentPassword: string, newPassword: string) =>
    request<void>('POST', '/me/password', { currentPassword, newPassword }),
  mfaEnrol: () => request<MfaEnrolment>('POST', '/me/mfa/enrol', {}),
  mfaActivate: (code: string) => request<RecoveryCodes>('POST', '/me/mfa/activate', { code }),
  mfaDisable: (password: string) => request<void>('POST', '/me/mfa/disable', { password }),
  mfaRecoveryCodes: (password: string) => request<RecoveryCodes>('POST', '/me/mfa/recovery-codes', { password }),

  // API keys
  apiKeys: () => request<{ items: ApiKey[] }>('GET', '/api-keys'),
  createApiKey: (input: { name: string; role?: Role; expiresAt?: string }) =>
    request<CreatedApiKey>('POST', '/api-keys', input),
  revokeApiKey: (keyId: string) => request<void>('DELETE', `/api-keys/${id(keyId)}`),

  // Organisations
  organisations: (params: { limit?: number; cursor?: string | null; q?: string } = {}) =>
    request<Page<Organisation>>('GET', `/organisations${query({ limit: params.limit ?? 50, cursor: params.cursor, q: params.q })}`),
  organisation: (orgId: string) => request<Organisation>('GET', `/organisations/${id(orgId)}`),
  createOrganisation: (input: OrganisationInput) => request<Organisation>('POST', '/organisations', input),
  updateOrganisation: (orgId: string, patch: Partial<OrganisationInput>) =>
    request<Organisation>('PATCH', `/organisations/${id(orgId)}`, patch),

  // Users
  users: (params: { orgId?: string; limit?: number; cursor?: string | null } = {}) =>
    request<Page<User>>('GET', `/users${query({ orgId: params.orgId, limit: params.limit ?? 50, cursor: params.cursor })}`),
  createUser: (input: NewUser) => request<User>('POST', '/users', input),
  updateUser: (userId: string, patch: UserPatch) => request<User>('PATCH', `/users/${id(userId)}`, patch),

  // Shared intelligence
  events: (params: EventFilter & { limit?: number; cursor?: string | null } = {}) =>
    request<Page<IntelEvent>>(
      'GET',
      `/events${query({
        limit: params.limit ?? 50,
        cursor: params.cursor,
        q: params.q,
        tag: params.tag,
        orgId: params.orgId,
        country: params.country,
        tlp: params.tlp,
        published: params.published === undefined ? undefined : String(params.published),
        from: params.from,
        to: params.to,
      })}`,
    ),
  event: (eventId: string) => request<IntelEvent>('GET', `/events/${id(eventId)}`),
  createEvent: (input: NewEvent) => request<IntelEvent>('POST', '/events', input),
  publishEvent: (eventId: string) => request<IntelEvent>('POST', `/events/${id(eventId)}/publish`, {}),
  deleteEvent: (eventId: string) => request<void>('DELETE', `/events/${id(eventId)}`),
  eventIndicators: (eventId: string, params: { limit?: number; cursor?: string | null; type?: string } = {}) =>
    request<Page<Indicator>>(
      'GET',
      `/events/${id(eventId)}/indicators${query({ limit: params.limit ?? 100, cursor: params.cursor, type: params.type })}`,
    ),
  eventCorrelations: (eventId: string) => request<EventCorrelations>('GET', `/events/${id(eventId)}/correlations`),
  lookup: (values: string[]) => request<{ results: LookupResult[] }>('POST', '/lookup', { values }),
  sharingGroups: () => request<{ items: SharingGroup[] }>('GET', '/sharing-groups'),

  // The public report form (no account)
  submitReport: (input: PublicReport) => request<ReportReceipt>('POST', '/reports', input),
  reportStatus: (token: string) => request<ReportStatus>('GET', `/reports/status${query({ token })}`),

  // Public
  node: () => request<NodeInfo>('GET', '/node'),
  countries: () => request<{ items: Country[] }>('GET', '/countries'),
};

/** Every organisation, following cursors (bounded, for pickers). */
export async function allOrganisations(maxPages = 20): Promise<Organisation[]> {
  const out: Organisation[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < maxPages; i++) {
    const page: Page<Organisation> = await api.organisations({ limit: 50, cursor });
    out.push(...page.items);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return out;
}

let countriesPromise: Promise<Country[]> | null = null;

/** The country list, fetched once per page load. */
export function countries(): Promise<Country[]> {
  countriesPromise ??= api.countries().then(
    (r) => r.items,
    (err: unknown) => {
      countriesPromise = null;
      throw err;
    },
  );
  return countriesPromise;
}
