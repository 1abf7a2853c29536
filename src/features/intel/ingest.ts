// Turns submitted indicators and objects into rows: every value validated and normalised for its
// type, handling only ever stricter than the event's, warninglist hits flagged (not dropped).
// Nothing here touches the database; the caller inserts the rows in one transaction.
import { Invalid } from '../../domain/errors.ts';
import { isAtLeastAsStrict, isDistributionAtLeastAsStrict, type DistributionScope, type Tlp } from '../../domain/handling.ts';
import { ipRange } from '../../domain/ip-range.ts';
import { indicatorTypeInfo, isCategory, isIndicatorType } from '../../domain/indicators/types.ts';
import { correlationKey, normaliseIndicator } from '../../domain/indicators/normalise.ts';
import { objectTemplate, validateObject } from '../../domain/indicators/objects.ts';
import { canonicalEventTags } from './tags.ts';
import type { IndicatorTable, IntelObjectTable } from '../../store/schema.ts';
import type { WarninglistMatcher } from '../../domain/warninglists.ts';
import type { IndicatorInput, ObjectInput } from './schemas.ts';
import { newId } from '../../store/ids.ts';

export interface EventHandling {
  id: string;
  tlp: Tlp;
  distribution: DistributionScope;
}

export interface PreparedBatch {
  objects: IntelObjectTable[];
  indicators: IndicatorTable[];
  tags: { indicator_id: string; name: string }[];
}

/** An indicator as submitted, or read by an importer from another format (`stixId`: the STIX
 *  indicator it came from). */
export type IngestIndicator = IndicatorInput & { stixId?: string };

export interface IngestContext {
  event: EventHandling;
  version: string;
  warninglists: WarninglistMatcher;
  /** Sharing groups the submitting team may use. */
  usableGroups: Set<string>;
}

/** The IP part of a normalised value, for range matching (`1.2.3.4|443` → `1.2.3.4`, `a.example|1.2.3.4` → `1.2.3.4`). */
export function ipPart(type: string, normalised: string): string | undefined {
  if (type === 'ip-src' || type === 'ip-dst') return normalised;
  if (type === 'ip-src|port' || type === 'ip-dst|port') return normalised.split('|')[0];
  if (type === 'domain|ip') return normalised.split('|')[1];
  return undefined;
}

function prepareIndicator(
  input: IngestIndicator & { relation?: string },
  field: string,
  ctx: IngestContext,
  object?: { id: string },
): { row: IndicatorTable; tags: string[] } {
  if (!isIndicatorType(input.type)) throw new Invalid(`${field}.type`, `unknown indicator type "${input.type}"`);
  const type = input.type;
  const info = indicatorTypeInfo(type);
  const { value, normalised } = normaliseIndicator(type, input.value, `${field}.value`);
  const category = input.category ?? info.defaultCategory;
  if (!isCategory(category) || !info.categories.includes(category)) {
    throw new Invalid(`${field}.category`, `"${category}" does not fit type ${type} (allowed: ${info.categories.join(', ')})`);
  }
  const eventTlp = ctx.event.tlp;
  if (input.tlp !== undefined && !isAtLeastAsStrict(input.tlp, eventTlp)) {
    throw new Invalid(`${field}.tlp`, `TLP:${input.tlp} is looser than the event's TLP:${eventTlp}; an indicator may only be stricter`);
  }
  let sharingGroupId: string | null = null;
  if (input.distribution !== undefined) {
    let scope: DistributionScope;
    if (input.distribution === 'sharing_group') {
      if (!input.sharingGroupId) throw new Invalid(`${field}.sharingGroupId`, 'required with distribution sharing_group');
      if (!ctx.usableGroups.has(input.sharingGroupId)) throw new Invalid(`${field}.sharingGroupId`, 'not a sharing group of your team');
      scope = { distribution: 'sharing_group', sharingGroupId: input.sharingGroupId };
      sharingGroupId = input.sharingGroupId;
    } else {
      scope = { distribution: input.distribution };
    }
    if (!isDistributionAtLeastAsStrict(scope, ctx.event.distribution)) {
      throw new Invalid(`${field}.distribution`, `reaches further than the event's distribution (${ctx.event.distribution.distribution}); an indicator may only be stricter`);
    }
  } else if (input.sharingGroupId !== undefined) {
    throw new Invalid(`${field}.sharingGroupId`, 'only with distribution sharing_group');
  }
  if (input.firstSeen && input.lastSeen && Date.parse(input.firstSeen) > Date.parse(input.lastSeen)) {
    throw new Invalid(`${field}.lastSeen`, 'is before firstSeen');
  }
  const ip = ipPart(type, normalised);
  const range = ip ? ipRange(ip) : undefined;
  const hits = ctx.warninglists.match(type, normalised);
  const id = newId();
  return {
    row: {
      id,
      event_id: ctx.event.id,
      object_id: object?.id ?? null,
      object_relation: input.relation ?? null,
      type,
      category,
      value,
      normalised,
      correlation_key: info.correlates ? correlationKey(type, normalised) : null,
      ip_start: range?.start ?? null,
      ip_end: range?.end ?? null,
      to_ids: (input.toIds ?? info.toIdsDefault) ? 1 : 0,
      comment: input.comment?.trim() ?? '',
      first_seen: input.firstSeen ? new Date(input.firstSeen).toISOString() : null,
      last_seen: input.lastSeen ? new Date(input.lastSeen).toISOString() : null,
      tlp: input.tlp ?? null,
      distribution: input.distribution ?? null,
      sharing_group_id: sharingGroupId,
      warning: hits.length ? [...new Set(hits.map((h) => h.list))].join(', ') : null,
      created_at: ctx.version,
      modified: ctx.version,
      deleted: 0,
      stix_id: input.stixId ?? null,
    },
    tags: input.tags ? canonicalEventTags(input.tags, `${field}.tags`) : [],
  };
}

/** Validates everything first: one bad value refuses the whole submission, naming it. */
export function prepareBatch(indicators: IngestIndicator[], objects: ObjectInput[], ctx: IngestContext): PreparedBatch {
  const batch: PreparedBatch = { objects: [], indicators: [], tags: [] };
  const add = (prepared: { row: IndicatorTable; tags: string[] }) => {
    batch.indicators.push(prepared.row);
    for (const name of prepared.tags) batch.tags.push({ indicator_id: prepared.row.id, name });
  };
  indicators.forEach((input, i) => add(prepareIndicator(input, `indicators[${i}]`, ctx)));
  objects.forEach((object, i) => {
    const field = `objects[${i}]`;
    const template = objectTemplate(object.name);
    if (!template) throw new Invalid(`${field}.name`, `unknown object template "${object.name}"`);
    validateObject(object.name, object.attributes, field);
    const row: IntelObjectTable = {
      id: newId(),
      event_id: ctx.event.id,
      name: object.name,
      meta_category: template.metaCategory,
      comment: object.comment?.trim() ?? '',
      created_at: ctx.version,
      modified: ctx.version,
    };
    batch.objects.push(row);
    object.attributes.forEach((attribute, j) => add(prepareIndicator(attribute, `${field}.attributes[${j}]`, ctx, row)));
  });
  return batch;
}
