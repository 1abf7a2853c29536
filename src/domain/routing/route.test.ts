import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RirStatsAccumulator, type RirTable } from './rir-stats.ts';
import {
  compileRouting,
  routeMany,
  routeObservable,
  type MemberConstituency,
  type Observable,
  type RoutingDecision,
  type RoutingSources,
} from './route.ts';

const RIR_STATS = `2|apnic|20261122|5|19830613|20261121|+1000
apnic|MY|ipv4|203.0.113.0|256|20100101|allocated|A1
apnic|JP|ipv4|198.51.100.0|1024|20110412|allocated|A2
apnic|MY|asn|64500|1|20100101|allocated|A1
apnic|SG|asn|64510|1|20100101|allocated|A3
apnic|AU|ipv6|2001:db8::|32|20050101|allocated|A4`;

function rirTable(): RirTable {
  const accumulator = new RirStatsAccumulator();
  for (const line of RIR_STATS.split('\n')) accumulator.add(line);
  return accumulator.finish();
}

function member(orgId: string, lists: Partial<Omit<MemberConstituency, 'orgId'>>): MemberConstituency {
  return { orgId, ipPrefixes: [], asns: [], domains: [], ...lists };
}

const NATIONAL_TEAMS = new Map([
  ['MY', ['mycert']],
  ['JP', ['jpcert']],
  ['SG', ['singcert']],
  ['GB', ['ncsc-uk']],
]);

function sources(constituencies: MemberConstituency[], extra: Partial<RoutingSources> = {}): RoutingSources {
  return { constituencies, nationalTeams: NATIONAL_TEAMS, ...extra };
}

function teams(decision: RoutingDecision): string[] {
  return decision.candidates.map((candidate) => `${candidate.orgId} ${candidate.source} ${candidate.detail}`);
}

// ------------------------------------------------------------ constituencies

test('the longest member prefix holding the address decides', () => {
  const routing = sources([
    member('wide', { ipPrefixes: ['198.51.100.0/22'] }),
    member('narrow', { ipPrefixes: ['198.51.101.0/24'] }),
  ]);
  const inner = routeObservable({ type: 'ip-dst', value: '198.51.101.7' }, routing);
  assert.deepEqual(inner, {
    candidates: [{ orgId: 'narrow', source: 'constituency-ip', detail: '198.51.101.0/24' }],
    decidedBy: 'constituency-ip',
    countries: [],
    conflicts: false,
  });
  assert.deepEqual(teams(routeObservable({ type: 'ip-src', value: '198.51.102.7' }, routing)), [
    'wide constituency-ip 198.51.100.0/22',
  ]);
  assert.deepEqual(teams(routeObservable({ type: 'ip-dst', value: '198.51.101.0/25' }, routing)), [
    'narrow constituency-ip 198.51.101.0/24',
  ]);
  assert.deepEqual(teams(routeObservable({ type: 'ip-dst', value: '198.51.100.0/23' }, routing)), [
    'wide constituency-ip 198.51.100.0/22',
  ]);
});

test('IPv6 prefixes match the same way', () => {
  const routing = sources([
    member('wide', { ipPrefixes: ['2001:db8::/32'] }),
    member('narrow', { ipPrefixes: ['2001:DB8:1::/48'] }),
  ]);
  assert.deepEqual(teams(routeObservable({ type: 'ip-dst', value: '2001:db8:1::53' }, routing)), [
    'narrow constituency-ip 2001:db8:1::/48',
  ]);
  assert.deepEqual(teams(routeObservable({ type: 'ip-dst', value: '2001:db8:2::53' }, routing)), [
    'wide constituency-ip 2001:db8::/32',
  ]);
});

test('members claiming the same prefix are all returned, as a conflict', () => {
  const decision = routeObservable(
    { type: 'ip-dst', value: '192.0.2.10' },
    sources([member('alpha', { ipPrefixes: ['192.0.2.0/24'] }), member('beta', { ipPrefixes: ['192.0.2.0/24', '192.0.0.0/16'] })]),
  );
  assert.deepEqual(teams(decision), ['alpha constituency-ip 192.0.2.0/24', 'beta constituency-ip 192.0.2.0/24']);
  assert.equal(decision.decidedBy, 'constituency-ip');
  assert.equal(decision.conflicts, true);
});

