// Incidents: opened by a team (or arriving through the public form), classified with RSIT, worked
// through their lifecycle, with observables routed to the responsible teams, coordination requests
// those teams answer on their own, tasks, a timeline and attachments. Every read goes through the
// incident policy; every change is one transaction with its audit entry and timeline entry.
import crypto from 'node:crypto';
import type { AppContext } from '../../app.ts';
import type { Tx } from '../../store/db.ts';
import { newId } from '../../store/ids.ts';
import { fromJson, toJson } from '../../store/json.ts';
import { nextVersion, nowIso } from '../../store/time.ts';
import { decodeCursor, pageOf, type Page } from '../../domain/cursor.ts';
import { Conflict, Invalid, NotFound } from '../../domain/errors.ts';
import { normaliseCountry } from '../../domain/country.ts';
import { ipRange } from '../../domain/ip-range.ts';
import { queryWords, searchTerms } from '../../domain/search-terms.ts';
import { recogniseObservable } from '../../domain/indicators/detect.ts';
import { correlationKey, normaliseIndicator } from '../../domain/indicators/normalise.ts';
import { isIndicatorType, type IndicatorType } from '../../domain/indicators/types.ts';
import type { OrganisationContacts } from '../../domain/organisation.ts';
import { calendarOf } from '../../domain/incidents/business-hours.ts';
import { normaliseClassification } from '../../domain/incidents/classification.ts';
import {
  coordinationTransition,
  nextCoordinationStatuses,
  nextStatuses,
  transition,
  type CoordinationStatus,
  type IncidentStatus,
  type Severity,
} from '../../domain/incidents/lifecycle.ts';
import { formatReference } from '../../domain/incidents/reference.ts';
import { slaStatus, type SlaStatus } from '../../domain/incidents/sla.ts';
import { authorize, requireIdentified } from '../../policy/authorize.ts';
import { mayAnswerCoordination, mayContributeToIncident, mayCreateIncident, mayManageIncident } from '../../policy/incidents.ts';
import { actorLabel, systemViewer, type Actor, type Viewer } from '../../policy/viewer.ts';
import { appendAudit } from '../audit/service.ts';
import { readNodeInfo } from '../node/service.ts';
import { lookupByKeys } from '../intel/queries.ts';
import { currentRouting, describeDecision, type CompiledRouting } from '../routing/service.ts';
import * as q from './queries.ts';
import type {
  CreateIncidentInput,
  ImpactInput,
  Incident,
  IncidentSummary,
  ListIncidentsQuery,
  Observable,
  ObservableInput,
  UpdateIncidentInput,
} from './schemas.ts';
import { MAX_ATTACHMENT_BYTES, MAX_OBSERVABLES_PER_REQUEST } from './schemas.ts';
import { notifyTeams, type TeamNotice } from '../notifications/outbox.ts';

type IncidentRow = NonNullable<Awaited<ReturnType<typeof q.findVisibleIncident>>>;

// ------------------------------------------------------------------------------- reading

