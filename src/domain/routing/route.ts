// Which national CERTs a reported observable concerns, in Sanad's resolution order (incident-handling.md
// §3.2): the members' own constituency data first, then the country the RIRs registered the address or
// AS number to, then the country of a ccTLD, then a country the report itself names. Every source is
// consulted and every team named is returned: when they disagree, people settle it, not this function.
import ipaddr from 'ipaddr.js';
import { normaliseAsn, normaliseDomain, normaliseIpPrefix } from '../constituency.ts';
import { normaliseCountry } from '../country.ts';
import { ipRange, type IpRange } from '../ip-range.ts';
import { normaliseIndicator, type NormalisedIndicator } from '../indicators/normalise.ts';
import type { IndicatorType } from '../indicators/types.ts';
import { countryOfCcTld, topLevelLabel } from './cctld.ts';
import type { RirTable } from './rir-stats.ts';
import { compareText, lastAtOrBefore } from './sorted.ts';

/** Most authoritative first. */
export const ROUTING_SOURCES = ['constituency-ip', 'constituency-asn', 'constituency-domain', 'rir-ip', 'rir-asn', 'cctld', 'country'] as const;
export type RoutingSource = (typeof ROUTING_SOURCES)[number];

export interface MemberConstituency {
  orgId: string;
  ipPrefixes: readonly string[];
  asns: readonly string[];
  domains: readonly string[];
}

export interface RoutingSources {
  constituencies: readonly MemberConstituency[];
  rir?: RirTable;
  /** The AS announcing an address or prefix (RouteViews, Team Cymru), when known. */
  asnOfIp?: (ip: string) => number | undefined;
  /** Country code → its national team(s), from the consortium directory. */
  nationalTeams: ReadonlyMap<string, readonly string[]>;
}

export interface Observable {
  type: IndicatorType;
  value: string;
  /** A country the report names, such as a feed's geolocation: the last resort. */
  country?: string;
}

export interface RoutingCandidate {
  orgId: string;
  source: RoutingSource;
  /** The value that matched, for the audit trail: `192.0.2.0/24`, `AS64500`, `gov.my`, `RIR apnic: MY`. */
  detail: string;
}

export interface RoutingDecision {
  /** One entry per team, under the most authoritative source that named it, most authoritative first. */
  candidates: RoutingCandidate[];
  decidedBy: RoutingSource | null;
  /** Countries the registries, the ccTLD and the report pointed to. */
  countries: string[];
  /** More than one team is named: share with all of them. */
  conflicts: boolean;
  /** Why no team was found. */
  reason?: string;
}

export interface Router {
  route(observable: Observable): RoutingDecision;
}

export function routeObservable(observable: Observable, sources: RoutingSources): RoutingDecision {
  return compileRouting(sources).route(observable);
}

export function routeMany(observables: Iterable<Observable>, sources: RoutingSources): RoutingDecision[] {
  const router = compileRouting(sources);
  return Array.from(observables, (observable) => router.route(observable));
}

