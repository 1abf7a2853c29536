// A national CERT's constituency: the IP prefixes, autonomous systems and domains it answers for.
// Everything is normalised to one canonical spelling so entries compare, deduplicate and match exactly.
import { domainToASCII } from 'node:url';
import ipaddr from 'ipaddr.js';
import { Invalid } from './errors.ts';

export type ConstituencyKind = 'ipv4' | 'ipv6' | 'asn' | 'domain';

export interface ConstituencyInput {
  ipPrefixes?: string[];
  asns?: (string | number)[];
  domains?: string[];
}

export interface Constituency {
  ipPrefixes: string[];
  asns: string[];
  domains: string[];
}

export const MAX_ENTRIES_PER_LIST = 10_000;

// ---------------------------------------------------------------- IP prefixes

interface ParsedPrefix {
  kind: 'ipv4' | 'ipv6';
  bytes: number[];
  length: number;
}

const ADDRESS_BITS = { ipv4: 32, ipv6: 128 } as const;
// ::ffff:0:0/96 holds IPv4-mapped addresses; its last 32 bits are an IPv4 address.
const IPV4_MAPPED_PREFIX_BITS = 96;

export function normaliseIpPrefix(input: string, field: string): { kind: 'ipv4' | 'ipv6'; value: string } {
  const prefix = parseIpPrefix(input, field);
  return { kind: prefix.kind, value: formatIpPrefix(prefix) };
}

function parseIpPrefix(input: string, field: string): ParsedPrefix {
  if (typeof input !== 'string') throw new Invalid(field, 'must be an IP prefix such as 192.0.2.0/24');
  const [addressText = '', lengthText, ...extra] = input.trim().split('/');
  if (extra.length > 0) throw new Invalid(field, 'must be an IP prefix such as 192.0.2.0/24');

  const address = parseAddress(addressText, field);
  let kind: ParsedPrefix['kind'] = address.kind();
  let bytes = address.toByteArray();
  let length = lengthText === undefined ? ADDRESS_BITS[kind] : parsePrefixLength(lengthText, kind, field);

  if (address instanceof ipaddr.IPv6 && address.isIPv4MappedAddress() && length >= IPV4_MAPPED_PREFIX_BITS) {
    kind = 'ipv4';
    bytes = address.toIPv4Address().toByteArray();
    length -= IPV4_MAPPED_PREFIX_BITS;
  }

  const networkBytes = maskBytes(bytes, length);
  if (networkBytes.some((byte, i) => byte !== bytes[i])) {
    const network = formatIpPrefix({ kind, bytes: networkBytes, length });
    throw new Invalid(field, `host bits set: did you mean ${network}?`);
  }
  return { kind, bytes, length };
}

function parseAddress(text: string, field: string): ipaddr.IPv4 | ipaddr.IPv6 {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (ipaddr.IPv4.isValid(text)) {
    // 010.0.0.1, 0x7f.1 or 127.1: octal, hex and short forms are read differently by different tools.
    throw new Invalid(field, 'ambiguous IPv4 notation: write four decimal numbers without leading zeros');
  }
  if (ipaddr.IPv6.isValid(text)) {
    const address = ipaddr.IPv6.parse(text);
    if (address.zoneId !== undefined) throw new Invalid(field, 'an IPv6 zone index (%...) has no meaning in a prefix');
    const embeddedIpv4 = text.includes('.') ? text.slice(text.lastIndexOf(':') + 1) : undefined;
    if (embeddedIpv4 !== undefined && !ipaddr.IPv4.isValidFourPartDecimal(embeddedIpv4)) {
      throw new Invalid(field, 'ambiguous IPv4 notation: write four decimal numbers without leading zeros');
    }
    return address;
  }
  throw new Invalid(field, 'must be an IP address or prefix such as 192.0.2.0/24 or 2001:db8::/32');
}

function parsePrefixLength(text: string, kind: ParsedPrefix['kind'], field: string): number {
  const maximum = ADDRESS_BITS[kind];
  const length = /^\d{1,3}$/.test(text) ? Number(text) : NaN;
  if (!(length <= maximum)) throw new Invalid(field, `prefix length must be a whole number from 0 to ${maximum}`);
  return length;
}

function maskBytes(bytes: number[], length: number): number[] {
  return bytes.map((byte, i) => {
    const keptBits = Math.min(Math.max(length - i * 8, 0), 8);
    return byte & (0xff << (8 - keptBits)) & 0xff;
  });
}

function formatIpPrefix({ kind, bytes, length }: ParsedPrefix): string {
  const address = ipaddr.fromByteArray(bytes);
  const text = address instanceof ipaddr.IPv6 ? address.toRFC5952String() : address.toString();
  return `${text}/${length}`;
}

