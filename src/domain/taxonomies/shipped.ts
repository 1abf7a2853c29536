// The taxonomies Sanad ships: TLP, PAP, RSIT and ATT&CK technique ids. A tag in one of these
// namespaces must name a known entry; tags in any other namespace, and free tags, pass as written.
import { Invalid } from '../errors.ts';
import { PAP_ACTIONS, PAP_LEVELS, TLP_AUDIENCES, TLP_LEVELS } from '../handling.ts';
import { ATTACK_TECHNIQUE_ID, formatTag, parseTag } from './machine-tag.ts';
import type { Tag } from './machine-tag.ts';

export interface TaxonomyEntry {
  /** The machine value, as written in a tag. */
  value: string;
  description: string;
  /** Old or variant spellings, read on import and stored as `value`. */
  aliases?: readonly string[];
}

export interface TaxonomyPredicate extends TaxonomyEntry {
  /** A closed list of values; the predicate alone is also a valid tag. */
  values?: readonly TaxonomyEntry[];
  /** An open set of values (a regular expression's source); a tag must carry a value matching it. */
  valuePattern?: string;
}

export interface Taxonomy {
  namespace: string;
  version: number;
  description: string;
  predicates: readonly TaxonomyPredicate[];
}

const TLP: Taxonomy = {
  namespace: 'tlp',
  version: 2,
  description: 'Traffic Light Protocol 2.0 (FIRST): who may receive the information.',
  predicates: TLP_LEVELS.map((level) => ({
    value: level.toLowerCase(),
    description: TLP_AUDIENCES[level],
    ...(level === 'CLEAR' && { aliases: ['white'] }),
  })),
};

const PAP: Taxonomy = {
  namespace: 'pap',
  version: 1,
  description: 'Permissible Actions Protocol: what the recipient may do with the information.',
  predicates: PAP_LEVELS.map((level) => ({
    value: level.toLowerCase(),
    description: PAP_ACTIONS[level].allows,
    ...(level === 'CLEAR' && { aliases: ['white'] }),
  })),
};

// RSIT machine version 1003. Values are matched without regard to case, which also reads the
// capitalised `Unauthorised-information-*` of the first machine file; aliases cover the US spellings
// of IntelMQ, MISP's copy of RSIT and that first file.
const RSIT: Taxonomy = {
  namespace: 'rsit',
  version: 1003,
  description: 'Reference Security Incident Taxonomy (TF-CSIRT / ENISA).',
  predicates: [
    {
      value: 'abusive-content',
      description: 'Abusive Content',
      values: [
        { value: 'spam', description: 'Spam' },
        { value: 'harmful-speech', description: 'Harmful Speech' },
        { value: 'violence', description: '(Child) Sexual Exploitation / Sexual / Violent Content' },
      ],
    },
    {
      value: 'malicious-code',
      description: 'Malicious Code',
      values: [
        { value: 'infected-system', description: 'Infected System' },
        { value: 'c2-server', description: 'C2 Server' },
        { value: 'malware-distribution', description: 'Malware Distribution' },
        { value: 'malware-configuration', description: 'Malware Configuration' },
      ],
    },
    {
      value: 'information-gathering',
      description: 'Information Gathering',
      values: [
        { value: 'scanner', description: 'Scanning' },
        { value: 'sniffing', description: 'Sniffing' },
        { value: 'social-engineering', description: 'Social Engineering' },
      ],
    },
    {
      value: 'intrusion-attempts',
      description: 'Intrusion Attempts',
      values: [
        { value: 'ids-alert', description: 'Exploitation of Known Vulnerabilities' },
        { value: 'brute-force', description: 'Login Attempts' },
        { value: 'exploit', description: 'New Attack Signature' },
      ],
    },
    {
      value: 'intrusions',
      description: 'Intrusions',
      values: [
        { value: 'privileged-account-compromise', description: 'Privileged Account Compromise' },
        { value: 'unprivileged-account-compromise', description: 'Unprivileged Account Compromise' },
        { value: 'application-compromise', description: 'Application Compromise' },
        { value: 'system-compromise', description: 'System Compromise' },
        { value: 'burglary', description: 'Burglary' },
      ],
    },
    {
      value: 'availability',
      description: 'Availability',
      values: [
        { value: 'dos', description: 'Denial of Service' },
        { value: 'ddos', description: 'Distributed Denial of Service' },
        { value: 'misconfiguration', description: 'Misconfiguration' },
        { value: 'sabotage', description: 'Sabotage' },
        { value: 'outage', description: 'Outage' },
      ],
    },
    {
      value: 'information-content-security',
      description: 'Information Content Security',
      values: [
        {
          value: 'unauthorised-information-access',
          description: 'Unauthorised Access to Information',
          aliases: ['unauthorized-information-access'],
        },
        {
          value: 'unauthorised-information-modification',
          description: 'Unauthorised Modification of Information',
          aliases: ['unauthorized-information-modification'],
        },
        { value: 'data-loss', description: 'Data Loss' },
        { value: 'data-leak', description: 'Leak of Confidential Information' },
      ],
    },
    {
      value: 'fraud',
      description: 'Fraud',
      values: [
        {
          value: 'unauthorised-use-of-resources',
          description: 'Unauthorised Use of Resources',
          aliases: ['unauthorized-use-of-resources'],
        },
        { value: 'copyright', description: 'Copyright' },
        { value: 'masquerade', description: 'Masquerade' },
        { value: 'phishing', description: 'Phishing' },
      ],
    },
    {
      value: 'vulnerable',
      description: 'Vulnerable',
      values: [
        { value: 'weak-crypto', description: 'Weak Cryptography' },
        { value: 'ddos-amplifier', description: 'DDoS Amplifier' },
        { value: 'potentially-unwanted-accessible', description: 'Potentially Unwanted Accessible Services' },
        { value: 'information-disclosure', description: 'Information Disclosure' },
        { value: 'vulnerable-system', description: 'Vulnerable System' },
      ],
    },
    {
      value: 'other',
      description: 'Other',
      values: [
        { value: 'other', description: 'Uncategorised' },
        { value: 'undetermined', description: 'Undetermined' },
      ],
    },
    {
      value: 'test',
      description: 'Test',
      values: [{ value: 'test', description: 'Test' }],
    },
  ],
};

