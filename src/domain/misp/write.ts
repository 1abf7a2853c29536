// Sanad event → MISP event JSON that a MISP instance accepts (events/add, a MISP-format feed).
// Built in parts (header, attribute, object) so that an exporter can stream an event of any size:
// the header first, then attributes batch by batch. Numbers are written as strings, as MISP does.
import crypto from 'node:crypto';
import {
  distributionToMisp,
  PAP_COLOURS,
  papToMispTag,
  TLP_COLOURS,
  tlpToMispTag,
  type Distribution,
  type Pap,
  type Tlp,
} from '../handling.ts';
import { indicatorTypeInfo, isIndicatorType } from '../indicators/types.ts';
import { isoToEpochSeconds } from './values.ts';
import { analysisToMisp, sightingKindToMisp, threatLevelToMisp } from './vocabulary.ts';

export interface MispOrganisationRef {
  id: string;
  name: string;
}

export interface MispSharingGroupRef {
  id: string;
  name: string;
  description: string;
  members: readonly MispOrganisationRef[];
}

export interface EventForMisp {
  id: string;
  info: string;
  date: string;
  threatLevel: string;
  analysis: string;
  tlp: Tlp;
  pap: Pap;
  distribution: Distribution;
  sharingGroup: MispSharingGroupRef | null;
  published: boolean;
  publishedAt: string | null;
  /** The event's MISP version, in seconds. */
  timestamp: number;
  owner: MispOrganisationRef;
  tags: readonly string[];
}

export interface SightingForMisp {
  id: string;
  kind: string;
  seenAt: string;
  source: string;
  org: MispOrganisationRef;
}

export interface AttributeForMisp {
  uuid: string;
  type: string;
  category: string;
  value: string;
  toIds: boolean;
  comment: string;
  firstSeen: string | null;
  lastSeen: string | null;
  /** The indicator's own handling; null: as its event. */
  tlp: Tlp | null;
  distribution: Distribution | null;
  sharingGroupId: string | null;
  tags: readonly string[];
  modified: string;
  relation: string | null;
  sightings: readonly SightingForMisp[];
}

export interface ObjectForMisp {
  uuid: string;
  name: string;
  metaCategory: string;
  comment: string;
  modified: string;
}

type Json = Record<string, unknown>;

const seconds = (iso: string) => String(isoToEpochSeconds(iso));
const organisation = (org: MispOrganisationRef) => ({ uuid: org.id, name: org.name });

function handlingTags(tlp: Tlp, pap: Pap | null): Json[] {
  const tags: Json[] = [{ name: tlpToMispTag(tlp), colour: TLP_COLOURS[tlp], exportable: true }];
  if (pap !== null) tags.push({ name: papToMispTag(pap), colour: PAP_COLOURS[pap], exportable: true });
  return tags;
}

function sharingGroup(group: MispSharingGroupRef): Json {
  return {
    uuid: group.id,
    name: group.name,
    description: group.description,
    releasability: '',
    SharingGroupOrg: group.members.map((member) => ({ extend: false, Organisation: organisation(member) })),
  };
}

/** The event's own fields, without its Attribute and Object lists. */
export function mispEventHeader(event: EventForMisp): Json {
  const group = event.distribution === 'sharing_group' ? event.sharingGroup : null;
  return {
    uuid: event.id,
    info: event.info,
    date: event.date,
    threat_level_id: String(threatLevelToMisp(event.threatLevel)),
    analysis: String(analysisToMisp(event.analysis)),
    distribution: String(distributionToMisp(event.distribution)),
    // MISP's own numeric ids are local to each instance: the group travels by its uuid.
    sharing_group_id: group ? group.id : '0',
    published: event.published,
    timestamp: String(event.timestamp),
    publish_timestamp: event.published && event.publishedAt ? seconds(event.publishedAt) : '0',
    Orgc: organisation(event.owner),
    Org: organisation(event.owner),
    ...(group && { SharingGroup: sharingGroup(group) }),
    Tag: [...handlingTags(event.tlp, event.pap), ...event.tags.map((name) => ({ name, exportable: true }))],
  };
}

