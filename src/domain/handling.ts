// The handling vocabularies every shared record carries: TLP 2.0 (who may receive it), PAP (what the
// recipient may do with it) and distribution (where Sanad may send it), with their MISP spellings.
import { Invalid } from './errors.ts';
import { formatTag, parseTag } from './taxonomies/machine-tag.ts';

// ------------------------------------------------------------------------ TLP

/** Least to most restrictive. */
export const TLP_LEVELS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'] as const;
export type Tlp = (typeof TLP_LEVELS)[number];

/** Who may receive information under each label (FIRST TLP 2.0). */
export const TLP_AUDIENCES: Readonly<Record<Tlp, string>> = {
  CLEAR: 'No limit on disclosure.',
  GREEN: "The recipient's community, not public channels.",
  AMBER: "The recipient's organisation and its clients, on a need-to-know basis.",
  'AMBER+STRICT': "The recipient's own organisation only, on a need-to-know basis.",
  RED: 'The individual recipients only; no further disclosure.',
};

/** FIRST's label colours, meant to be shown on a black (#000000) background. */
export const TLP_COLOURS: Readonly<Record<Tlp, string>> = {
  CLEAR: '#FFFFFF',
  GREEN: '#33FF00',
  AMBER: '#FFC000',
  'AMBER+STRICT': '#FFC000',
  RED: '#FF2B2B',
};

export function tlpRank(tlp: Tlp): number {
  return TLP_LEVELS.indexOf(tlp);
}

export function stricterTlp(a: Tlp, b: Tlp): Tlp {
  return tlpRank(a) >= tlpRank(b) ? a : b;
}

/** True when `a` restricts at least as much as `b`: an indicator's TLP against its event's. */
export function isAtLeastAsStrict(a: Tlp, b: Tlp): boolean {
  return tlpRank(a) >= tlpRank(b);
}

// TLP 1.0's WHITE became CLEAR in TLP 2.0; feeds and older peers still send it.
const TLP_SPELLINGS: ReadonlyMap<string, Tlp> = new Map([
  ...TLP_LEVELS.map((level) => [level.toLowerCase(), level] as const),
  ['white', 'CLEAR'],
]);

/** Reads `TLP:AMBER`, `amber`, `tlp:white` (→ CLEAR), `tlp:amber+strict`, in any case. */
export function parseTlp(input: unknown, field = 'tlp'): Tlp {
  const level = typeof input === 'string' ? TLP_SPELLINGS.get(withoutPrefix(input, 'tlp:')) : undefined;
  if (level === undefined) throw new Invalid(field, `must be one of ${TLP_LEVELS.map((l) => `TLP:${l}`).join(', ')}`);
  return level;
}

// ------------------------------------------------------------------------ PAP

/** Least to most restrictive. */
export const PAP_LEVELS = ['CLEAR', 'GREEN', 'AMBER', 'RED'] as const;
export type Pap = (typeof PAP_LEVELS)[number];

export interface PapActions {
  allows: string;
  /** Passive checks that a third party sees, such as a VirusTotal lookup. */
  thirdPartyLookups: boolean;
  /** Actions the target may notice: ping, blocking, honeypot interaction. */
  activeActions: boolean;
}

export const PAP_ACTIONS: Readonly<Record<Pap, PapActions>> = {
  CLEAR: { allows: 'No restriction.', thirdPartyLookups: true, activeActions: true },
  GREEN: {
    allows: 'Active actions: ping, block traffic to or from the target, honeypot interaction.',
    thirdPartyLookups: true,
    activeActions: true,
  },
  AMBER: {
    allows: 'Passive cross-checks: third-party lookups (e.g. VirusTotal), a monitoring honeypot.',
    thirdPartyLookups: true,
    activeActions: false,
  },
  RED: {
    allows: 'Non-detectable actions only: passive checks on own logs, nothing visible from outside.',
    thirdPartyLookups: false,
    activeActions: false,
  },
};

export const PAP_COLOURS: Readonly<Record<Pap, string>> = {
  CLEAR: '#ffffff',
  GREEN: '#00ad1c',
  AMBER: '#ffa800',
  RED: '#ff0000',
};

export function allowsActiveActions(pap: Pap): boolean {
  return PAP_ACTIONS[pap].activeActions;
}

export function allowsThirdPartyLookups(pap: Pap): boolean {
  return PAP_ACTIONS[pap].thirdPartyLookups;
}