function sla(row: IncidentRow, now = new Date()): SlaStatus {
  const contacts = fromJson<OrganisationContacts>(row.owner_contacts, {});
  const date = (iso: string | null) => (iso ? new Date(iso) : null);
  return slaStatus({
    severity: row.severity as Severity,
    openedAt: new Date(row.opened_at),
    now,
    calendar: calendarOf(contacts.businessHours, contacts.timeZone),
    acknowledgedAt: date(row.acknowledged_at),
    firstResponseAt: date(row.first_response_at),
    resolvedAt: date(row.resolved_at),
  });
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function slaView(status: SlaStatus): Incident['sla'] {
  const timer = (t: SlaStatus['acknowledge']) => ({ dueAt: t.dueAt.toISOString(), escalateAt: t.escalateAt.toISOString(), metAt: iso(t.metAt), state: t.state });
  return { acknowledge: timer(status.acknowledge), firstResponse: timer(status.firstResponse), resolve: timer(status.resolve), needsEscalation: status.needsEscalation };
}

function isOverdue(status: SlaStatus): boolean {
  return status.acknowledge.state === 'overdue' || status.firstResponse.state === 'overdue' || status.resolve.state === 'overdue';
}

const OPEN_STATUSES: readonly string[] = ['new', 'triaged', 'in_progress'];

/** The earliest escalation point of a timer not yet met, while the incident is open; else null. */
function nextEscalation(row: IncidentRow): string | null {
  if (!OPEN_STATUSES.includes(row.status)) return null;
  const status = sla(row);
  const pending = (['acknowledge', 'firstResponse', 'resolve'] as const).filter((t) => status[t].metAt === null).map((t) => status[t].escalateAt.getTime());
  return pending.length ? new Date(Math.min(...pending)).toISOString() : null;
}

/** Recomputes when the incident next calls for escalation, after a change to its timers' inputs. */
async function refreshEscalation(tx: Tx, id: string): Promise<void> {
  const row = await q.findVisibleIncident(tx, systemViewer('sla'), id);
  if (row) await q.updateIncident(tx, id, { escalate_at: nextEscalation(row) });
}

async function assemble(tx: Tx, viewer: Viewer, row: IncidentRow): Promise<Incident> {
  const [counts, events, coordination, tasks] = await Promise.all([
    q.observableCounts(tx, [row.id]),
    q.linkedEventsVisibleTo(tx, viewer, row.id),
    q.coordinationOf(tx, [row.id]),
    q.tasksOf(tx, [row.id]),
  ]);
  const now = new Date();
  return {
    id: row.id,
    reference: row.reference,
    title: row.title,
    description: row.description,
    classification: row.classification,
    rsitType: row.rsit_type,
    rsitTag: normaliseClassification({ classification: row.classification, type: row.rsit_type }).tag,
    severity: row.severity as Severity,
    tlp: row.tlp as Incident['tlp'],
    pap: row.pap as Incident['pap'],
    status: row.status as IncidentStatus,
    nextStatuses: nextStatuses(row.status as IncidentStatus).map((s) => ({ to: s.to, reasonRequired: s.reasonRequired === true })),
    owner: { orgId: row.owner_org_id, name: row.owner_name, country: row.owner_country },
    assignee: row.assignee_user_id ? { id: row.assignee_user_id, name: row.assignee_name ?? '' } : null,
    reporter: { kind: row.reporter_kind, orgId: row.reporter_org_id, name: row.reporter_name, email: row.reporter_email },
    impact: { affectedSystems: row.affected_systems, affectedPeople: row.affected_people, lossAmount: row.loss_amount, lossCurrency: row.loss_currency },
    country: row.country,
    openedAt: row.opened_at,
    acknowledgedAt: row.acknowledged_at,
    firstResponseAt: row.first_response_at,
    resolvedAt: row.resolved_at,
    closedAt: row.closed_at,
    modified: row.modified,
    sla: slaView(sla(row, now)),
    observableCount: counts.get(row.id) ?? 0,
    events: events.map((e) => ({ id: e.id, info: e.info })),
    coordination: coordination.map((c) => ({
      id: c.id,
      orgId: c.org_id,
      orgName: c.org_name,
      country: c.org_country,
      status: c.status as CoordinationStatus,
      action: c.action,
      message: c.message,
      reason: c.reason,
      note: c.note,
      nextStatuses: nextCoordinationStatuses(c.status as CoordinationStatus).map((s) => s.to),
      createdAt: c.created_at,
      modified: c.modified,
      respondedAt: c.responded_at,
      completedAt: c.completed_at,
    })),
    tasks: tasks.map((t) => ({
      id: t.id,
      orgId: t.org_id,
      title: t.title,
      assignee: t.assignee_user_id ? { id: t.assignee_user_id, name: t.assignee_name ?? '' } : null,
      dueAt: t.due_at,
      status: t.status as 'open' | 'done' | 'cancelled',
      overdue: t.status === 'open' && t.due_at !== null && Date.parse(t.due_at) < now.getTime(),
      createdAt: t.created_at,
      modified: t.modified,
      doneAt: t.done_at,
    })),
    mine: viewer.kind === 'system' || (viewer.kind === 'user' && viewer.orgId === row.owner_org_id),
  };
}

async function visibleIncident(tx: Tx, viewer: Viewer, id: string): Promise<IncidentRow> {
  requireIdentified(viewer);
  const row = await q.findVisibleIncident(tx, viewer, id);
  if (!row) throw new NotFound('incident');
  return row;
}

export async function getIncident(ctx: AppContext, viewer: Viewer, id: string): Promise<Incident> {
  return assemble(ctx.store.db, viewer, await visibleIncident(ctx.store.db, viewer, id));
}

/** By id, or by reference as people type it (`my-2026-00042`). */
export async function findIncident(ctx: AppContext, viewer: Viewer, ref: string): Promise<Incident> {
  requireIdentified(viewer);
  const trimmed = ref.trim();
  const row = /^[0-9a-f-]{36}$/i.test(trimmed)
    ? await q.findVisibleIncident(ctx.store.db, viewer, trimmed.toLowerCase())
    : await q.findVisibleIncidentByReference(ctx.store.db, viewer, trimmed.toUpperCase());
  if (!row) throw new NotFound(`incident ${trimmed}`);
  return assemble(ctx.store.db, viewer, row);
}

export async function listIncidents(ctx: AppContext, viewer: Viewer, query: ListIncidentsQuery): Promise<Page<IncidentSummary>> {
  requireIdentified(viewer);
  const limit = query.limit ?? 50;
  const after = decodeCursor(query.cursor, 2);
  const rows = await q.listVisibleIncidents(ctx.store.db, viewer, {
    words: query.q ? queryWords(query.q) : undefined,
    status: query.status,
    severity: query.severity,
    classification: query.classification ? normaliseClassification({ classification: query.classification }, 'classification').classification : undefined,
    orgId: query.org,
    country: query.country?.toUpperCase(),
    assigneeUserId: query.assignee,
    from: query.from ? new Date(query.from).toISOString() : undefined,
    to: query.to ? new Date(query.to).toISOString() : undefined,
    after: after ? { modified: String(after[0]), id: String(after[1]) } : undefined,
    limit: limit + 1,
  });
  const page = pageOf(rows, limit, (last) => [last.modified, last.id]);
  const now = new Date();
  return {
    items: page.rows.map((row) => ({
      id: row.id,
      reference: row.reference,
      title: row.title,
      classification: row.classification,
      rsitType: row.rsit_type,
      severity: row.severity as Severity,
      tlp: row.tlp as Incident['tlp'],
      status: row.status as IncidentStatus,
      owner: { orgId: row.owner_org_id, name: row.owner_name, country: row.owner_country },
      country: row.country,
      openedAt: row.opened_at,
      modified: row.modified,
      overdue: isOverdue(sla(row, now)),
    })),
    nextCursor: page.nextCursor,
  };
}

// ------------------------------------------------------------------------------- helpers

function pick<T extends object, K extends keyof T>(object: T, keys: readonly K[]): Partial<Pick<T, K>> {
  return Object.fromEntries(keys.filter((k) => object[k] !== undefined).map((k) => [k, object[k]])) as Partial<Pick<T, K>>;
}

/** RSIT class and type as the API names them (`classification`, `rsitType`). */
function classify(classification: string, rsitType: string | null | undefined) {
  try {
    return normaliseClassification({ classification, type: rsitType ?? null });
  } catch (error) {
    if (error instanceof Invalid && error.field === 'type') throw new Invalid('rsitType', error.reason);
    throw error;
  }
}

function authorOf(viewer: Viewer): { orgId: string | null; userId: string | null; label: string } {
  return viewer.kind === 'user' ? { orgId: viewer.orgId, userId: viewer.userId, label: actorLabel(viewer) } : { orgId: null, userId: null, label: actorLabel(viewer) };
}

async function addEntry(
  tx: Tx,
  viewer: Viewer,
  incidentId: string,
  entry: { kind: string; body?: string; details?: unknown; internal?: boolean; at?: string },
): Promise<string> {
  const author = authorOf(viewer);
  const id = newId();
  await q.insertEntry(tx, {
    id,
    incident_id: incidentId,
    kind: entry.kind,
    org_id: author.orgId,
    author_user_id: author.userId,
    author_label: author.label,
    body: entry.body ?? '',
    details: toJson(entry.details ?? {}),
    internal: entry.internal ? 1 : 0,
    created_at: entry.at ?? nowIso(),
  });
  return id;
}

function impactRow(impact: ImpactInput | undefined, field = 'impact') {
  if (!impact) return {};
  const out: { affected_systems?: number | null; affected_people?: number | null; loss_amount?: string | null; loss_currency?: string | null } = {};
  if (impact.affectedSystems !== undefined) out.affected_systems = impact.affectedSystems;
  if (impact.affectedPeople !== undefined) out.affected_people = impact.affectedPeople;
  if (impact.lossAmount !== undefined) out.loss_amount = impact.lossAmount;
  if (impact.lossCurrency !== undefined) out.loss_currency = impact.lossCurrency;
  const amount = out.loss_amount;
  const currency = out.loss_currency;
  if (amount && currency === undefined) throw new Invalid(`${field}.lossCurrency`, 'is required with lossAmount');
  if (currency && amount === undefined) throw new Invalid(`${field}.lossAmount`, 'is required with lossCurrency');
  return out;
}


export interface PreparedObservable {
  row: Omit<Parameters<typeof q.insertObservables>[1][number], 'incident_id'>;
  routedTeams: string[];
}

/** Validates and normalises observables and routes each one; done before the transaction opens
 *  because routing reads the directory. */
export async function prepareObservables(ctx: AppContext, inputs: ObservableInput[], field = 'observables', country?: string | null): Promise<PreparedObservable[]> {
  if (inputs.length > MAX_OBSERVABLES_PER_REQUEST) throw new Invalid(field, `at most ${MAX_OBSERVABLES_PER_REQUEST} observables at once`);
  const routing: CompiledRouting = await currentRouting(ctx);
  const now = nowIso();
  return inputs.map((input, i) => {
    let type: IndicatorType;
    if (input.type !== undefined) {
      if (!isIndicatorType(input.type)) throw new Invalid(`${field}[${i}].type`, `unknown indicator type "${input.type}"`);
      type = input.type;
    } else {
      const found = recogniseObservable(input.value);
      if (!found) throw new Invalid(`${field}[${i}].value`, 'not recognised as an indicator; give its type');
      type = found.type;
    }
    const { value, normalised } = normaliseIndicator(type, input.value, `${field}[${i}].value`);
    const range = ['ip-src', 'ip-dst'].includes(type) ? ipRange(normalised) : undefined;
    const decision = describeDecision(routing, type, value, routing.router.route({ type, value, ...(country ? { country } : {}) }));
    const { type: _t, value: _v, ...stored } = decision;
    return {
      row: {
        id: newId(),
        type,
        value,
        normalised,
        correlation_key: correlationKey(type, normalised),
        ip_start: range?.start ?? null,
        ip_end: range?.end ?? null,
        comment: input.comment?.trim() ?? '',
        routing: toJson(stored),
        decided_by: decision.decidedBy,
        created_at: now,
      },
      routedTeams: decision.teams.map((t) => t.orgId),
    };
  });
}

async function referencePrefix(ctx: AppContext): Promise<string> {
  const node = await readNodeInfo(ctx);
  if (node?.country) return node.country;
  const letters = (node?.name ?? '').toUpperCase().replace(/[^A-Z]/g, '').slice(0, 8);
  return letters.length >= 2 ? letters : 'INC';
}

function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

// ------------------------------------------------------------------------------- writing

export interface CreateOptions {
  /** The owning team when the operator creates (the CLI, the public form); a user always owns as their team. */
  ownerOrgId?: string | undefined;
  /** Reports from the public form: the reporter and the tracking secret's hash. */
  publicReport?: { name: string; email: string | null; trackingToken: string } | undefined;
  /** `input.observables` already checked and routed by the caller (`prepareObservables`), not to be routed again. */
  preparedObservables?: PreparedObservable[] | undefined;
}

export async function createIncident(ctx: AppContext, actor: Actor, input: CreateIncidentInput, options: CreateOptions = {}): Promise<Incident> {
  const viewer = actor.viewer;
  authorize(viewer, mayCreateIncident(viewer), 'readers cannot open incidents');
  const ownerOrgId = viewer.kind === 'user' ? viewer.orgId : options.ownerOrgId;
  if (!ownerOrgId) throw new Invalid('org', 'name the team that owns the incident');
  const title = input.title.trim();
  if (!title) throw new Invalid('title', 'must not be blank');
  const rsit = classify(input.classification, input.rsitType);
  const country = input.country ? normaliseCountry(input.country, 'country') : null;
  const impact = impactRow(input.impact);
  const openedAt = input.openedAt ? new Date(input.openedAt) : new Date();
  if (openedAt.getTime() > Date.now() + 5 * 60_000) throw new Invalid('openedAt', 'is in the future');
  const observables = options.preparedObservables ?? (await prepareObservables(ctx, input.observables ?? [], 'observables', country));
  const prefix = await referencePrefix(ctx);

  const id = await ctx.store.db.transaction().execute(async (tx) => {
    const [owner] = await q.organisationsByIds(tx, [ownerOrgId]);
    if (!owner) throw new Invalid('org', 'no such organisation');
    let reporter: { kind: string; orgId: string | null; name: string; email: string | null };
    if (options.publicReport) {
      reporter = { kind: 'public', orgId: null, name: options.publicReport.name, email: options.publicReport.email };
    } else if (input.reporter?.kind === 'outside') {
      if (!input.reporter.name?.trim()) throw new Invalid('reporter.name', 'is required for an outside reporter');
      reporter = { kind: 'outside', orgId: null, name: input.reporter.name.trim(), email: input.reporter.email ?? null };
    } else {
      const reporterOrgId = input.reporter?.orgId ?? ownerOrgId;
      const [org] = reporterOrgId === owner.id ? [owner] : await q.organisationsByIds(tx, [reporterOrgId]);
      if (!org) throw new Invalid('reporter.orgId', 'no such organisation');
      reporter = { kind: 'team', orgId: org.id, name: input.reporter?.name?.trim() || org.name, email: input.reporter?.email ?? null };
    }
    if (input.assigneeUserId && !(await q.activeUserOfTeam(tx, input.assigneeUserId, ownerOrgId))) {
      throw new Invalid('assigneeUserId', 'not an active user of the owning team');
    }
    const eventIds = [...new Set(input.eventIds ?? [])];
    const visibleEvents = await q.visibleEventIds(tx, viewer, eventIds);
    const hidden = eventIds.findIndex((e) => !visibleEvents.has(e));
    if (hidden >= 0) throw new Invalid(`eventIds[${hidden}]`, 'no such event');

    const year = openedAt.getUTCFullYear();
    const reference = formatReference(prefix, year, await q.nextSequence(tx, prefix, year));
    const id = newId();
    const now = nowIso();
    await q.insertIncident(tx, {
      id,
      reference,
      title,
      description: input.description?.trim() ?? '',
      classification: rsit.classification,
      rsit_type: rsit.type,
      severity: input.severity,
      tlp: input.tlp,
      pap: input.pap ?? 'AMBER',
      status: 'new',
      owner_org_id: ownerOrgId,
      assignee_user_id: input.assigneeUserId ?? null,
      reporter_kind: reporter.kind,
      reporter_org_id: reporter.orgId,
      reporter_name: reporter.name,
      reporter_email: reporter.email,
      affected_systems: impact.affected_systems ?? null,
      affected_people: impact.affected_people ?? null,
      loss_amount: impact.loss_amount ?? null,
      loss_currency: impact.loss_currency ?? null,
      country,
      opened_at: openedAt.toISOString(),
      acknowledged_at: null,
      seconds_to_acknowledge: null,
      first_response_at: null,
      resolved_at: null,
      seconds_to_resolve: null,
      closed_at: null,
      escalated_at: null,
      escalate_at: null,
      tracking_hash: options.publicReport ? hashToken(options.publicReport.trackingToken) : null,
      created_at: now,
      modified: now,
    });
    await refreshEscalation(tx, id);
    await q.adjustIncidentCounts(tx, [{ opened_at: openedAt.toISOString(), classification: rsit.classification, rsit_type: rsit.type, severity: input.severity, country, owner_org_id: ownerOrgId }], +1);
    await q.insertObservables(tx, observables.map((o) => ({ ...o.row, incident_id: id })));
    await q.addTerms(tx, id, searchTerms(reference, title, input.description, ...observables.flatMap((o) => [o.row.value, o.row.normalised])));
    await q.linkEvents(tx, id, eventIds, now);
    await addEntry(tx, viewer, id, { kind: 'created', body: `${reference} opened`, details: { severity: input.severity, classification: rsit.tag, observables: observables.length } });
    await appendAudit(tx, ctx.store.engine, actor, { action: 'incident.create', objectType: 'incident', objectId: id, orgId: ownerOrgId, details: { reference, severity: input.severity, classification: rsit.tag } });
    await notifyTeams(tx, {
      topic: 'incident.created',
      incidentId: id,
      orgIds: [ownerOrgId],
      subject: `[${reference}] new ${input.severity} incident: ${title}`,
      body: `A new incident was opened for your team.\n\nReference: ${reference}\nTitle: ${title}\nSeverity: ${input.severity}\nClassification: ${rsit.tag}\nTLP: ${input.tlp}\nReporter: ${reporter.name}\nObservables: ${observables.length}\n`,
    });
    return id;
  });
  return getIncident(ctx, viewer, id);
}

/** Loads the incident for a change by a member of its audience, and checks the change is allowed. */
async function forChange(tx: Tx, viewer: Viewer, id: string, allowed: (row: IncidentRow) => boolean, reason: string): Promise<IncidentRow> {
  const row = await visibleIncident(tx, viewer, id);
  authorize(viewer, allowed(row), reason);
  return row;
}

const isOwnerTeam = (viewer: Viewer, row: IncidentRow) => viewer.kind === 'system' || (viewer.kind === 'user' && viewer.orgId === row.owner_org_id);

export async function updateIncident(ctx: AppContext, actor: Actor, id: string, input: UpdateIncidentInput): Promise<Incident> {
  const viewer = actor.viewer;
  const impact = impactRow(input.impact);
  const country = input.country === undefined ? undefined : input.country === null ? null : normaliseCountry(input.country, 'country');
  await ctx.store.db.transaction().execute(async (tx) => {
    const row = await forChange(tx, viewer, id, (r) => mayManageIncident(viewer, r), 'only the owning team runs the incident');
    const changes: Parameters<typeof q.updateIncident>[2] = { ...impact };
    if (input.title !== undefined) {
      if (!input.title.trim()) throw new Invalid('title', 'must not be blank');
      changes.title = input.title.trim();
    }
    if (input.description !== undefined) changes.description = input.description.trim();
    if (input.classification !== undefined || input.rsitType !== undefined) {
      const rsit = classify(input.classification ?? row.classification, input.rsitType === undefined ? (input.classification === undefined ? row.rsit_type : null) : input.rsitType);
      changes.classification = rsit.classification;
      changes.rsit_type = rsit.type;
    }
    if (input.severity !== undefined) changes.severity = input.severity;
    if (input.tlp !== undefined) changes.tlp = input.tlp;
    if (input.pap !== undefined) changes.pap = input.pap;
    if (country !== undefined) changes.country = country;
    if (input.assigneeUserId !== undefined) {
      if (input.assigneeUserId !== null && !(await q.activeUserOfTeam(tx, input.assigneeUserId, row.owner_org_id))) {
        throw new Invalid('assigneeUserId', 'not an active user of the owning team');
      }
      changes.assignee_user_id = input.assigneeUserId;
    }
    if (changes.title !== undefined || changes.description !== undefined) {
      await q.replaceTerms(tx, id, searchTerms(row.reference, changes.title ?? row.title, changes.description ?? row.description, ...(await q.observableValues(tx, id))));
    }
    changes.modified = nextVersion(row.modified);
    const fields = Object.keys(input);
    const counted = { opened_at: row.opened_at, classification: row.classification, rsit_type: row.rsit_type, severity: row.severity, country: row.country, owner_org_id: row.owner_org_id };
    const recounted = { ...counted, ...pick(changes, ['classification', 'rsit_type', 'severity', 'country']) };
    if (JSON.stringify(recounted) !== JSON.stringify(counted)) {
      await q.adjustIncidentCounts(tx, [counted], -1);
      await q.adjustIncidentCounts(tx, [recounted], +1);
    }
    await q.updateIncident(tx, id, changes);
    if (changes.severity !== undefined) await refreshEscalation(tx, id);
    await addEntry(tx, viewer, id, { kind: 'update', body: `changed ${fields.join(', ')}`, details: { fields } });
    await appendAudit(tx, ctx.store.engine, actor, { action: 'incident.update', objectType: 'incident', objectId: id, orgId: row.owner_org_id, details: { fields } });
  });
  return getIncident(ctx, viewer, id);
}

export async function changeStatus(ctx: AppContext, actor: Actor, id: string, input: { status: IncidentStatus; reason?: string | undefined }): Promise<Incident> {
  const viewer = actor.viewer;
  await ctx.store.db.transaction().execute(async (tx) => {
    const row = await forChange(tx, viewer, id, (r) => mayManageIncident(viewer, r), 'only the owning team moves the incident through its lifecycle');
    const from = row.status as IncidentStatus;
    const to = transition(from, input.status, { reason: input.reason ?? '' });
    const now = nowIso();
    const changes: Parameters<typeof q.updateIncident>[2] = { status: to, modified: nextVersion(row.modified) };
    if (row.acknowledged_at === null) Object.assign(changes, acknowledgedNow(row, now));
    if (to === 'in_progress' && row.first_response_at === null) changes.first_response_at = now;
    const reopened = ['resolved', 'closed', 'rejected'].includes(from) && to === 'in_progress';
    if (reopened) {
      changes.resolved_at = null;
      changes.seconds_to_resolve = null;
      changes.closed_at = null;
      changes.escalated_at = null;
    }
    if (['resolved', 'closed', 'rejected'].includes(to) && row.resolved_at === null) {
      changes.resolved_at = now;
      changes.seconds_to_resolve = secondsSinceOpened(row, now);
    }
    if (['closed', 'rejected'].includes(to)) changes.closed_at = now;
    await q.updateIncident(tx, id, changes);
    await refreshEscalation(tx, id);
    await addEntry(tx, viewer, id, { kind: 'status', body: input.reason?.trim() ?? '', details: { from, to } });
    await appendAudit(tx, ctx.store.engine, actor, { action: reopened ? 'incident.reopen' : 'incident.status', objectType: 'incident', objectId: id, orgId: row.owner_org_id, details: { from, to, reason: input.reason ?? null } });
    const coordinating = (await q.coordinationOf(tx, [id])).filter((c) => !['declined'].includes(c.status)).map((c) => c.org_id);
    await notifyTeams(tx, {
      topic: 'incident.status',
      incidentId: id,
      orgIds: coordinating,
      subject: `[${row.reference}] ${from} → ${to}: ${row.title}`,
      body: `The incident ${row.reference} moved from ${from} to ${to}.${input.reason ? `\n\nReason: ${input.reason}` : ''}\n`,
    });
  });
  return getIncident(ctx, viewer, id);
}

// Statistics take medians of these durations, kept beside the timestamps so they are read as numbers.
function secondsSinceOpened(row: { opened_at: string }, now: string): number {
  return Math.max(0, Math.round((Date.parse(now) - Date.parse(row.opened_at)) / 1000));
}

function acknowledgedNow(row: { opened_at: string }, now: string) {
  return { acknowledged_at: now, seconds_to_acknowledge: secondsSinceOpened(row, now) };
}

/** The owner team's first words to others (a shared comment, a request to another team) answer the report. */
async function markResponded(tx: Tx, viewer: Viewer, row: IncidentRow, changes: Parameters<typeof q.updateIncident>[2] = {}): Promise<void> {
  if (!isOwnerTeam(viewer, row)) {
    await q.updateIncident(tx, row.id, { ...changes, modified: nextVersion(row.modified) });
    return;
  }
  const now = nowIso();
  await q.updateIncident(tx, row.id, {
    ...changes,
    ...(row.acknowledged_at === null ? acknowledgedNow(row, now) : {}),
    ...(row.first_response_at === null ? { first_response_at: now } : {}),
    modified: nextVersion(row.modified),
  });
  if (row.acknowledged_at === null || row.first_response_at === null) await refreshEscalation(tx, row.id);
}

export async function addComment(ctx: AppContext, actor: Actor, id: string, input: { body: string; internal?: boolean | undefined }) {
  const viewer = actor.viewer;
  const body = input.body.trim();
  if (!body) throw new Invalid('body', 'must not be blank');
  return ctx.store.db.transaction().execute(async (tx) => {
    const row = await forChange(tx, viewer, id, () => mayContributeToIncident(viewer), 'readers cannot comment');
    const entryId = await addEntry(tx, viewer, id, { kind: 'comment', body, internal: input.internal === true });
    if (!input.internal) await markResponded(tx, viewer, row);
    await appendAudit(tx, ctx.store.engine, actor, { action: 'incident.comment', objectType: 'incident', objectId: id, orgId: row.owner_org_id, details: { entry: entryId, internal: input.internal === true } });
    return { id: entryId };
  });
}

export async function recordReceivedEmail(ctx: AppContext, actor: Actor, id: string, input: { from: string; subject: string; body: string; receivedAt?: string | undefined }) {
  const viewer = actor.viewer;
  return ctx.store.db.transaction().execute(async (tx) => {
    const row = await forChange(tx, viewer, id, () => mayContributeToIncident(viewer), 'readers cannot record e-mail');
    const entryId = await addEntry(tx, viewer, id, {
      kind: 'email_received',
      body: input.body,
      details: { from: input.from, subject: input.subject },
      ...(input.receivedAt ? { at: new Date(input.receivedAt).toISOString() } : {}),
    });
    await q.updateIncident(tx, id, { modified: nextVersion(row.modified) });
    await appendAudit(tx, ctx.store.engine, actor, { action: 'incident.email_received', objectType: 'incident', objectId: id, orgId: row.owner_org_id, details: { from: input.from } });
    return { id: entryId };
  });
}

export async function timeline(ctx: AppContext, viewer: Viewer, id: string, options: { limit?: number | undefined; cursor?: string | undefined }) {
  await visibleIncident(ctx.store.db, viewer, id);
  const limit = options.limit ?? 200;
  const after = decodeCursor(options.cursor, 2);
  const rows = await q.entriesVisibleOn(ctx.store.db, viewer, id, limit + 1, after ? { at: String(after[0]), id: String(after[1]) } : undefined);
  const page = pageOf(rows, limit, (last) => [last.created_at, last.id]);
  return {
    items: page.rows.map((e) => ({ id: e.id, kind: e.kind, orgId: e.org_id, author: e.author_label, body: e.body, details: fromJson<unknown>(e.details, {}), internal: e.internal === 1, createdAt: e.created_at })),
    nextCursor: page.nextCursor,
  };
}

// ------------------------------------------------------------------ observables and events

export async function addObservables(ctx: AppContext, actor: Actor, id: string, inputs: ObservableInput[]): Promise<Observable[]> {
  const viewer = actor.viewer;
  const existing = await visibleIncident(ctx.store.db, viewer, id);
  const prepared = await prepareObservables(ctx, inputs, 'observables', existing.country);
  await ctx.store.db.transaction().execute(async (tx) => {
    const row = await forChange(tx, viewer, id, () => mayContributeToIncident(viewer), 'readers cannot add observables');
    await q.insertObservables(tx, prepared.map((o) => ({ ...o.row, incident_id: id })));
    await q.addTerms(tx, id, searchTerms(...prepared.flatMap((o) => [o.row.value, o.row.normalised])));
    await q.updateIncident(tx, id, { modified: nextVersion(row.modified) });
    await addEntry(tx, viewer, id, { kind: 'observables', body: `${prepared.length} observable(s) added`, details: { values: prepared.slice(0, 20).map((o) => o.row.value) } });
    await appendAudit(tx, ctx.store.engine, actor, { action: 'incident.observables_add', objectType: 'incident', objectId: id, orgId: row.owner_org_id, details: { count: prepared.length } });
  });
  const added = new Set(prepared.map((o) => o.row.id));
  return (await listObservables(ctx, viewer, id)).filter((o) => added.has(o.id));
}

/** Observables with their routing and what the viewer's visible intelligence knows of each value. */
export async function listObservables(ctx: AppContext, viewer: Viewer, id: string): Promise<Observable[]> {
  await visibleIncident(ctx.store.db, viewer, id);
  const rows = await q.observablesOf(ctx.store.db, id);
  const keys = [...new Set(rows.flatMap((r) => (r.correlation_key ? [r.correlation_key] : [])))];
  const byKey = new Map<string, Awaited<ReturnType<typeof lookupByKeys>>>();
  for (let i = 0; i < keys.length; i += 500) {
    for (const match of await lookupByKeys(ctx.store.db, viewer, keys.slice(i, i + 500))) {
      const list = byKey.get(match.correlation_key!) ?? [];
      list.push(match);
      byKey.set(match.correlation_key!, list);
    }
  }
  return rows.map((r) => {
    const matches = r.correlation_key ? (byKey.get(r.correlation_key) ?? []) : [];
    const events = new Map(matches.map((m) => [m.event_id, { id: m.event_id, info: m.info, orgName: m.owner_name }]));
    return {
      id: r.id,
      type: r.type,
      value: r.value,
      normalised: r.normalised,
      comment: r.comment,
      routing: fromJson<Observable['routing']>(r.routing, { teams: [], decidedBy: null, countries: [], conflicts: false }),
      intel: { matches: matches.length, events: [...events.values()].slice(0, 10) },
      createdAt: r.created_at,
    };
  });
}

export async function linkEvent(ctx: AppContext, actor: Actor, id: string, eventId: string): Promise<Incident> {
  const viewer = actor.viewer;
  await ctx.store.db.transaction().execute(async (tx) => {
    const row = await forChange(tx, viewer, id, () => mayContributeToIncident(viewer), 'readers cannot link events');
    if (!(await q.visibleEventIds(tx, viewer, [eventId])).has(eventId)) throw new Invalid('eventId', 'no such event');
    await q.linkEvents(tx, id, [eventId], nowIso());
    await q.updateIncident(tx, id, { modified: nextVersion(row.modified) });
    await addEntry(tx, viewer, id, { kind: 'link', body: 'event linked', details: { eventId } });
    await appendAudit(tx, ctx.store.engine, actor, { action: 'incident.link_event', objectType: 'incident', objectId: id, orgId: row.owner_org_id, details: { eventId } });
  });
  return getIncident(ctx, viewer, id);
}

export async function unlinkEvent(ctx: AppContext, actor: Actor, id: string, eventId: string): Promise<Incident> {
  const viewer = actor.viewer;
  await ctx.store.db.transaction().execute(async (tx) => {
    const row = await forChange(tx, viewer, id, (r) => mayManageIncident(viewer, r), 'only the owning team unlinks events');
    if ((await q.unlinkEvent(tx, id, eventId)) === 0) throw new NotFound('link to that event');
    await q.updateIncident(tx, id, { modified: nextVersion(row.modified) });
    await addEntry(tx, viewer, id, { kind: 'link', body: 'event unlinked', details: { eventId } });
    await appendAudit(tx, ctx.store.engine, actor, { action: 'incident.unlink_event', objectType: 'incident', objectId: id, orgId: row.owner_org_id, details: { eventId } });
  });
  return getIncident(ctx, viewer, id);
}

// ------------------------------------------------------------------------------ attachments

const SAFE_FILENAME = /^[^\\/\u0000-\u001f]{1,255}$/;

export async function addAttachment(ctx: AppContext, actor: Actor, id: string, file: { filename: string; mediaType: string; content: Buffer }) {
  const viewer = actor.viewer;
  const filename = file.filename.trim();
  if (!SAFE_FILENAME.test(filename) || filename === '.' || filename === '..') throw new Invalid('filename', 'must be a plain file name without path separators or control characters');
  if (file.content.length === 0) throw new Invalid('body', 'the file is empty');
  if (file.content.length > MAX_ATTACHMENT_BYTES) throw new Invalid('body', `larger than ${MAX_ATTACHMENT_BYTES} bytes`);
  const sha256 = crypto.createHash('sha256').update(file.content).digest('hex');
  return ctx.store.db.transaction().execute(async (tx) => {
    const row = await forChange(tx, viewer, id, () => mayContributeToIncident(viewer), 'readers cannot attach files');
    const attachmentId = newId();
    const now = nowIso();
    const author = authorOf(viewer);
    await q.insertAttachment(tx, {
      id: attachmentId,
      incident_id: id,
      filename,
      media_type: file.mediaType,
      size: file.content.length,
      sha256,
      content: file.content,
      org_id: author.orgId,
      uploaded_by: author.label,
      created_at: now,
    });
    await q.updateIncident(tx, id, { modified: nextVersion(row.modified) });
    await addEntry(tx, viewer, id, { kind: 'attachment', body: filename, details: { attachmentId, size: file.content.length, sha256 } });
    await appendAudit(tx, ctx.store.engine, actor, { action: 'incident.attach', objectType: 'incident', objectId: id, orgId: row.owner_org_id, details: { filename, size: file.content.length, sha256 } });
    return { id: attachmentId, filename, mediaType: file.mediaType, size: file.content.length, sha256, uploadedBy: author.label, createdAt: now };
  });
}

export async function listAttachments(ctx: AppContext, viewer: Viewer, id: string) {
  await visibleIncident(ctx.store.db, viewer, id);
  return (await q.attachmentsOf(ctx.store.db, id)).map((a) => ({ id: a.id, filename: a.filename, mediaType: a.media_type, size: Number(a.size), sha256: a.sha256, uploadedBy: a.uploaded_by, createdAt: a.created_at }));
}

export async function getAttachment(ctx: AppContext, viewer: Viewer, id: string, attachmentId: string) {
  await visibleIncident(ctx.store.db, viewer, id);
  const row = await q.attachmentContent(ctx.store.db, id, attachmentId);
  if (!row) throw new NotFound('attachment');
  return { filename: row.filename, mediaType: row.media_type, sha256: row.sha256, content: Buffer.from(row.content) };
}

// ----------------------------------------------------------------------------- coordination

export async function requestCoordination(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: { orgIds: string[]; action?: string | undefined; message?: string | undefined },
): Promise<Incident> {
  const viewer = actor.viewer;
  await ctx.store.db.transaction().execute(async (tx) => {
    const row = await forChange(tx, viewer, id, (r) => mayManageIncident(viewer, r), 'only the owning team asks other teams');
    const orgIds = [...new Set(input.orgIds)];
    const teams = await q.organisationsByIds(tx, orgIds);
    const existing = new Set((await q.coordinationOf(tx, [id])).map((c) => c.org_id));
    orgIds.forEach((orgId, i) => {
      const team = teams.find((t) => t.id === orgId);
      if (!team) throw new Invalid(`orgIds[${i}]`, 'no such organisation');
      if (team.status !== 'member') throw new Invalid(`orgIds[${i}]`, `${team.name} is not a team in good standing (${team.status})`);
      if (orgId === row.owner_org_id) throw new Invalid(`orgIds[${i}]`, 'the owning team does not ask itself');
      if (existing.has(orgId)) throw new Conflict(`orgIds[${i}]`, `${team.name} has already been asked`);
    });
    const now = nowIso();
    const action = input.action ?? 'assist';
    for (const orgId of orgIds) {
      await q.insertCoordination(tx, {
        id: newId(),
        incident_id: id,
        org_id: orgId,
        status: 'requested',
        action,
        message: input.message?.trim() ?? '',
        reason: null,
        note: '',
        requested_by: authorOf(viewer).label,
        created_at: now,
        modified: now,
        responded_at: null,
        completed_at: null,
      });
    }
    await markResponded(tx, viewer, row);
    await addEntry(tx, viewer, id, { kind: 'coordination', body: `asked ${teams.map((t) => t.name).join(', ')} to ${action}`, details: { orgIds, action } });
    await appendAudit(tx, ctx.store.engine, actor, { action: 'incident.coordination_request', objectType: 'incident', objectId: id, orgId: row.owner_org_id, details: { orgIds, action } });
    await notifyTeams(tx, {
      topic: 'coordination.requested',
      incidentId: id,
      orgIds,
      subject: `[${row.reference}] ${row.owner_name} asks your team to ${action}: ${row.title}`,
      body:
        `${row.owner_name} asks your team to ${action} on incident ${row.reference}.\n\n` +
        `Title: ${row.title}\nSeverity: ${row.severity}\nClassification: ${row.classification}${row.rsit_type ? `/${row.rsit_type}` : ''}\nTLP: ${row.tlp} · PAP: ${row.pap}\n\n` +
        `${input.message?.trim() ?? ''}\n\nAccept, decline (with a reason) or ask for information in Sanad.\n`,
    } satisfies TeamNotice);
  });
  return getIncident(ctx, viewer, id);
}

export async function answerCoordination(
  ctx: AppContext,
  actor: Actor,
  id: string,
  requestId: string,
  input: { status: CoordinationStatus; reason?: string | undefined; note?: string | undefined },
): Promise<Incident> {
  const viewer = actor.viewer;
  await ctx.store.db.transaction().execute(async (tx) => {
    const row = await visibleIncident(tx, viewer, id);
    const request = (await q.coordinationOf(tx, [id])).find((c) => c.id === requestId);
    if (!request) throw new NotFound('coordination request');
    const from = request.status as CoordinationStatus;
    // The asked team decides; the owner answers a request for information by putting it back before them.
    const ownerAnswering = from === 'info_requested' && input.status === 'requested';
    authorize(
      viewer,
      ownerAnswering ? mayManageIncident(viewer, row) : mayAnswerCoordination(viewer, request),
      ownerAnswering ? 'only the owning team answers a request for information' : 'only the team asked answers its request',
    );
    const to = coordinationTransition(from, input.status, { reason: input.reason ?? '' });
    const now = nowIso();
    await q.updateCoordination(tx, requestId, {
      status: to,
      reason: to === 'declined' ? (input.reason?.trim() ?? null) : request.reason,
      note: input.note !== undefined ? input.note.trim() : request.note,
      modified: nextVersion(request.modified),
      ...(request.responded_at === null && !ownerAnswering ? { responded_at: now } : {}),
      ...(to === 'completed' ? { completed_at: now } : {}),
    });
    await q.updateIncident(tx, id, { modified: nextVersion(row.modified) });
    await addEntry(tx, viewer, id, {
      kind: 'coordination',
      body: `${request.org_name}: ${from} → ${to}${input.reason ? ` (${input.reason.trim()})` : ''}${input.note ? `\n${input.note.trim()}` : ''}`,
      details: { requestId, orgId: request.org_id, from, to },
    });
    await appendAudit(tx, ctx.store.engine, actor, { action: 'incident.coordination_answer', objectType: 'incident', objectId: id, orgId: request.org_id, details: { requestId, from, to, reason: input.reason ?? null } });
    await notifyTeams(tx, {
      topic: 'coordination.answered',
      incidentId: id,
      orgIds: ownerAnswering ? [request.org_id] : [row.owner_org_id],
      subject: `[${row.reference}] ${request.org_name}: ${to.replace('_', ' ')}`,
      body: `${request.org_name}'s part of ${row.reference} moved from ${from} to ${to}.${input.reason ? `\nReason: ${input.reason}` : ''}${input.note ? `\n\n${input.note}` : ''}\n`,
    });
  });
  return getIncident(ctx, viewer, id);
}

// ------------------------------------------------------------------------------------ tasks

export async function addTask(ctx: AppContext, actor: Actor, id: string, input: { title: string; assigneeUserId?: string | null | undefined; dueAt?: string | null | undefined }): Promise<Incident> {
  const viewer = actor.viewer;
  await ctx.store.db.transaction().execute(async (tx) => {
    const row = await forChange(tx, viewer, id, () => mayContributeToIncident(viewer), 'readers cannot add tasks');
    const orgId = viewer.kind === 'user' ? viewer.orgId : row.owner_org_id;
    if (input.assigneeUserId && !(await q.activeUserOfTeam(tx, input.assigneeUserId, orgId))) throw new Invalid('assigneeUserId', "not an active user of the task's team");
    const title = input.title.trim();
    if (!title) throw new Invalid('title', 'must not be blank');
    const now = nowIso();
    const taskId = newId();
    await q.insertTask(tx, { id: taskId, incident_id: id, org_id: orgId, title, assignee_user_id: input.assigneeUserId ?? null, due_at: input.dueAt ? new Date(input.dueAt).toISOString() : null, status: 'open', created_at: now, modified: now, done_at: null });
    await q.updateIncident(tx, id, { modified: nextVersion(row.modified) });
    await addEntry(tx, viewer, id, { kind: 'task', body: `task added: ${title}`, details: { taskId } });
    await appendAudit(tx, ctx.store.engine, actor, { action: 'incident.task_add', objectType: 'incident', objectId: id, orgId, details: { taskId, title } });
  });
  return getIncident(ctx, viewer, id);
}

export async function updateTask(
  ctx: AppContext,
  actor: Actor,
  id: string,
  taskId: string,
  input: { title?: string | undefined; assigneeUserId?: string | null | undefined; dueAt?: string | null | undefined; status?: 'open' | 'done' | 'cancelled' | undefined },
): Promise<Incident> {
  const viewer = actor.viewer;
  await ctx.store.db.transaction().execute(async (tx) => {
    const row = await visibleIncident(tx, viewer, id);
    const task = (await q.tasksOf(tx, [id])).find((t) => t.id === taskId);
    if (!task) throw new NotFound('task');
    // A task belongs to the team that does it; the owning team may also manage every task.
    const allowed = mayContributeToIncident(viewer) && (viewer.kind === 'system' || (viewer.kind === 'user' && (viewer.orgId === task.org_id || viewer.orgId === row.owner_org_id)));
    authorize(viewer, allowed, "only the task's team or the owning team changes a task");
    const changes: Parameters<typeof q.updateTask>[2] = { modified: nextVersion(task.modified) };
    if (input.title !== undefined) {
      if (!input.title.trim()) throw new Invalid('title', 'must not be blank');
      changes.title = input.title.trim();
    }
    if (input.assigneeUserId !== undefined) {
      if (input.assigneeUserId !== null && !(await q.activeUserOfTeam(tx, input.assigneeUserId, task.org_id))) throw new Invalid('assigneeUserId', "not an active user of the task's team");
      changes.assignee_user_id = input.assigneeUserId;
    }
    if (input.dueAt !== undefined) changes.due_at = input.dueAt ? new Date(input.dueAt).toISOString() : null;
    if (input.status !== undefined) {
      changes.status = input.status;
      changes.done_at = input.status === 'done' ? nowIso() : null;
    }
    await q.updateTask(tx, taskId, changes);
    await q.updateIncident(tx, id, { modified: nextVersion(row.modified) });
    await addEntry(tx, viewer, id, { kind: 'task', body: `task ${input.status ? `${input.status}: ` : 'changed: '}${changes.title ?? task.title}`, details: { taskId, fields: Object.keys(input) } });
    await appendAudit(tx, ctx.store.engine, actor, { action: 'incident.task_update', objectType: 'incident', objectId: id, orgId: task.org_id, details: { taskId, fields: Object.keys(input) } });
  });
  return getIncident(ctx, viewer, id);
}

// ------------------------------------------------------------------------------- escalation

/** Flags every incident whose SLA calls for escalation and notifies its team, once per incident
 *  (again after a reopen). Run by the server on a timer; returns the references escalated. */
export async function escalateDue(ctx: AppContext, now = new Date()): Promise<string[]> {
  const system = { viewer: { kind: 'system' as const, label: 'sla escalation' }, sourceIp: null };
  const open = await ctx.store.db
    .selectFrom('incident')
    .select('id')
    .where('escalated_at', 'is', null)
    .where('escalate_at', '<=', now.toISOString())
    .where('status', 'in', [...OPEN_STATUSES])
    .execute();
  const escalated: string[] = [];
  for (const { id } of open) {
    const row = await q.findVisibleIncident(ctx.store.db, system.viewer, id);
    if (!row) continue;
    const status = sla(row, now);
    if (!status.needsEscalation) continue;
    const late = (['acknowledge', 'firstResponse', 'resolve'] as const).filter((t) => status[t].state === 'overdue' || (status[t].state === 'running' && now >= status[t].escalateAt));
    await ctx.store.db.transaction().execute(async (tx) => {
      await q.updateIncident(tx, id, { escalated_at: now.toISOString() });
      await addEntry(tx, system.viewer, id, { kind: 'escalation', body: `SLA escalation: ${late.join(', ')}`, details: { timers: late } });
      await appendAudit(tx, ctx.store.engine, system, { action: 'incident.escalate', objectType: 'incident', objectId: id, orgId: row.owner_org_id, details: { timers: late } });
      await notifyTeams(tx, {
        topic: 'incident.escalation',
        incidentId: id,
        orgIds: [row.owner_org_id],
        subject: `[${row.reference}] SLA escalation (${row.severity}): ${row.title}`,
        body: `The ${late.join(', ')} time of ${row.reference} is ${late.some((t) => status[t].state === 'overdue') ? 'past due' : 'nearly due'}.\n` +
          late.map((t) => `${t}: due ${status[t].dueAt.toISOString()}`).join('\n') + '\n',
      });
    });
    escalated.push(row.reference);
  }
  return escalated;
}

/** The public report a tracking secret stands for, or NotFound. */
export async function reportByTrackingToken(ctx: AppContext, token: string) {
  const row = await q.findIncidentByTrackingHash(ctx.store.db, hashToken(token));
  if (!row) throw new NotFound('report');
  return row;
}
