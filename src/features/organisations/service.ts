// Use-cases of the team directory: each runs in one transaction, checks the policy, writes the audit log.
import { inTransaction, type AppContext } from '../../app.ts';
import type { Tx } from '../../store/db.ts';
import { fromJson, toJson } from '../../store/json.ts';
import { nowIso } from '../../store/time.ts';
import { Conflict, Invalid, NotFound } from '../../domain/errors.ts';
import { normaliseCountry } from '../../domain/country.ts';
import { constituencyEntries, normaliseConstituency, type Constituency, type ConstituencyKind } from '../../domain/constituency.ts';
import { parsePgpPublicKey } from '../../domain/pgp.ts';
import type { OrganisationContacts } from '../../domain/organisation.ts';
import { authorize, requireIdentified, requireUser } from '../../policy/authorize.ts';
import { mayChangeMembership, mayCreateOrganisation, mayUpdateOrganisation } from '../../policy/organisations.ts';
import type { Actor, Viewer } from '../../policy/viewer.ts';
import { appendAudit } from '../audit/service.ts';
import { decodeCursor, pageOf } from '../../domain/cursor.ts';
import * as q from './queries.ts';
import type { CreateOrganisationInput, Organisation, UpdateOrganisationInput } from './schemas.ts';
import { newId } from '../../store/ids.ts';

const EMPTY_CONSTITUENCY: Constituency = { ipPrefixes: [], asns: [], domains: [] };

function toOrganisation(row: q.OrganisationRow, constituency: Constituency): Organisation {
  return {
    id: row.id,
    name: row.name,
    shortName: row.short_name,
    country: row.country,
    tier: row.tier,
    status: row.status,
    homeNode: row.home_node,
    contacts: fromJson<OrganisationContacts>(row.contacts, {}),
    pgpPublicKey: row.pgp_public_key,
    pgpFingerprint: row.pgp_fingerprint,
    constituency,
    profile: row.profile,
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
  };
}

function groupConstituency(rows: q.ConstituencyRow[]): Map<string, Constituency> {
  const byOrg = new Map<string, Constituency>();
  for (const row of rows) {
    const c = byOrg.get(row.org_id) ?? { ipPrefixes: [], asns: [], domains: [] };
    if (row.kind === 'asn') c.asns.push(row.value);
    else if (row.kind === 'domain') c.domains.push(row.value);
    else c.ipPrefixes.push(row.value);
    byOrg.set(row.org_id, c);
  }
  return byOrg; // rows arrive in the order fixed when they were normalised
}

async function withConstituency(tx: Tx, rows: q.OrganisationRow[]): Promise<Organisation[]> {
  const byOrg = groupConstituency(await q.constituencyOf(tx, rows.map((r) => r.id)));
  return rows.map((row) => toOrganisation(row, byOrg.get(row.id) ?? EMPTY_CONSTITUENCY));
}

export async function getOrganisation(ctx: AppContext, viewer: Viewer, id: string): Promise<Organisation> {
  const row = await q.findVisibleOrganisation(ctx.store.db, viewer, id);
  if (!row) {
    requireUser(viewer);
    throw new NotFound('organisation');
  }
  return (await withConstituency(ctx.store.db, [row]))[0]!;
}

export async function listOrganisations(
  ctx: AppContext,
  viewer: Viewer,
  options: { limit?: number | undefined; cursor?: string | undefined; q?: string | undefined },
): Promise<{ items: Organisation[]; nextCursor: string | null }> {
  requireIdentified(viewer);
  const limit = options.limit ?? 50;
  const after = decodeCursor(options.cursor, 2);
  const rows = await q.listVisibleOrganisations(ctx.store.db, viewer, {
    limit: limit + 1,
    after: after ? { name: String(after[0]), id: String(after[1]) } : undefined,
    search: options.q,
  });
  const page = pageOf(rows, limit, (last) => [last.name, last.id]);
  return { items: await withConstituency(ctx.store.db, page.rows), nextCursor: page.nextCursor };
}

interface ValidatedFields {
  row: Partial<q.OrganisationRow>;
  constituency?: { kind: ConstituencyKind; value: string }[];
}

/** Checks and normalises every field given; nothing is written until all of them pass. */
async function validateFields(input: UpdateOrganisationInput): Promise<ValidatedFields> {
  const row: Partial<q.OrganisationRow> = {};
  if (input.name !== undefined) row.name = nonBlank(input.name, 'name');
  if (input.shortName !== undefined) row.short_name = nonBlank(input.shortName, 'shortName');
  if (input.country !== undefined) row.country = normaliseCountry(input.country, 'country');
  if (input.tier !== undefined) row.tier = input.tier;
  if (input.status !== undefined) row.status = input.status;
  if (input.homeNode !== undefined) row.home_node = nonBlank(input.homeNode, 'homeNode');
  if (input.contacts !== undefined) row.contacts = toJson(normaliseContacts(input.contacts));
  if (input.profile !== undefined) row.profile = input.profile;
  if (input.pgpPublicKey !== undefined) {
    if (input.pgpPublicKey === null || input.pgpPublicKey.trim() === '') {
      row.pgp_public_key = null;
      row.pgp_fingerprint = null;
    } else {
      const key = await parsePgpPublicKey(input.pgpPublicKey, 'pgpPublicKey');
      row.pgp_public_key = key.armored;
      row.pgp_fingerprint = key.info.fingerprint;
    }
  }
  const result: ValidatedFields = { row };
  if (input.constituency !== undefined) result.constituency = constituencyEntries(normaliseConstituency(input.constituency));
  return result;
}

