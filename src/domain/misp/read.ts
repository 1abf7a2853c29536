// MISP event JSON → what Sanad's ingest takes. Pure: the sharing groups the importing team may use
// are handed in, nothing is looked up. Every refusal is an Invalid naming the place in the document
// (`response[1].Event.Attribute[3].value`); values themselves are checked later by Sanad's own
// ingest, which names them by these same paths.
//
// Choices where MISP and Sanad differ:
// - distribution 2 (connected communities) and 3 (all communities) both become `federation`;
//   4 names its group by SharingGroup.uuid or .name, which must be a group the team belongs to;
//   an element reaching further than its parent keeps the parent's reach (MISP's effective
//   visibility is the narrower of the two), two different groups narrow to the organisation.
// - TLP comes from tlp: tags, the strictest one if several; without one, the caller's default
//   (never CLEAR by assumption). TLP:RED with an open distribution narrows to the organisation.
//   An attribute's TLP is kept only when at least as strict as the event's.
// - PAP comes from PAP: tags; the strictest anywhere in the event becomes the event's (Sanad has no
//   PAP per indicator), none: Sanad's default.
// - Objects of a template Sanad knows stay objects (a relation whose MISP type Sanad lacks, such as
//   size-in-bytes, is held as that relation's text/other type); attributes of any other object are
//   kept as plain indicators whose comment names the object.
// - Attributes and objects MISP marks deleted, local tags, object references, event reports and
//   analyst notes are not read.
import { Invalid } from '../errors.ts';
import {
  distributionFromMisp,
  isAtLeastAsStrict,
  isDistributionAtLeastAsStrict,
  mispTagToPap,
  mispTagToTlp,
  PAP_LEVELS,
  stricterTlp,
  type Distribution,
  type DistributionScope,
  type Pap,
  type Tlp,
} from '../handling.ts';
import { objectTemplate, type ObjectTemplate } from '../indicators/objects.ts';
import { isIndicatorType } from '../indicators/types.ts';
import { formatTag, parseTag } from '../taxonomies/machine-tag.ts';
import { validateTaxonomyTag } from '../taxonomies/shipped.ts';
import {
  at,
  epochSecondsToIso,
  isRecord,
  isUuid,
  member,
  readBoolean,
  readDate,
  readDateTime,
  readEpochSeconds,
  readInteger,
  readList,
  readText,
  readUuid,
} from './values.ts';
import { ANALYSIS_FROM_MISP, SIGHTING_KIND_FROM_MISP, THREAT_LEVEL_FROM_MISP, type SightingKind } from './vocabulary.ts';

// Sanad's own limits (the native API's schema), so an import cannot hold what the API refuses.
const MAX_INFO = 4000;
const MAX_COMMENT = 4000;
const MAX_TAGS = 100;
const MAX_NAME = 64;
const MAX_OBJECT_ATTRIBUTES = 1000;
const MAX_SIGHTING_SOURCE = 200;
const MAX_VALUE = 1_048_576;
// A sighting may be stamped a little ahead of this node's clock, not more.
const CLOCK_SKEW_MS = 5 * 60_000;

export interface MispReadOptions {
  /** The TLP of an event that carries no tlp: tag. */
  defaultTlp: Tlp;
  /** The distribution of an event that states none. */
  defaultDistribution: Exclude<Distribution, 'sharing_group'>;
  /** Sharing groups the importing team belongs to. */
  sharingGroups: readonly { id: string; name: string }[];
  now: Date;
}

export interface MispSightingRead {
  kind: SightingKind;
  seenAt: string;
  source: string;
}

/** One indicator as Sanad's ingest takes it (IndicatorInput's fields). */
export interface IndicatorFields {
  type: string;
  value: string;
  category?: string;
  toIds?: boolean;
  comment?: string;
  firstSeen?: string;
  lastSeen?: string;
  tlp?: Tlp;
  distribution?: Distribution;
  sharingGroupId?: string;
  tags?: string[];
}

