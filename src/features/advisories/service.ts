// Use-cases of security advisories: a team writes a draft, publishes numbered versions (each kept
// with its CSAF 2.0 document), withdraws; CSAF documents are exported under the handling in force and
// imported from other publishers. Each write runs in one transaction, checks the policy and is audited.
import type { AppContext } from '../../app.ts';
import type { Tx } from '../../store/db.ts';
import { fromJson, toJson } from '../../store/json.ts';
import { newId } from '../../store/ids.ts';
import { nextVersion } from '../../store/time.ts';
import { Conflict, Forbidden, Invalid, NotFound } from '../../domain/errors.ts';
import { decodeCursor, pageOf, type Page } from '../../domain/cursor.ts';
import { stricterTlp, type Tlp } from '../../domain/handling.ts';
import { EMPTY_CONTENT, checkAdvisoryContent, checkProfile, type AdvisoryCategory, type AdvisoryContent, type AdvisoryDraft, type ReleaseStatus } from '../../domain/csaf/advisory.ts';
import { toCsafDocument, withDistributionLabel, type CsafDocument, type CsafPublisher } from '../../domain/csaf/document.ts';
import { readCsafDocument } from '../../domain/csaf/read.ts';
import { csafLabelFor, importedTlp, tlpOfCsafLabel, type CsafTlpLabel, type StrictAmberChoice } from '../../domain/csaf/tlp.ts';
import { csafFileName, formatTrackingId, trackingPrefix, type RevisionEntry } from '../../domain/csaf/tracking.ts';
import { csafRefusal, prepareCsafValidator, validateCsaf } from '../../domain/csaf/validate.ts';
import { authorize, requireUser } from '../../policy/authorize.ts';
import { mayManageAdvisory, mayReadAdvisories, mayWriteAdvisories, seesWorkingCopy } from '../../policy/advisories.ts';
import type { Actor, Viewer } from '../../policy/viewer.ts';
import { appendAudit } from '../audit/service.ts';
import { checkHandling } from '../intel/service.ts';
import { SANAD_VERSION, readNodeInfo } from '../node/service.ts';
import * as q from './queries.ts';
import type { Advisory, AdvisorySummary, AdvisoryVersion, CreateAdvisoryInput, ImportOptions, ListAdvisoriesFilter, PublishAdvisoryInput, UpdateAdvisoryInput } from './schemas.ts';

// Fields of the working copy (everything but the handling, which applies at once).
const DRAFT_FIELDS = ['title', 'category', 'lang', 'notes', 'references', 'acknowledgments', 'productTree', 'vulnerabilities'] as const;
const OPEN_DISTRIBUTIONS = ['community', 'federation'];

// ---- reading -----------------------------------------------------------------------------------

function toSummary(row: q.AdvisoryRow, viewer: Viewer): AdvisorySummary {
  return {
    id: row.id,
    trackingId: row.tracking_id,
    title: row.title,
    category: row.category,
    ownerOrgId: row.owner_org_id,
    ownerOrgName: row.owner_name,
    originNode: row.origin_node,
    source: row.source as AdvisorySummary['source'],
    tlp: row.tlp,
    distribution: row.distribution,
    sharingGroupId: row.sharing_group_id,
    state: row.published === 1 ? 'published' : 'draft',
    version: row.current_version,
    pendingChanges: seesWorkingCopy(viewer, row.owner_org_id) && row.source === 'authored' && row.pending_changes === 1,
    initialReleaseDate: row.initial_release_date,
    currentReleaseDate: row.current_release_date,
    createdAt: row.created_at,
    modified: row.modified,
  };
}

const draftOf = (row: q.AdvisoryRow): AdvisoryDraft => fromJson<AdvisoryDraft>(row.draft, { title: row.title, category: row.category as AdvisoryCategory, lang: 'en', ...EMPTY_CONTENT });

