// Warninglists in MISP's format: values known to be benign, reserved or noisy, checked on ingest and
// display so that analysts are warned before they block, correlate or share a false positive.
import { domainToASCII } from 'node:url';
import ipaddr from 'ipaddr.js';
import { normaliseDomain, normaliseIpPrefix } from './constituency.ts';
import { Invalid } from './errors.ts';

export const WARNINGLIST_TYPES = ['cidr', 'hostname', 'string', 'substring', 'regex'] as const;
export type WarninglistType = (typeof WARNINGLIST_TYPES)[number];

export interface Warninglist {
  name: string;
  version: number;
  description: string;
  type: WarninglistType;
  list: string[];
  /** Indicator types (MISP attribute types) the list applies to; empty means every type. */
  matching_attributes: string[];
}

export interface WarninglistHit {
  list: string;
  entry: string;
}

/** Only a length cap guards against catastrophic backtracking: lists come from operators, not the public. */
export const MAX_REGEX_LENGTH = 1_000;

// ------------------------------------------------------------------- parsing

export function parseWarninglist(json: unknown, field = 'warninglist'): Warninglist {
  if (!isRecord(json)) throw new Invalid(field, 'must be an object in MISP warninglist format');
  const type = json.type;
  if (!WARNINGLIST_TYPES.includes(type as WarninglistType)) {
    throw new Invalid(`${field}.type`, `must be one of ${WARNINGLIST_TYPES.join(', ')}`);
  }
  const normaliseEntry = ENTRY_NORMALISERS[type as WarninglistType];
  return {
    name: requireText(json.name, `${field}.name`),
    version: requireVersion(json.version, `${field}.version`),
    description: requireString(json.description, `${field}.description`),
    type: type as WarninglistType,
    list: requireStrings(json.list, `${field}.list`).map((entry, i) => normaliseEntry(entry, `${field}.list[${i}]`)),
    matching_attributes: requireStrings(json.matching_attributes ?? [], `${field}.matching_attributes`).map((t, i) =>
      requireText(t, `${field}.matching_attributes[${i}]`),
    ),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireString(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new Invalid(field, 'must be a string');
  return value.trim();
}

function requireText(value: unknown, field: string): string {
  const text = requireString(value, field);
  if (text === '') throw new Invalid(field, 'must not be empty');
  return text;
}

function requireVersion(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new Invalid(field, 'must be a whole number');
  }
  return value;
}

function requireStrings(value: unknown, field: string): string[] {
  if (!Array.isArray(value)) throw new Invalid(field, 'must be a list of strings');
  return value.map((item: unknown, i) => {
    if (typeof item !== 'string') throw new Invalid(`${field}[${i}]`, 'must be a string');
    return item;
  });
}

const ENTRY_NORMALISERS: Readonly<Record<WarninglistType, (entry: string, field: string) => string>> = {
  cidr: (entry, field) => normaliseIpPrefix(entry, field).value,
  hostname: normaliseHostnameEntry,
  string: requireText,
  // An empty substring would match every value.
  substring: requireText,
  regex: (entry, field) => {
    compileRegex(entry, field);
    return entry;
  },
};

const TOP_LEVEL_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

// Every hostname entry covers its subdomains, so MISP's `*.example.com` and `.example.com` mean `example.com`.
// Single labels are allowed: RFC 6761 reserves whole top-level domains such as `test` and `invalid`.
function normaliseHostnameEntry(entry: string, field: string): string {
  const text = entry.trim().replace(/^\*?\./, '').replace(/\.$/, '');
  if (ipaddr.isValid(text)) throw new Invalid(field, 'an IP address belongs in a cidr warninglist');
  if (text.includes('.')) return normaliseDomain(text, field);
  const label = domainToASCII(text);
  if (!TOP_LEVEL_LABEL.test(label) || /^\d+$/.test(label)) throw new Invalid(field, 'is not a valid domain name');
  return label;
}

function compileRegex(entry: string, field: string): RegExp {
  if (entry.length > MAX_REGEX_LENGTH) throw new Invalid(field, `a regex must be at most ${MAX_REGEX_LENGTH} characters`);
  // MISP's lists carry PHP patterns with delimiters, such as /^foo$/i; a bare pattern is accepted too.
  const delimited = /^\/(.*)\/([a-z]*)$/s.exec(entry);
  const source = delimited?.[1] ?? entry;
  const flags = delimited?.[2] ?? '';
  // g and y would make test() remember its position between values.
  if (!/^[imsu]*$/.test(flags)) throw new Invalid(field, `unsupported regex flags "${flags}": use i, m, s or u`);
  try {
    return new RegExp(source, flags);
  } catch {
    throw new Invalid(field, 'is not a valid regular expression');
  }
}

// ------------------------------------------------------------------ matching

interface ListScope {
  name: string;
  /** Empty: every indicator type. */
  types: ReadonlySet<string>;
}

interface Listed {
  scope: ListScope;
  entry: string;
}

const URL_TYPES: ReadonlySet<string> = new Set(['url', 'link']);
const EMAIL_ADDRESS_TYPES: ReadonlySet<string> = new Set([
  'email',
  'email-src',
  'email-dst',
  'email-reply-to',
  'target-email',
  'whois-registrant-email',
  'dns-soa-email',
]);

export class WarninglistMatcher {
  private readonly ipv4 = new CidrIndex();
  private readonly ipv6 = new CidrIndex();
  private readonly hostnames = new Map<string, Listed[]>();
  private readonly strings = new Map<string, Listed[]>();
  private readonly substrings: Listed[] = [];
  private readonly regexes: { regex: RegExp; listed: Listed }[] = [];

  constructor(lists: readonly Warninglist[]) {
    lists.forEach((list, l) => {
      const scope: ListScope = { name: list.name, types: new Set(list.matching_attributes) };
      list.list.forEach((entry, e) => {
        const field = `warninglists[${l}].list[${e}]`;
        switch (list.type) {
          case 'cidr': {
            const prefix = normaliseIpPrefix(entry, field);
            (prefix.kind === 'ipv4' ? this.ipv4 : this.ipv6).add(prefix.value, { scope, entry: prefix.value });
            break;
          }
          case 'hostname': {
            const hostname = normaliseHostnameEntry(entry, field);
            addTo(this.hostnames, hostname, { scope, entry: hostname });
            break;
          }
          case 'string':
            addTo(this.strings, entry, { scope, entry });
            break;
          case 'substring':
            this.substrings.push({ scope, entry });
            break;
          case 'regex':
            this.regexes.push({ regex: compileRegex(entry, field), listed: { scope, entry } });
            break;
        }
      });
    });
    this.ipv4.compile();
    this.ipv6.compile();
  }

  /**
   * The warninglist entries a normalised indicator value hits, for lists that apply to its type.
   * Composite values (`domain|ip`) are checked part by part; URLs and e-mail addresses by their host.
   */
  match(type: string, normalisedValue: string): WarninglistHit[] {
    // Per list, each entry once: a list may repeat an entry, and a composite value may hit it twice.
    const found = new Map<ListScope, Set<string>>();
    const collect = (candidates: Iterable<Listed> | undefined) => {
      for (const { scope, entry } of candidates ?? []) {
        if (scope.types.size > 0 && !scope.types.has(type)) continue;
        const entries = found.get(scope) ?? new Set<string>();
        found.set(scope, entries.add(entry));
      }
    };

    for (const [partType, part] of components(type, normalisedValue)) {
      const host = hostOf(partType, part);
      const address = host === undefined ? undefined : parseAddress(host);
      if (address !== undefined) collect((address.family === 'ipv4' ? this.ipv4 : this.ipv6).lookup(address.value));
      else if (host !== undefined) for (const suffix of domainSuffixes(host)) collect(this.hostnames.get(suffix));

      collect(this.strings.get(part));
      collect(this.substrings.filter((listed) => part.includes(listed.entry)));
      collect(this.regexes.filter(({ regex }) => regex.test(part)).map(({ listed }) => listed));
    }
    return [...found].flatMap(([scope, entries]) => [...entries].map((entry) => ({ list: scope.name, entry })));
  }
}

function addTo(index: Map<string, Listed[]>, key: string, listed: Listed): void {
  const existing = index.get(key);
  if (existing) existing.push(listed);
  else index.set(key, [listed]);
}

/** `domain|ip` with `example.com|192.0.2.1` gives [domain, example.com] and [ip, 192.0.2.1]. */
function components(type: string, value: string): [string, string][] {
  const [firstType = type, secondType] = type.split('|');
  const separator = value.indexOf('|');
  if (secondType === undefined || separator === -1) return [[type, value]];
  return [
    [firstType, value.slice(0, separator)],
    [secondType, value.slice(separator + 1)],
  ];
}

function hostOf(type: string, value: string): string | undefined {
  if (URL_TYPES.has(type)) return urlHost(value);
  const host = EMAIL_ADDRESS_TYPES.has(type) ? value.slice(value.lastIndexOf('@') + 1) : value;
  return host.toLowerCase().replace(/\.$/, '');
}

// Feeds often write URLs without a scheme (`example.com/path`); those are read as http.
function urlHost(value: string): string | undefined {
  for (const candidate of [value, `http://${value}`]) {
    const hostname = URL.canParse(candidate) ? new URL(candidate).hostname : '';
    if (hostname !== '') return hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  }
  return undefined;
}

/** `a.b.example.com`, `b.example.com`, `example.com`, `com`: a hostname entry covers its subdomains. */
function* domainSuffixes(host: string): Generator<string> {
  for (let at = 0; at !== -1; ) {
    yield host.slice(at);
    const dot = host.indexOf('.', at);
    at = dot === -1 ? -1 : dot + 1;
  }
}

// ------------------------------------------------------------- CIDR ranges

type Family = 'ipv4' | 'ipv6';

const BEYOND_EVERY_ADDRESS = 1n << 128n;

// ipaddr.js validates by attempting a parse and catching; a cheap shape test first keeps the
// common case (a domain, a hash, a URL) off that slow path on every ingested value.
const DOTTED_QUAD = /^\d{1,3}(?:\.\d{1,3}){3}$/;

function parseAddress(text: string): { family: Family; value: bigint } | undefined {
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  if (DOTTED_QUAD.test(text) && ipaddr.IPv4.isValidFourPartDecimal(text)) address = ipaddr.IPv4.parse(text);
  else if (text.includes(':') && ipaddr.IPv6.isValid(text)) address = ipaddr.IPv6.parse(text);
  else return undefined;
  if (address instanceof ipaddr.IPv6 && address.isIPv4MappedAddress()) address = address.toIPv4Address();
  return { family: address.kind(), value: bytesToBigInt(address.toByteArray()) };
}

function bytesToBigInt(bytes: number[]): bigint {
  return bytes.reduce((value, byte) => (value << 8n) | BigInt(byte), 0n);
}

interface AddressRange {
  first: bigint;
  last: bigint;
  listed: Listed[];
}

/**
 * One address family's prefixes, compiled into sorted, disjoint segments that each know every entry
 * covering them, so that a look-up is one binary search however deeply prefixes nest.
 */
class CidrIndex {
  private readonly prefixes = new Map<string, AddressRange>();
  private segments: AddressRange[] = [];

  add(prefix: string, listed: Listed): void {
    const existing = this.prefixes.get(prefix);
    if (existing) {
      existing.listed.push(listed);
      return;
    }
    const [network, length] = ipaddr.parseCIDR(prefix);
    const bytes = network.toByteArray();
    const first = bytesToBigInt(bytes);
    const last = first | ((1n << BigInt(bytes.length * 8 - length)) - 1n);
    this.prefixes.set(prefix, { first, last, listed: [listed] });
  }

  // Two CIDR prefixes are either disjoint or nested, so the prefixes still open at any point form a
  // chain, innermost last; each segment between two boundaries is covered by exactly that chain.
  compile(): void {
    const sorted = [...this.prefixes.values()].sort((a, b) => compare(a.first, b.first) || compare(b.last, a.last));
    const open: AddressRange[] = [];
    let cursor = 0n;
    const closeSegmentAt = (last: bigint) => {
      if (open.length > 0 && cursor <= last) {
        this.segments.push({ first: cursor, last, listed: open.flatMap((range) => range.listed) });
      }
      cursor = last + 1n;
    };
    const closeRangesEndingBefore = (boundary: bigint) => {
      for (let innermost = open.at(-1); innermost !== undefined && innermost.last < boundary; innermost = open.at(-1)) {
        closeSegmentAt(innermost.last);
        open.pop();
      }
    };

    for (const range of sorted) {
      closeRangesEndingBefore(range.first);
      closeSegmentAt(range.first - 1n);
      open.push(range);
    }
    closeRangesEndingBefore(BEYOND_EVERY_ADDRESS);
  }

  lookup(address: bigint): readonly Listed[] {
    let low = 0;
    let high = this.segments.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const segment = this.segments[middle]!;
      if (address < segment.first) high = middle - 1;
      else if (address > segment.last) low = middle + 1;
      else return segment.listed;
    }
    return [];
  }
}