test('member domains match on label boundaries, the longest suffix first', () => {
  const routing = sources([member('gov', { domains: ['gov.my'] }), member('health', { domains: ['moh.gov.my'] })]);
  const route = (value: string) => teams(routeObservable({ type: 'domain', value }, routing));
  assert.deepEqual(route('a.b.gov.my'), ['gov constituency-domain gov.my', 'mycert cctld ccTLD .my: MY']);
  assert.deepEqual(route('gov.my'), ['gov constituency-domain gov.my', 'mycert cctld ccTLD .my: MY']);
  assert.deepEqual(route('portal.moh.gov.my'), ['health constituency-domain moh.gov.my', 'mycert cctld ccTLD .my: MY']);
  assert.deepEqual(route('evil-gov.my'), ['mycert cctld ccTLD .my: MY']);
  assert.deepEqual(route('gov.my.evil.com'), []);
});

test('AS numbers match exactly', () => {
  const routing = sources([member('carrier', { asns: ['AS64500'] })]);
  assert.deepEqual(teams(routeObservable({ type: 'AS', value: 'AS64500' }, routing)), ['carrier constituency-asn AS64500']);
  assert.deepEqual(teams(routeObservable({ type: 'AS', value: '64501' }, routing)), []);
});

test('an address is also routed by the AS announcing it, when that is known', () => {
  const routing = sources([member('carrier', { asns: ['64500'] })], {
    asnOfIp: (ip) => (ip === '192.0.2.7' ? 64500 : undefined),
  });
  assert.deepEqual(teams(routeObservable({ type: 'ip-dst', value: '192.0.2.7' }, routing)), [
    'carrier constituency-asn AS64500',
  ]);
});

// ------------------------------------------------------- registries and ccTLDs

test('without a member match, the country of registration names the national team', () => {
  const decision = routeObservable({ type: 'ip-dst', value: '203.0.113.9' }, sources([], { rir: rirTable() }));
  assert.deepEqual(decision, {
    candidates: [{ orgId: 'mycert', source: 'rir-ip', detail: 'RIR apnic: MY' }],
    decidedBy: 'rir-ip',
    countries: ['MY'],
    conflicts: false,
  });
  assert.deepEqual(teams(routeObservable({ type: 'AS', value: 'AS64510' }, sources([], { rir: rirTable() }))), [
    'singcert rir-asn RIR apnic: AS64510 SG',
  ]);
});

test('an address registered in one country and announced from an AS of another goes to both', () => {
  const decision = routeObservable(
    { type: 'ip-dst', value: '203.0.113.9' },
    sources([], { rir: rirTable(), asnOfIp: () => 64510 }),
  );
  assert.deepEqual(teams(decision), ['mycert rir-ip RIR apnic: MY', 'singcert rir-asn RIR apnic: AS64510 SG']);
  assert.deepEqual(decision.countries, ['MY', 'SG']);
  assert.equal(decision.conflicts, true);
});

test('without a member match, a ccTLD names its national team', () => {
  const decision = routeObservable({ type: 'hostname', value: 'shop.example.co.uk' }, sources([]));
  assert.deepEqual(decision, {
    candidates: [{ orgId: 'ncsc-uk', source: 'cctld', detail: 'ccTLD .uk: GB' }],
    decidedBy: 'cctld',
    countries: ['GB'],
    conflicts: false,
  });
});

test('a member match decides, and a national team of another country is reported beside it', () => {
  const routing = sources([member('telco', { ipPrefixes: ['198.51.100.0/24'] })], { rir: rirTable() });
  const decision = routeObservable({ type: 'ip-dst', value: '198.51.100.1' }, routing);
  assert.deepEqual(teams(decision), ['telco constituency-ip 198.51.100.0/24', 'jpcert rir-ip RIR apnic: JP']);
  assert.equal(decision.decidedBy, 'constituency-ip');
  assert.deepEqual(decision.countries, ['JP']);
  assert.equal(decision.conflicts, true);
});

test('when every source names the same team there is no conflict', () => {
  const routing = sources([member('mycert', { ipPrefixes: ['203.0.113.0/24'] })], { rir: rirTable() });
  const decision = routeObservable({ type: 'ip-dst', value: '203.0.113.1' }, routing);
  assert.deepEqual(teams(decision), ['mycert constituency-ip 203.0.113.0/24']);
  assert.deepEqual(decision.countries, ['MY']);
  assert.equal(decision.conflicts, false);
});