/** Indexes the constituencies once (sorted prefixes, AS and domain maps) for many cheap `route` calls. */
export function compileRouting(sources: RoutingSources): Router {
  const prefixes = new PrefixTable();
  const asns = new Map<number, string[]>();
  const domains = new Map<string, string[]>();
  sources.constituencies.forEach(({ orgId, ipPrefixes, asns: memberAsns, domains: memberDomains }, i) => {
    const field = (list: string, j: number) => `constituencies[${i}].${list}[${j}]`;
    ipPrefixes.forEach((prefix, j) => prefixes.add(normaliseIpPrefix(prefix, field('ipPrefixes', j)).value, orgId));
    memberAsns.forEach((asn, j) => addTeam(asns, asnNumber(normaliseAsn(asn, field('asns', j))), orgId));
    memberDomains.forEach((domain, j) => addTeam(domains, normaliseDomain(domain, field('domains', j)), orgId));
  });
  prefixes.seal();

  const { rir, asnOfIp, nationalTeams } = sources;
  return {
    route({ type, value, country }) {
      const locate = LOCATORS[type];
      if (locate === undefined) return unroutable(`${type} values name no address, domain or AS number`);
      const { ip, domain, asn: givenAsn } = locate(normaliseIndicator(type, value));
      const range = ip === undefined ? undefined : ipRange(ip);
      const asn = givenAsn ?? (ip === undefined ? undefined : asnOfIp?.(ip));
      const findings = new Findings(nationalTeams);

      // 1. Member constituencies.
      const network = range === undefined ? undefined : prefixes.longestMatch(range);
      if (network !== undefined) findings.teams(network.orgIds, 'constituency-ip', network.prefix);
      const asnTeams = asn === undefined ? undefined : asns.get(asn);
      if (asnTeams !== undefined) findings.teams(asnTeams, 'constituency-asn', `AS${asn}`);
      const suffix = domain === undefined ? undefined : longestSuffix(domains, domain);
      if (suffix !== undefined) findings.teams(domains.get(suffix)!, 'constituency-domain', suffix);

      // 2. Registration country.
      const ipRegistration = range === undefined ? undefined : rir?.countryOfIpRange(range);
      if (ipRegistration !== undefined) {
        const { registry, country: registered } = ipRegistration;
        findings.country(registered, 'rir-ip', `RIR ${registry}: ${registered}`);
      }
      const asnRegistration = asn === undefined ? undefined : rir?.countryOfAsn(asn);
      if (asnRegistration !== undefined) {
        const { registry, country: registered } = asnRegistration;
        findings.country(registered, 'rir-asn', `RIR ${registry}: AS${asn} ${registered}`);
      }

      // 3. ccTLD.
      const tld = domain === undefined ? undefined : topLevelLabel(domain);
      const tldCountry = tld === undefined ? undefined : countryOfCcTld(tld);
      if (tldCountry !== undefined) findings.country(tldCountry, 'cctld', `ccTLD .${tld}: ${tldCountry}`);

      // 4. The report's own country.
      if (country !== undefined) {
        const named = normaliseCountry(country);
        findings.country(named, 'country', `reported country: ${named}`);
      }
      return findings.decision();
    },
  };
}

// ------------------------------------------------------------- what to route by

interface Location {
  ip?: string;
  domain?: string;
  asn?: number;
}

type Locator = (indicator: NormalisedIndicator) => Location;

const byIp: Locator = ({ normalised }) => ({ ip: normalised });
const byDomain: Locator = ({ normalised }) => ({ domain: normalised });
const byIpOfPair: Locator = ({ parts }) => ({ ip: parts?.[0] });
const byDomainOfPair: Locator = ({ parts }) => ({ domain: parts?.[0] });
const byEmailDomain: Locator = ({ normalised }) => ({ domain: normalised.slice(normalised.lastIndexOf('@') + 1) });

// Types with a network location; anything else (hashes, file names, free text) has none.
const LOCATORS: Partial<Record<IndicatorType, Locator>> = {
  'ip-src': byIp,
  'ip-dst': byIp,
  'ip-src|port': byIpOfPair,
  'ip-dst|port': byIpOfPair,
  domain: byDomain,
  hostname: byDomain,
  'hostname|port': byDomainOfPair,
  'domain|ip': ({ parts }) => ({ domain: parts?.[0], ip: parts?.[1] }),
  url: ({ normalised }) => hostOfUrl(normalised),
  email: byEmailDomain,
  'email-src': byEmailDomain,
  'email-dst': byEmailDomain,
  AS: ({ normalised }) => ({ asn: asnNumber(normalised) }),
};

const AUTHORITY = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i;

// Takes a normalised URL: scheme://[userinfo@]host[:port]/..., IPv6 hosts in brackets.
function hostOfUrl(url: string): Location {
  const authority = AUTHORITY.exec(url)?.[1] ?? '';
  const hostAndPort = authority.slice(authority.lastIndexOf('@') + 1);
  if (hostAndPort.startsWith('[')) return { ip: hostAndPort.slice(1, hostAndPort.indexOf(']')) };
  const host = hostAndPort.replace(/:\d*$/, '');
  return ipaddr.IPv4.isValidFourPartDecimal(host) ? { ip: host } : { domain: host };
}