function compare(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ------------------------------------------------------------ starter lists

const IP_TYPES = ['ip-src', 'ip-dst', 'ip-src|port', 'ip-dst|port', 'domain|ip', 'url', 'link'];
const DOMAIN_TYPES = ['domain', 'hostname', 'domain|ip', 'hostname|port', 'url', 'link'];
const EMAIL_TYPES = ['email', 'email-src', 'email-dst', 'email-reply-to', 'target-email'];

export const STARTER_WARNINGLISTS: readonly Warninglist[] = [
  {
    name: 'Private IPv4 ranges (RFC 1918)',
    version: 1,
    description: 'Addresses for private networks; never seen on the public Internet.',
    type: 'cidr',
    list: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'],
    matching_attributes: [...IP_TYPES],
  },
  {
    name: 'Special-purpose IPv4 ranges',
    version: 1,
    description: 'Reserved IPv4 ranges of the IANA special-purpose registry (RFC 6890) that are not globally routed.',
    type: 'cidr',
    list: [
      '0.0.0.0/8', // "this network" (RFC 791)
      '100.64.0.0/10', // shared address space for carrier-grade NAT (RFC 6598)
      '127.0.0.0/8', // loopback
      '169.254.0.0/16', // link-local (RFC 3927)
      '192.0.0.0/24', // IETF protocol assignments
      '192.0.2.0/24', // documentation TEST-NET-1 (RFC 5737)
      '198.18.0.0/15', // benchmarking (RFC 2544)
      '198.51.100.0/24', // documentation TEST-NET-2 (RFC 5737)
      '203.0.113.0/24', // documentation TEST-NET-3 (RFC 5737)
      '224.0.0.0/4', // multicast (RFC 5771)
      '240.0.0.0/4', // reserved for future use (RFC 1112)
      '255.255.255.255/32', // limited broadcast (RFC 919)
    ],
    matching_attributes: [...IP_TYPES],
  },
  {
    name: 'Special-purpose IPv6 ranges',
    version: 1,
    description: 'Reserved IPv6 ranges of the IANA special-purpose registry that are not globally routed.',
    type: 'cidr',
    list: [
      '::/128', // unspecified
      '::1/128', // loopback
      '100::/64', // discard-only (RFC 6666)
      '2001:db8::/32', // documentation (RFC 3849)
      '3fff::/20', // documentation (RFC 9637)
      'fc00::/7', // unique local (RFC 4193)
      'fe80::/10', // link-local
      'fec0::/10', // site-local, deprecated (RFC 3879)
      'ff00::/8', // multicast
    ],
    matching_attributes: [...IP_TYPES],
  },
  {
    name: 'Reserved documentation and special-use domains (RFC 2606, RFC 6761)',
    version: 1,
    description: 'Domains reserved for examples, tests and local names; they never name a real attacker.',
    type: 'hostname',
    list: ['example.com', 'example.net', 'example.org', 'example', 'test', 'invalid', 'localhost', 'local', 'home.arpa'],
    matching_attributes: [...DOMAIN_TYPES, ...EMAIL_TYPES],
  },
  {
    // Hosts of user content (amazonaws.com, googleusercontent.com, githubusercontent.com, cloudfront.net …)
    // are left out: attackers serve payloads from them. E-mail types are left out too: anyone can open
    // an address at a big provider, so the domain says nothing about the sender.
    name: 'Common benign domains',
    version: 1,
    description: 'Domains of the largest Internet services; an indicator on them is most likely a false positive.',
    type: 'hostname',
    list: [
      'google.com',
      'googleapis.com',
      'gstatic.com',
      'google-analytics.com',
      'googletagmanager.com',
      'doubleclick.net',
      'gvt1.com',
      'youtube.com',
      'ytimg.com',
      'microsoft.com',
      'windows.com',
      'windowsupdate.com',
      'microsoftonline.com',
      'office.com',
      'office.net',
      'live.com',
      'bing.com',
      'msn.com',
      'skype.com',
      'apple.com',
      'icloud.com',
      'mzstatic.com',
      'amazon.com',
      'facebook.com',
      'fbcdn.net',
      'instagram.com',
      'whatsapp.com',
      'whatsapp.net',
      'cloudflare.com',
      'akamai.net',
      'akamaiedge.net',
      'akamaized.net',
      'akamaitechnologies.com',
      'wikipedia.org',
      'wikimedia.org',
      'github.com',
      'twitter.com',
      'twimg.com',
      'x.com',
      'linkedin.com',
      'yahoo.com',
      'baidu.com',
      'yandex.ru',
      'mozilla.org',
      'mozilla.net',
      'firefox.com',
      'adobe.com',
      'digicert.com',
      'letsencrypt.org',
      'globalsign.com',
      'ubuntu.com',
      'debian.org',
      'zoom.us',
      'netflix.com',
      'root-servers.net',
    ],
    matching_attributes: [...DOMAIN_TYPES],
  },
];
