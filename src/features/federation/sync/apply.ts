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

    const events: Verified<EventRecord>[] = [];
    const indicators: Verified<IndicatorRecord>[] = [];
    const tombstones: Verified<TombstoneRecord>[] = [];
    // Kept in page order: an event comes before its indicators, a tombstone after what it removes.
    const order: { kind: 'event' | 'indicators' | 'tombstone'; index: number }[] = [];
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
          order.push({ kind: 'event', index: events.push({ ...verified, record }) - 1 });
        } else if (record.type === 'indicator') {
          if (order.at(-1)?.kind !== 'indicators') order.push({ kind: 'indicators', index: indicators.length });
          indicators.push({ ...verified, record });
        } else {
          if (record.by !== nodes[0]) throw new Invalid(`${field}.record.by`, `is "${record.by}" but the tombstone was signed by "${nodes[0]}"`);
          order.push({ kind: 'tombstone', index: tombstones.push({ ...verified, record }) - 1 });
        }
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        refuse(error.field ?? field, error.message);
      }
    });

    // An event whose indicators continue on the next page is not passed on until it is whole.
    await tx.updateTable('event').set({ partial: 0, feed_seq: null }).where('partial', '=', 1).where('via_node', '=', peer.name).execute();
    for (let i = 0; i < order.length; i++) {
      const step = order[i]!;
      if (step.kind === 'event') await applyEvent(tx, peer, events[step.index]!, outcome);
      else if (step.kind === 'tombstone') await applyTombstone(tx, peer, tombstones[step.index]!, outcome);
      else {
        const end = order.slice(i + 1).find((s) => s.kind === 'indicators')?.index ?? indicators.length;
        await applyIndicators(tx, ctx, warninglists, indicators.slice(step.index, end), outcome);
      }
    }

    if (page.partial !== null) await tx.updateTable('event').set({ partial: 1 }).where('id', '=', page.partial).where('via_node', '=', peer.name).execute();
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

async function localEvent(tx: Tx, id: string) {
  return tx.selectFrom('event').select(['id', 'origin_node', 'via_node', 'modified', 'deleted', 'provenance']).where('id', '=', id).executeTakeFirst();
}

async function applyEvent(tx: Tx, peer: PeerRow, item: Verified<EventRecord>, outcome: ApplyOutcome): Promise<void> {
  const { record, field } = item;
  const local = await localEvent(tx, record.id);
  if (local && local.origin_node !== record.originNode) return refuseOn(outcome, `${field}.record.id`, `names an event that started on "${local.origin_node}", not on "${record.originNode}"`);
  if (local && local.via_node === null) return refuseOn(outcome, `${field}.record.id`, 'names an event this node wrote itself');
  if (record.sharingGroupId !== null && !(await tx.selectFrom('sharing_group').select('id').where('id', '=', record.sharingGroupId).executeTakeFirst())) {
    return refuseOn(outcome, `${field}.record.sharingGroupId`, 'names a sharing group this node does not hold');
  }
  if (local) {
    const stored = local.provenance ? (JSON.parse(local.provenance) as StoredProvenance) : null;
    const withdrawn = local.deleted === 1 && stored?.record.type === 'tombstone' && stored.record.reason === 'withdrawn';
    const newer = record.modified > local.modified || (record.modified === local.modified && withdrawn);
    if (!newer) {
      outcome.skipped++;
      return;
    }
  }
  const owner = record.owner;
  // Names are unique on a node: a team elsewhere that shares a local team's name is told apart by its node.
  const taken = async (column: 'name' | 'short_name', value: string) => (await tx.selectFrom('organisation').select('id').where(column, '=', value).where('id', '!=', owner.id).executeTakeFirst()) !== undefined;
  const name = (await taken('name', owner.name)) ? `${owner.name} (${owner.homeNode})` : owner.name;
  const shortName = (await taken('short_name', owner.shortName)) ? `${owner.shortName}@${owner.homeNode}` : owner.shortName;
  await tx
    .insertInto('organisation')
    .values({ id: owner.id, name, short_name: shortName, country: owner.country, tier: owner.tier, status: 'member', home_node: owner.homeNode, contacts: '{}', pgp_public_key: null, pgp_fingerprint: null, profile: '', created_at: record.created, modified_at: record.modified })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  const provenance: StoredProvenance = { record, chain: item.chain, nodes: item.nodes };
  const columns = {
    info: record.info,
    date: record.date,
    threat_level: record.threatLevel,
    analysis: record.analysis,
    owner_org_id: owner.id,
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
    feed_seq: null,
    via_node: peer.name,
    provenance: toJson(provenance),
  };
  if (local) {
    await tx.updateTable('event').set(columns).where('id', '=', record.id).execute();
    // A snapshot replaces what this node holds of the event: the peer may see less of it now.
    if (item.snapshot) await removeIndicators(tx, record.id);
  } else {
    await tx.insertInto('event').values({ id: record.id, ...columns }).execute();
  }
  await intel.replaceEventTags(tx, record.id, record.tags);
  outcome.records++;
}