export interface MispIndicatorRead {
  /** Where the attribute is in the document: `response[1].Event.Attribute[3]`. */
  path: string;
  uuid: string | undefined;
  fields: IndicatorFields;
  sightings: MispSightingRead[];
}

export interface MispObjectAttributeRead extends MispIndicatorRead {
  relation: string;
}

export interface MispObjectRead {
  path: string;
  uuid: string | undefined;
  name: string;
  comment: string | undefined;
  attributes: MispObjectAttributeRead[];
}

export type ThreatLevel = (typeof THREAT_LEVEL_FROM_MISP)[number];
export type AnalysisState = (typeof ANALYSIS_FROM_MISP)[number];

export interface MispEventHeaderRead {
  info: string;
  date: string | undefined;
  threatLevel: ThreatLevel;
  analysis: AnalysisState;
  tlp: Tlp;
  pap: Pap | undefined;
  distribution: Distribution;
  sharingGroupId: string | null;
  tags: string[];
  published: boolean;
  publishedAt: string | undefined;
}

export interface MispEventRead {
  path: string;
  uuid: string | undefined;
  /** MISP's version of the event (seconds): a newer one replaces an older copy. */
  timestamp: number | undefined;
  header: MispEventHeaderRead;
  indicators: MispIndicatorRead[];
  objects: MispObjectRead[];
  /** The organisation that created the event in MISP (Orgc). */
  creator: string | undefined;
  /** Where the event was read differently from how it was written. */
  notes: string[];
  /** Attributes (including those of objects) that MISP marks deleted: not imported. */
  deletedAttributes: number;
}

// ------------------------------------------------------------------ envelopes

export interface MispEventAt {
  event: Record<string, unknown>;
  /** `response[1].Event`, `[0].Event`, `Event`, or '' for a bare event document. */
  path: string;
}

/** An item of a list, `{"Event": {…}}` or the event itself. */
export function unwrapEvent(item: unknown, base: string): MispEventAt {
  if (!isRecord(item)) throw new Invalid(base || 'body', 'a MISP event is a JSON object');
  if (Object.hasOwn(item, 'Event')) {
    const event = item.Event;
    if (!isRecord(event)) throw new Invalid(at(base, 'Event'), 'must be a JSON object');
    return { event, path: at(base, 'Event') };
  }
  return { event: item, path: base };
}

/** Every event of a parsed document: `{"Event": …}`, a bare event, a list of either, or the REST
 *  `{"response": [...]}`. (The importer streams instead; this serves small documents.) */
export function mispEventsOf(document: unknown): MispEventAt[] {
  if (Array.isArray(document)) return document.map((item, i) => unwrapEvent(item, at('', i)));
  if (isRecord(document) && Object.hasOwn(document, 'response')) {
    const list = document.response;
    if (!Array.isArray(list)) throw new Invalid('response', 'must be a list of events');
    return list.map((item, i) => unwrapEvent(item, at('response', i)));
  }
  return [unwrapEvent(document, '')];
}

// ------------------------------------------------------------------- handling

type Scope = DistributionScope;

function groupLabel(uuid: string | undefined, name: string | undefined): string {
  if (name && uuid) return `"${name}" (${uuid})`;
  return name ? `"${name}"` : (uuid ?? '');
}

function resolveGroup(element: Record<string, unknown>, base: string, options: MispReadOptions): string {
  const group = member(element, 'SharingGroup');
  const field = at(base, 'SharingGroup');
  const described = isRecord(group) ? group : {};
  const uuid = readUuid(member(described, 'uuid'), at(field, 'uuid'));
  const name = readText(member(described, 'name'), at(field, 'name'), 255);
  // Some exports name the group by uuid in sharing_group_id itself.
  const idAsUuid = isUuid(member(element, 'sharing_group_id')) ? String(member(element, 'sharing_group_id')).toLowerCase() : undefined;
  const wanted = uuid ?? idAsUuid;
  if (wanted === undefined && name === undefined) {
    throw new Invalid(field, 'distribution 4 (sharing group) needs the group named by SharingGroup.uuid or SharingGroup.name');
  }
  const found =
    (wanted !== undefined ? options.sharingGroups.find((g) => g.id.toLowerCase() === wanted) : undefined) ??
    (name !== undefined ? options.sharingGroups.find((g) => g.name === name) : undefined);
  if (!found) throw new Invalid(field, `sharing group ${groupLabel(wanted, name)} is not one your team belongs to on this node`);
  return found.id;
}

