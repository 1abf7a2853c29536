// STIX 2.1 identifiers, `<type>--<UUID>`, and the deterministic (UUIDv5) ids of cyber-observables, which
// let two producers who see the same IP address or file name it with the same id.
import { createHash, randomUUID } from 'node:crypto';
import { Invalid } from '../errors.ts';
import { canonicalJson } from './canonical-json.ts';

/** The namespace STIX 2.1 fixes for deterministic SCO ids. */
export const STIX_SCO_NAMESPACE = '00abedb4-aa42-466c-9c01-fed23315a9b7';

export const SCO_TYPES = [
  'artifact',
  'autonomous-system',
  'directory',
  'domain-name',
  'email-addr',
  'email-message',
  'file',
  'ipv4-addr',
  'ipv6-addr',
  'mac-addr',
  'mutex',
  'network-traffic',
  'process',
  'software',
  'url',
  'user-account',
  'windows-registry-key',
  'x509-certificate',
] as const;
export type ScoType = (typeof SCO_TYPES)[number];

/** The properties that name an SCO; `process` has none and always gets a random id. */
export const SCO_ID_CONTRIBUTING_PROPERTIES: Readonly<Record<ScoType, readonly string[]>> = {
  artifact: ['hashes', 'payload_bin'],
  'autonomous-system': ['number'],
  directory: ['path'],
  'domain-name': ['value'],
  'email-addr': ['value'],
  'email-message': ['from_ref', 'subject', 'body'],
  file: ['hashes', 'name', 'parent_directory_ref', 'extensions'],
  'ipv4-addr': ['value'],
  'ipv6-addr': ['value'],
  'mac-addr': ['value'],
  mutex: ['name'],
  'network-traffic': ['start', 'end', 'src_ref', 'dst_ref', 'src_port', 'dst_port', 'protocols', 'extensions'],
  process: [],
  software: ['name', 'cpe', 'swid', 'vendor', 'version'],
  url: ['value'],
  'user-account': ['account_type', 'user_id', 'account_login'],
  'windows-registry-key': ['key', 'values'],
  'x509-certificate': ['hashes', 'serial_number'],
};

// A hash names the content whatever the algorithm, so only one enters the id, the first of these present.
const HASH_PREFERENCE = ['MD5', 'SHA-1', 'SHA-256', 'SHA-512'];

// Type names: a-z, 0-9 and hyphens, 3 to 250 characters, no "--" (it separates the type from the
// UUID). The id pattern of the STIX schemas further asks for a leading letter and a last character
// that is not a hyphen; a type that breaks it could never prefix a valid id, so the type rule holds it too.
const TYPE_NAME = /^[a-z][a-z0-9-]*[a-z0-9]$/;

// RFC 4122 variant, versions 1 to 5, either case: the schemas' pattern. STIX asks for v4 (v5 for SCOs),
// but ids of other versions are in published content, including OASIS's own examples.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

const ANY_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isStixType(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 3 && value.length <= 250 && TYPE_NAME.test(value) && !value.includes('--');
}

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

export function isStixId(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const cut = value.indexOf('--');
  return cut > 0 && isStixType(value.slice(0, cut)) && isUuid(value.slice(cut + 2));
}

export interface StixId {
  type: string;
  /** As written: STIX compares ids as strings, so the case is kept. */
  uuid: string;
  /** The RFC 4122 version: 4 random, 5 deterministic, 1 to 3 time- or MD5-based. */
  version: number;
}

export function parseStixId(value: unknown, field = 'id'): StixId {
  if (typeof value !== 'string') throw new Invalid(field, 'must be a STIX identifier, a string like indicator--<UUID>');
  const cut = value.indexOf('--');
  if (cut < 0) throw new Invalid(field, `must be <type>--<UUID>, found no "--" in ${JSON.stringify(value)}`);
  const type = value.slice(0, cut);
  const uuid = value.slice(cut + 2);
  if (!isStixType(type)) {
    throw new Invalid(field, `has an invalid type ${JSON.stringify(type)}: 3 to 250 of a-z, 0-9 and single hyphens, starting with a letter`);
  }
  if (!isUuid(uuid)) throw new Invalid(field, `has an invalid UUID ${JSON.stringify(uuid)}: must be an RFC 4122 UUID of version 1 to 5`);
  return { type, uuid, version: Number.parseInt(uuid.charAt(14), 16) };
}

/** True when `value` is a valid id whose type is one of `types`. */
export function isStixIdOfType(value: unknown, ...types: string[]): value is string {
  return isStixId(value) && types.includes(value.slice(0, value.indexOf('--')));
}

export function isScoType(type: unknown): type is ScoType {
  return typeof type === 'string' && (SCO_TYPES as readonly string[]).includes(type);
}

// ------------------------------------------------------------------ UUIDv5

/** RFC 4122 name-based UUID, version 5 (SHA-1). */
export function uuidV5(namespace: string, name: string): string {
  if (!ANY_UUID.test(namespace)) throw new Invalid('namespace', 'must be a UUID');
  const digest = createHash('sha1')
    .update(Buffer.from(namespace.replaceAll('-', ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  const bytes = digest.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// ---------------------------------------------------------- SCO identifiers

/**
 * The name from which an SCO's deterministic id is computed: the RFC 8785 form of the object cut
 * down to its ID-contributing properties, with one hash kept. Undefined when none is present.
 */
export function scoIdName(type: ScoType, object: Readonly<Record<string, unknown>>): string | undefined {
  const contributing: Record<string, unknown> = {};
  for (const property of SCO_ID_CONTRIBUTING_PROPERTIES[type]) {
    const value = object[property];
    if (value === undefined || value === null) continue;
    if (property === 'hashes') {
      const hash = oneHash(value);
      if (hash !== undefined) contributing.hashes = hash;
    } else {
      contributing[property] = value;
    }
  }
  return Object.keys(contributing).length === 0 ? undefined : canonicalJson(contributing, type);
}

function oneHash(hashes: unknown): Record<string, unknown> | undefined {
  if (typeof hashes !== 'object' || hashes === null || Array.isArray(hashes)) return undefined;
  const entries = hashes as Record<string, unknown>;
  const algorithm = HASH_PREFERENCE.find((name) => name in entries) ?? Object.keys(entries)[0];
  return algorithm === undefined ? undefined : { [algorithm]: entries[algorithm] };
}

/**
 * The id an SCO should carry: UUIDv5 in the STIX namespace over its ID-contributing properties, or
 * a random UUIDv4 when it has none of them (always so for `process`). `*_ref` properties enter as the
 * referenced id, so a referenced object's id must be final before the referring object's is computed.
 */
export function deterministicScoId(type: string, object: Readonly<Record<string, unknown>>): string {
  if (!isScoType(type)) throw new Invalid('type', `must be one of the 18 STIX 2.1 cyber-observable types, not ${JSON.stringify(type)}`);
  const name = scoIdName(type, object);
  return `${type}--${name === undefined ? randomUUID() : uuidV5(STIX_SCO_NAMESPACE, name)}`;
}