test('a country with two national teams gives both', () => {
  const routing = sources([], { nationalTeams: new Map([['MY', ['mycert', 'nacsa']]]) });
  const decision = routeObservable({ type: 'domain', value: 'example.my' }, routing);
  assert.deepEqual(teams(decision), ['mycert cctld ccTLD .my: MY', 'nacsa cctld ccTLD .my: MY']);
  assert.equal(decision.conflicts, true);
});

test('a country the report names is the last resort', () => {
  const decision = routeObservable({ type: 'domain', value: 'example.com', country: 'jp' }, sources([]));
  assert.deepEqual(teams(decision), ['jpcert country reported country: JP']);
  assert.throws(() => routeObservable({ type: 'domain', value: 'example.com', country: 'UK' }, sources([])), {
    name: 'Invalid',
    field: 'country',
  });
});

test('when nothing matches, the decision says why', () => {
  assert.deepEqual(routeObservable({ type: 'domain', value: 'example.com' }, sources([], { rir: rirTable() })), {
    candidates: [],
    decidedBy: null,
    countries: [],
    conflicts: false,
    reason: 'no constituency, registry or ccTLD match',
  });
  const australian = routeObservable({ type: 'ip-dst', value: '2001:db8::1' }, sources([], { rir: rirTable() }));
  assert.deepEqual(australian.countries, ['AU']);
  assert.equal(australian.reason, 'no national team in the directory for AU');
});

// ------------------------------------------------------------ observable types

test('URLs route by their host, domain or address', () => {
  const routing = sources([member('gov', { domains: ['gov.my'], ipPrefixes: ['192.0.2.0/24', '2001:db8::/32'] })]);
  const route = (value: string) => teams(routeObservable({ type: 'url', value }, routing))[0];
  assert.equal(route('https://user@portal.gov.my:8443/login?next=/'), 'gov constituency-domain gov.my');
  assert.equal(route('hxxp://portal[.]gov[.]my/x'), 'gov constituency-domain gov.my');
  assert.equal(route('http://192.0.2.15/payload.exe'), 'gov constituency-ip 192.0.2.0/24');
  assert.equal(route('http://[2001:db8::15]:8080/'), 'gov constituency-ip 2001:db8::/32');
});

test('e-mail addresses route by their domain', () => {
  const routing = sources([member('gov', { domains: ['gov.my'] })]);
  for (const type of ['email', 'email-src', 'email-dst'] as const) {
    assert.deepEqual(teams(routeObservable({ type, value: 'Finance@Treasury.GOV.my' }, routing)), [
      'gov constituency-domain gov.my',
      'mycert cctld ccTLD .my: MY',
    ]);
  }
});

test('composite values route by their address or host', () => {
  const routing = sources([member('isp', { ipPrefixes: ['192.0.2.0/24'] }), member('gov', { domains: ['gov.my'] })]);
  assert.deepEqual(teams(routeObservable({ type: 'ip-dst|port', value: '192.0.2.1|443' }, routing)), [
    'isp constituency-ip 192.0.2.0/24',
  ]);
  assert.deepEqual(teams(routeObservable({ type: 'hostname|port', value: 'c2.gov.my|8443' }, routing))[0], 'gov constituency-domain gov.my');
  assert.deepEqual(teams(routeObservable({ type: 'domain|ip', value: 'www.gov.my|192.0.2.80' }, routing)), [
    'isp constituency-ip 192.0.2.0/24',
    'gov constituency-domain gov.my',
    'mycert cctld ccTLD .my: MY',
  ]);
});

test('values without a network location have no candidates and a reason', () => {
  const decision = routeObservable({ type: 'sha256', value: 'a'.repeat(64) }, sources([]));
  assert.deepEqual(decision, {
    candidates: [],
    decidedBy: null,
    countries: [],
    conflicts: false,
    reason: 'sha256 values name no address, domain or AS number',
  });
});