/** An element's own distribution: undefined when absent or 5 (inherit). */
function readScope(element: Record<string, unknown>, base: string, options: MispReadOptions, allowInherit: boolean): Scope | undefined {
  const level = member(element, 'distribution');
  if (level === undefined || level === null || level === '') return undefined;
  const distribution = distributionFromMisp(level, at(base, 'distribution'));
  if (distribution === 'inherit') {
    if (!allowInherit) throw new Invalid(at(base, 'distribution'), '5 (inherit) applies to attributes and objects, not to events');
    return undefined;
  }
  if (distribution === 'sharing_group') return { distribution, sharingGroupId: resolveGroup(element, base, options) };
  return { distribution };
}

/** The element's own reach within its parent's: kept when at least as narrow, else the parent's. */
function narrowTo(own: Scope | undefined, parent: Scope): Scope | undefined {
  if (own === undefined) return undefined;
  if (isDistributionAtLeastAsStrict(own, parent)) return own;
  // Two different groups: only the owner is surely in both.
  if (own.distribution === 'sharing_group' && parent.distribution === 'sharing_group') return { distribution: 'organisation' };
  return undefined;
}

function scopeFields(scope: Scope | undefined): Pick<IndicatorFields, 'distribution' | 'sharingGroupId'> {
  if (scope === undefined) return {};
  return scope.distribution === 'sharing_group' ? { distribution: 'sharing_group', sharingGroupId: scope.sharingGroupId } : { distribution: scope.distribution };
}

const papRank = (pap: Pap) => PAP_LEVELS.indexOf(pap);

/** Collects the strictest PAP seen anywhere in an event. */
class PapSeen {
  level: Pap | undefined;
  add(pap: Pap): void {
    if (this.level === undefined || papRank(pap) > papRank(this.level)) this.level = pap;
  }
}

interface TagsRead {
  tags: string[];
  tlp: Tlp | undefined;
}

/** An element's Tag and Galaxy lists: tlp: and PAP: tags become handling, the rest stored tags. */
function readTags(element: Record<string, unknown>, base: string, pap: PapSeen): TagsRead {
  const tags = new Set<string>();
  let tlp: Tlp | undefined;
  readList(member(element, 'Tag'), at(base, 'Tag')).forEach((item, i) => {
    const field = isRecord(item) ? at(at(at(base, 'Tag'), i), 'name') : at(at(base, 'Tag'), i);
    const name = isRecord(item) ? member(item, 'name') : item;
    if (typeof name !== 'string') throw new Invalid(field, 'must be a tag name such as tlp:amber');
    const tagTlp = mispTagToTlp(name, field);
    if (tagTlp !== undefined) {
      tlp = tlp === undefined ? tagTlp : stricterTlp(tlp, tagTlp);
      return;
    }
    const tagPap = mispTagToPap(name, field);
    if (tagPap !== undefined) {
      pap.add(tagPap);
      return;
    }
    // A local tag is the sender's own label, not meant to leave its instance.
    if (isRecord(item) && readBoolean(member(item, 'local'), at(at(at(base, 'Tag'), i), 'local'))) return;
    tags.add(validateTaxonomyTag(parseTag(name, field), field).name);
  });
  readList(member(element, 'Galaxy'), at(base, 'Galaxy')).forEach((galaxy, i) => {
    const galaxyField = at(at(base, 'Galaxy'), i);
    if (!isRecord(galaxy)) throw new Invalid(galaxyField, 'a galaxy is a JSON object');
    const galaxyType = readText(member(galaxy, 'type'), at(galaxyField, 'type'), 200);
    readList(member(galaxy, 'GalaxyCluster'), at(galaxyField, 'GalaxyCluster')).forEach((cluster, j) => {
      const field = at(at(galaxyField, 'GalaxyCluster'), j);
      if (!isRecord(cluster)) throw new Invalid(field, 'a galaxy cluster is a JSON object');
      const type = readText(member(cluster, 'type'), at(field, 'type'), 200) ?? galaxyType;
      if (type === undefined) throw new Invalid(at(field, 'type'), 'is required (on the cluster or its galaxy)');
      const value = readText(member(cluster, 'value'), at(field, 'value'), 255, true)!;
      const name = formatTag({ namespace: 'misp-galaxy', predicate: type, value });
      tags.add(validateTaxonomyTag(parseTag(name, at(field, 'value')), at(field, 'value')).name);
    });
  });
  if (tags.size > MAX_TAGS) throw new Invalid(at(base, 'Tag'), `at most ${MAX_TAGS} tags (galaxy clusters included)`);
  return { tags: [...tags].sort(), tlp };
}

