// The records that travel between nodes, as the origin signs them. Each is rebuilt from the
// columns of the row that holds it, on the origin and on every relay alike, so that a relay passes
// on exactly the bytes the origin signed (received events also keep the record as received).
// Tags are sorted and absent values are null: one version has one canonical JSON.
import type { JsonValue } from '../../../domain/stix/canonical-json.ts';
import type { EventTable, IndicatorTable } from '../../../store/schema.ts';

export interface OwnerRecord {
  id: string;
  name: string;
  shortName: string;
  country: string | null;
  tier: string;
  homeNode: string;
}

export interface EventRecord {
  type: 'event';
  id: string;
  info: string;
  date: string;
  threatLevel: string;
  analysis: string;
  owner: OwnerRecord;
  originNode: string;
  tlp: string;
  pap: string;
  distribution: string;
  sharingGroupId: string | null;
  tags: string[];
  published: boolean;
  publishedAt: string | null;
  created: string;
  modified: string;
}

export interface ObjectRecord {
  id: string;
  name: string;
  metaCategory: string;
  comment: string;
  created: string;
}

export interface IndicatorRecord {
  type: 'indicator';
  id: string;
  eventId: string;
  object: ObjectRecord | null;
  relation: string | null;
  indicatorType: string;
  category: string;
  value: string;
  toIds: boolean;
  comment: string;
  firstSeen: string | null;
  lastSeen: string | null;
  tlp: string | null;
  distribution: string | null;
  sharingGroupId: string | null;
  tags: string[];
  stixId: string | null;
  created: string;
  modified: string;
}

/**
 * A record that is gone for the receiver: `deleted` by its origin (signed by the origin), or
 * `withdrawn` by the node that passed it on (signed by that node, `by`), because the receiver may no
 * longer see it.
 */
export interface TombstoneRecord {
  type: 'tombstone';
  of: 'event' | 'indicator';
  id: string;
  eventId: string | null;
  modified: string;
  reason: 'deleted' | 'withdrawn';
  by: string;
}

export type SyncRecord = EventRecord | IndicatorRecord | TombstoneRecord;

/** The event's columns a record is built from, with its owner's. */
export type EventColumns = Pick<
  EventTable,
  'id' | 'info' | 'date' | 'threat_level' | 'analysis' | 'origin_node' | 'tlp' | 'pap' | 'distribution' | 'sharing_group_id' | 'published' | 'published_at' | 'created_at' | 'modified' | 'owner_org_id'
> & { owner_name: string; owner_short_name: string; owner_country: string | null; owner_tier: string; owner_home_node: string };

export function eventRecord(row: EventColumns, tags: readonly string[]): EventRecord {
  return {
    type: 'event',
    id: row.id,
    info: row.info,
    date: row.date,
    threatLevel: row.threat_level,
    analysis: row.analysis,
    owner: { id: row.owner_org_id, name: row.owner_name, shortName: row.owner_short_name, country: row.owner_country, tier: row.owner_tier, homeNode: row.owner_home_node },
    originNode: row.origin_node,
    tlp: row.tlp,
    pap: row.pap,
    distribution: row.distribution,
    sharingGroupId: row.sharing_group_id,
    tags: [...tags].sort(),
    published: row.published === 1,
    publishedAt: row.published_at,
    created: row.created_at,
    modified: row.modified,
  };
}

/** The indicator's columns a record is built from, with its object's. */
export type IndicatorColumns = Pick<
  IndicatorTable,
  | 'id' | 'event_id' | 'object_id' | 'object_relation' | 'type' | 'category' | 'value' | 'to_ids' | 'comment' | 'first_seen' | 'last_seen'
  | 'tlp' | 'distribution' | 'sharing_group_id' | 'stix_id' | 'created_at' | 'modified'
> & { object_name: string | null; object_meta_category: string | null; object_comment: string | null; object_created_at: string | null };

export function indicatorRecord(row: IndicatorColumns, tags: readonly string[]): IndicatorRecord {
  return {
    type: 'indicator',
    id: row.id,
    eventId: row.event_id,
    object:
      row.object_id === null
        ? null
        : { id: row.object_id, name: row.object_name ?? '', metaCategory: row.object_meta_category ?? '', comment: row.object_comment ?? '', created: row.object_created_at ?? row.created_at },
    relation: row.object_relation,
    indicatorType: row.type,
    category: row.category,
    value: row.value,
    toIds: row.to_ids === 1,
    comment: row.comment,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    tlp: row.tlp,
    distribution: row.distribution,
    sharingGroupId: row.sharing_group_id,
    tags: [...tags].sort(),
    stixId: row.stix_id,
    created: row.created_at,
    modified: row.modified,
  };
}

export function tombstoneRecord(of: TombstoneRecord['of'], id: string, eventId: string | null, modified: string, reason: TombstoneRecord['reason'], by: string): TombstoneRecord {
  return { type: 'tombstone', of, id, eventId, modified, reason, by };
}

/** The handling that decides what a peer may hold of an event: a change means a fresh snapshot. */
export function handlingKey(row: { tlp: string; distribution: string; sharing_group_id: string | null }): string {
  return `${row.tlp}|${row.distribution}|${row.sharing_group_id ?? ''}`;
}

export function asJson(record: SyncRecord): JsonValue {
  return record as unknown as JsonValue;
}