test('invalid values and constituency entries are refused', () => {
  assert.throws(() => routeObservable({ type: 'ip-dst', value: 'not-an-ip' }, sources([])), { name: 'Invalid', field: 'value' });
  assert.throws(() => compileRouting(sources([member('x', { ipPrefixes: ['192.0.2.1/24'] })])), {
    name: 'Invalid',
    field: 'constituencies[0].ipPrefixes[0]',
  });
});

test('routeMany routes each observable with one compiled index', () => {
  const observables: Observable[] = [
    { type: 'ip-dst', value: '198.51.100.1' },
    { type: 'domain', value: 'example.co.uk' },
    { type: 'md5', value: 'd41d8cd98f00b204e9800998ecf8427e' },
  ];
  const decisions = routeMany(observables, sources([member('telco', { ipPrefixes: ['198.51.100.0/24'] })]));
  assert.deepEqual(
    decisions.map((decision) => decision.decidedBy),
    ['constituency-ip', 'cctld', null],
  );
});

// ---------------------------------------------------------------- properties

interface Claim {
  network: number;
  length: number;
  orgId: string;
}

const BASE = 10 << 24;

// Prefixes inside 10.0.0.0/16 (or 2001:db8::/32 for IPv6) so that random addresses often hit them.
const claimArbitrary = fc.record({
  network: fc.integer({ min: 0, max: 0xffff }),
  length: fc.integer({ min: 16, max: 32 }),
  orgId: fc.constantFrom('team-a', 'team-b', 'team-c', 'team-d'),
});

function masked(value: number, length: number): number {
  return length === 0 ? 0 : (value & (~0 << (32 - length))) >>> 0;
}

function ipv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 0xff).join('.');
}

// The same 32 bits placed after 2001:db8::/32.
function ipv6(value: number): string {
  return `2001:db8:${(value >>> 16).toString(16)}:${(value & 0xffff).toString(16)}::`;
}

function prefixText(claim: Claim, family: 4 | 6): string {
  const network = masked(BASE | claim.network, claim.length);
  return family === 4 ? `${ipv4(network)}/${claim.length}` : `${ipv6(network)}/${claim.length + 32}`;
}

function bruteForce(claims: Claim[], address: number): string[] {
  const holding = claims.filter((claim) => masked(BASE | claim.network, claim.length) === masked(address, claim.length));
  const longest = Math.max(...holding.map((claim) => claim.length));
  return [...new Set(holding.filter((claim) => claim.length === longest).map((claim) => claim.orgId))].sort();
}

function routedTeams(claims: Claim[], address: number, family: 4 | 6): string[] {
  const constituencies = claims.map((claim) => member(claim.orgId, { ipPrefixes: [prefixText(claim, family)] }));
  const value = family === 4 ? ipv4(address) : `${ipv6(address)}1`;
  const decision = compileRouting(sources(constituencies)).route({ type: 'ip-dst', value });
  assert.ok(decision.candidates.every((candidate) => candidate.source === 'constituency-ip'));
  return decision.candidates.map((candidate) => candidate.orgId).sort();
}

function withoutOverlaps(claims: Claim[]): Claim[] {
  const kept: Claim[] = [];
  for (const claim of claims) {
    const overlaps = kept.some((other) => {
      const shorter = Math.min(claim.length, other.length);
      return masked(BASE | claim.network, shorter) === masked(BASE | other.network, shorter);
    });
    if (!overlaps) kept.push(claim);
  }
  return kept;
}

const addressArbitrary = fc.integer({ min: 0, max: 0xffff }).map((low) => (BASE | low) >>> 0);

test('property: for non-overlapping member prefixes the router agrees with a brute-force search', () => {
  fc.assert(
    fc.property(fc.array(claimArbitrary, { maxLength: 30 }).map(withoutOverlaps), addressArbitrary, (claims, address) => {
      assert.deepEqual(routedTeams(claims, address, 4), bruteForce(claims, address));
    }),
  );
});

test('property: with nested and repeated prefixes the longest match still agrees, IPv4 and IPv6', () => {
  fc.assert(
    fc.property(
      fc.array(claimArbitrary, { maxLength: 30 }),
      addressArbitrary,
      fc.constantFrom(4 as const, 6 as const),
      (claims, address, family) => {
        assert.deepEqual(routedTeams(claims, address, family), bruteForce(claims, address));
      },
    ),
  );
});