async function assemble(tx: Tx, viewer: Viewer, row: q.AdvisoryRow): Promise<Advisory> {
  const summary = toSummary(row, viewer);
  // Others read what was published; only the owner team reads the working copy.
  const latest = row.current_version > 0 ? await q.findVisibleVersion(tx, viewer, row.id, row.current_version) : undefined;
  const working = seesWorkingCopy(viewer, row.owner_org_id) || !latest;
  const draft = draftOf(row);
  const content: AdvisoryContent = working || !latest ? draft : fromJson<AdvisoryContent>(latest.content, EMPTY_CONTENT);
  return {
    ...summary,
    ...(working ? { title: draft.title, category: draft.category } : {}),
    lang: draft.lang,
    trackingVersion: latest?.tracking_version ?? null,
    trackingStatus: latest?.status ?? 'draft',
    csafFileName: row.tracking_id ? csafFileName(row.tracking_id) : null,
    notes: content.notes,
    references: content.references,
    acknowledgments: content.acknowledgments,
    productTree: content.productTree,
    vulnerabilities: content.vulnerabilities,
  };
}

async function visibleAdvisory(tx: Tx, viewer: Viewer, id: string): Promise<q.AdvisoryRow> {
  authorize(viewer, mayReadAdvisories(viewer), 'sign in to read advisories');
  const row = await q.findVisibleAdvisory(tx, viewer, id);
  if (!row) throw new NotFound('advisory');
  return row;
}

export async function getAdvisory(ctx: AppContext, viewer: Viewer, id: string): Promise<Advisory> {
  return assemble(ctx.store.db, viewer, await visibleAdvisory(ctx.store.db, viewer, id));
}

export async function listAdvisories(ctx: AppContext, viewer: Viewer, filter: ListAdvisoriesFilter): Promise<Page<AdvisorySummary>> {
  authorize(viewer, mayReadAdvisories(viewer), 'sign in to read advisories');
  const limit = filter.limit ?? 50;
  const after = decodeCursor(filter.cursor, 2);
  const rows = await q.listVisibleAdvisories(ctx.store.db, viewer, {
    limit: limit + 1,
    state: filter.state,
    category: filter.category,
    tlp: filter.tlp,
    orgId: filter.orgId,
    trackingId: filter.trackingId?.trim(),
    search: filter.q,
    after: after ? { modified: String(after[0]), id: String(after[1]) } : undefined,
  });
  const page = pageOf(rows, limit, (last) => [last.modified, last.id]);
  return { items: page.rows.map((row) => toSummary(row, viewer)), nextCursor: page.nextCursor };
}

/** An advisory by id or by tracking id (for the CLI, which names advisories either way). */
export async function findAdvisory(ctx: AppContext, viewer: Viewer, ref: string): Promise<Advisory> {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(ref)) return getAdvisory(ctx, viewer, ref.toLowerCase());
  const match = (await listAdvisories(ctx, viewer, { trackingId: ref, limit: 10 })).items;
  if (match.length === 0) throw new NotFound(`advisory ${ref}`);
  if (match.length > 1) throw new Conflict(undefined, `${match.length} teams hold an advisory ${ref}: name it by id`);
  return getAdvisory(ctx, viewer, match[0]!.id);
}

export async function listAdvisoryVersions(ctx: AppContext, viewer: Viewer, id: string): Promise<AdvisoryVersion[]> {
  await visibleAdvisory(ctx.store.db, viewer, id);
  const rows = await q.visibleVersions(ctx.store.db, viewer, id);
  return rows.map((v) => ({ number: v.number, trackingVersion: v.tracking_version, status: v.status, title: v.title, category: v.category, summary: v.summary, publishedAt: v.published_at }));
}

// ---- CSAF export -------------------------------------------------------------------------------

/** The publisher Sanad names in a team's documents: the team, as the coordinator it is, identified by
 *  the domain of its role address (a URL under its control) or, without one, by a URN of node and team. */
export function publisherOf(team: { name: string; shortName: string; contacts: string }, nodeName: string): CsafPublisher {
  const roleEmail = fromJson<{ roleEmail?: string }>(team.contacts, {}).roleEmail;
  const domain = roleEmail?.split('@')[1];
  const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'sanad';
  return {
    category: 'coordinator',
    name: team.name,
    namespace: domain ? `https://${domain}` : `urn:sanad:${slug(nodeName)}:${slug(team.shortName)}`,
    ...(roleEmail ? { contact_details: roleEmail } : {}),
  };
}

