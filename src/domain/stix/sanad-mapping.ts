// How Sanad's records and STIX 2.1 objects meet: the version key under which an object is kept, the
// indicators a cyber observable (SCO) stands for, the SCO an indicator value stands for, and the
// STIX indicator Sanad writes for one of its own indicators.
import { Invalid } from '../errors.ts';
import { INDICATOR_TYPES, indicatorTypeInfo, type IndicatorType } from '../indicators/types.ts';
import { deterministicScoId, uuidV5 } from './identifiers.ts';
import { SANAD_STIX_NAMESPACE } from './markings.ts';
import { patternForIndicator } from './pattern.ts';
import { parseStixTimestamp } from './timestamps.ts';

type StixObject = Record<string, unknown>;

/** The STIX id of a Sanad record: a UUIDv5 of its own id (Sanad's ids are UUIDv7, which STIX 2.1
 *  validators refuse), so that every export names the record with the same id. */
export function stixIdOf(type: string, recordKind: 'organisation' | 'event', recordId: string): string {
  return `${type}--${uuidV5(SANAD_STIX_NAMESPACE, `${recordKind} ${recordId}`)}`;
}

/** The key a version of an object is kept under: its `modified` (else `created`) with the fraction
 *  padded to nine digits, so versions sort as text; '' for objects without versions (SCOs). */
export function versionKey(object: StixObject): string {
  const stamp = object.modified ?? object.created;
  if (stamp === undefined) return '';
  const { iso, fraction } = parseStixTimestamp(stamp, object.modified === undefined ? 'created' : 'modified');
  return `${iso.slice(0, 19)}.${fraction.padEnd(9, '0')}Z`;
}

// Hash names as STIX writes them (the hashing-algorithm vocabulary), with the Sanad type of each.
const FILE_HASH_TYPES: readonly [string, IndicatorType][] = [
  ['SHA-256', 'sha256'],
  ['SHA-1', 'sha1'],
  ['MD5', 'md5'],
  ['SHA-512', 'sha512'],
  ['SSDEEP', 'ssdeep'],
  ['TLSH', 'tlsh'],
];
const CERTIFICATE_HASH_TYPES: readonly [string, IndicatorType][] = [
  ['SHA-256', 'x509-fingerprint-sha256'],
  ['SHA-1', 'x509-fingerprint-sha1'],
  ['MD5', 'x509-fingerprint-md5'],
];

function hashesOf(object: StixObject): Map<string, string> {
  const found = new Map<string, string>();
  if (object.hashes && typeof object.hashes === 'object') {
    // Producers differ in spelling (SHA256, sha-256): compared without case and separators.
    for (const [name, value] of Object.entries(object.hashes as Record<string, unknown>)) {
      if (typeof value === 'string') found.set(name.toUpperCase().replace(/[^A-Z0-9]/g, ''), value);
    }
  }
  return found;
}

const plain = (name: string) => name.toUpperCase().replace(/[^A-Z0-9]/g, '');
const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : undefined);

export interface ObservedValue {
  type: IndicatorType;
  value: string;
}

/** The indicator values a cyber observable stands for (none for SCO types Sanad does not index). */
export function observedValues(sco: StixObject): ObservedValue[] {
  const value = text(sco.value);
  switch (sco.type) {
    case 'ipv4-addr':
    case 'ipv6-addr':
      return value ? [{ type: 'ip-dst', value }] : [];
    case 'domain-name':
      return value ? [{ type: 'domain', value }] : [];
    case 'url':
      return value ? [{ type: 'url', value }] : [];
    case 'email-addr':
      return value ? [{ type: 'email', value }] : [];
    case 'autonomous-system':
      return typeof sco.number === 'number' ? [{ type: 'AS', value: `AS${sco.number}` }] : [];
    case 'mutex':
      return text(sco.name) ? [{ type: 'mutex', value: sco.name as string }] : [];
    case 'windows-registry-key':
      return text(sco.key) ? [{ type: 'regkey', value: sco.key as string }] : [];
    case 'file': {
      const hashes = hashesOf(sco);
      const values: ObservedValue[] = FILE_HASH_TYPES.flatMap(([name, type]) => {
        const hash = hashes.get(plain(name));
        return hash ? [{ type, value: hash }] : [];
      });
      const name = text(sco.name);
      if (name) values.push({ type: 'filename', value: name });
      return values;
    }
    case 'x509-certificate': {
      const hashes = hashesOf(sco);
      return CERTIFICATE_HASH_TYPES.flatMap(([name, type]) => {
        const hash = hashes.get(plain(name));
        return hash ? [{ type, value: hash }] : [];
      });
    }
    default:
      return [];
  }
}

/** The cyber observable an indicator value stands for, with its deterministic id; null for types
 *  with no single observable (composites, free text, rules). */