function asnNumber(normalisedAsn: string): number {
  return Number(normalisedAsn.slice('AS'.length));
}

// ------------------------------------------------------------------- findings

class Findings {
  private readonly candidates: RoutingCandidate[] = [];
  private readonly countries: string[] = [];

  constructor(private readonly nationalTeams: ReadonlyMap<string, readonly string[]>) {}

  // Sources are consulted most authoritative first, so a team already named keeps its better source.
  teams(orgIds: readonly string[], source: RoutingSource, detail: string): void {
    for (const orgId of orgIds) {
      if (!this.candidates.some((candidate) => candidate.orgId === orgId)) this.candidates.push({ orgId, source, detail });
    }
  }

  country(country: string, source: RoutingSource, detail: string): void {
    if (!this.countries.includes(country)) this.countries.push(country);
    this.teams(this.nationalTeams.get(country) ?? [], source, detail);
  }

  decision(): RoutingDecision {
    const { candidates, countries } = this;
    const decision: RoutingDecision = {
      candidates,
      decidedBy: candidates[0]?.source ?? null,
      countries,
      conflicts: candidates.length > 1,
    };
    if (candidates.length === 0) {
      decision.reason =
        countries.length > 0
          ? `no national team in the directory for ${countries.join(', ')}`
          : 'no constituency, registry or ccTLD match';
    }
    return decision;
  }
}

function unroutable(reason: string): RoutingDecision {
  return { candidates: [], decidedBy: null, countries: [], conflicts: false, reason };
}

function addTeam<Key>(map: Map<Key, string[]>, key: Key, orgId: string): void {
  const teams = map.get(key);
  if (teams === undefined) map.set(key, [orgId]);
  else if (!teams.includes(orgId)) teams.push(orgId);
}

// --------------------------------------------------------- constituency lookups

// The longest member domain that is the domain itself or one of its parents, on label boundaries:
// a.b.gov.my tries a.b.gov.my, b.gov.my, gov.my; evil-gov.my never reaches gov.my.
function longestSuffix(domains: ReadonlyMap<string, unknown>, domain: string): string | undefined {
  for (let suffix = domain; ; ) {
    if (domains.has(suffix)) return suffix;
    const dot = suffix.indexOf('.');
    if (dot < 0) return undefined;
    suffix = suffix.slice(dot + 1);
  }
}

interface Network extends IpRange {
  readonly prefix: string;
  readonly orgIds: string[];
  /** The narrowest member prefix enclosing this one. */
  parent: Network | undefined;
}

/**
 * Member prefixes sorted by start address. Prefixes are either nested or disjoint, so the longest prefix
 * holding an address is the last one starting at or before it, or one of that prefix's enclosing prefixes.
 */
class PrefixTable {
  private readonly byPrefix = new Map<string, Network>();
  private networks: Network[] = [];
  private starts: string[] = [];

  add(prefix: string, orgId: string): void {
    const known = this.byPrefix.get(prefix);
    if (known === undefined) this.byPrefix.set(prefix, { prefix, ...ipRange(prefix)!, orgIds: [orgId], parent: undefined });
    else if (!known.orgIds.includes(orgId)) known.orgIds.push(orgId);
  }

  seal(): void {
    // Wider first among equal starts, so that an enclosing prefix precedes what it encloses.
    this.networks = [...this.byPrefix.values()].sort((a, b) => compareText(a.start, b.start) || compareText(b.end, a.end));
    const enclosing: Network[] = [];
    for (const network of this.networks) {
      while (enclosing.length > 0 && enclosing.at(-1)!.end < network.start) enclosing.pop();
      network.parent = enclosing.at(-1);
      enclosing.push(network);
    }
    this.starts = this.networks.map((network) => network.start);
  }

  /** The most specific member prefix holding the whole range. */
  longestMatch(range: IpRange): Network | undefined {
    let network = this.networks[lastAtOrBefore(this.starts, range.start)];
    while (network !== undefined && network.end < range.end) network = network.parent;
    return network;
  }
}