// IPv4 before IPv6, then by network address, then shorter (wider) prefix first.
function compareIpPrefixes(a: ParsedPrefix, b: ParsedPrefix): number {
  if (a.kind !== b.kind) return a.kind === 'ipv4' ? -1 : 1;
  for (let i = 0; i < a.bytes.length; i++) {
    const difference = (a.bytes[i] ?? 0) - (b.bytes[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return a.length - b.length;
}

// ----------------------------------------------------------------- AS numbers

const MAX_ASN = 4_294_967_295;
const MAX_ASDOT_HALF = 65_535;
// Never valid as an origin AS: RFC 7607 (0), RFC 6793 AS_TRANS (23456), RFC 7300 (65535, 4294967295).
const RESERVED_ASNS: ReadonlyMap<number, string> = new Map([
  [0, 'AS0 is reserved (RFC 7607)'],
  [23_456, 'AS23456 is AS_TRANS, a placeholder for 4-byte AS numbers (RFC 6793)'],
  [65_535, 'AS65535 is reserved (RFC 7300)'],
  [MAX_ASN, `AS${MAX_ASN} is reserved (RFC 7300)`],
]);

const ASN_FORMAT = 'must be an AS number such as AS64500, 64500 or 1.10 (asdot)';

export function normaliseAsn(input: string | number, field: string): string {
  const asn = parseAsn(input, field);
  if (asn > MAX_ASN) throw new Invalid(field, `AS number must be at most ${MAX_ASN}`);
  const reservation = RESERVED_ASNS.get(asn);
  if (reservation !== undefined) throw new Invalid(field, reservation);
  return `AS${asn}`;
}

function parseAsn(input: string | number, field: string): number {
  if (typeof input === 'number' && Number.isSafeInteger(input) && input >= 0) return input;
  if (typeof input === 'string') {
    const text = input.trim().replace(/^AS\s*/i, '');
    if (/^\d{1,10}$/.test(text)) return Number(text);
    const asdot = /^(\d{1,5})\.(\d{1,5})$/.exec(text);
    if (asdot) {
      const high = Number(asdot[1]);
      const low = Number(asdot[2]);
      if (high > MAX_ASDOT_HALF || low > MAX_ASDOT_HALF) {
        throw new Invalid(field, `each half of an asdot AS number must be at most ${MAX_ASDOT_HALF}`);
      }
      return high * (MAX_ASDOT_HALF + 1) + low;
    }
  }
  throw new Invalid(field, ASN_FORMAT);
}

function asnValue(asn: string): number {
  return Number(asn.slice('AS'.length));
}

// -------------------------------------------------------------------- domains

const MAX_DOMAIN_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;
const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
// Defanged dots as written in advisories and tickets: example[.]com, example(.)com, example[dot]com.
const DEFANGED_DOT = /\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)/gi;

export function normaliseDomain(input: string, field: string): string {
  if (typeof input !== 'string') throw new Invalid(field, 'must be a domain name such as example.org');
  const text = input.trim().replace(DEFANGED_DOT, '.').replace(/\.$/, '');
  if (text === '') throw new Invalid(field, 'must be a domain name such as example.org');
  if (text.startsWith('*')) {
    throw new Invalid(field, 'wildcards are not needed: a constituency domain already covers its subdomains');
  }
  // The URL host parser would otherwise quietly strip a scheme's remains or percent-decode.
  if (/[/:@?#%\\\s]/.test(text)) throw new Invalid(field, 'must be a bare domain name, not a URL or address');

  const ascii = domainToASCII(text);
  if (ascii === '') throw new Invalid(field, 'is not a valid domain name');
  if (ascii.length > MAX_DOMAIN_LENGTH) throw new Invalid(field, `must be at most ${MAX_DOMAIN_LENGTH} characters`);

  const labels = ascii.split('.');
  if (labels.length < 2) throw new Invalid(field, 'must have at least two labels, such as example.org');
  for (const label of labels) {
    if (label === '') throw new Invalid(field, 'must not contain empty labels');
    if (label.length > MAX_LABEL_LENGTH) throw new Invalid(field, `labels must be at most ${MAX_LABEL_LENGTH} characters`);
    if (!LDH_LABEL.test(label)) {
      throw new Invalid(field, `label "${label}" must use letters, digits and inner hyphens only`);
    }
  }
  if (/^\d+$/.test(labels.at(-1) ?? '')) {
    throw new Invalid(field, 'the top-level label cannot be all digits: IP addresses belong in ipPrefixes');
  }
  return ascii;
}

// --------------------------------------------------------------- constituency

export function normaliseConstituency(input: ConstituencyInput, fieldPrefix = 'constituency'): Constituency {
  const field = (list: keyof Constituency) => `${fieldPrefix}.${list}`;
  return {
    ipPrefixes: normaliseList(input.ipPrefixes, field('ipPrefixes'), parseIpPrefix, formatIpPrefix, compareIpPrefixes),
    asns: normaliseList(input.asns, field('asns'), normaliseAsn, asIs, (a, b) => asnValue(a) - asnValue(b)),
    domains: normaliseList(input.domains, field('domains'), normaliseDomain, asIs, compareStrings),
  };
}

function normaliseList<Input, Parsed>(
  items: Input[] | undefined,
  field: string,
  parse: (item: Input, field: string) => Parsed,
  format: (parsed: Parsed) => string,
  compare: (a: Parsed, b: Parsed) => number,
): string[] {
  if (items === undefined) return [];
  if (!Array.isArray(items)) throw new Invalid(field, 'must be a list');
  if (items.length > MAX_ENTRIES_PER_LIST) throw new Invalid(field, `must have at most ${MAX_ENTRIES_PER_LIST} entries`);

  const unique = new Map<string, Parsed>();
  items.forEach((item, i) => {
    const parsed = parse(item, `${field}[${i}]`);
    unique.set(format(parsed), parsed);
  });
  return [...unique.values()].sort(compare).map(format);
}

function asIs(value: string): string {
  return value;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function constituencyEntries(c: Constituency): { kind: ConstituencyKind; value: string }[] {
  return [
    ...c.ipPrefixes.map((value) => ({ kind: value.includes(':') ? ('ipv6' as const) : ('ipv4' as const), value })),
    ...c.asns.map((value) => ({ kind: 'asn' as const, value })),
    ...c.domains.map((value) => ({ kind: 'domain' as const, value })),
  ];
}