export function observableFor(type: IndicatorType, value: string): StixObject | null {
  const withId = (sco: StixObject) => ({ type: sco.type, spec_version: '2.1', id: deterministicScoId(sco.type as string, sco), ...withoutType(sco) });
  switch (type) {
    case 'ip-src':
    case 'ip-dst':
      return withId({ type: value.includes(':') ? 'ipv6-addr' : 'ipv4-addr', value });
    case 'domain':
    case 'hostname':
      return withId({ type: 'domain-name', value });
    case 'url':
      return withId({ type: 'url', value });
    case 'email':
    case 'email-src':
    case 'email-dst':
      return withId({ type: 'email-addr', value });
    case 'mutex':
      return withId({ type: 'mutex', name: value });
    case 'regkey':
      return withId({ type: 'windows-registry-key', key: value });
    case 'AS': {
      const number = Number(value.replace(/^AS/i, ''));
      return Number.isSafeInteger(number) ? withId({ type: 'autonomous-system', number }) : null;
    }
    case 'filename':
      return withId({ type: 'file', name: value });
    default: {
      const fileHash = FILE_HASH_TYPES.find(([, t]) => t === type);
      if (fileHash) return withId({ type: 'file', hashes: { [fileHash[0]]: value } });
      const certificateHash = CERTIFICATE_HASH_TYPES.find(([, t]) => t === type);
      if (certificateHash) return withId({ type: 'x509-certificate', hashes: { [certificateHash[0]]: value } });
      return null;
    }
  }
}

function withoutType(sco: StixObject): StixObject {
  const { type: _type, ...rest } = sco;
  return rest;
}

// Detection rules travel as indicators in their own pattern language (STIX 2.1 pattern-type vocabulary).
const RULE_PATTERN_TYPES: Partial<Record<IndicatorType, string>> = { yara: 'yara', snort: 'snort', sigma: 'sigma' };

/** The indicator types STIX can carry: those with a STIX pattern and the detection-rule languages. */
export const STIX_EXPRESSIBLE_TYPES: readonly IndicatorType[] = INDICATOR_TYPES.filter((type) => {
  if (RULE_PATTERN_TYPES[type]) return true;
  try {
    return patternForIndicator(type, indicatorTypeInfo(type).example) !== null;
  } catch {
    return false;
  }
});

export interface SanadIndicator {
  id: string;
  type: IndicatorType;
  value: string;
  comment: string;
  toIds: boolean;
  firstSeen: string | null;
  lastSeen: string | null;
  createdAt: string;
  modified: string;
  tags: string[];
}

// Sanad's ids are UUIDv7; STIX validators accept versions 1-5. An indicator's STIX id is its own
// UUID with the version nibble set to 4: still unique, and read back without a lookup table.
const VERSION_NIBBLE = 14;

/** The STIX id of one of Sanad's own indicators. */
export function stixIdOfIndicator(indicatorId: string): string {
  return `indicator--${indicatorId.slice(0, VERSION_NIBBLE)}4${indicatorId.slice(VERSION_NIBBLE + 1)}`;
}

/** The Sanad indicator a STIX id names, when it is one that `stixIdOfIndicator` wrote. */
export function indicatorIdOfStix(stixId: string): string | undefined {
  const match = /^indicator--([0-9a-f]{8}-[0-9a-f]{4}-)4([0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})$/.exec(stixId);
  return match ? `${match[1]}7${match[2]}` : undefined;
}

/** A STIX indicator for one of Sanad's own indicators, or null when its type has no pattern. */
export function stixIndicatorFor(indicator: SanadIndicator, refs: { createdBy: string; markings: string[] }): StixObject | null {
  let pattern: string | null;
  let patternType = RULE_PATTERN_TYPES[indicator.type];
  try {
    pattern = patternType ? indicator.value : patternForIndicator(indicator.type, indicator.value);
  } catch (error) {
    if (error instanceof Invalid) return null;
    throw error;
  }
  if (pattern === null) return null;
  patternType ??= 'stix';
  const validFrom = indicator.firstSeen ?? indicator.createdAt;
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: stixIdOfIndicator(indicator.id),
    created_by_ref: refs.createdBy,
    created: indicator.createdAt,
    modified: indicator.modified,
    name: `${indicator.type}: ${indicator.value.length > 200 ? `${indicator.value.slice(0, 200)}…` : indicator.value}`,
    ...(indicator.comment ? { description: indicator.comment } : {}),
    indicator_types: [indicator.toIds ? 'malicious-activity' : 'anomalous-activity'],
    pattern,
    pattern_type: patternType,
    valid_from: validFrom,
    ...(indicator.lastSeen && indicator.lastSeen > validFrom ? { valid_until: indicator.lastSeen } : {}),
    ...(indicator.tags.length ? { labels: indicator.tags } : {}),
    object_marking_refs: refs.markings,
  };
}

/** A relationship with an id derived from its ends, so that re-exports name the same object. */
export function derivedRelationship(relationshipType: string, sourceRef: string, targetRef: string, at: string, createdBy: string, markings: string[]): StixObject {
  return {
    type: 'relationship',
    spec_version: '2.1',
    id: `relationship--${uuidV5(SANAD_STIX_NAMESPACE, `${relationshipType} ${sourceRef} ${targetRef}`)}`,
    created_by_ref: createdBy,
    created: at,
    modified: at,
    relationship_type: relationshipType,
    source_ref: sourceRef,
    target_ref: targetRef,
    object_marking_refs: markings,
  };
}

/** The identity object of a Sanad organisation. */
export function organisationIdentity(org: { id: string; name: string; country: string | null; createdAt: string; modified: string }): StixObject {
  return {
    type: 'identity',
    spec_version: '2.1',
    id: stixIdOf('identity', 'organisation', org.id),
    created: org.createdAt,
    modified: org.modified,
    name: org.name,
    identity_class: 'organization',
    sectors: ['government'],
    ...(org.country ? { x_sanad_country: org.country } : {}),
  };
}