function nonBlank(value: string, field: string): string {
  const trimmed = value.trim();
  if (!trimmed) throw new Invalid(field, 'must not be blank');
  return trimmed;
}

function normaliseContacts(contacts: OrganisationContacts): OrganisationContacts {
  const out: OrganisationContacts = {};
  if (contacts.roleEmail) out.roleEmail = contacts.roleEmail.trim().toLowerCase();
  if (contacts.phone) out.phone = contacts.phone.trim();
  if (contacts.emergencyPhone) out.emergencyPhone = contacts.emergencyPhone.trim();
  if (contacts.businessHours) out.businessHours = contacts.businessHours.trim();
  if (contacts.timeZone) {
    const zone = contacts.timeZone.trim();
    if (!isTimeZone(zone)) throw new Invalid('contacts.timeZone', 'not an IANA time zone (e.g. Asia/Kuala_Lumpur)');
    out.timeZone = zone;
  }
  return out;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

async function assertUniqueNames(tx: Tx, row: Partial<q.OrganisationRow>, exceptId?: string): Promise<void> {
  if (row.name !== undefined && (await q.findNameClash(tx, 'name', row.name, exceptId))) {
    throw new Conflict('name', `an organisation named "${row.name}" already exists`);
  }
  if (row.short_name !== undefined && (await q.findNameClash(tx, 'short_name', row.short_name, exceptId))) {
    throw new Conflict('shortName', `an organisation with short name "${row.short_name}" already exists`);
  }
}

/** The API requires a country; the node's own operator organisation (a hub) may have none. */
export type OrganisationDraft = Omit<CreateOrganisationInput, 'country'> & { country?: string };

export async function createOrganisation(
  ctx: AppContext,
  actor: Actor,
  input: OrganisationDraft,
  defaults: { homeNode: string },
  outer?: Tx,
): Promise<Organisation> {
  authorize(actor.viewer, mayCreateOrganisation(actor.viewer), 'only the node admin or the secretariat register organisations');
  const { row, constituency } = await validateFields(input);
  const now = nowIso();
  const full: q.OrganisationRow = {
    id: newId(),
    name: row.name!,
    short_name: row.short_name!,
    country: row.country ?? null,
    tier: row.tier!,
    status: row.status ?? 'member',
    home_node: row.home_node ?? defaults.homeNode,
    contacts: row.contacts ?? toJson({}),
    pgp_public_key: row.pgp_public_key ?? null,
    pgp_fingerprint: row.pgp_fingerprint ?? null,
    profile: row.profile ?? '',
    created_at: now,
    modified_at: now,
  };
  return inTransaction(ctx, outer, async (tx) => {
    await assertUniqueNames(tx, full);
    await q.insertOrganisation(tx, full);
    if (constituency) await q.replaceConstituency(tx, full.id, constituency, newId);
    await appendAudit(tx, ctx.store.engine, actor, {
      action: 'organisation.create',
      objectType: 'organisation',
      objectId: full.id,
      orgId: full.id,
      details: { name: full.name, shortName: full.short_name, country: full.country, tier: full.tier, status: full.status },
    });
    const [created] = await withConstituency(tx, [full]);
    return created!;
  });
}

export async function updateOrganisationProfile(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: UpdateOrganisationInput,
): Promise<Organisation> {
  const viewer = actor.viewer;
  const { row, constituency } = await validateFields(input);
  return ctx.store.db.transaction().execute(async (tx) => {
    const existing = await q.findVisibleOrganisation(tx, viewer, id);
    if (!existing) {
      requireUser(viewer);
      throw new NotFound('organisation');
    }
    authorize(viewer, mayUpdateOrganisation(viewer, id), 'you may only edit your own organisation');
    const membershipFields = (['tier', 'status', 'home_node'] as const).filter((f) => row[f] !== undefined && row[f] !== existing[f]);
    if (membershipFields.length > 0) {
      authorize(viewer, mayChangeMembership(viewer), 'tier, status and home node are set by the secretariat');
    }
    await assertUniqueNames(tx, row, id);
    const changed = Object.keys(row).filter((k) => row[k as keyof typeof row] !== existing[k as keyof typeof existing]);
    const modifiedAt = nowIso();
    await q.updateOrganisation(tx, id, { ...row, modified_at: modifiedAt });
    if (constituency) await q.replaceConstituency(tx, id, constituency, newId);
    await appendAudit(tx, ctx.store.engine, actor, {
      action: 'organisation.update',
      objectType: 'organisation',
      objectId: id,
      orgId: id,
      details: { fields: constituency ? [...changed, 'constituency'] : changed },
    });
    const [updated] = await withConstituency(tx, [{ ...existing, ...row, modified_at: modifiedAt }]);
    return updated!;
  });
}

export async function findOrganisation(ctx: AppContext, viewer: Viewer, ref: string): Promise<Organisation> {
  const row = await q.findOrganisationByRef(ctx.store.db, viewer, ref);
  if (!row) throw new NotFound(`organisation ${ref}`);
  return (await withConstituency(ctx.store.db, [row]))[0]!;
}