// ----------------------------------------------------------------- attributes

function readSightings(attribute: Record<string, unknown>, base: string, options: MispReadOptions): MispSightingRead[] {
  return readList(member(attribute, 'Sighting'), at(base, 'Sighting')).map((item, i) => {
    const field = at(at(base, 'Sighting'), i);
    if (!isRecord(item)) throw new Invalid(field, 'a sighting is a JSON object');
    const type = readInteger(member(item, 'type'), at(field, 'type'), 0, 2) ?? 0;
    const seconds = readEpochSeconds(member(item, 'date_sighting'), at(field, 'date_sighting'));
    if (seconds === undefined) throw new Invalid(at(field, 'date_sighting'), 'is required');
    if (seconds * 1000 > options.now.getTime() + CLOCK_SKEW_MS) throw new Invalid(at(field, 'date_sighting'), 'is in the future');
    const organisation = member(item, 'Organisation');
    const orgName = isRecord(organisation) ? readText(member(organisation, 'name'), at(at(field, 'Organisation'), 'name'), 255) : undefined;
    const source = readText(member(item, 'source'), at(field, 'source'), 4000) ?? (orgName ? `MISP: ${orgName}` : 'MISP');
    return { kind: SIGHTING_KIND_FROM_MISP[type]!, seenAt: epochSecondsToIso(seconds), source: source.slice(0, MAX_SIGHTING_SOURCE) };
  });
}

function readValue(attribute: Record<string, unknown>, base: string): string {
  const field = at(base, 'value');
  let value = member(attribute, 'value');
  if (value === undefined || value === null) {
    // Some writers give a composite value only as its two halves.
    const first = member(attribute, 'value1');
    const second = member(attribute, 'value2');
    if (typeof first === 'string' && first !== '') value = typeof second === 'string' && second !== '' ? `${first}|${second}` : first;
  }
  if (typeof value === 'number' && Number.isFinite(value)) value = String(value);
  if (typeof value !== 'string') throw new Invalid(field, 'is required, as text');
  if (value.trim() === '') throw new Invalid(field, 'must not be empty');
  if (value.length > MAX_VALUE) throw new Invalid(field, `must be at most ${MAX_VALUE} characters`);
  return value;
}

interface AttributeContext {
  options: MispReadOptions;
  eventTlp: Tlp;
  pap: PapSeen;
}

