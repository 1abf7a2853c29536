// An incident's RSIT classification: the mandatory class and its optional type, checked against the
// shipped taxonomy and stored as machine values, with the MISP tag that carries them.
import { Invalid } from '../errors.ts';
import { formatTag } from '../taxonomies/machine-tag.ts';
import { listTaxonomies, rsitClasses } from '../taxonomies/shipped.ts';
import type { RsitClass } from '../taxonomies/shipped.ts';

export interface RsitClassification {
  classification: string;
  type: string | null;
  /** `rsit:<classification>="<type>"`, or `rsit:<classification>` without a type. */
  tag: string;
}

const CLASSES: ReadonlyMap<string, RsitClass> = new Map(rsitClasses().map((c) => [c.classification, c]));

// rsitClasses() gives machine values only; the taxonomy's entries also carry the spellings read on
// import (IntelMQ's and MISP's US `unauthorized-*`), each mapped here to its machine value.
const ALIASES: ReadonlyMap<string, string> = new Map(
  (listTaxonomies().find((t) => t.namespace === 'rsit')?.predicates ?? [])
    .flatMap((predicate) => [predicate, ...(predicate.values ?? [])])
    .flatMap((entry) => (entry.aliases ?? []).map((alias) => [alias.toLowerCase(), entry.value] as const)),
);

function machineValue(text: string): string {
  const spelling = text.trim().toLowerCase();
  return ALIASES.get(spelling) ?? spelling;
}

/** The field next to `field` that holds the type: `classification` → `type`, `secondary[0].classification` → `secondary[0].type`. */
function typeField(field: string): string {
  return field.replace(/[^.]*$/, 'type');
}

/**
 * Reads an RSIT class and type in any case and in their alias spellings, and returns the machine
 * values. A missing or blank type is null: RSIT makes the type optional.
 */
export function normaliseClassification(
  input: { classification: string; type?: string | null },
  field = 'classification',
): RsitClassification {
  const { classification: given, type: givenType } = input;
  const rsitClass = typeof given === 'string' ? CLASSES.get(machineValue(given)) : undefined;
  if (rsitClass === undefined) {
    throw new Invalid(field, `must be an RSIT classification: ${[...CLASSES.keys()].join(', ')}`);
  }
  const { classification, types } = rsitClass;
  if (typeof givenType !== 'string' || givenType.trim() === '') {
    return { classification, type: null, tag: formatTag({ namespace: 'rsit', predicate: classification }) };
  }

  const type = machineValue(givenType);
  if (!types.some((t) => t.type === type)) {
    throw new Invalid(typeField(field), `must be an RSIT type of ${classification}: ${types.map((t) => t.type).join(', ')}`);
  }
  return { classification, type, tag: formatTag({ namespace: 'rsit', predicate: classification, value: type }) };
}
