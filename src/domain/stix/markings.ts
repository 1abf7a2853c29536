// The marking definitions behind Sanad's TLP and PAP: the fixed TLP objects that every STIX producer
// references by id, and the PAP markings Sanad publishes. Reading markings never guesses: an id that
// is not one of these exactly is returned as unknown, and the caller must then fail closed.
import { Invalid } from '../errors.ts';
import { PAP_LEVELS, TLP_LEVELS, stricterTlp } from '../handling.ts';
import type { Pap, Tlp } from '../handling.ts';
import { uuidV5 } from './identifiers.ts';

export interface MarkingDefinition {
  type: 'marking-definition';
  spec_version: '2.1';
  id: string;
  created: string;
  name: string;
  definition_type?: 'tlp' | 'statement';
  definition?: { tlp: string } | { statement: string };
  extensions?: Record<string, { extension_type: 'property-extension'; tlp_2_0: string }>;
}

// ------------------------------------------------------------------ TLP 2.0

/** The OASIS CTI TC's property extension that carries TLP 2.0 in a marking definition. */
export const TLP2_EXTENSION_DEFINITION_ID = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';

export const TLP2_MARKING_IDS: Readonly<Record<Tlp, string>> = {
  CLEAR: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  GREEN: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  AMBER: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'AMBER+STRICT': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  RED: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
};

const TLP2_CREATED = '2022-10-01T00:00:00.000Z';

export function tlpMarkingId(tlp: Tlp): string {
  return TLP2_MARKING_IDS[tlp];
}

/** The TLP 2.0 marking definition as OASIS publishes it, properties in the published order. */
export function tlpMarkingObject(tlp: Tlp): MarkingDefinition {
  return {
    type: 'marking-definition',
    spec_version: '2.1',
    id: TLP2_MARKING_IDS[tlp],
    created: TLP2_CREATED,
    name: `TLP:${tlp}`,
    extensions: {
      [TLP2_EXTENSION_DEFINITION_ID]: { extension_type: 'property-extension', tlp_2_0: tlp.toLowerCase() },
    },
  };
}

// ------------------------------------------------------------------ TLP 1.0

export const TLP1_LEVELS = ['WHITE', 'GREEN', 'AMBER', 'RED'] as const;
export type Tlp1 = (typeof TLP1_LEVELS)[number];

/** The four TLP 1.0 marking definitions that STIX 2.1 itself defines. */
export const TLP1_MARKING_IDS: Readonly<Record<Tlp1, string>> = {
  WHITE: 'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9',
  GREEN: 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da',
  AMBER: 'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82',
  RED: 'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed',
};

const TLP1_CREATED = '2017-01-20T00:00:00.000Z';

const TLP1_OF: Readonly<Record<Tlp, Tlp1 | undefined>> = {
  CLEAR: 'WHITE',
  GREEN: 'GREEN',
  AMBER: 'AMBER',
  // TLP 1.0 AMBER lets clients of the recipient see it: mapping AMBER+STRICT there widens the audience.
  'AMBER+STRICT': undefined,
  RED: 'RED',
};

/** The TLP 1.0 label for a peer that knows no other; none exists for AMBER+STRICT. */
export function tlp1For(tlp: Tlp): Tlp1 {
  const level = TLP1_OF[tlp];
  if (level === undefined) {
    throw new Invalid('tlp', 'TLP:AMBER+STRICT has no TLP 1.0 equivalent; TLP 1.0 AMBER would widen its audience');
  }
  return level;
}

export function tlp1MarkingId(tlp: Tlp): string {
  return TLP1_MARKING_IDS[tlp1For(tlp)];
}

/** The TLP 1.0 marking definition exactly as STIX 2.1 defines it (CLEAR is written as WHITE). */
export function tlp1MarkingObject(tlp: Tlp): MarkingDefinition {
  const level = tlp1For(tlp);
  return {
    type: 'marking-definition',
    spec_version: '2.1',
    id: TLP1_MARKING_IDS[level],
    created: TLP1_CREATED,
    definition_type: 'tlp',
    name: `TLP:${level}`,
    definition: { tlp: level.toLowerCase() },
  };
}

// ---------------------------------------------------------------------- PAP

/**
 * No standards body fixes STIX ids for PAP, so Sanad publishes its own statement markings. Their ids
 * are UUIDv5 under this namespace (itself UUIDv5 of `urn:sanad:stix` in the RFC 4122 URL namespace),
 * so any node, and any peer that reads this, derives the same ids without a registry.
 */
export const SANAD_STIX_NAMESPACE = 'f0f96047-1b6b-526d-ab44-ccaf59c31d8e';

export const PAP_MARKING_IDS: Readonly<Record<Pap, string>> = {
  CLEAR: 'marking-definition--cfac597d-f8b7-5c3f-97df-84b265817af6',
  GREEN: 'marking-definition--75145488-be60-52ea-ac96-e18b7d02b674',
  AMBER: 'marking-definition--28f5f09d-f5a5-5432-a342-07b27e103af0',
  RED: 'marking-definition--12fd69e4-6423-5be3-aacf-e8108661a8ed',
};