export interface ExportRequest {
  /** A published version's number; the latest when absent. */
  version?: number | undefined;
  /** Label TLP:AMBER+STRICT as RED instead of refusing the export. */
  raise?: 'red' | undefined;
  /** The owner team's working copy instead of a published version. */
  draft?: boolean | undefined;
}

function revisionHistory(versions: q.VersionRow[]): RevisionEntry[] {
  return versions.map((v) => ({ date: v.published_at, number: v.tracking_version, summary: v.summary }));
}

/** The working copy as the CSAF document its next publication would give, with status draft. */
async function draftDocument(ctx: AppContext, tx: Tx, viewer: Viewer, row: q.AdvisoryRow, label: CsafTlpLabel, distributionText: string | undefined): Promise<CsafDocument> {
  const versions = await q.visibleVersions(tx, viewer, row.id);
  const node = await readNodeInfo(ctx);
  const now = nextVersion(row.modified);
  const number = String(row.current_version + 1);
  return toCsafDocument({
    draft: draftOf(row),
    publisher: publisherOf({ name: row.owner_name, shortName: row.owner_short_name, contacts: row.owner_contacts }, node?.name ?? row.origin_node),
    tracking: {
      id: row.tracking_id ?? `${trackingPrefix(row.owner_short_name)}-DRAFT-${row.id.slice(0, 8)}`,
      status: 'draft',
      version: number,
      initialReleaseDate: row.initial_release_date ?? now,
      currentReleaseDate: now,
      revisionHistory: [...revisionHistory(versions), { date: now, number, summary: 'Draft' }],
    },
    label,
    distributionText,
    generator: { name: 'Sanad', version: SANAD_VERSION, date: now },
  });
}

/** A CSAF 2.0 document of the advisory, labelled with the handling in force now. TLP:AMBER+STRICT,
 *  which CSAF 2.0 cannot express, is refused unless the caller asks for RED. */
export async function exportAdvisory(ctx: AppContext, viewer: Viewer, id: string, request: ExportRequest = {}): Promise<CsafDocument> {
  const tx = ctx.store.db;
  const row = await visibleAdvisory(tx, viewer, id);
  const strictAmber: StrictAmberChoice = request.raise === 'red' ? 'red' : 'refuse';
  const label = csafLabelFor(row.tlp as Tlp, strictAmber);
  const raised = row.tlp === 'AMBER+STRICT' ? 'Handled as TLP:AMBER+STRICT in Sanad; labelled RED because CSAF 2.0 has no AMBER+STRICT.' : undefined;
  const owner = seesWorkingCopy(viewer, row.owner_org_id);
  if (request.draft) {
    if (!owner) throw new Forbidden("only the owner team reads an advisory's working copy");
    if (request.version !== undefined) throw new Invalid('draft', 'a working copy has no version number yet');
    if (row.source === 'imported') throw new Invalid('draft', "an imported advisory has no working copy: its content is its publisher's");
    return draftDocument(ctx, tx, viewer, row, label, raised);
  }
  const number = request.version ?? row.current_version;
  if (number === 0) return draftDocument(ctx, tx, viewer, row, label, raised); // only the owner sees an unpublished advisory
  const version = await q.findVisibleVersion(tx, viewer, id, number);
  if (!version) throw new NotFound(`version ${number} of the advisory`);
  return withDistributionLabel(fromJson<CsafDocument>(version.document, {} as CsafDocument), label, raised);
}

// ---- writes ------------------------------------------------------------------------------------

function ownerOf(viewer: Viewer): string {
  requireUser(viewer);
  return viewer.orgId;
}

async function originNode(ctx: AppContext): Promise<string> {
  return (await readNodeInfo(ctx))?.name ?? 'local';
}