/** undefined for an attribute MISP marks deleted. */
function readAttribute(item: unknown, base: string, parentScope: Scope, context: AttributeContext): MispIndicatorRead | undefined {
  if (!isRecord(item)) throw new Invalid(base, 'an attribute is a JSON object');
  if (readBoolean(member(item, 'deleted'), at(base, 'deleted'))) return undefined;
  const type = readText(member(item, 'type'), at(base, 'type'), MAX_NAME, true)!;
  const value = readValue(item, base);
  const { tags, tlp } = readTags(item, base, context.pap);
  const scope = narrowTo(readScope(item, base, context.options, true), parentScope);
  const fields: IndicatorFields = {
    type,
    value,
    category: readText(member(item, 'category'), at(base, 'category'), MAX_NAME),
    toIds: readBoolean(member(item, 'to_ids'), at(base, 'to_ids')),
    comment: readText(member(item, 'comment'), at(base, 'comment'), MAX_COMMENT),
    firstSeen: readDateTime(member(item, 'first_seen'), at(base, 'first_seen')),
    lastSeen: readDateTime(member(item, 'last_seen'), at(base, 'last_seen')),
    tlp: tlp !== undefined && isAtLeastAsStrict(tlp, context.eventTlp) ? tlp : undefined,
    ...scopeFields(scope),
    tags: tags.length ? tags : undefined,
  };
  return { path: base, uuid: readUuid(member(item, 'uuid'), at(base, 'uuid')), fields, sightings: readSightings(item, base, context.options) };
}

// -------------------------------------------------------------------- objects

/** A MISP type Sanad lacks, on a relation of a known template that also takes free text. */
function heldType(template: ObjectTemplate, relation: string, type: string): string {
  if (isIndicatorType(type) || !Object.hasOwn(template.relations, relation)) return type;
  const accepted = template.relations[relation] ?? [];
  return accepted.find((t) => t === 'other' || t === 'text') ?? type;
}

interface ObjectRead {
  object?: MispObjectRead;
  /** Attributes of an object Sanad has no template for, kept as plain indicators. */
  loose: MispIndicatorRead[];
  deleted: number;
}

function readObject(item: unknown, base: string, eventScope: Scope, context: AttributeContext): ObjectRead {
  if (!isRecord(item)) throw new Invalid(base, 'an object is a JSON object');
  const list = readList(member(item, 'Attribute'), at(base, 'Attribute'));
  if (readBoolean(member(item, 'deleted'), at(base, 'deleted'))) return { loose: [], deleted: list.length };
  const name = readText(member(item, 'name'), at(base, 'name'), MAX_NAME, true)!;
  const comment = readText(member(item, 'comment'), at(base, 'comment'), MAX_COMMENT);
  const uuid = readUuid(member(item, 'uuid'), at(base, 'uuid'));
  const ownScope = narrowTo(readScope(item, base, context.options, true), eventScope);
  const scope = ownScope ?? eventScope;
  const template = objectTemplate(name);
  const attributes: MispObjectAttributeRead[] = [];
  const loose: MispIndicatorRead[] = [];
  let deleted = 0;
  list.forEach((entry, i) => {
    const field = at(at(base, 'Attribute'), i);
    const read = readAttribute(entry, field, scope, context);
    if (read === undefined) {
      deleted += 1;
      return;
    }
    // The object's own reach applies to attributes that state none of their own.
    if (read.fields.distribution === undefined && ownScope !== undefined) Object.assign(read.fields, scopeFields(ownScope));
    const relation = readText(member(entry as Record<string, unknown>, 'object_relation'), at(field, 'object_relation'), MAX_NAME, template !== undefined);
    if (template === undefined) {
      const label = `MISP object ${name}${relation ? ` (${relation})` : ''}`;
      read.fields.comment = (read.fields.comment ? `${label}: ${read.fields.comment}` : label).slice(0, MAX_COMMENT);
      loose.push(read);
      return;
    }
    const type = heldType(template, relation!, read.fields.type);
    if (type !== read.fields.type) {
      read.fields.type = type;
      read.fields.category = undefined; // the MISP category was chosen for the other type
    }
    attributes.push({ ...read, relation: relation! });
  });
  if (attributes.length > MAX_OBJECT_ATTRIBUTES) throw new Invalid(at(base, 'Attribute'), `an object holds at most ${MAX_OBJECT_ATTRIBUTES} attributes`);
  const object = template !== undefined && attributes.length > 0 ? { path: base, uuid, name, comment, attributes } : undefined;
  return { ...(object && { object }), loose, deleted };
}