// A marking definition is never versioned: these texts and this date are fixed for good.
const PAP_CREATED = '2026-11-23T00:00:00.000Z';

const PAP_STATEMENTS: Readonly<Record<Pap, string>> = {
  CLEAR: 'PAP:CLEAR (Permissible Actions Protocol): no restriction on the use of this information.',
  GREEN:
    'PAP:GREEN (Permissible Actions Protocol): active actions allowed, such as pinging the target, blocking traffic to or from it, or honeypot interaction.',
  AMBER:
    'PAP:AMBER (Permissible Actions Protocol): passive cross-checks only, such as third-party lookups (e.g. VirusTotal) or a monitoring honeypot.',
  RED: 'PAP:RED (Permissible Actions Protocol): non-detectable actions only, such as passive checks on own logs; nothing visible from outside.',
};

export function papMarkingId(pap: Pap): string {
  return PAP_MARKING_IDS[pap];
}

export function papMarkingObject(pap: Pap): MarkingDefinition {
  return {
    type: 'marking-definition',
    spec_version: '2.1',
    id: PAP_MARKING_IDS[pap],
    created: PAP_CREATED,
    definition_type: 'statement',
    name: `PAP:${pap}`,
    definition: { statement: PAP_STATEMENTS[pap] },
  };
}

/** How Sanad's PAP marking ids were derived; the ids above stay fixed even if this ever changes. */
export function derivePapMarkingId(pap: Pap): string {
  return `marking-definition--${uuidV5(SANAD_STIX_NAMESPACE, `PAP:${pap}`)}`;
}

// ------------------------------------------------------------ reading refs

const TLP_BY_MARKING_ID: ReadonlyMap<string, Tlp> = new Map<string, Tlp>([
  ...TLP_LEVELS.map((tlp) => [TLP2_MARKING_IDS[tlp], tlp] as const),
  [TLP1_MARKING_IDS.WHITE, 'CLEAR'],
  [TLP1_MARKING_IDS.GREEN, 'GREEN'],
  [TLP1_MARKING_IDS.AMBER, 'AMBER'],
  [TLP1_MARKING_IDS.RED, 'RED'],
]);

const PAP_BY_MARKING_ID: ReadonlyMap<string, Pap> = new Map(PAP_LEVELS.map((pap) => [PAP_MARKING_IDS[pap], pap] as const));

export interface HandlingFromMarkings {
  /** The strictest TLP among the refs, null when none is a TLP marking. */
  tlp: Tlp | null;
  /** The strictest PAP among the refs, null when none is a PAP marking. */
  pap: Pap | null;
  /** Refs that are no marking Sanad knows, in their first order, each once. */
  unknown: string[];
}

/**
 * Reads TLP (both generations) and PAP from `object_marking_refs`. Ids are compared exactly, case
 * included: an id that is one character off TLP:RED is unknown, never RED, and never ignored.
 */
export function handlingFromMarkingRefs(refs: readonly string[]): HandlingFromMarkings {
  let tlp: Tlp | null = null;
  let pap: Pap | null = null;
  const unknown: string[] = [];
  for (const ref of refs) {
    const tlpLevel = TLP_BY_MARKING_ID.get(ref);
    const papLevel = PAP_BY_MARKING_ID.get(ref);
    if (tlpLevel !== undefined) tlp = tlp === null ? tlpLevel : stricterTlp(tlp, tlpLevel);
    else if (papLevel !== undefined) pap = pap === null || papRank(papLevel) > papRank(pap) ? papLevel : pap;
    else if (!unknown.includes(ref)) unknown.push(ref);
  }
  return { tlp, pap, unknown };
}

export function tlpFromMarkingRefs(refs: readonly string[]): { tlp: Tlp | null; unknown: string[] } {
  const { tlp, unknown } = handlingFromMarkingRefs(refs);
  return { tlp, unknown };
}

export function papFromMarkingRefs(refs: readonly string[]): { pap: Pap | null; unknown: string[] } {
  const { pap, unknown } = handlingFromMarkingRefs(refs);
  return { pap, unknown };
}

function papRank(pap: Pap): number {
  return PAP_LEVELS.indexOf(pap);
}

/** The published object behind a well-known marking id (TLP 1.0, TLP 2.0, Sanad's PAP). */
export function wellKnownMarking(id: string): MarkingDefinition | undefined {
  const pap = PAP_BY_MARKING_ID.get(id);
  if (pap !== undefined) return papMarkingObject(pap);
  const tlp = TLP_BY_MARKING_ID.get(id);
  if (tlp === undefined) return undefined;
  return TLP2_MARKING_IDS[tlp] === id ? tlpMarkingObject(tlp) : tlp1MarkingObject(tlp);
}