export async function createAdvisory(ctx: AppContext, actor: Actor, input: CreateAdvisoryInput): Promise<Advisory> {
  const viewer = actor.viewer;
  authorize(viewer, mayWriteAdvisories(viewer), 'readers cannot write advisories');
  const ownerOrgId = ownerOf(viewer);
  const title = input.title.trim();
  if (!title) throw new Invalid('title', 'must not be blank');
  const content = checkAdvisoryContent({
    notes: input.notes ?? [],
    references: input.references ?? [],
    acknowledgments: input.acknowledgments ?? [],
    productTree: input.productTree ?? [],
    vulnerabilities: input.vulnerabilities ?? [],
  });
  const draft: AdvisoryDraft = { title, category: input.category, lang: input.lang ?? 'en', ...content };
  const node = await originNode(ctx);
  return ctx.store.db.transaction().execute(async (tx) => {
    const handling = await checkHandling(tx, viewer, { tlp: input.tlp, distribution: input.distribution, sharingGroupId: input.sharingGroupId });
    const now = nextVersion();
    const id = newId();
    await q.insertAdvisory(tx, {
      id,
      owner_org_id: ownerOrgId,
      origin_node: node,
      source: 'authored',
      tracking_id: null,
      title,
      category: input.category,
      tlp: handling.tlp,
      distribution: handling.distribution.distribution,
      sharing_group_id: handling.distribution.distribution === 'sharing_group' ? handling.distribution.sharingGroupId : null,
      draft: toJson(draft),
      pending_changes: 1,
      published: 0,
      current_version: 0,
      initial_release_date: null,
      current_release_date: null,
      created_at: now,
      modified: now,
      deleted: 0,
    });
    await appendAudit(tx, ctx.store.engine, actor, {
      action: 'advisory.create',
      objectType: 'advisory',
      objectId: id,
      details: { title, category: input.category, tlp: input.tlp, distribution: input.distribution, vulnerabilities: content.vulnerabilities.length },
    });
    return assemble(tx, viewer, (await q.findVisibleAdvisory(tx, viewer, id))!);
  });
}

async function editableAdvisory(tx: Tx, viewer: Viewer, id: string): Promise<q.AdvisoryRow> {
  const row = await visibleAdvisory(tx, viewer, id);
  authorize(viewer, mayManageAdvisory(viewer, row.owner_org_id), 'only the owner team changes its advisories');
  return row;
}

export async function updateAdvisory(ctx: AppContext, actor: Actor, id: string, input: UpdateAdvisoryInput): Promise<Advisory> {
  const viewer = actor.viewer;
  return ctx.store.db.transaction().execute(async (tx) => {
    const row = await editableAdvisory(tx, viewer, id);
    const contentChanged = DRAFT_FIELDS.filter((field) => input[field] !== undefined);
    if (row.source === 'imported' && contentChanged.length > 0) {
      throw new Invalid(contentChanged[0]!, "an imported advisory keeps its publisher's content: import the publisher's newer version instead (only its handling changes here)");
    }
    const tlp = (input.tlp ?? row.tlp) as Tlp;
    const distribution = input.distribution ?? row.distribution;
    const sharingGroupId = input.sharingGroupId !== undefined ? input.sharingGroupId : input.distribution && input.distribution !== 'sharing_group' ? null : row.sharing_group_id;
    if (row.source === 'imported' && input.tlp !== undefined) {
      // The publisher's label bounds the team's handling: stricter, never wider.
      const latest = await q.findVisibleVersion(tx, viewer, id, row.current_version);
      const label = latest ? readCsafDocument(fromJson<CsafDocument>(latest.document, {} as CsafDocument)).label : undefined;
      importedTlp(label, tlp);
    }
    const handling = await checkHandling(tx, viewer, { tlp, distribution, sharingGroupId });
    let draft: AdvisoryDraft = { ...draftOf(row) };
    if (input.title !== undefined) {
      draft.title = input.title.trim();
      if (!draft.title) throw new Invalid('title', 'must not be blank');
    }
    if (input.category !== undefined) draft.category = input.category;
    if (input.lang !== undefined) draft.lang = input.lang;
    if (input.notes !== undefined) draft.notes = input.notes;
    if (input.references !== undefined) draft.references = input.references;
    if (input.acknowledgments !== undefined) draft.acknowledgments = input.acknowledgments;
    if (input.productTree !== undefined) draft.productTree = input.productTree;
    if (input.vulnerabilities !== undefined) draft.vulnerabilities = input.vulnerabilities;
    if (contentChanged.length > 0) draft = { ...draft, ...checkAdvisoryContent(draft) };
    await q.updateAdvisory(tx, id, {
      tlp: handling.tlp,
      distribution: handling.distribution.distribution,
      sharing_group_id: handling.distribution.distribution === 'sharing_group' ? handling.distribution.sharingGroupId : null,
      draft: toJson(draft),
      // Before the first publication the row shows the draft; afterwards, the latest version.
      ...(row.published === 0 ? { title: draft.title, category: draft.category } : {}),
      ...(contentChanged.length > 0 ? { pending_changes: 1 } : {}),
      modified: nextVersion(row.modified),
    });
    await appendAudit(tx, ctx.store.engine, actor, {
      action: 'advisory.update',
      objectType: 'advisory',
      objectId: id,
      orgId: row.owner_org_id,
      details: { fields: Object.keys(input), tlp: handling.tlp, distribution: handling.distribution.distribution },
    });
    return assemble(tx, viewer, (await q.findVisibleAdvisory(tx, viewer, id))!);
  });
}