/** Removes every indicator this node holds of the event, keeping the correlation counts right. */
async function removeIndicators(tx: Tx, eventId: string): Promise<void> {
  await intel.tombstoneIndicators(tx, { eventId }, '');
  await tx.deleteFrom('indicator').where('event_id', '=', eventId).execute();
  await tx.deleteFrom('intel_object').where('event_id', '=', eventId).execute();
}

async function applyIndicators(tx: Tx, ctx: AppContext, warninglists: WarninglistMatcher, items: Verified<IndicatorRecord>[], outcome: ApplyOutcome): Promise<void> {
  if (items.length === 0) return;
  const eventIds = [...new Set(items.map((item) => item.record.eventId))];
  const events = new Map<string, { origin_node: string; deleted: number }>();
  for (const id of eventIds) {
    const row = await localEvent(tx, id);
    if (row) events.set(id, row);
  }
  const held = new Map<string, { modified: string; event_id: string }>();
  const ids = items.map((item) => item.record.id);
  for (let i = 0; i < ids.length; i += 400) {
    for (const row of await tx.selectFrom('indicator').select(['id', 'modified', 'event_id']).where('id', 'in', ids.slice(i, i + 400)).execute()) held.set(row.id, row);
  }
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
  for (const id of replaced) {
    await intel.tombstoneIndicators(tx, { indicatorId: id }, '');
    await tx.deleteFrom('indicator').where('id', '=', id).execute();
  }
  const newObjects = [...objects.values()];
  for (let i = 0; i < newObjects.length; i += 200) await tx.insertInto('intel_object').values(newObjects.slice(i, i + 200)).onConflict((oc) => oc.column('id').doNothing()).execute();
  await intel.insertIndicators(tx, ctx.store.engine, rows, tags);
  // The events change for the peers this node passes them on to.
  for (const id of eventIds) await tx.updateTable('event').set({ feed_seq: null }).where('id', '=', id).execute();
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
    const local = await localEvent(tx, record.id);
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
    await tx.updateTable('event').set({ deleted: 1, info: '', modified: record.modified, feed_seq: null, via_node: peer.name, provenance: toJson(provenance) }).where('id', '=', record.id).execute();
    outcome.tombstones++;
    return;
  }
  const local = await tx
    .selectFrom('indicator')
    .innerJoin('event', 'event.id', 'indicator.event_id')
    .select(['indicator.modified', 'indicator.deleted', 'event.origin_node', 'event.via_node'])
    .where('indicator.id', '=', record.id)
    .where('indicator.event_id', '=', record.eventId ?? '')
    .executeTakeFirst();
  if (!local || local.via_node === null || local.deleted === 1 || local.modified >= record.modified) {
    outcome.skipped++;
    return;
  }
  if (record.reason !== 'deleted' || local.origin_node !== record.by) return refuseOn(outcome, `${field}.record.by`, `only the indicator's origin "${local.origin_node}" deletes it`);
  await intel.tombstoneIndicators(tx, { indicatorId: record.id }, record.modified);
  await tx.updateTable('indicator').set({ provenance: toJson(item.chain) }).where('id', '=', record.id).execute();
  await tx.updateTable('event').set({ feed_seq: null }).where('id', '=', record.eventId ?? '').execute();
  outcome.tombstones++;
}
