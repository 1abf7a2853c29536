// A page received from a peer, applied in one transaction together with the cursor that follows it.
//
// Nothing in the page is taken on the sender's word alone: each record must sit, by its version
// hash, in a manifest its origin signed (and one per relay, the last being the sender); events and
// their indicators are only ever written by their origin; a deletion must come from the origin, a
// withdrawal from the node the copy came from. A record that fails any of this is refused on its
// own (counted and audited) and the rest of the page is applied. A version this node has already
// is skipped, which is what ends loops between nodes and makes a resent page harmless.
import type { AppContext } from '../../../app.ts';
import { Invalid } from '../../../domain/errors.ts';
import { checkChain, manifestId, verifyManifest, type Chain, type Manifest } from '../../../domain/federation/manifest.ts';
import { recordVersionId, verifyRecord } from '../../../domain/federation/record-signature.ts';
import { indicatorTypeInfo, isCategory, isIndicatorType } from '../../../domain/indicators/types.ts';
import { correlationKey, normaliseIndicator } from '../../../domain/indicators/normalise.ts';
import { ipRange } from '../../../domain/ip-range.ts';
import type { WarninglistMatcher } from '../../../domain/warninglists.ts';
import type { Actor } from '../../../policy/viewer.ts';
import type { Tx } from '../../../store/db.ts';
import { toJson } from '../../../store/json.ts';
import type { IndicatorTable, IntelObjectTable } from '../../../store/schema.ts';
import { nowIso } from '../../../store/time.ts';
import { appendAudit } from '../../audit/service.ts';
import { ipPart } from '../../intel/ingest.ts';
import * as intel from '../../intel/queries.ts';
import { warninglistMatcher } from '../../intel/warninglist-cache.ts';
import type { PeerRow } from '../queries.ts';
import type { StoredProvenance, SyncPage } from './feed.ts';
import * as q from './queries.ts';
import { asJson, type EventRecord, type IndicatorRecord, type TombstoneRecord } from './records.ts';
import { checkPageShape } from './schemas.ts';

export interface ApplyOutcome {
  records: number;
  tombstones: number;
  skipped: number;
  refused: { field: string; reason: string }[];
}

interface Verified<R> {
  record: R;
  chain: Chain;
  nodes: string[];
  snapshot: boolean;
  field: string;
}

/**
 * Verifies the page against the keys this node holds and applies it. `commit` runs inside the same
 * transaction (the caller stores the cursor there), so that a page is applied whole or not at all.
 */