/** A tracking id the team does not use yet: the next number of its prefix for the year. */
async function newTrackingId(tx: Tx, row: q.AdvisoryRow, year: number): Promise<string> {
  const prefix = trackingPrefix(row.owner_short_name);
  for (;;) {
    const trackingId = formatTrackingId(prefix, year, await q.nextTrackingSequence(tx, prefix, year));
    // An imported advisory may already hold the id (a publisher with the same prefix): skip it.
    if (!(await q.advisoryHoldingTrackingId(tx, row.owner_org_id, trackingId))) return trackingId;
  }
}

/** Publishes the working copy as the next version: its CSAF document, checked by the CSAF validator,
 *  is kept unchanged from then on. */
export async function publishAdvisory(ctx: AppContext, actor: Actor, id: string, input: PublishAdvisoryInput = {}): Promise<Advisory> {
  const viewer = actor.viewer;
  const node = await readNodeInfo(ctx);
  // Loaded before the transaction: on SQLite the transaction holds the only connection.
  await prepareCsafValidator();
  const status: ReleaseStatus = input.status ?? 'final';
  return ctx.store.db.transaction().execute(async (tx) => {
    const row = await editableAdvisory(tx, viewer, id);
    if (row.source === 'imported') throw new Conflict(undefined, "an imported advisory gets new versions from its publisher: import the publisher's newer version");
    if (row.published === 1 && row.pending_changes === 0) throw new Conflict(undefined, `nothing has changed since version ${row.current_version}`);
    const draft = draftOf(row);
    checkProfile(draft);
    const content = checkAdvisoryContent(draft);
    const now = nextVersion(row.modified);
    const trackingId = row.tracking_id ?? (await newTrackingId(tx, row, new Date(now).getUTCFullYear()));
    const number = row.current_version + 1;
    const summary = input.summary?.trim() || (number === 1 ? 'Initial release' : `Version ${number}`);
    const history = [...revisionHistory(await q.visibleVersions(tx, viewer, id)), { date: now, number: String(number), summary }];
    const initialReleaseDate = row.initial_release_date ?? now;
    const document = toCsafDocument({
      draft: { ...draft, ...content },
      publisher: publisherOf({ name: row.owner_name, shortName: row.owner_short_name, contacts: row.owner_contacts }, node?.name ?? row.origin_node),
      tracking: { id: trackingId, status, version: String(number), initialReleaseDate, currentReleaseDate: now, revisionHistory: history },
      // The stored label never matters more than the handling in force: every export relabels it.
      label: csafLabelFor(row.tlp as Tlp, 'red'),
      generator: { name: 'Sanad', version: SANAD_VERSION, date: now },
    });
    const failures = await validateCsaf(document);
    if (failures.length > 0) throw csafRefusal(failures, 'csaf');
    await q.insertVersion(tx, {
      advisory_id: id,
      number,
      tracking_version: String(number),
      status,
      title: draft.title,
      category: draft.category,
      summary,
      content: toJson({ notes: content.notes, references: content.references, acknowledgments: content.acknowledgments, productTree: content.productTree, vulnerabilities: content.vulnerabilities }),
      document: toJson(document),
      published_at: now,
    });
    await q.updateAdvisory(tx, id, {
      tracking_id: trackingId,
      title: draft.title,
      category: draft.category,
      published: 1,
      current_version: number,
      pending_changes: 0,
      initial_release_date: initialReleaseDate,
      current_release_date: now,
      modified: now,
    });
    await appendAudit(tx, ctx.store.engine, actor, { action: 'advisory.publish', objectType: 'advisory', objectId: id, orgId: row.owner_org_id, details: { trackingId, version: number, status } });
    return assemble(tx, viewer, (await q.findVisibleAdvisory(tx, viewer, id))!);
  });
}