// ---------------------------------------------------------------------- event

/** Reads one MISP event (the object inside `{"Event": …}`) found at `path` in its document. */
export function readMispEvent(event: Record<string, unknown>, path: string, options: MispReadOptions): MispEventRead {
  const notes: string[] = [];
  const info = readText(member(event, 'info'), at(path, 'info'), MAX_INFO, true)!;
  const uuid = readUuid(member(event, 'uuid'), at(path, 'uuid'));
  const timestamp = readEpochSeconds(member(event, 'timestamp'), at(path, 'timestamp'));
  const threatLevelId = readInteger(member(event, 'threat_level_id'), at(path, 'threat_level_id'), 1, 4) ?? 4;
  const analysisId = readInteger(member(event, 'analysis'), at(path, 'analysis'), 0, 2) ?? 0;
  const published = readBoolean(member(event, 'published'), at(path, 'published')) ?? false;
  const publishSeconds = readEpochSeconds(member(event, 'publish_timestamp'), at(path, 'publish_timestamp'));
  const date = readDate(member(event, 'date'), at(path, 'date')) ?? (timestamp !== undefined ? epochSecondsToIso(timestamp).slice(0, 10) : undefined);
  const creatorRecord = member(event, 'Orgc');
  const creator = isRecord(creatorRecord) ? readText(member(creatorRecord, 'name'), at(at(path, 'Orgc'), 'name'), 255) : undefined;

  const pap = new PapSeen();
  const { tags, tlp: taggedTlp } = readTags(event, path, pap);
  if (taggedTlp === undefined) notes.push(`no tlp: tag: TLP:${options.defaultTlp} assumed`);
  const tlp = taggedTlp ?? options.defaultTlp;

  const statedScope = readScope(event, path, options, false);
  if (statedScope === undefined) notes.push(`no distribution: ${options.defaultDistribution} assumed`);
  let scope: Scope = statedScope ?? { distribution: options.defaultDistribution };
  if (tlp === 'RED' && (scope.distribution === 'community' || scope.distribution === 'federation')) {
    notes.push(`TLP:RED goes only to named recipients: distribution ${scope.distribution} narrowed to organisation`);
    scope = { distribution: 'organisation' };
  }

  const context: AttributeContext = { options, eventTlp: tlp, pap };
  const indicators: MispIndicatorRead[] = [];
  let deletedAttributes = 0;
  readList(member(event, 'Attribute'), at(path, 'Attribute')).forEach((item, i) => {
    const read = readAttribute(item, at(at(path, 'Attribute'), i), scope, context);
    if (read) indicators.push(read);
    else deletedAttributes += 1;
  });
  const objects: MispObjectRead[] = [];
  readList(member(event, 'Object'), at(path, 'Object')).forEach((item, i) => {
    const read = readObject(item, at(at(path, 'Object'), i), scope, context);
    if (read.object) objects.push(read.object);
    indicators.push(...read.loose);
    if (read.loose.length) notes.push(`object ${at(at(path, 'Object'), i)} has no Sanad template: its attributes are kept as plain indicators`);
    deletedAttributes += read.deleted;
  });

  return {
    path,
    uuid,
    timestamp,
    header: {
      info,
      date,
      threatLevel: THREAT_LEVEL_FROM_MISP[threatLevelId - 1]!,
      analysis: ANALYSIS_FROM_MISP[analysisId]!,
      tlp,
      pap: pap.level,
      distribution: scope.distribution,
      sharingGroupId: scope.distribution === 'sharing_group' ? scope.sharingGroupId : null,
      tags,
      published,
      publishedAt: published && publishSeconds ? epochSecondsToIso(publishSeconds) : undefined,
    },
    indicators,
    objects,
    creator,
    notes,
    deletedAttributes,
  };
}