export async function applyPage(ctx: AppContext, actor: Actor, peer: PeerRow, self: string, page: SyncPage, commit: (tx: Tx, outcome: ApplyOutcome) => Promise<void>): Promise<ApplyOutcome> {
  checkPageShape(page);
  if (page.node !== peer.name) throw new Invalid('node', `the page is from "${page.node}", not from the peer "${peer.name}"`);
  const warninglists = await warninglistMatcher(ctx);
  return ctx.store.db.transaction().execute(async (tx) => {
    const outcome: ApplyOutcome = { records: 0, tombstones: 0, skipped: 0, refused: [] };
    const refuse = (field: string, reason: string) => outcome.refused.push({ field, reason });
    const now = nowIso();

    // Keys of the other nodes in the page's chains, vouched for by the peer: a key this node already
    // holds for that name must be the same one.
    const keys = await q.knownNodeKeys(tx);
    for (const [index, entry] of page.keys.entries()) {
      const field = `keys[${index}]`;
      try {
        if (entry.provenance.node !== peer.name) throw new Invalid(`${field}.provenance.node`, 'must be signed by the sending peer');
        verifyRecord({ node: entry.node, publicKey: entry.publicKey }, entry.provenance, peer.public_key);
        const held = keys.get(entry.node);
        if (held !== undefined && held !== entry.publicKey) throw new Invalid(`${field}.publicKey`, `differs from the key this node holds for "${entry.node}"`);
        if (entry.node === self) throw new Invalid(`${field}.node`, 'names this node');
        if (held === undefined) {
          await q.learnNodeKey(tx, entry.node, entry.publicKey, peer.id, now);
          keys.set(entry.node, entry.publicKey);
        }
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        refuse(error.field ?? field, error.message);
      }
    }

    const manifests = new Map<string, Manifest>();
    const manifestRows = [];
    for (const [index, manifest] of page.manifests.entries()) {
      try {
        const key = keys.get(manifest.node);
        if (key === undefined) throw new Invalid(`manifests[${index}].node`, `no public key is known for node "${manifest.node}"`);
        verifyManifest(manifest as Manifest, key, `manifests[${index}]`);
        const id = manifestId(manifest);
        manifests.set(id, manifest as Manifest);
        manifestRows.push({ id, node: manifest.node, role: manifest.role, signed_at: manifest.signedAt, signature: manifest.signature, versions: toJson(manifest.versions) });
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        refuse(error.field ?? `manifests[${index}]`, error.message);
      }
    }
    await q.storeManifests(tx, manifestRows);

    // Applied in page order: an event comes before its indicators, a tombstone after what it removes.
    // Indicators in a row are applied together.
    type Step = { kind: 'event'; item: Verified<EventRecord> } | { kind: 'tombstone'; item: Verified<TombstoneRecord> } | { kind: 'indicators'; items: Verified<IndicatorRecord>[] };
    const steps: Step[] = [];
    page.changes.forEach((change, index) => {
      const field = `changes[${index}]`;
      try {
        const nodes = checkChain(recordVersionId(asJson(change.record)), change.chain, (id) => manifests.get(id), `${field}.chain`);
        if (nodes.at(-1) !== peer.name) throw new Invalid(`${field}.chain`, `ends at "${nodes.at(-1)}", not at the sending peer "${peer.name}"`);
        if (nodes.includes(self)) throw new Invalid(`${field}.chain`, 'passed through this node already');
        const verified = { chain: change.chain, nodes, snapshot: change.snapshot === true, field };
        const record = change.record;
        if (record.type === 'event') {
          if (record.originNode !== nodes[0]) throw new Invalid(`${field}.record.originNode`, `is "${record.originNode}" but the record was signed by "${nodes[0]}"`);
          steps.push({ kind: 'event', item: { ...verified, record } });
        } else if (record.type === 'indicator') {
          const last = steps.at(-1);
          if (last?.kind === 'indicators') last.items.push({ ...verified, record });
          else steps.push({ kind: 'indicators', items: [{ ...verified, record }] });
        } else {
          if (record.by !== nodes[0]) throw new Invalid(`${field}.record.by`, `is "${record.by}" but the tombstone was signed by "${nodes[0]}"`);
          steps.push({ kind: 'tombstone', item: { ...verified, record } });
        }
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        refuse(error.field ?? field, error.message);
      }
    });

    // An event whose indicators continue on the next page is not passed on until it is whole.
    await q.endPartialEvents(tx, peer.name);
    for (const step of steps) {
      if (step.kind === 'event') await applyEvent(tx, peer, step.item, outcome);
      else if (step.kind === 'tombstone') await applyTombstone(tx, peer, step.item, outcome);
      else await applyIndicators(tx, ctx, warninglists, step.items, outcome);
    }
    if (page.partial !== null) await q.markPartialEvent(tx, peer.name, page.partial);

    if (outcome.refused.length > 0) {
      await appendAudit(tx, ctx.store.engine, actor, {
        action: 'federation.sync.refuse',
        objectType: 'peer',
        objectId: peer.id,
        orgId: null,
        details: { peer: peer.name, refused: outcome.refused.length, first: outcome.refused.slice(0, 10) },
      });
    }
    await commit(tx, outcome);
    return outcome;
  });
}

function refuseOn(outcome: ApplyOutcome, field: string, reason: string): void {
  outcome.refused.push({ field, reason });
}