/** Withdrawal leaves a tombstone (id, owner, tracking id, handling, a new version) so that peers learn of it. */
export async function withdrawAdvisory(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  const viewer = actor.viewer;
  await ctx.store.db.transaction().execute(async (tx) => {
    const row = await editableAdvisory(tx, viewer, id);
    const versions = await q.removeVersions(tx, id);
    await q.updateAdvisory(tx, id, { deleted: 1, title: '', draft: toJson(null), pending_changes: 0, modified: nextVersion(row.modified) });
    await appendAudit(tx, ctx.store.engine, actor, { action: 'advisory.withdraw', objectType: 'advisory', objectId: id, orgId: row.owner_org_id, details: { trackingId: row.tracking_id, versions } });
  });
}

// ---- CSAF import -------------------------------------------------------------------------------

export interface ImportCsafOptions extends ImportOptions {
  /** The owning team when the operator imports (the CLI); a user always imports for their own team. */
  ownerOrgId?: string | undefined;
}

export interface ImportResult {
  advisory: Advisory;
  /** 1 for a new advisory; higher when the document is a newer version of one the team holds. */
  version: number;
}

/** Stores a CSAF 2.0 document, valid by the schema and every mandatory test, as an advisory published
 *  by the importing team. The document is kept as received, so it exports unchanged but for the label
 *  of the handling Sanad applies. */