const ATTACK: Taxonomy = {
  namespace: 'attack',
  version: 1,
  description: 'MITRE ATT&CK techniques by id, short for the MITRE galaxy tags.',
  predicates: [
    {
      value: 'technique',
      description: 'Technique or sub-technique id, such as T1566 or T1566.001',
      valuePattern: ATTACK_TECHNIQUE_ID.source,
    },
  ],
};

const SHIPPED_TAXONOMIES: readonly Taxonomy[] = [TLP, PAP, RSIT, ATTACK];

export function listTaxonomies(): readonly Taxonomy[] {
  return SHIPPED_TAXONOMIES;
}

// ------------------------------------------------------------------ look-ups

interface IndexedPredicate {
  predicate: TaxonomyPredicate;
  values: ReadonlyMap<string, TaxonomyEntry>;
  valuePattern?: RegExp;
}

/** Every spelling, canonical or alias, in lower case, to its entry. */
function bySpelling<Entry extends TaxonomyEntry>(entries: readonly Entry[]): Map<string, Entry> {
  return new Map(entries.flatMap((entry) => [entry.value, ...(entry.aliases ?? [])].map((s) => [s.toLowerCase(), entry])));
}

const INDEX: ReadonlyMap<string, { taxonomy: Taxonomy; predicates: ReadonlyMap<string, IndexedPredicate> }> = new Map(
  SHIPPED_TAXONOMIES.map((taxonomy) => [
    taxonomy.namespace,
    {
      taxonomy,
      predicates: new Map(
        [...bySpelling(taxonomy.predicates)].map(([spelling, predicate]) => [
          spelling,
          {
            predicate,
            values: bySpelling(predicate.values ?? []),
            ...(predicate.valuePattern !== undefined && { valuePattern: new RegExp(predicate.valuePattern) }),
          },
        ]),
      ),
    },
  ]),
);

const LISTED = 5;

function someOf(spellings: readonly string[]): string {
  const shown = spellings.slice(0, LISTED).join(', ');
  return spellings.length > LISTED ? `${shown}, …` : shown;
}

/**
 * Checks a tag against the shipped taxonomies and returns it in canonical form (aliases resolved).
 * Tags in other namespaces and free tags are returned as parsed.
 */
export function validateTaxonomyTag(tag: string | Tag, field = 'tag'): Tag {
  const parsed = typeof tag === 'string' ? parseTag(tag, field) : tag;
  const { namespace, predicate: predicateSpelling = '', value } = parsed;
  const shipped = namespace === undefined ? undefined : INDEX.get(namespace);
  if (namespace === undefined || shipped === undefined) return parsed;

  const indexed = shipped.predicates.get(predicateSpelling);
  if (indexed === undefined) {
    const known = shipped.taxonomy.predicates.map((p) => formatTag({ namespace, predicate: p.value }));
    throw new Invalid(field, `unknown ${namespace} tag "${parsed.name}"; valid tags include ${someOf(known)}`);
  }
  const { predicate, values, valuePattern } = indexed;
  const canonical = (canonicalValue?: string): Tag => {
    const machineTag = { namespace, predicate: predicate.value, ...(canonicalValue !== undefined && { value: canonicalValue }) };
    return { name: formatTag(machineTag), ...machineTag };
  };

  if (valuePattern !== undefined) {
    if (value === undefined || !valuePattern.test(value)) {
      const expected = `${predicate.description} (/${predicate.valuePattern}/)`;
      throw new Invalid(field, `${namespace}:${predicate.value} needs a value: ${expected}`);
    }
    return canonical(value);
  }
  if (value === undefined) return canonical();
  if (predicate.values === undefined) {
    throw new Invalid(field, `${namespace}:${predicate.value} takes no value`);
  }
  const entry = values.get(value.toLowerCase());
  if (entry === undefined) {
    const known = predicate.values.map((v) => v.value);
    throw new Invalid(field, `unknown value "${value}" for ${namespace}:${predicate.value}; valid values include ${someOf(known)}`);
  }
  return canonical(entry.value);
}

/** The spelling to store: `tlp:white` → `tlp:clear`, `PAP:WHITE` → `pap:clear`, US RSIT spellings → British. */
export function canonicalTag(tag: string | Tag, field = 'tag'): string {
  return validateTaxonomyTag(tag, field).name;
}

// ----------------------------------------------------------------------- RSIT

export interface RsitClass {
  classification: string;
  description: string;
  types: readonly { type: string; description: string }[];
}

const RSIT_CLASSES: readonly RsitClass[] = RSIT.predicates.map((p) => ({
  classification: p.value,
  description: p.description,
  types: (p.values ?? []).map((v) => ({ type: v.value, description: v.description })),
}));

/** RSIT's 11 classifications, each with its types, in the taxonomy's order. */
export function rsitClasses(): readonly RsitClass[] {
  return RSIT_CLASSES;
}