async function applyEvent(tx: Tx, peer: PeerRow, item: Verified<EventRecord>, outcome: ApplyOutcome): Promise<void> {
  const { record, field } = item;
  const local = await q.receivedEvent(tx, record.id);
  if (local && local.origin_node !== record.originNode) return refuseOn(outcome, `${field}.record.id`, `names an event that started on "${local.origin_node}", not on "${record.originNode}"`);
  if (local && local.via_node === null) return refuseOn(outcome, `${field}.record.id`, 'names an event this node wrote itself');
  if (record.sharingGroupId !== null && !(await q.sharingGroupHeld(tx, record.sharingGroupId))) {
    return refuseOn(outcome, `${field}.record.sharingGroupId`, 'names a sharing group this node does not hold');
  }
  if (local) {
    const stored = local.provenance ? (JSON.parse(local.provenance) as StoredProvenance) : null;
    const withdrawn = local.deleted === 1 && stored?.record.type === 'tombstone' && stored.record.reason === 'withdrawn';
    // At an equal version a live copy replaces a withdrawal: the origin (or another path) still lets this node see it.
    if (!(record.modified > local.modified || (record.modified === local.modified && withdrawn))) {
      outcome.skipped++;
      return;
    }
  }
  await q.learnOwner(tx, record.owner, record.created, record.modified);
  const provenance: StoredProvenance = { record, chain: item.chain, nodes: item.nodes };
  await q.writeReceivedEvent(tx, {
    id: record.id,
    info: record.info,
    date: record.date,
    threat_level: record.threatLevel,
    analysis: record.analysis,
    owner_org_id: record.owner.id,
    origin_node: record.originNode,
    tlp: record.tlp,
    pap: record.pap,
    distribution: record.distribution,
    sharing_group_id: record.sharingGroupId,
    published: record.published ? 1 : 0,
    published_at: record.publishedAt,
    created_at: record.created,
    modified: record.modified,
    deleted: 0,
    via_node: peer.name,
    provenance: toJson(provenance),
  }, local !== undefined);
  // A snapshot replaces what this node holds of the event: the peer may see less of it now.
  if (local && item.snapshot) await intel.removeIndicators(tx, { eventId: record.id });
  await intel.replaceEventTags(tx, record.id, record.tags);
  outcome.records++;
}

async function applyIndicators(tx: Tx, ctx: AppContext, warninglists: WarninglistMatcher, items: Verified<IndicatorRecord>[], outcome: ApplyOutcome): Promise<void> {
  if (items.length === 0) return;
  const eventIds = [...new Set(items.map((item) => item.record.eventId))];
  const events = new Map<string, { origin_node: string; deleted: number }>();
  for (const id of eventIds) {
    const row = await q.receivedEvent(tx, id);
    if (row) events.set(id, row);
  }
  const held = await q.heldIndicatorVersions(tx, items.map((item) => item.record.id));
  const rows: IndicatorTable[] = [];
  const tags: { indicator_id: string; name: string }[] = [];
  const objects = new Map<string, IntelObjectTable>();
  const replaced: string[] = [];
  for (const item of items) {
    const { record, field } = item;
    const event = events.get(record.eventId);
    if (!event || event.deleted === 1) {
      refuseOn(outcome, `${field}.record.eventId`, 'names an event this node does not hold');
      continue;
    }
    if (event.origin_node !== item.nodes[0]) {
      refuseOn(outcome, `${field}.record`, `was signed by "${item.nodes[0]}", but its event started on "${event.origin_node}"`);
      continue;
    }
    const local = held.get(record.id);
    if (local && (local.event_id !== record.eventId || local.modified >= record.modified)) {
      if (local.event_id !== record.eventId) refuseOn(outcome, `${field}.record.id`, 'names an indicator of another event');
      else outcome.skipped++;
      continue;
    }
    try {
      rows.push(receivedIndicatorRow(record, warninglists, toJson(item.chain), field));
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      refuseOn(outcome, error.field ?? field, error.message);
      continue;
    }
    if (local) replaced.push(record.id);
    held.set(record.id, { modified: record.modified, event_id: record.eventId });
    for (const name of record.tags) tags.push({ indicator_id: record.id, name });
    if (record.object) {
      objects.set(record.object.id, { id: record.object.id, event_id: record.eventId, name: record.object.name, meta_category: record.object.metaCategory, comment: record.object.comment, created_at: record.object.created, modified: record.object.created });
    }
  }
  if (replaced.length > 0) await intel.removeIndicators(tx, { ids: replaced });
  await q.insertReceivedObjects(tx, [...objects.values()]);
  await intel.insertIndicators(tx, ctx.store.engine, rows, tags);
  // The events change for the peers this node passes them on to.
  await q.markEventsChanged(tx, eventIds);
  outcome.records += rows.length;
}