export async function importCsaf(ctx: AppContext, actor: Actor, document: unknown, options: ImportCsafOptions = {}): Promise<ImportResult> {
  const viewer = actor.viewer;
  authorize(viewer, mayWriteAdvisories(viewer), 'readers cannot import advisories');
  let ownerOrgId: string;
  if (viewer.kind === 'system') {
    if (!options.ownerOrgId) throw new Invalid('org', 'the operator names the team that imports the advisory');
    ownerOrgId = options.ownerOrgId;
  } else {
    ownerOrgId = ownerOf(viewer);
    if (options.ownerOrgId && options.ownerOrgId !== ownerOrgId) throw new Forbidden('a team imports advisories for itself only');
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) throw new Invalid('document', 'must be a CSAF 2.0 JSON object');
  const failures = await validateCsaf(document);
  if (failures.length > 0) throw csafRefusal(failures);
  const csaf = document as CsafDocument;
  const read = readCsafDocument(csaf);
  const node = await originNode(ctx);
  return ctx.store.db.transaction().execute(async (tx) => {
    if (!(await q.organisationExists(tx, ownerOrgId))) throw new Invalid('org', 'no such organisation');
    const held = await q.advisoryHoldingTrackingId(tx, ownerOrgId, read.trackingId);
    const labelTlp = read.label ? tlpOfCsafLabel(read.label) : undefined;
    // A newer version keeps the team's handling, made stricter if the publisher's label now is.
    const requestedTlp = options.tlp ?? (held ? (labelTlp ? stricterTlp(held.tlp as Tlp, labelTlp) : (held.tlp as Tlp)) : undefined);
    const tlp = importedTlp(read.label, requestedTlp);
    // A newer version keeps the team's distribution too, unless TLP:RED now rules out an open one.
    const keep = held && !options.distribution && !(tlp === 'RED' && OPEN_DISTRIBUTIONS.includes(held.distribution)) ? held : undefined;
    const distribution = options.distribution ?? keep?.distribution ?? (tlp === 'RED' ? 'organisation' : 'community');
    const sharingGroupId = options.sharingGroupId ?? keep?.sharing_group_id ?? undefined;
    const handling = await checkHandling(tx, viewer, { tlp, distribution, sharingGroupId });
    const handlingColumns = {
      tlp: handling.tlp,
      distribution: handling.distribution.distribution,
      sharing_group_id: handling.distribution.distribution === 'sharing_group' ? handling.distribution.sharingGroupId : null,
    };
    const draft: AdvisoryDraft = { title: read.title, category: read.category as AdvisoryCategory, lang: read.lang, ...read.content };
    const version = {
      tracking_version: read.trackingVersion,
      status: read.status,
      title: read.title,
      category: read.category,
      summary: read.revisionSummary,
      content: toJson(read.content),
      document: toJson(csaf),
      published_at: read.currentReleaseDate,
    };
    let id: string;
    let number: number;
    if (held) {
      id = held.id;
      if (held.deleted === 1) throw new Conflict('document.tracking.id', `your team withdrew advisory ${read.trackingId}`);
      if (held.source !== 'imported') throw new Conflict('document.tracking.id', `your team publishes its own advisory ${read.trackingId}`);
      const latest = (await q.visibleVersions(tx, viewer, id)).at(-1);
      const latestDocument = fromJson<CsafDocument | null>(latest?.document, null);
      if (latestDocument && latestDocument.document.publisher.namespace !== read.publisher.namespace) {
        throw new Conflict('document.publisher.namespace', `advisory ${read.trackingId} was imported from ${latestDocument.document.publisher.namespace}`);
      }
      if (latest && latest.tracking_version === read.trackingVersion) throw new Conflict('document.tracking.version', `version ${read.trackingVersion} of ${read.trackingId} is already imported`);
      if (held.current_release_date && Date.parse(read.currentReleaseDate) <= Date.parse(held.current_release_date)) {
        throw new Conflict('document.tracking.current_release_date', `the imported ${read.trackingId} is not newer than the version held`);
      }
      number = held.current_version + 1;
      await q.insertVersion(tx, { advisory_id: id, number, ...version });
      await q.updateAdvisory(tx, id, {
        ...handlingColumns,
        title: read.title,
        category: read.category,
        draft: toJson(draft),
        current_version: number,
        current_release_date: read.currentReleaseDate,
        modified: nextVersion(held.modified),
      });
    } else {
      id = newId();
      number = 1;
      const now = nextVersion();
      await q.insertAdvisory(tx, {
        id,
        owner_org_id: ownerOrgId,
        origin_node: node,
        source: 'imported',
        tracking_id: read.trackingId,
        title: read.title,
        category: read.category,
        ...handlingColumns,
        draft: toJson(draft),
        pending_changes: 0,
        published: 1,
        current_version: 1,
        initial_release_date: read.initialReleaseDate,
        current_release_date: read.currentReleaseDate,
        created_at: now,
        modified: now,
        deleted: 0,
      });
      await q.insertVersion(tx, { advisory_id: id, number, ...version });
    }
    await appendAudit(tx, ctx.store.engine, actor, {
      action: 'advisory.import',
      objectType: 'advisory',
      objectId: id,
      orgId: ownerOrgId,
      details: { trackingId: read.trackingId, trackingVersion: read.trackingVersion, publisher: read.publisher.namespace, version: number, tlp: handling.tlp, label: read.label ?? null },
    });
    const row = await q.findVisibleAdvisory(tx, viewer, id);
    return { advisory: await assemble(tx, viewer, row!), version: number };
  });
}
