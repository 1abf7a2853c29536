// MISP tags: machine tags `namespace:predicate` and `namespace:predicate="value"`, and free tags.
// Parsing gives every machine tag one canonical spelling so equal tags store and compare equal.
import { Invalid } from '../errors.ts';

export interface Tag {
  /** The canonical spelling, as stored and exported. */
  name: string;
  namespace?: string;
  predicate?: string;
  value?: string;
}

export interface MachineTag {
  namespace: string;
  predicate: string;
  value?: string;
}

/** MISP's tag name column. */
export const MAX_TAG_LENGTH = 255;

/** An ATT&CK technique or sub-technique id, such as T1566 or T1566.001. */
export const ATTACK_TECHNIQUE_ID = /^T\d{4}(?:\.\d{3})?$/;

// A predicate may itself hold a colon (MISP's `tlp:ex:chr`), so the namespace ends at the first one.
const MACHINE_TAG_HEAD = /^([a-z0-9][a-z0-9_.-]*):([a-z0-9][^\s="]*)/i;
const MACHINE_TAG_VALUE = /^\s*=\s*(?:"(.*)"|([^\s"]+))$/s;
const STARTS_WITH_EQUALS = /^\s*=/;
// Bidirectional overrides would make a tag read differently from what it is (CVE-2021-42574).
const CONTROL_CHARACTERS = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

export function parseTag(input: unknown, field = 'tag'): Tag {
  if (typeof input !== 'string') throw new Invalid(field, 'must be a tag such as tlp:amber or rsit:fraud="phishing"');
  const text = input.trim();
  if (text === '') throw new Invalid(field, 'must not be empty');
  if (text.length > MAX_TAG_LENGTH) throw new Invalid(field, `must be at most ${MAX_TAG_LENGTH} characters`);
  if (CONTROL_CHARACTERS.test(text)) throw new Invalid(field, 'must not contain control characters');

  const head = MACHINE_TAG_HEAD.exec(text);
  const rest = head ? text.slice(head[0].length) : text;
  // Anything else is a free tag: "APT 28", "Operation: Night Fury", "phase:1 follow-up".
  if (!head || (rest !== '' && !STARTS_WITH_EQUALS.test(rest))) return { name: text };

  const namespace = (head[1] ?? '').toLowerCase();
  const predicate = (head[2] ?? '').toLowerCase();
  if (rest === '') return { name: formatTag({ namespace, predicate }), namespace, predicate };

  const valueMatch = MACHINE_TAG_VALUE.exec(rest);
  if (!valueMatch) throw new Invalid(field, 'a machine tag is written namespace:predicate="value"');
  const value = (valueMatch[1] ?? valueMatch[2] ?? '').trim();
  if (value === '') throw new Invalid(field, 'a machine tag value must not be empty');

  const name = formatTag({ namespace, predicate, value });
  if (name.length > MAX_TAG_LENGTH) throw new Invalid(field, `must be at most ${MAX_TAG_LENGTH} characters`);
  return { name, namespace, predicate, value };
}

export function formatTag({ namespace, predicate, value }: MachineTag): string {
  return value === undefined ? `${namespace}:${predicate}` : `${namespace}:${predicate}="${value}"`;
}

// Galaxy cluster values end in the technique id: "Phishing - T1566", "Spearphishing Attachment - T1566.001".
const GALAXY_TECHNIQUE_SUFFIX = /\s-\s(T\d{4}(?:\.\d{3})?)$/;

/**
 * The ATT&CK technique id a tag names, from a MITRE galaxy tag
 * (`misp-galaxy:mitre-attack-pattern="Phishing - T1566"`) or the short form `attack:technique="T1566.001"`.
 */
export function attackTechniqueId(tag: string | Tag): string | undefined {
  const { namespace, predicate, value } = typeof tag === 'string' ? parseTag(tag) : tag;
  if (value === undefined) return undefined;
  if (namespace === 'attack' && predicate === 'technique') return ATTACK_TECHNIQUE_ID.test(value) ? value : undefined;
  if (namespace === 'misp-galaxy' && predicate?.startsWith('mitre-')) return GALAXY_TECHNIQUE_SUFFIX.exec(value)?.[1];
  return undefined;
}