// MISP's PAP taxonomy still says WHITE; TheHive and OpenCTI say CLEAR.
const PAP_SPELLINGS: ReadonlyMap<string, Pap> = new Map([
  ...PAP_LEVELS.map((level) => [level.toLowerCase(), level] as const),
  ['white', 'CLEAR'],
]);

/** Reads `PAP:WHITE` (→ CLEAR), `PAP:CLEAR`, `pap:green`, `amber`, in any case. */
export function parsePap(input: unknown, field = 'pap'): Pap {
  const level = typeof input === 'string' ? PAP_SPELLINGS.get(withoutPrefix(input, 'pap:')) : undefined;
  if (level === undefined) throw new Invalid(field, `must be one of ${PAP_LEVELS.map((l) => `PAP:${l}`).join(', ')}`);
  return level;
}

function withoutPrefix(input: string, prefix: string): string {
  const text = input.trim().toLowerCase();
  return text.startsWith(prefix) ? text.slice(prefix.length) : text;
}

// --------------------------------------------------------------- distribution

/** Most to least restrictive, except that a sharing group compares only with itself among groups. */
export const DISTRIBUTIONS = ['organisation', 'sharing_group', 'community', 'federation'] as const;
export type Distribution = (typeof DISTRIBUTIONS)[number];

export type DistributionScope =
  | { distribution: Exclude<Distribution, 'sharing_group'> }
  | { distribution: 'sharing_group'; sharingGroupId: string };

/**
 * True when `child` (an indicator, a report) reaches no one that `parent` (its event) does not.
 * Two different sharing groups are incomparable: neither is contained in the other.
 */
export function isDistributionAtLeastAsStrict(child: DistributionScope, parent: DistributionScope): boolean {
  if (child.distribution === 'sharing_group' && parent.distribution === 'sharing_group') {
    return child.sharingGroupId === parent.sharingGroupId;
  }
  return DISTRIBUTIONS.indexOf(child.distribution) <= DISTRIBUTIONS.indexOf(parent.distribution);
}

// ----------------------------------------------------------------------- MISP

export function tlpToMispTag(tlp: Tlp): string {
  return formatTag({ namespace: 'tlp', predicate: tlp.toLowerCase() });
}

/** The TLP a MISP tag carries; undefined for tags outside the `tlp` namespace. */
export function mispTagToTlp(tag: string, field = 'tag'): Tlp | undefined {
  const { namespace, predicate, value } = parseTag(tag, field);
  if (namespace !== 'tlp') return undefined;
  if (value !== undefined) throw new Invalid(field, 'a TLP tag takes no value, as in tlp:amber');
  return parseTlp(predicate, field);
}

/** MISP's PAP taxonomy (version 1) spells its namespace in capitals and knows WHITE, not CLEAR. */
export function papToMispTag(pap: Pap): string {
  return `PAP:${pap === 'CLEAR' ? 'WHITE' : pap}`;
}

/** The PAP a MISP tag carries; undefined for tags outside the `pap` namespace. */
export function mispTagToPap(tag: string, field = 'tag'): Pap | undefined {
  const { namespace, predicate, value } = parseTag(tag, field);
  if (namespace !== 'pap') return undefined;
  if (value !== undefined) throw new Invalid(field, 'a PAP tag takes no value, as in PAP:AMBER');
  return parsePap(predicate, field);
}

export type MispDistribution = 0 | 1 | 2 | 3 | 4 | 5;

// Sanad has no "connected communities" (2): a record either stays on its node or is relayed onward.
const DISTRIBUTION_FROM_MISP: Readonly<Record<MispDistribution, Distribution | 'inherit'>> = {
  0: 'organisation',
  1: 'community',
  2: 'federation',
  3: 'federation',
  4: 'sharing_group',
  5: 'inherit',
};

const DISTRIBUTION_TO_MISP: Readonly<Record<Distribution | 'inherit', MispDistribution>> = {
  organisation: 0,
  community: 1,
  federation: 3,
  sharing_group: 4,
  inherit: 5,
};

/** Reads MISP's distribution level, a number or (as MISP's JSON writes it) a numeric string. */
export function distributionFromMisp(level: unknown, field = 'distribution'): Distribution | 'inherit' {
  const text = typeof level === 'number' || typeof level === 'string' ? String(level).trim() : '';
  if (!/^[0-5]$/.test(text)) throw new Invalid(field, 'must be a MISP distribution level from 0 to 5');
  return DISTRIBUTION_FROM_MISP[Number(text) as MispDistribution];
}

export function distributionToMisp(distribution: Distribution | 'inherit'): MispDistribution {
  return DISTRIBUTION_TO_MISP[distribution];
}