export function mispAttribute(attribute: AttributeForMisp): Json {
  const ownGroup = attribute.distribution === 'sharing_group' ? attribute.sharingGroupId : null;
  const tags = [...(attribute.tlp !== null ? handlingTags(attribute.tlp, null) : []), ...attribute.tags.map((name) => ({ name, exportable: true }))];
  return {
    uuid: attribute.uuid,
    type: attribute.type,
    category: attribute.category,
    value: attribute.value,
    to_ids: attribute.toIds,
    comment: attribute.comment,
    distribution: attribute.distribution === null ? '5' : String(distributionToMisp(attribute.distribution)),
    sharing_group_id: ownGroup ?? '0',
    timestamp: seconds(attribute.modified),
    deleted: false,
    disable_correlation: isIndicatorType(attribute.type) ? !indicatorTypeInfo(attribute.type).correlates : false,
    ...(attribute.relation !== null && { object_relation: attribute.relation }),
    ...(attribute.firstSeen !== null && { first_seen: attribute.firstSeen }),
    ...(attribute.lastSeen !== null && { last_seen: attribute.lastSeen }),
    ...(tags.length > 0 && { Tag: tags }),
    ...(attribute.sightings.length > 0 && {
      Sighting: attribute.sightings.map((sighting) => ({
        uuid: sighting.id,
        type: String(sightingKindToMisp(sighting.kind)),
        date_sighting: seconds(sighting.seenAt),
        source: sighting.source,
        Organisation: organisation(sighting.org),
      })),
    }),
  };
}

/** An object, its attributes already written with mispAttribute. */
export function mispObject(object: ObjectForMisp, attributes: readonly Json[]): Json {
  return {
    uuid: object.uuid,
    name: object.name,
    'meta-category': object.metaCategory,
    comment: object.comment,
    distribution: '5',
    sharing_group_id: '0',
    timestamp: seconds(object.modified),
    deleted: false,
    Attribute: attributes,
  };
}

/** A whole event as `{"Event": …}` (small events; exporters stream the same parts). */
export function toMispEvent(event: EventForMisp, attributes: readonly AttributeForMisp[], objects: readonly { object: ObjectForMisp; attributes: readonly AttributeForMisp[] }[]): { Event: Json } {
  return {
    Event: {
      ...mispEventHeader(event),
      Attribute: attributes.map(mispAttribute),
      Object: objects.map(({ object, attributes: members }) => mispObject(object, members.map(mispAttribute))),
    },
  };
}

/** An event's entry in a feed's manifest.json (keyed by the event uuid). */
export function mispManifestEntry(event: EventForMisp): Json {
  return {
    Orgc: organisation(event.owner),
    Tag: [...handlingTags(event.tlp, event.pap), ...event.tags.map((name) => ({ name }))],
    info: event.info,
    date: event.date,
    analysis: analysisToMisp(event.analysis),
    threat_level_id: threatLevelToMisp(event.threatLevel),
    timestamp: event.timestamp,
  };
}

/**
 * The lines of a feed's hashes.csv for one attribute: md5 of each part of a composite value (as MISP
 * matches value1 and value2 apart), of the value as exported and of its normalised form where that
 * differs (MISP lower-cases domains, Sanad's normalised form is what other spellings match).
 */
export function mispHashLines(type: string, value: string, normalised: string, eventUuid: string): string[] {
  const composite = type.includes('|');
  const parts = new Set<string>();
  for (const text of [value, normalised]) {
    if (text === '') continue;
    for (const part of composite ? text.split('|') : [text]) if (part !== '') parts.add(part);
  }
  return [...parts].map((part) => `${crypto.createHash('md5').update(part, 'utf8').digest('hex')},${eventUuid}`);
}