/** The row of a received indicator: its value checked for its type, the derived columns computed here. */
function receivedIndicatorRow(record: IndicatorRecord, warninglists: WarninglistMatcher, provenance: string, field: string): IndicatorTable {
  if (!isIndicatorType(record.indicatorType)) throw new Invalid(`${field}.record.indicatorType`, `unknown indicator type "${record.indicatorType}"`);
  const type = record.indicatorType;
  const info = indicatorTypeInfo(type);
  if (!isCategory(record.category)) throw new Invalid(`${field}.record.category`, `unknown category "${record.category}"`);
  const { normalised } = normaliseIndicator(type, record.value, `${field}.record.value`);
  const ip = ipPart(type, normalised);
  const range = ip ? ipRange(ip) : undefined;
  const hits = warninglists.match(type, normalised);
  return {
    id: record.id,
    event_id: record.eventId,
    object_id: record.object?.id ?? null,
    object_relation: record.relation,
    type,
    category: record.category,
    value: record.value,
    normalised,
    correlation_key: info.correlates ? correlationKey(type, normalised) : null,
    ip_start: range?.start ?? null,
    ip_end: range?.end ?? null,
    to_ids: record.toIds ? 1 : 0,
    comment: record.comment,
    first_seen: record.firstSeen,
    last_seen: record.lastSeen,
    tlp: record.tlp,
    distribution: record.distribution,
    sharing_group_id: record.sharingGroupId,
    warning: hits.length ? [...new Set(hits.map((h) => h.list))].join(', ') : null,
    created_at: record.created,
    modified: record.modified,
    deleted: 0,
    stix_id: record.stixId,
    provenance,
  };
}

async function applyTombstone(tx: Tx, peer: PeerRow, item: Verified<TombstoneRecord>, outcome: ApplyOutcome): Promise<void> {
  const { record, field } = item;
  if (record.of === 'event') {
    const local = await q.receivedEvent(tx, record.id);
    if (!local || local.via_node === null) {
      outcome.skipped++;
      return;
    }
    if (record.reason === 'deleted' && local.origin_node !== record.by) return refuseOn(outcome, `${field}.record.by`, `only the event's origin "${local.origin_node}" deletes it`);
    if (record.reason === 'withdrawn' && local.via_node !== record.by && local.origin_node !== record.by) {
      return refuseOn(outcome, `${field}.record.by`, `only the node this copy came from ("${local.via_node}") withdraws it`);
    }
    if (record.modified < local.modified || (local.deleted === 1 && record.modified === local.modified)) {
      outcome.skipped++;
      return;
    }
    const provenance: StoredProvenance = { record, chain: item.chain, nodes: item.nodes };
    await intel.tombstoneIndicators(tx, { eventId: record.id }, record.modified);
    await q.tombstoneReceivedEvent(tx, record.id, record.modified, peer.name, toJson(provenance));
    outcome.tombstones++;
    return;
  }
  const local = await q.receivedIndicator(tx, record.id, record.eventId ?? '');
  if (!local || local.via_node === null || local.deleted === 1 || local.modified >= record.modified) {
    outcome.skipped++;
    return;
  }
  if (record.reason !== 'deleted' || local.origin_node !== record.by) return refuseOn(outcome, `${field}.record.by`, `only the indicator's origin "${local.origin_node}" deletes it`);
  await intel.tombstoneIndicators(tx, { indicatorId: record.id }, record.modified);
  await q.setIndicatorChain(tx, record.id, toJson(item.chain));
  await q.markEventsChanged(tx, [record.eventId ?? '']);
  outcome.tombstones++;
}
